/*
 * `?columns=true`: the column metadata `sf data query` asks for after every query that returns rows. Checked raw and
 * through the real @salesforce/plugin-data code that reads it (`retrieveColumns`), on a real @salesforce/core
 * Connection, for the objects an admin queries around a PKCE/RTR rollout.
 */
import type { Connection } from '@salesforce/core';
import { expect } from 'chai';
import { coreConnection } from '../../helpers/core.js';
import { useEmulator } from '../../helpers/emulator.js';
import { fixedClock, rawGet } from './helpers.js';

type Column = { fieldType: number; name: string; alias?: string; fields?: Column[] };
type RetrieveColumns = (connection: Connection | Connection['tooling'], query: string) => Promise<Column[]>;

/** plugin-data's own function (its package exports only its index, so it is loaded by path; it ships no types). */
async function pluginDataRetrieveColumns(): Promise<RetrieveColumns> {
  const url = new URL('../../../node_modules/@salesforce/plugin-data/lib/commands/data/query.js', import.meta.url);
  return ((await import(url.href)) as { retrieveColumns: RetrieveColumns }).retrieveColumns;
}

const columnsPath = (soql: string, tooling = false): string =>
  `/services/data/v66.0${tooling ? '/tooling' : ''}/query?q=${encodeURIComponent(soql)}&columns=true`;

describe('rest query column metadata (columns=true)', () => {
  const emu = useEmulator(() => ({ clock: fixedClock }));

  it('answers columnMetadata with relationship fields nested as joinColumns, instead of records', async () => {
    const res = await rawGet(
      emu(),
      columnsPath('SELECT Id, AppName, User.Username, User.Profile.Name, UseCount FROM OauthToken'),
    );
    expect(res.status).to.equal(200);
    const body = res.body as { columnMetadata: Array<Record<string, unknown>>; entityName: string; records?: unknown };
    expect(body.records).to.equal(undefined);
    expect(body.entityName).to.equal('OauthToken');
    const names = body.columnMetadata.map((c) => c.columnName);
    expect(names).to.deep.equal(['Id', 'AppName', 'User', 'UseCount']);
    const user = body.columnMetadata[2] as {
      joinColumns: Array<{ columnName: string; joinColumns: Array<{ columnName: string }> }>;
    };
    expect(user.joinColumns.map((c) => c.columnName)).to.deep.equal(['Username', 'Profile']);
    expect(user.joinColumns[1].joinColumns.map((c) => c.columnName)).to.deep.equal(['Name']);
    expect(body.columnMetadata[3]).to.include({ aggregate: false, apexType: 'Integer', numberType: true });
  });

  it('answers a bad query as the query itself would, with a 400 error array', async () => {
    const res = await rawGet(emu(), columnsPath('SELECT Nope FROM User'));
    expect(res.status).to.equal(400);
    expect((res.body as Array<{ errorCode: string }>)[0].errorCode).to.equal('INVALID_FIELD');
  });

  it('gives sf data query (plugin-data retrieveColumns) its columns for every object of the rollout, REST and Tooling', async () => {
    const retrieveColumns = await pluginDataRetrieveColumns();
    const conn = await coreConnection(emu());
    const names = async (c: Connection | Connection['tooling'], q: string): Promise<string[]> =>
      (await retrieveColumns(c, q)).map((col) => col.alias ?? col.name);
    expect(await names(conn, 'SELECT AppName, User.Username, UseCount, LastUsedDate FROM OauthToken')).to.deep.equal([
      'AppName',
      'User.Username',
      'UseCount',
      'LastUsedDate',
    ]);
    expect(
      await names(conn, 'SELECT Id, Name, OptionsRefreshTokenValidityMetric FROM ConnectedApplication'),
    ).to.deep.equal(['Id', 'Name', 'OptionsRefreshTokenValidityMetric']);
    expect(await names(conn, 'SELECT DeveloperName, MasterLabel FROM ExternalClientApplication')).to.deep.equal([
      'DeveloperName',
      'MasterLabel',
    ]);
    expect(await names(conn, 'SELECT Username, Profile.Name FROM User')).to.deep.equal(['Username', 'Profile.Name']);
    expect(await names(conn, 'SELECT Id, Name, IsSandbox FROM Organization')).to.deep.equal([
      'Id',
      'Name',
      'IsSandbox',
    ]);
    expect(
      await names(
        conn.tooling,
        'SELECT SubscriberPackage.NamespacePrefix, SubscriberPackageVersion.Name FROM InstalledSubscriberPackage',
      ),
    ).to.deep.equal(['SubscriberPackage.NamespacePrefix', 'SubscriberPackageVersion.Name']);
    // Aggregates: the alias, or the function as the name of an exprN column.
    const grouped = await retrieveColumns(
      conn,
      'SELECT Profile.Name, COUNT(Id) n, MAX(LastLoginDate) FROM User GROUP BY Profile.Name',
    );
    expect(grouped.map((c) => c.alias ?? c.name)).to.deep.equal(['Name', 'n', 'MAX(LastLoginDate)']);
  });
});
