/*
 * SOQL over the REST and Tooling query endpoints of the default org, through a real @salesforce/core Connection.
 * The clock is fixed so that date literals (TODAY, LAST_N_DAYS:n, ...) select known rows.
 */
import { expect } from 'chai';
import { Org, type Connection } from '@salesforce/core';
import { useEmulator } from '../../helpers/emulator.js';
import { coreConnection } from '../../helpers/core.js';
import { fixedClock, NOW, DAY, rawGet, rawQuery, rejection } from './helpers.js';

type Rec = Record<string, unknown>;

const ADMIN = 'admin@acme.example.com.uat';
const OPS = 'ops@acme.example.com.uat';

describe('REST query: objects and relationships', () => {
  const emu = useEmulator(() => ({ clock: fixedClock }));
  let conn: Connection;
  beforeEach(async () => {
    conn = await coreConnection(emu());
  });

  it('answers the Organization query of Org.create and reports the org as a sandbox, not a Dev Hub', async () => {
    const org = await Org.create({ connection: conn });
    expect(await org.determineIfSandbox()).to.equal(true);
    const info = await org.retrieveOrganizationInformation();
    expect(info).to.include({
      Name: 'Acme Corporation (UAT sandbox)',
      InstanceName: 'CS999',
      IsSandbox: true,
      TrialExpirationDate: null,
      NamespacePrefix: null,
      OrganizationType: 'Enterprise Edition',
    });
    const started = Date.now();
    expect(await org.determineIfDevHubOrg(true)).to.equal(false);
    expect(Date.now() - started, 'a 4xx is not retried').to.be.lessThan(2000);
  });

  it('answers ScratchOrgInfo with a 400 INVALID_TYPE, as a non-Dev-Hub org does', async () => {
    const res = await rawQuery(emu(), 'SELECT Id FROM ScratchOrgInfo limit 1');
    expect(res.status).to.equal(400);
    const [error] = res.body as Array<{ errorCode: string; message: string }>;
    expect(error.errorCode).to.equal('INVALID_TYPE');
    expect(error.message).to.match(/^sObject type 'ScratchOrgInfo' is not supported\./);
  });

  it('reads names case-insensitively and answers in Salesforce casing, with nested relationship records', async () => {
    const result = await conn.query<Rec>(
      `select username, profile.name, ISACTIVE from user where username = '${ADMIN.toUpperCase()}'`,
    );
    expect(result.totalSize).to.equal(1);
    const [user] = result.records;
    expect(user.attributes).to.deep.equal({
      type: 'User',
      url: `/services/data/v66.0/sobjects/User/${emu().store.adminUser().id}`,
    });
    expect(user.Username).to.equal(ADMIN);
    expect(user.IsActive).to.equal(true);
    expect(user.Profile).to.deep.include({ Name: 'System Administrator' });
    expect((user.Profile as Rec).attributes).to.have.property('type', 'Profile');
  });

  it('joins OauthToken to User and returns null for a lookup that points nowhere', async () => {
    const result = await conn.query<Rec>(
      "SELECT AppName, User.Username, User.Name, AppMenuItem.Label FROM OauthToken WHERE AppName IN ('Zapier', 'Acme Mobile') ORDER BY AppName",
    );
    expect(result.records.map((r) => r.AppName)).to.deep.equal(['Acme Mobile', 'Zapier']);
    const [mobile, zapier] = result.records;
    expect(mobile.User).to.deep.include({ Username: OPS, Name: 'Omar Ops' });
    expect(mobile.AppMenuItem).to.deep.include({ Label: 'Acme Mobile' });
    expect(zapier.AppMenuItem, 'Zapier is not in the metadata').to.equal(null);
  });

  it('serves ConnectedApplication rows from ConnectedApp components, installed ones included', async () => {
    const result = await conn.query<Rec>(
      'SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly, OptionsRefreshTokenValidityMetric, RefreshTokenValidityPeriod, CreatedDate, LastModifiedDate FROM ConnectedApplication ORDER BY Name',
    );
    expect(result.totalSize).to.equal(8);
    const byName = new Map(result.records.map((r) => [r.Name, r]));
    expect(byName.get('Ops Dashboard (local dev)')).to.include({
      OptionsAllowAdminApprovedUsersOnly: true,
      OptionsRefreshTokenValidityMetric: true,
      RefreshTokenValidityPeriod: 30,
    });
    expect(byName.get('Acme Mobile')).to.include({
      OptionsAllowAdminApprovedUsersOnly: false,
      RefreshTokenValidityPeriod: null,
    });
    expect(byName.has('Marketing Cloud Connector'), 'the managed mcconn__ app').to.equal(true);
    expect(String(result.records[0].Id)).to.match(/^0H4\w{15}$/);
  });

  it('serves ExternalClientApplication with namespace and distribution state, on REST and Tooling', async () => {
    const soql =
      'SELECT DeveloperName, MasterLabel, NamespacePrefix, DistributionState FROM ExternalClientApplication WHERE NamespacePrefix != null';
    for (const result of [await conn.query<Rec>(soql), await conn.tooling.query<Rec>(soql)]) {
      expect(result.records).to.have.length(1);
      expect(result.records[0]).to.include({
        DeveloperName: 'Partner_Analytics',
        MasterLabel: 'Partner Analytics',
        NamespacePrefix: 'ptnrx',
        DistributionState: 'Managed',
      });
    }
    const old = await rawGet(
      emu(),
      `/services/data/v58.0/query?q=${encodeURIComponent('SELECT Id FROM ExternalClientApplication')}`,
    );
    expect(old.status).to.equal(400);
    expect((old.body as Rec[])[0].errorCode, 'ECAs need API 59.0').to.equal('INVALID_TYPE');
  });

  it('lists installed packages with their publisher through the Tooling API', async () => {
    const result = await conn.tooling.query<Rec>(
      'SELECT Id, SubscriberPackageId, SubscriberPackage.Name, SubscriberPackage.NamespacePrefix, SubscriberPackageVersion.Name, SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion, SubscriberPackageVersion.PatchVersion, SubscriberPackageVersion.BuildNumber, SubscriberPackageVersion.PublisherName FROM InstalledSubscriberPackage ORDER BY SubscriberPackageId',
    );
    expect(result.totalSize).to.equal(3);
    const mcconn = result.records.find((r) => (r.SubscriberPackage as Rec).NamespacePrefix === 'mcconn') as Rec;
    expect(mcconn.SubscriberPackage).to.deep.include({ Name: 'Marketing Cloud Connector' });
    expect(mcconn.SubscriberPackageVersion).to.deep.include({
      Name: 'Summer Release',
      MajorVersion: 4,
      MinorVersion: 12,
      PatchVersion: 0,
      BuildNumber: 3,
      PublisherName: 'Northwind Software',
    });
    expect((mcconn.SubscriberPackageVersion as Rec).attributes)
      .to.have.property('url')
      .that.match(/^\/services\/data\/v66\.0\/tooling\/sobjects\/SubscriberPackageVersion\/04t/);
    expect((await rawQuery(emu(), 'SELECT Id FROM InstalledSubscriberPackage')).status, 'Tooling only').to.equal(400);
  });

  it('answers Profile, PermissionSet and PermissionSetAssignment', async () => {
    const assignments = await conn.query<Rec>(
      "SELECT Assignee.Username, PermissionSet.Name FROM PermissionSetAssignment WHERE PermissionSet.Name = 'Integration_Access'",
    );
    expect(assignments.records).to.have.length(1);
    expect(assignments.records[0].Assignee).to.deep.include({ Username: 'integration@acme.example.com.uat' });
    const profiles = await conn.query<Rec>("SELECT Name FROM Profile WHERE Name LIKE '%Community%'");
    expect(profiles.records.map((r) => r.Name)).to.deep.equal(['Partner Community User']);
  });

  it('shows a user without Customize Application only their own OauthToken rows', async () => {
    const opsConn = await coreConnection(emu(), OPS);
    const result = await opsConn.query<Rec>('SELECT AppName, User.Username FROM OauthToken');
    expect(result.totalSize).to.equal(4);
    expect(result.records.every((r) => (r.User as Rec).Username === OPS)).to.equal(true);
  });

  it('never returns a token value from OauthToken', async () => {
    const cli = emu().authorizeCli();
    const soql = 'SELECT FIELDS(ALL) FROM OauthToken LIMIT 200';
    const result = await conn.query<Rec>(soql);
    expect(result.totalSize).to.equal(12);
    // DeleteToken only revokes (test/emulator/rest/oauth-token.test.ts); it is no access or refresh token.
    for (const r of result.records) expect(r).to.include({ AccessToken: null, RequestToken: null });
    const all = JSON.stringify([result, await conn.query(soql, { scanAll: true }), (await rawQuery(emu(), soql)).body]);
    expect(all).to.not.include(cli.refreshToken);
    expect(all).to.not.include(cli.accessToken);
    expect(all).to.not.include(cli.refreshToken.slice(0, 20));
  });

  it('serves describe, a record and limits', async () => {
    const describe = await conn.describe('OauthToken');
    expect(describe.name).to.equal('OauthToken');
    expect(describe.queryable).to.equal(true);
    const names = describe.fields.map((f) => f.name);
    expect(names).to.include.members([
      'Id',
      'AccessToken',
      'AppMenuItemId',
      'AppName',
      'CreatedDate',
      'DeleteToken',
      'LastUsedDate',
      'RequestToken',
      'UseCount',
      'UserId',
    ]);
    expect(describe.fields.find((f) => f.name === 'UserId')).to.include({
      type: 'reference',
      relationshipName: 'User',
    });
    const tooling = await conn.tooling.describe('InstalledSubscriberPackage');
    expect(tooling.fields.map((f) => f.name)).to.include('SubscriberPackageVersionId');
    const user = await conn.sobject('User').retrieve(emu().store.adminUser().id);
    expect(user).to.include({ Username: ADMIN });
    const limits =
      await conn.request<Record<string, { Max: number; Remaining: number }>>('/services/data/v66.0/limits');
    expect(limits.DailyApiRequests.Max).to.be.greaterThan(0);
    expect(limits.DailyApiRequests.Remaining).to.be.lessThan(limits.DailyApiRequests.Max);
    expect((await rawGet(emu(), '/services/data/v66.0/sobjects/User/005000000000099AAA')).status).to.equal(404);
  });

  it('counts query calls for benchmarks', async () => {
    const before = emu().stats.byKind['rest:query'] ?? 0;
    await conn.query('SELECT Id FROM User');
    await conn.tooling.query('SELECT Id FROM InstalledSubscriberPackage');
    expect(emu().stats.byKind['rest:query']).to.equal(before + 1);
    expect(emu().stats.byKind['rest:tooling:query']).to.equal(1);
  });

  it('answers a bad token with 401 INVALID_SESSION_ID', async () => {
    const res = await rawGet(
      emu(),
      `/services/data/v66.0/query?q=${encodeURIComponent('SELECT Id FROM User')}`,
      '00D000000000001!bogus',
    );
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.equal([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
  });
});

describe('REST query: WHERE, ORDER BY, LIMIT and OFFSET', () => {
  const emu = useEmulator(() => ({ clock: fixedClock }));
  let conn: Connection;
  beforeEach(async () => {
    conn = await coreConnection(emu());
  });
  const apps = async (where: string, order = 'AppName, UserId'): Promise<string[]> =>
    (await conn.query<Rec>(`SELECT AppName FROM OauthToken WHERE ${where} ORDER BY ${order}`)).records.map((r) =>
      String(r.AppName),
    );
  const count = async (where: string): Promise<number> =>
    (await conn.query(`SELECT COUNT() FROM OauthToken WHERE ${where}`)).totalSize;

  it('compares numbers with = != < <= > >=', async () => {
    expect(await apps('UseCount = 77')).to.deep.equal(['Support Console']);
    expect(await count('UseCount != 77')).to.equal(10);
    expect(await count('UseCount > 1000')).to.equal(4);
    expect(await count('UseCount >= 880')).to.equal(5);
    expect(await apps('UseCount < 52')).to.deep.equal(['Tableau Desktop']);
    expect(await count('UseCount <= 52')).to.equal(2);
  });

  it('filters with IN, NOT IN and LIKE (case-insensitive, % and _)', async () => {
    expect(await apps("AppName IN ('Zapier', 'tableau desktop')")).to.deep.equal(['Tableau Desktop', 'Zapier']);
    expect(await count("AppName NOT IN ('Zapier', 'Tableau Desktop')")).to.equal(9);
    expect(await count("AppName LIKE 'partner%'")).to.equal(3);
    expect(await apps("AppName LIKE '%Portal%'")).to.deep.equal([
      'Partner Portal Sync',
      'Partner Portal Sync',
      'Reporting Portal',
    ]);
    expect(await apps("AppName LIKE 'Za_ier'")).to.deep.equal(['Zapier']);
  });

  it('combines AND, OR and NOT with parentheses, and rejects AND mixed with OR', async () => {
    expect(await apps("(AppName = 'Zapier' OR AppName = 'Tableau Desktop') AND UseCount > 100")).to.deep.equal([
      'Zapier',
    ]);
    expect(await count('NOT (UseCount > 100)')).to.equal(3);
    expect(await count("NOT AppName = 'Zapier' AND UseCount > 1000")).to.equal(3);
    expect(await count("((AppName = 'Zapier') OR (UseCount < 20 AND UseCount > 10))")).to.equal(2);
    const error = await rejection(
      conn.query("SELECT Id FROM OauthToken WHERE AppName = 'Zapier' OR UseCount > 1 AND UseCount < 5"),
    );
    expect(error.errorCode).to.equal('MALFORMED_QUERY');
  });

  it('handles null, booleans, ids and semi-joins', async () => {
    expect(await apps('AppMenuItemId = null')).to.deep.equal(['Tableau Desktop', 'Zapier']);
    expect(await count('AppMenuItemId != null')).to.equal(9);
    const inactive = await conn.query<Rec>('SELECT Username FROM User WHERE IsActive = false');
    expect(inactive.records.map((r) => r.Username)).to.deep.equal(['former.employee@acme.example.com.uat']);
    const admin = emu().store.adminUser().id;
    expect(await count(`UserId = '${admin.slice(0, 15)}'`), '15-character ids match').to.equal(5);
    expect(await count(`User.Username = '${OPS}'`)).to.equal(4);
    const semi = await conn.query<Rec>(
      "SELECT Username FROM User WHERE Id IN (SELECT UserId FROM OauthToken WHERE AppName = 'Zapier')",
    );
    expect(semi.records.map((r) => r.Username)).to.deep.equal([OPS]);
    expect((await rejection(conn.query("SELECT Id FROM User WHERE Id = 'nope'"))).errorCode).to.equal(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
  });

  it('compares datetimes with datetime and date literals', async () => {
    expect(await count('LastUsedDate > 2026-06-10T00:00:00Z')).to.equal(6);
    expect(await count('LastUsedDate > 2026-06-10T00:00:00+02:00')).to.equal(6);
    expect(await apps('LastUsedDate = YESTERDAY')).to.deep.equal(['Acme Mobile', 'Billing Integration']);
    expect(await count('LastUsedDate = TODAY')).to.equal(0);
    expect(await count('LastUsedDate = LAST_N_DAYS:3')).to.equal(4);
    expect(await count('LastUsedDate < LAST_N_DAYS:30')).to.equal(4);
    expect(await apps('CreatedDate = N_DAYS_AGO:30')).to.deep.equal(['Reporting Portal']);
    expect(await count('LastUsedDate = THIS_MONTH')).to.equal(7);
    // Created 700, 800 and 900 days before 2026-06-17: all before 2025-01-01.
    expect(await count('CreatedDate < LAST_YEAR')).to.equal(3);
    expect(await count('CreatedDate = LAST_N_YEARS:1'), 'created 200 to 500 days ago').to.equal(4);
    const error = await rejection(conn.query('SELECT Id FROM OauthToken WHERE LastUsedDate > 2026-06-10'));
    expect(error.errorCode).to.equal('INVALID_FIELD');
    expect(error.message).to.include('must be of type dateTime');
  });

  it('orders by several fields, directions and NULLS FIRST/LAST, then applies OFFSET and LIMIT', async () => {
    const ordered = await conn.query<Rec>(
      `SELECT UseCount FROM OauthToken WHERE User.Username = '${ADMIN}' ORDER BY User.Username, UseCount DESC`,
    );
    expect(ordered.records.map((r) => r.UseCount)).to.deep.equal([310, 260, 77, 52, 14]);
    const nullsFirst = await apps('UseCount > 0', 'AppMenuItemId, AppName');
    expect(nullsFirst.slice(0, 2)).to.deep.equal(['Tableau Desktop', 'Zapier']);
    const nullsLast = await apps('UseCount > 0', 'AppMenuItemId NULLS LAST, AppName');
    expect(nullsLast.slice(-2)).to.deep.equal(['Tableau Desktop', 'Zapier']);
    const descNullsFirst = await apps('UseCount > 0', 'AppMenuItemId DESC NULLS FIRST, AppName');
    expect(descNullsFirst.slice(0, 2)).to.deep.equal(['Tableau Desktop', 'Zapier']);
    const page = await conn.query<Rec>('SELECT UseCount FROM OauthToken ORDER BY UseCount DESC LIMIT 2 OFFSET 1');
    expect(page.totalSize).to.equal(2);
    expect(page.records.map((r) => r.UseCount)).to.deep.equal([14_200, 9100]);
    expect(await count('UseCount > 0 LIMIT 3')).to.equal(3);
  });
});

describe('REST query: aggregates', () => {
  // The aggregate engine, shown on OauthToken's rows; a real org refuses them there by default (see oauth-token.test.ts).
  const emu = useEmulator(() => ({
    clock: fixedClock,
    behaviours: { oauthTokenId: 'id', oauthTokenAggregates: 'supported' },
  }));
  let conn: Connection;
  beforeEach(async () => {
    conn = await coreConnection(emu());
  });

  it('gives COUNT() as totalSize without records', async () => {
    const result = await conn.query('SELECT COUNT() FROM OauthToken');
    expect(result.totalSize).to.equal(11);
    expect(result.records).to.deep.equal([]);
  });

  it('computes COUNT, COUNT_DISTINCT, MIN, MAX and SUM as expr0... AggregateResult fields', async () => {
    const result = await conn.query<Rec>(
      'SELECT COUNT(Id), COUNT(AppMenuItemId), COUNT_DISTINCT(UserId), MAX(UseCount), MIN(LastUsedDate), SUM(UseCount) total FROM OauthToken',
    );
    expect(result.records).to.have.length(1);
    expect(result.records[0]).to.deep.equal({
      attributes: { type: 'AggregateResult' },
      expr0: 11,
      expr1: 9,
      expr2: 3,
      expr3: 40_000,
      expr4: new Date(NOW - 200 * DAY).toISOString(),
      total: 68_313,
    });
    const empty = await conn.query<Rec>("SELECT COUNT(Id), MAX(UseCount) FROM OauthToken WHERE AppName = 'none'");
    expect(empty.records[0]).to.include({ expr0: 0, expr1: null });
  });

  it('groups by one or more fields, relationship fields included, with HAVING and ORDER BY an aggregate', async () => {
    const byUser = await conn.query<Rec>(
      'SELECT User.Username, COUNT(Id) n, MAX(LastUsedDate) lastUsed FROM OauthToken GROUP BY User.Username ORDER BY User.Username',
    );
    expect(byUser.records.map((r) => [r.Username, r.n])).to.deep.equal([
      [ADMIN, 5],
      ['integration@acme.example.com.uat', 2],
      [OPS, 4],
    ]);
    const two = await conn.query<Rec>(
      "SELECT AppName, UserId, SUM(UseCount) FROM OauthToken WHERE AppName LIKE 'Partner Portal%' GROUP BY AppName, UserId ORDER BY SUM(UseCount) DESC",
    );
    expect(two.records.map((r) => r.expr0)).to.deep.equal([14_200, 310]);
    const having = await conn.query<Rec>(
      'SELECT AppName, COUNT(Id) FROM OauthToken GROUP BY AppName HAVING COUNT(Id) > 1',
    );
    expect(having.records).to.deep.equal([
      { attributes: { type: 'AggregateResult' }, AppName: 'Partner Portal Sync', expr0: 2 },
    ]);
    const top = await conn.query<Rec>(
      'SELECT AppName, SUM(UseCount) uses FROM OauthToken GROUP BY AppName ORDER BY SUM(UseCount) DESC LIMIT 1',
    );
    expect(top.records[0]).to.include({ AppName: 'Marketing Cloud Connector', uses: 40_000 });
  });

  it('rejects a field that is neither grouped nor aggregated, and SUM on text', async () => {
    expect((await rejection(conn.query('SELECT AppName, COUNT(Id) FROM OauthToken'))).errorCode).to.equal(
      'MALFORMED_QUERY',
    );
    expect((await rejection(conn.query('SELECT SUM(AppName) FROM OauthToken'))).errorCode).to.equal('INVALID_FIELD');
  });
});

describe('REST query: errors', () => {
  const emu = useEmulator(() => ({ clock: fixedClock }));

  const cases: Array<[string, string, boolean?]> = [
    ['SELECT FROM User', 'MALFORMED_QUERY'],
    ['SELECT Id FROM User WHERE', 'MALFORMED_QUERY'],
    ['SELECT Id, Id FROM User', 'MALFORMED_QUERY'],
    ['SELECT Id FROM User OFFSET 2001', 'NUMBER_OUTSIDE_VALID_RANGE'],
    ['SELECT Id FROM Widget__c', 'INVALID_TYPE'],
    ['SELECT Id, (SELECT Id FROM Tokens) FROM User', 'INVALID_TYPE'],
    ['SELECT Nope FROM User', 'INVALID_FIELD'],
    ['SELECT Owner.Name FROM OauthToken', 'INVALID_FIELD'],
    ["SELECT Id FROM User WHERE IsActive = 'true'", 'INVALID_FIELD'],
    ['SELECT Id FROM User WHERE Username = 5', 'INVALID_FIELD'],
    ['SELECT Id FROM ConnectedApplication', 'INVALID_TYPE', true],
  ];
  for (const [soql, code, tooling] of cases) {
    it(`answers ${code} with HTTP 400 for: ${soql}${tooling ? ' (Tooling)' : ''}`, async () => {
      const res = await rawQuery(emu(), soql, tooling);
      expect(res.status).to.equal(400);
      const body = res.body as Array<{ errorCode: string; message: string }>;
      expect(body).to.have.length(1);
      expect(body[0].errorCode).to.equal(code);
      expect(body[0].message).to.be.a('string').and.not.equal('');
    });
  }

  it("words INVALID_FIELD as Salesforce does and reaches jsforce as the error's name", async () => {
    const conn = await coreConnection(emu());
    const error = await rejection(conn.query('SELECT Nope FROM User'));
    expect(error.errorCode).to.equal('INVALID_FIELD');
    expect(error.message).to.equal(
      "No such column 'Nope' on entity 'User'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    const relationship = await rejection(conn.query('SELECT User.Nope FROM OauthToken'));
    expect(relationship.message).to.match(/^No such column 'Nope' on entity 'User'\./);
  });

  it('answers an unknown query locator with INVALID_QUERY_LOCATOR', async () => {
    const conn = await coreConnection(emu());
    const error = await rejection(conn.queryMore('01g000000000099AAA-2000'));
    expect(error.errorCode).to.equal('INVALID_QUERY_LOCATOR');
    expect((await rawGet(emu(), '/services/data/v66.0/query/garbage')).status).to.equal(400);
  });

  it('answers an unknown API version with 404', async () => {
    expect((await rawGet(emu(), '/services/data/v99.0/query?q=SELECT+Id+FROM+User')).status).to.equal(404);
  });
});
