import { matchesAccessToken } from '@salesforce/core';
import { expect } from 'chai';
import { useEmulator } from '../../helpers/emulator.js';
import { app, codeFor, expectError, pkce, token, tokensFor, userinfoStatus } from './helpers.js';

describe('oauth token endpoint: authorization_code', () => {
  const emu = useEmulator();

  it('issues access tokens that sf org login access-token accepts (sfdx-core matchesAccessToken)', async () => {
    const body = await tokensFor(emu(), 'Field_Service_App');
    expect(matchesAccessToken(body.access_token)).to.equal(true);
    expect(matchesAccessToken(emu().accessTokenFor())).to.equal(true);
  });

  it('rejects an unknown client and an unknown grant type', async () => {
    expectError(
      await token(emu(), { grant_type: 'authorization_code', client_id: 'nope', code: 'x' }),
      'invalid_client_id',
      'client identifier invalid',
    );
    expectError(
      await token(emu(), { grant_type: 'magic', client_id: 'nope' }),
      'unsupported_grant_type',
      'grant type not supported',
    );
  });

  it('exchanges a code with an S256 verifier (public client, no secret) and returns the Salesforce fields', async () => {
    const a = app(emu(), 'Field_Service_App');
    const { verifier, challenge } = pkce();
    const code = await codeFor(emu(), { app: a, challenge });
    const res = await token(emu(), {
      grant_type: 'authorization_code',
      code,
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
      code_verifier: verifier,
    });
    expect(res.status).to.equal(200);
    const body = res.body;
    expect(body.access_token).to.match(/^00D\w{12}!/);
    expect(body.refresh_token).to.match(/^5Aep/);
    expect(body.token_type).to.equal('Bearer');
    expect(body.instance_url).to.equal(emu().url);
    expect(body.id).to.equal(`${emu().url}/id/${emu().store.state.org.id}/${emu().store.adminUser().id}`);
    expect(body.issued_at).to.match(/^\d{13}$/);
    expect(body.signature).to.match(/^[A-Za-z0-9+/]+=*$/);
    expect(body.scope.split(' ')).to.include.members(['api', 'refresh_token']);
    expect(body).to.not.have.property('expires_in');
    expect(await userinfoStatus(emu(), body.access_token)).to.equal(200);
    const row = emu()
      .store.liveGrants()
      .find((g) => g.clientId === a.clientId);
    expect(row?.appName).to.equal('Field Service App');
  });

  it('issues no refresh token without the refresh_token scope', async () => {
    const a = app(emu(), 'Field_Service_App');
    const { verifier, challenge } = pkce();
    const code = await codeFor(emu(), { app: a, challenge, scope: 'api' });
    const res = await token(emu(), {
      grant_type: 'authorization_code',
      code,
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
      code_verifier: verifier,
    });
    expect(res.status).to.equal(200);
    expect(res.body.scope).to.equal('api');
    expect(res.body).to.not.have.property('refresh_token');
  });

  it('rejects a wrong verifier, a missing verifier and a verifier with ~', async () => {
    const a = app(emu(), 'Field_Service_App');
    const base = { grant_type: 'authorization_code', client_id: a.clientId, redirect_uri: a.redirectUri };
    const { verifier, challenge } = pkce();
    const code = await codeFor(emu(), { app: a, challenge });
    expectError(
      await token(emu(), { ...base, code, code_verifier: pkce().verifier }),
      'invalid_grant',
      'invalid code verifier',
    );
    // UNVERIFIED description (errors.ts verifierMissing).
    expectError(await token(emu(), { ...base, code }), 'invalid_grant', 'invalid code verifier');
    // The failed attempts did not use the code up.
    expect((await token(emu(), { ...base, code, code_verifier: verifier })).status).to.equal(200);

    const tilde = pkce(`${'a'.repeat(50)}~b`);
    const code2 = await codeFor(emu(), { app: a, challenge: tilde.challenge });
    expectError(
      await token(emu(), { ...base, code: code2, code_verifier: tilde.verifier }),
      'invalid_grant',
      'invalid code verifier',
    );
  });

  it('rejects a verifier when no challenge was sent', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const code = await codeFor(emu(), { app: a });
    const res = await token(emu(), {
      grant_type: 'authorization_code',
      code,
      client_id: a.clientId,
      client_secret: a.secret,
      redirect_uri: a.redirectUri,
      code_verifier: pkce().verifier,
    });
    expectError(res, 'invalid_grant', 'unexpected code verifier');
  });

  it('rejects a reused code, a code of another client and an unknown code', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const code = await codeFor(emu(), { app: a });
    const base = {
      grant_type: 'authorization_code',
      client_id: a.clientId,
      client_secret: a.secret,
      redirect_uri: a.redirectUri,
    };
    expect((await token(emu(), { ...base, code })).status).to.equal(200);
    expectError(await token(emu(), { ...base, code }), 'invalid_grant', 'expired authorization code');
    expectError(await token(emu(), { ...base, code: 'aPrxNOTACODE' }), 'invalid_grant', 'expired authorization code');

    const other = app(emu(), 'Data_Loader_Legacy');
    const code2 = await codeFor(emu(), { app: a });
    const res = await token(emu(), {
      grant_type: 'authorization_code',
      code: code2,
      client_id: other.clientId,
      client_secret: other.secret,
      redirect_uri: a.redirectUri,
    });
    expectError(res, 'invalid_grant', 'expired authorization code');
  });

  it('rejects a redirect_uri that differs from the authorize request', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const code = await codeFor(emu(), { app: a });
    const res = await token(emu(), {
      grant_type: 'authorization_code',
      code,
      client_id: a.clientId,
      client_secret: a.secret,
      redirect_uri: 'https://elsewhere.example.com/cb',
    });
    expectError(res, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
  });

  it('requires the secret of a confidential client, in the body or in HTTP Basic', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const base = { grant_type: 'authorization_code', client_id: a.clientId, redirect_uri: a.redirectUri };
    const code = await codeFor(emu(), { app: a });
    expectError(await token(emu(), { ...base, code }), 'invalid_client', 'invalid client credentials');
    expectError(
      await token(emu(), { ...base, code, client_secret: 'wrong' }),
      'invalid_client',
      'invalid client credentials',
    );
    const basic = `Basic ${Buffer.from(`${a.clientId}:${a.secret!}`).toString('base64')}`;
    const res = await token(
      emu(),
      { grant_type: 'authorization_code', code, redirect_uri: a.redirectUri },
      { authorization: basic },
    );
    expect(res.status).to.equal(200);
  });

  it('lets a public client omit the secret but validates a sent one', async () => {
    const a = app(emu(), 'Field_Service_App');
    const { verifier, challenge } = pkce();
    const code = await codeFor(emu(), { app: a, challenge });
    const base = {
      grant_type: 'authorization_code',
      code,
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
      code_verifier: verifier,
    };
    expectError(
      await token(emu(), { ...base, client_secret: 'wrong' }),
      'invalid_client',
      'invalid client credentials',
    );
    expect((await token(emu(), { ...base, client_secret: a.secret })).status).to.equal(200);
  });

  it('applies token-stage injected faults', async () => {
    emu().faults.add({
      match: { grantType: 'authorization_code' },
      action: { kind: 'oauthError', error: 'invalid_grant', description: 'injected' },
      times: 1,
    });
    expectError(await token(emu(), { grant_type: 'authorization_code', client_id: 'x' }), 'invalid_grant', 'injected');
    expectError(
      await token(emu(), { grant_type: 'authorization_code', client_id: 'x' }),
      'invalid_client_id',
      'client identifier invalid',
    );
  });
});

describe('oauth token endpoint: code lifetime', () => {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const emu = useEmulator(() => ({ clock: (): number => now }));

  it('expires codes after 15 minutes', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const code = await codeFor(emu(), { app: a });
    now += 15 * 60 * 1000 + 1;
    const res = await token(emu(), {
      grant_type: 'authorization_code',
      code,
      client_id: a.clientId,
      client_secret: a.secret,
      redirect_uri: a.redirectUri,
    });
    expectError(res, 'invalid_grant', 'expired authorization code');
  });
});
