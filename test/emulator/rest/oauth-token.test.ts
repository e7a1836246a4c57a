/*
 * OauthToken as Salesforce documents it: `Id` always null, only `COUNT()` for totals (aggregates refused), and a
 * DeleteToken that /services/oauth2/revoke accepts. Each behaviour is an emulator option; both values are pinned.
 */
import { expect } from 'chai';
import type { Connection } from '@salesforce/core';
import { useEmulator } from '../../helpers/emulator.js';
import { coreConnection } from '../../helpers/core.js';
import { tokensFor, userinfoStatus } from '../oauth/helpers.js';
import { fixedClock, rawQuery, rejection } from './helpers.js';

type Rec = Record<string, unknown>;

async function revoke(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/services/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token }) });
  await res.arrayBuffer();
  return res.status;
}

describe('REST query: OauthToken as Salesforce documents it', () => {
  const emu = useEmulator(() => ({ clock: fixedClock }));
  let conn: Connection;
  beforeEach(async () => {
    conn = await coreConnection(emu());
  });

  it('answers OauthToken.Id as null, with no record URL', async () => {
    const result = await conn.query<Rec>('SELECT Id, AppName, UserId FROM OauthToken');
    expect(result.records).to.have.length(11);
    for (const r of result.records) {
      expect(r.Id).to.equal(null);
      expect(r.attributes).to.deep.equal({ type: 'OauthToken' });
      expect(r.UserId).to.match(/^005/);
    }
  });

  it('refuses COUNT(Id), MAX() and GROUP BY on OauthToken with MALFORMED_QUERY, and still counts with COUNT()', async () => {
    const count = await rejection(conn.query('SELECT AppName, COUNT(Id) n FROM OauthToken GROUP BY AppName'));
    expect(count.errorCode).to.equal('MALFORMED_QUERY');
    expect(count.message).to.equal('field Id does not support aggregate operator COUNT');
    const max = await rawQuery(emu(), 'SELECT MAX(LastUsedDate) FROM OauthToken');
    expect(max.status).to.equal(400);
    expect(max.body).to.deep.equal([
      { errorCode: 'MALFORMED_QUERY', message: 'field LastUsedDate does not support aggregate operator MAX' },
    ]);
    const grouped = await rejection(conn.query('SELECT AppName FROM OauthToken GROUP BY AppName'));
    expect(grouped.errorCode).to.equal('MALFORMED_QUERY');
    expect(grouped.message).to.match(/not yet supported by this SObject storage type/);
    expect(
      (await conn.query("SELECT COUNT() FROM OauthToken WHERE AppName = 'Partner Portal Sync'")).totalSize,
    ).to.equal(2);
    // Other objects keep their aggregates.
    const users = await conn.query<Rec>('SELECT COUNT(Id) n FROM User');
    expect(users.records[0].n).to.equal(5);
  });

  it('revokes an approval through its DeleteToken, and only that one', async () => {
    const mine = await tokensFor(emu(), 'Field_Service_App');
    const other = await tokensFor(emu(), 'Acme_Mobile');
    const rows = await conn.query<Rec>(
      "SELECT AppName, DeleteToken FROM OauthToken WHERE AppName = 'Field Service App'",
    );
    expect(rows.records).to.have.length(1);
    const deleteToken = String(rows.records[0].DeleteToken);
    expect(deleteToken).to.not.equal(mine.refresh_token).and.to.not.equal(mine.access_token);
    expect(await revoke(emu().url, deleteToken)).to.equal(200);
    expect((await conn.query("SELECT COUNT() FROM OauthToken WHERE AppName = 'Field Service App'")).totalSize).to.equal(
      0,
    );
    expect(await userinfoStatus(emu(), mine.access_token), 'the approval took its access tokens along').to.equal(403);
    expect(await userinfoStatus(emu(), other.access_token)).to.equal(200);
    expect(await revoke(emu().url, deleteToken), 'a used DeleteToken is dead').to.equal(400);
    // Seed rows (approvals made before the emulator knew them) have DeleteTokens too.
    const seed = await conn.query<Rec>("SELECT DeleteToken FROM OauthToken WHERE AppName = 'Zapier'");
    expect(await revoke(emu().url, String(seed.records[0].DeleteToken))).to.equal(200);
    expect((await conn.query("SELECT COUNT() FROM OauthToken WHERE AppName = 'Zapier'")).totalSize).to.equal(0);
  });
});

describe('REST query: OauthToken with ids and aggregates (behaviours oauthTokenId=id, oauthTokenAggregates=supported)', () => {
  const emu = useEmulator(() => ({
    clock: fixedClock,
    behaviours: { oauthTokenId: 'id', oauthTokenAggregates: 'supported' },
  }));

  it('answers ids and runs COUNT(Id) with GROUP BY', async () => {
    const conn = await coreConnection(emu());
    const rows = await conn.query<Rec>('SELECT Id FROM OauthToken');
    expect(rows.records.every((r) => typeof r.Id === 'string' && r.Id.startsWith('0CR'))).to.equal(true);
    const grouped = await conn.query<Rec>(
      "SELECT AppName, COUNT(Id) n FROM OauthToken WHERE AppName = 'Partner Portal Sync' GROUP BY AppName",
    );
    expect(grouped.records[0]).to.include({ AppName: 'Partner Portal Sync', n: 2 });
  });
});

describe('REST query: OauthToken with aggregates but null Ids (behaviour oauthTokenAggregates=supported)', () => {
  const emu = useEmulator(() => ({ clock: fixedClock, behaviours: { oauthTokenAggregates: 'supported' } }));

  it('counts no row with COUNT(Id), every row with COUNT(UserId)', async () => {
    const conn = await coreConnection(emu());
    const grouped = await conn.query<Rec>(
      "SELECT AppName, COUNT(Id) n, COUNT(UserId) holders FROM OauthToken WHERE AppName = 'Partner Portal Sync' GROUP BY AppName",
    );
    expect(grouped.records[0]).to.include({ n: 0, holders: 2 });
  });
});
