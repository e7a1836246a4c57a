import { expect } from 'chai';
import { NO_LATENCY, SANDBOX_LATENCY } from '../../../src/emulator/faults.js';
import { MIN_REFRESH_PROCESSING_MS } from '../../../src/emulator/oauth/in-flight.js';
import type { OrgEmulator } from '../../../src/emulator/server.js';
import { useEmulator } from '../../helpers/emulator.js';
import { app, editConnectedApp, expectError, pkce, token, tokensFor, userinfoStatus } from './helpers.js';

const refresh = (
  clientId: string,
  refreshToken: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  grant_type: 'refresh_token',
  client_id: clientId,
  refresh_token: refreshToken,
  ...extra,
});

describe('oauth token endpoint: refresh_token', () => {
  const emu = useEmulator();

  it('RTR on: returns a new refresh token; reusing the old one revokes the chain, newest token included', async () => {
    const a = app(emu(), 'Field_Service_App');
    const first = await tokensFor(emu(), 'Field_Service_App');
    const r1 = await token(emu(), refresh(a.clientId, first.refresh_token));
    expect(r1.status).to.equal(200);
    expect(r1.body.refresh_token).to.match(/^5Aep/).and.to.not.equal(first.refresh_token);
    expect(r1.body.access_token).to.not.equal(first.access_token);
    const r2 = await token(emu(), refresh(a.clientId, r1.body.refresh_token));
    expect(r2.status).to.equal(200);

    expectError(
      await token(emu(), refresh(a.clientId, first.refresh_token)),
      'invalid_grant',
      'expired access/refresh token',
    );
    expectError(
      await token(emu(), refresh(a.clientId, r2.body.refresh_token)),
      'invalid_grant',
      'expired access/refresh token',
    );
    expect(await userinfoStatus(emu(), r2.body.access_token)).to.equal(403);
    expect(await userinfoStatus(emu(), first.access_token)).to.equal(403);
  });

  it('RTR off: no refresh_token in the response and the same token keeps working', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const first = await tokensFor(emu(), 'Acme_Mobile');
    for (let i = 0; i < 3; i++) {
      const res = await token(emu(), refresh(a.clientId, first.refresh_token));
      expect(res.status).to.equal(200);
      expect(res.body).to.not.have.property('refresh_token');
      expect(res.body.token_type).to.equal('Bearer');
      expect(await userinfoStatus(emu(), res.body.access_token)).to.equal(200);
    }
    const row = emu()
      .store.liveGrants()
      .find((g) => g.clientId === a.clientId);
    expect(row?.useCount).to.equal(4);
  });

  it('requires the secret where the app requires it for refresh, and validates a sent one elsewhere', async () => {
    const confidential = app(emu(), 'Partner_Portal_Sync');
    const rt = (await tokensFor(emu(), 'Partner_Portal_Sync')).refresh_token;
    expectError(await token(emu(), refresh(confidential.clientId, rt)), 'invalid_client', 'invalid client credentials');
    expectError(
      await token(emu(), refresh(confidential.clientId, rt, { client_secret: 'wrong' })),
      'invalid_client',
      'invalid client credentials',
    );
    expect(
      (await token(emu(), refresh(confidential.clientId, rt, { client_secret: confidential.secret }))).status,
    ).to.equal(200);

    const pub = app(emu(), 'Acme_Mobile');
    const rt2 = (await tokensFor(emu(), 'Acme_Mobile')).refresh_token;
    expectError(
      await token(emu(), refresh(pub.clientId, rt2, { client_secret: 'wrong' })),
      'invalid_client',
      'invalid client credentials',
    );
    expect((await token(emu(), refresh(pub.clientId, rt2, { client_secret: pub.secret }))).status).to.equal(200);
  });

  it('rejects a code_verifier on refresh', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const rt = (await tokensFor(emu(), 'Acme_Mobile')).refresh_token;
    expectError(
      await token(emu(), refresh(a.clientId, rt, { code_verifier: pkce().verifier })),
      'invalid_grant',
      'unexpected code verifier',
    );
  });

  it("rejects unknown, revoked and other clients' refresh tokens", async () => {
    const a = app(emu(), 'Acme_Mobile');
    const other = app(emu(), 'Field_Service_App');
    const rt = (await tokensFor(emu(), 'Acme_Mobile')).refresh_token;
    expectError(await token(emu(), refresh(a.clientId, '5AepNOPE')), 'invalid_grant', 'expired access/refresh token');
    expectError(await token(emu(), refresh(other.clientId, rt)), 'invalid_grant', 'expired access/refresh token');
    const revoked = await fetch(`${emu().url}/services/oauth2/revoke?token=${encodeURIComponent(rt)}`);
    expect(revoked.status).to.equal(200);
    expectError(await token(emu(), refresh(a.clientId, rt)), 'invalid_grant', 'expired access/refresh token');
  });

  it('reads rotation from the current metadata (a deploy switches RTR on at once)', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const rt = (await tokensFor(emu(), 'Acme_Mobile')).refresh_token;
    editConnectedApp(emu(), 'Acme_Mobile', (v) => {
      (v.oauthConfig as Record<string, unknown>).isRefreshTokenRotationEnabled = 'true';
    });
    const res = await token(emu(), refresh(a.clientId, rt));
    expect(res.body.refresh_token).to.match(/^5Aep/);
    expectError(await token(emu(), refresh(a.clientId, rt)), 'invalid_grant', 'expired access/refresh token');
  });
});

/** Fires two refreshes of one token at once, `rounds` times, and asserts exactly one winner each time. */
async function oneWinnerEachTime(emu: OrgEmulator, name: string, rotation: boolean, rounds: number): Promise<void> {
  const a = app(emu, name);
  let rt = (await tokensFor(emu, name)).refresh_token;
  for (let round = 0; round < rounds; round++) {
    const results = await Promise.all([token(emu, refresh(a.clientId, rt)), token(emu, refresh(a.clientId, rt))]);
    const ok = results.filter((r) => r.status === 200);
    const busy = results.filter((r) => r.status !== 200);
    expect(ok, `round ${round}`).to.have.length(1);
    expect(busy, `round ${round}`).to.have.length(1);
    expectError(busy[0], 'invalid_grant', 'token request is already being processed');
    expect(Boolean(ok[0].body.refresh_token), `round ${round}: rotation`).to.equal(rotation);
    // The duplicate revokes nothing: the winner's refresh token (the same one without rotation) still works.
    if (rotation) rt = ok[0].body.refresh_token;
    expect(await userinfoStatus(emu, ok[0].body.access_token), `round ${round}`).to.equal(200);
  }
  expect((await token(emu, refresh(a.clientId, rt))).status).to.equal(200);
}

describe('oauth token endpoint: concurrent refresh', () => {
  for (const [label, latency, rounds] of [
    ['no latency', NO_LATENCY, 12],
    ['sandbox latency', SANDBOX_LATENCY, 3],
  ] as const) {
    describe(label, () => {
      const emu = useEmulator({ latency });

      it('RTR on: of two refreshes of one token sent at once, exactly one wins, every time', async () => {
        await oneWinnerEachTime(emu(), 'Field_Service_App', true, rounds);
      });

      it('RTR off: of two refreshes of one token sent at once, exactly one wins, every time', async () => {
        await oneWinnerEachTime(emu(), 'Acme_Mobile', false, rounds);
      });
    });
  }

  describe('a paused process', () => {
    const emu = useEmulator({ latency: NO_LATENCY });

    it('refuses a duplicate sent after the whole process paused past the processing window of the first', async () => {
      const a = app(emu(), 'Field_Service_App');
      const rt = (await tokensFor(emu(), 'Field_Service_App')).refresh_token;
      const before = emu().stats.requests;
      const first = token(emu(), refresh(a.clientId, rt));
      while (emu().stats.requests === before) await new Promise((resolve) => setImmediate(resolve));
      // Let the first request reach its processing window, then block the event loop for longer than that window
      // (a busy machine): the duplicate is sent while nothing runs, and still finds the first one in flight.
      await new Promise((resolve) => setTimeout(resolve, 10));
      const pausedUntil = Date.now() + 4 * MIN_REFRESH_PROCESSING_MS;
      while (Date.now() < pausedUntil) {
        // paused
      }
      const second = token(emu(), refresh(a.clientId, rt));
      const results = await Promise.all([first, second]);
      expect(results[0].status).to.equal(200);
      expectError(results[1], 'invalid_grant', 'token request is already being processed');
      expect((await token(emu(), refresh(a.clientId, results[0].body.refresh_token))).status).to.equal(200);
    });
  });

  describe('one after the other', () => {
    const emu = useEmulator({ latency: NO_LATENCY });

    it('never calls a refresh sent after the previous answer a duplicate, and still revokes a chain on reuse', async () => {
      const a = app(emu(), 'Field_Service_App');
      const first = (await tokensFor(emu(), 'Field_Service_App')).refresh_token;
      const second = await token(emu(), refresh(a.clientId, first));
      expect(second.status).to.equal(200);
      // At once after the answer: a reuse of a rotated-out token, not a request in flight.
      expectError(await token(emu(), refresh(a.clientId, first)), 'invalid_grant', 'expired access/refresh token');
      expectError(
        await token(emu(), refresh(a.clientId, second.body.refresh_token)),
        'invalid_grant',
        'expired access/refresh token',
      );

      const b = app(emu(), 'Acme_Mobile');
      const rt = (await tokensFor(emu(), 'Acme_Mobile')).refresh_token;
      for (let i = 0; i < 5; i++) expect((await token(emu(), refresh(b.clientId, rt))).status).to.equal(200);
    });
  });
});

describe('oauth token endpoint: refresh token policies', () => {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const emu = useEmulator(() => ({ clock: (): number => now }));
  const MIN = 60_000;

  const withPolicy = async (policy: string): Promise<{ clientId: string; secret?: string; rt: string }> => {
    editConnectedApp(emu(), 'Partner_Portal_Sync', (v) => {
      v.oauthPolicy = { ...(v.oauthPolicy as Record<string, string>), refreshTokenPolicy: policy };
    });
    const a = app(emu(), 'Partner_Portal_Sync');
    return {
      clientId: a.clientId,
      secret: a.secret,
      rt: (await tokensFor(emu(), 'Partner_Portal_Sync')).refresh_token,
    };
  };

  it('zero: the refresh token never works', async () => {
    const { clientId, secret, rt } = await withPolicy('zero');
    expectError(
      await token(emu(), refresh(clientId, rt, { client_secret: secret })),
      'invalid_grant',
      'expired access/refresh token',
    );
  });

  it('fixed lifetime counts from the start of the chain, not from the last use', async () => {
    const { clientId, secret, rt } = await withPolicy('specific_lifetime:1:HOURS');
    now += 40 * MIN;
    expect((await token(emu(), refresh(clientId, rt, { client_secret: secret }))).status).to.equal(200);
    now += 21 * MIN;
    expectError(
      await token(emu(), refresh(clientId, rt, { client_secret: secret })),
      'invalid_grant',
      'expired access/refresh token',
    );
  });

  it('inactivity slides with each use', async () => {
    const { clientId, secret, rt } = await withPolicy('specific_inactivity:1:HOURS');
    for (let i = 0; i < 3; i++) {
      now += 50 * MIN;
      expect((await token(emu(), refresh(clientId, rt, { client_secret: secret }))).status).to.equal(200);
    }
    now += 61 * MIN;
    expectError(
      await token(emu(), refresh(clientId, rt, { client_secret: secret })),
      'invalid_grant',
      'expired access/refresh token',
    );
  });

  it("applies an External Client App's inactivity policy (30 days)", async () => {
    const a = app(emu(), 'Field_Service_App');
    const rt = (await tokensFor(emu(), 'Field_Service_App')).refresh_token;
    now += 31 * 24 * 60 * MIN;
    expectError(await token(emu(), refresh(a.clientId, rt)), 'invalid_grant', 'expired access/refresh token');
  });
});
