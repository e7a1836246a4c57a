/*
 * Paging over large results: query locators, nextRecordsUrl, queryMore and autoFetch through a real
 * @salesforce/core Connection, batch sizes, and OauthToken's 500-row query() and 2,500-row total caps.
 */
import { expect } from 'chai';
import type { Connection } from '@salesforce/core';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import type { OrgSeed, SeedApp, SeedToken } from '../../../src/emulator/seed/types.js';
import { useEmulator } from '../../helpers/emulator.js';
import { coreConnection } from '../../helpers/core.js';
import { fixedClock, rawGet, rejection } from './helpers.js';

type Rec = Record<string, unknown>;

const EXTRA_APPS = 2200;
const EXTRA_TOKENS = 3000;
const USERS = ['admin@acme.example.com.uat', 'ops@acme.example.com.uat', 'integration@acme.example.com.uat'];

function bigSeed(): OrgSeed {
  const apps: SeedApp[] = [];
  for (let i = 1; i <= EXTRA_APPS; i++) {
    const n = String(i).padStart(4, '0');
    apps.push({
      kind: 'ConnectedApp',
      name: `Bulk_App_${n}`,
      metadata: {
        contactEmail: 'bulk@example.com',
        label: `Bulk App ${n}`,
        oauthConfig: { callbackUrl: `https://bulk${n}.example.com/cb`, scopes: ['Api', 'RefreshToken'] },
      },
    });
  }
  const tokens: SeedToken[] = [];
  for (let i = 0; i < EXTRA_TOKENS; i++) {
    tokens.push({
      app: `Bulk App ${String((i % EXTRA_APPS) + 1).padStart(4, '0')}`,
      username: USERS[i % 3],
      createdDaysAgo: 100 + (i % 50),
      lastUsedDaysAgo: i % 90,
      useCount: i,
    });
  }
  return {
    ...DEFAULT_SEED,
    apps: [...DEFAULT_SEED.apps, ...apps],
    oauthTokens: [...(DEFAULT_SEED.oauthTokens ?? []), ...tokens],
  };
}

const TOTAL_TOKENS = EXTRA_TOKENS + (DEFAULT_SEED.oauthTokens ?? []).length;
const TOTAL_APPS = EXTRA_APPS + 8;

describe('REST query paging', () => {
  const seed = bigSeed();
  // Ids and aggregates on OauthToken make the caps countable here; the defaults (null Ids, aggregates refused) are
  // pinned in 'REST query: OauthToken as Salesforce documents it'.
  const emu = useEmulator(() => ({
    seed,
    clock: fixedClock,
    behaviours: { oauthTokenId: 'id', oauthTokenAggregates: 'supported' },
  }));
  let conn: Connection;
  beforeEach(async () => {
    conn = await coreConnection(emu());
  });

  it('returns 2,000 records a batch with a nextRecordsUrl, and queryMore returns the rest', async () => {
    const first = await conn.query<Rec>('SELECT Id, Name FROM ConnectedApplication ORDER BY Name');
    expect(first.totalSize).to.equal(TOTAL_APPS);
    expect(first.done).to.equal(false);
    expect(first.records).to.have.length(2000);
    expect(first.nextRecordsUrl, 'jsforce makes it absolute').to.match(
      /\/services\/data\/v66\.0\/query\/01g\w{15}-2000$/,
    );
    const raw = await rawGet(
      emu(),
      `/services/data/v66.0/query?q=${encodeURIComponent('SELECT Id FROM ConnectedApplication')}`,
    );
    expect((raw.body as Rec).nextRecordsUrl).to.match(/^\/services\/data\/v66\.0\/query\/01g\w{15}-2000$/);
    const more = await conn.queryMore<Rec>(first.nextRecordsUrl as string);
    expect(more.done).to.equal(true);
    expect(more.nextRecordsUrl).to.equal(undefined);
    expect(more.records).to.have.length(TOTAL_APPS - 2000);
    const names = [...first.records, ...more.records].map((r) => String(r.Name));
    expect(new Set(names).size).to.equal(TOTAL_APPS);
    expect(names[0]).to.equal('Acme Mobile');
  });

  it('honours Sforce-Query-Options batchSize between 200 and 2,000', async () => {
    const sized = await conn.query<Rec>('SELECT Id FROM ConnectedApplication', {
      headers: { 'Sforce-Query-Options': 'batchSize=500' },
    });
    expect(sized.records).to.have.length(500);
    expect(sized.nextRecordsUrl).to.match(/-500$/);
    const tiny = await rawGet(
      emu(),
      `/services/data/v66.0/query?q=${encodeURIComponent('SELECT Id FROM ConnectedApplication')}`,
      undefined,
      { 'Sforce-Query-Options': 'batchSize=10' },
    );
    expect((tiny.body as { records: unknown[] }).records, 'held at 200').to.have.length(200);
    const huge = await rawGet(
      emu(),
      `/services/data/v66.0/query?q=${encodeURIComponent('SELECT Id FROM ConnectedApplication')}`,
      undefined,
      { 'Sforce-Query-Options': 'batchSize=5000' },
    );
    expect((huge.body as { records: unknown[] }).records, 'held at 2,000').to.have.length(2000);
  });

  it('follows nextRecordsUrl with autoFetch up to maxFetch', async () => {
    const all = await conn.query<Rec>('SELECT Id FROM ConnectedApplication', {
      autoFetch: true,
      maxFetch: 100_000,
      headers: { 'Sforce-Query-Options': 'batchSize=300' },
    });
    expect(all.records).to.have.length(TOTAL_APPS);
    expect(all.done).to.equal(true);
    const some = await conn.query<Rec>('SELECT Id FROM ConnectedApplication', {
      autoFetch: true,
      maxFetch: 700,
      headers: { 'Sforce-Query-Options': 'batchSize=300' },
    });
    expect(some.records).to.have.length(700);
    expect(some.done).to.equal(false);
  });

  it('pages Tooling results under /tooling/query', async () => {
    const first = await conn.tooling.query<Rec>('SELECT Id FROM User', {
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    expect(first.records).to.have.length(5);
    const apps = await conn.tooling.query<Rec>('SELECT Id FROM ExternalClientApplication');
    expect(apps.done).to.equal(true);
    const rest = await rawGet(
      emu(),
      `/services/data/v66.0/query?q=${encodeURIComponent('SELECT Id FROM ConnectedApplication')}`,
    );
    const url = String((rest.body as Rec).nextRecordsUrl);
    const wrongApi = await rawGet(emu(), url.replace('/query/', '/tooling/query/'));
    expect(wrongApi.status, 'a REST locator is not a Tooling locator').to.equal(400);
  });

  it('caps OauthToken at 500 rows per query() and 2,500 in total with queryMore', async () => {
    const first = await conn.query<Rec>('SELECT Id, AppName FROM OauthToken ORDER BY UseCount DESC');
    expect(first.records).to.have.length(500);
    expect(first.done).to.equal(false);
    expect(first.totalSize, 'the capped result').to.equal(2500);
    let page = first;
    const ids = first.records.map((r) => r.Id);
    let calls = 1;
    while (!page.done) {
      page = await conn.queryMore<Rec>(page.nextRecordsUrl as string);
      expect(page.records.length).to.be.at.most(500);
      ids.push(...page.records.map((r) => r.Id));
      calls++;
    }
    expect(calls).to.equal(5);
    expect(new Set(ids).size).to.equal(2500);
  });

  it('caps autoFetch of OauthToken at 2,500 too, while COUNT() and aggregates see every row', async () => {
    const fetched = await conn.query<Rec>('SELECT Id FROM OauthToken', { autoFetch: true, maxFetch: 10_000 });
    expect(fetched.records).to.have.length(2500);
    expect(fetched.done).to.equal(true);
    expect((await conn.query('SELECT COUNT() FROM OauthToken')).totalSize).to.equal(TOTAL_TOKENS);
    const grouped = await conn.query<Rec>('SELECT User.Username, COUNT(Id) n FROM OauthToken GROUP BY User.Username');
    const sum = grouped.records.reduce((s, r) => s + Number(r.n), 0);
    expect(sum).to.equal(TOTAL_TOKENS);
    const autoFetched = await conn.autoFetchQuery('SELECT Id FROM OauthToken');
    expect(autoFetched.records).to.have.length(2500);
  });

  it('applies LIMIT before the OauthToken caps', async () => {
    const limited = await conn.query<Rec>('SELECT Id FROM OauthToken LIMIT 700', {
      headers: { 'Sforce-Query-Options': 'batchSize=1000' },
    });
    expect(limited.totalSize).to.equal(700);
    expect(limited.records).to.have.length(500);
    const rest = await conn.queryMore<Rec>(limited.nextRecordsUrl as string);
    expect(rest.records).to.have.length(200);
    expect(rest.done).to.equal(true);
  });

  it('rejects a locator that points past the end or expired', async () => {
    const first = await conn.query<Rec>('SELECT Id FROM ConnectedApplication');
    const url = String(first.nextRecordsUrl);
    expect((await rejection(conn.queryMore(url.replace(/-2000$/, '-99999')))).errorCode).to.equal(
      'INVALID_QUERY_LOCATOR',
    );
    const jumped = await conn.queryMore<Rec>(url.replace(/-2000$/, '-1200'));
    expect(jumped.records).to.have.length(TOTAL_APPS - 1200);
  });
});

describe('REST query: semi-joins see past the OauthToken caps', () => {
  const FORMER = 'former.employee@acme.example.com.uat';
  const emu = useEmulator(() => {
    const seed = bigSeed();
    // The only token of this user comes after the first 2,500 rows.
    const last: SeedToken = {
      app: 'Legacy Tool',
      username: FORMER,
      createdDaysAgo: 10,
      lastUsedDaysAgo: 5,
      useCount: 1,
    };
    return { seed: { ...seed, oauthTokens: [...(seed.oauthTokens ?? []), last] }, clock: fixedClock };
  });

  it('matches users through every OauthToken row', async () => {
    const conn = await coreConnection(emu());
    const result = await conn.query<Rec>(
      'SELECT Username FROM User WHERE Id IN (SELECT UserId FROM OauthToken) ORDER BY Username',
    );
    expect(result.records.map((r) => r.Username)).to.include(FORMER);
    const describeMissing = await rawGet(emu(), '/services/data/v66.0/sobjects/Widget__c/describe');
    expect(describeMissing.status).to.equal(404);
  });
});
