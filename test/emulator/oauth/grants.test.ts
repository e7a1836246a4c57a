import { execFileSync } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { useEmulator } from '../../helpers/emulator.js';
import {
  ADMIN,
  JWT_BEARER,
  OPS,
  PARTNER,
  app,
  editConnectedApp,
  expectError,
  location,
  pkce,
  postForm,
  seedWith,
  token,
} from './helpers.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const unsignedJwt = (claims: Record<string, unknown>): string =>
  `${b64({ alg: 'RS256' })}.${b64(claims)}.${Buffer.from('x').toString('base64url')}`;
const inFiveMinutes = (): number => Math.floor(Date.now() / 1000) + 300;

describe('oauth token endpoint: client_credentials', () => {
  const emu = useEmulator();

  it('issues an access token for the run-as user, without a refresh token', async () => {
    const a = app(emu(), 'Nightly_ETL_Client_Credentials');
    const res = await token(emu(), {
      grant_type: 'client_credentials',
      client_id: a.clientId,
      client_secret: a.secret,
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.not.have.property('refresh_token');
    const info = (await (
      await fetch(`${emu().url}/services/oauth2/userinfo`, {
        headers: { authorization: `Bearer ${res.body.access_token}` },
      })
    ).json()) as {
      preferred_username: string;
    };
    expect(info.preferred_username).to.equal('integration@acme.example.com.uat');
  });

  it('accepts HTTP Basic client authentication (External Client App)', async () => {
    const a = app(emu(), 'Warehouse_Client_Credentials');
    const basic = `Basic ${Buffer.from(`${a.clientId}:${a.secret!}`).toString('base64')}`;
    expect((await token(emu(), { grant_type: 'client_credentials' }, { authorization: basic })).status).to.equal(200);
  });

  it('requires the secret', async () => {
    const a = app(emu(), 'Nightly_ETL_Client_Credentials');
    expectError(
      await token(emu(), { grant_type: 'client_credentials', client_id: a.clientId }),
      'invalid_client',
      'invalid client credentials',
    );
  });

  it('refuses apps without the flow and inactive run-as users', async () => {
    const off = app(emu(), 'Data_Loader_Legacy');
    expectError(
      await token(emu(), { grant_type: 'client_credentials', client_id: off.clientId, client_secret: off.secret }),
      'invalid_grant',
      'no client credentials user enabled',
    );
    editConnectedApp(emu(), 'Nightly_ETL_Client_Credentials', (v) => {
      (v.oauthConfig as Record<string, unknown>).oauthClientCredentialUser = 'former.employee@acme.example.com.uat';
    });
    const a = app(emu(), 'Nightly_ETL_Client_Credentials');
    expectError(
      await token(emu(), { grant_type: 'client_credentials', client_id: a.clientId, client_secret: a.secret }),
      'invalid_grant',
      'no client credentials user enabled',
    );
  });
});

describe('oauth token endpoint: JWT bearer', () => {
  const emu = useEmulator();

  it('issues an access token for a pre-authorized user; the audience may be the org or login.salesforce.com', async () => {
    const a = app(emu(), 'CI_JWT_Deployer');
    for (const aud of [emu().url, 'https://login.salesforce.com', 'https://test.salesforce.com/']) {
      const res = await token(emu(), {
        grant_type: JWT_BEARER,
        assertion: unsignedJwt({ iss: a.clientId, sub: ADMIN, aud, exp: inFiveMinutes() }),
      });
      expect(res.status, aud).to.equal(200);
      expect(res.body).to.not.have.property('refresh_token');
    }
  });

  it('answers Audience validation failed for a wrong aud', async () => {
    const a = app(emu(), 'CI_JWT_Deployer');
    const assertion = unsignedJwt({
      iss: a.clientId,
      sub: ADMIN,
      aud: 'https://evil.example.com',
      exp: inFiveMinutes(),
    });
    expectError(
      await token(emu(), { grant_type: JWT_BEARER, assertion }),
      'invalid_grant',
      'Audience validation failed',
    );
  });

  it('refuses an expired or malformed assertion, an unknown issuer and an app without certificate', async () => {
    const a = app(emu(), 'CI_JWT_Deployer');
    const expired = unsignedJwt({
      iss: a.clientId,
      sub: ADMIN,
      aud: emu().url,
      exp: Math.floor(Date.now() / 1000) - 10,
    });
    expectError(
      await token(emu(), { grant_type: JWT_BEARER, assertion: expired }),
      'invalid_grant',
      'invalid assertion',
    );
    expectError(
      await token(emu(), { grant_type: JWT_BEARER, assertion: 'not.a.jwt' }),
      'invalid_grant',
      'invalid assertion',
    );
    const unknown = unsignedJwt({ iss: 'nope', sub: ADMIN, aud: emu().url, exp: inFiveMinutes() });
    expectError(
      await token(emu(), { grant_type: JWT_BEARER, assertion: unknown }),
      'invalid_client_id',
      'client identifier invalid',
    );
    const noCert = unsignedJwt({
      iss: app(emu(), 'Data_Loader_Legacy').clientId,
      sub: ADMIN,
      aud: emu().url,
      exp: inFiveMinutes(),
    });
    expectError(
      await token(emu(), { grant_type: JWT_BEARER, assertion: noCert }),
      'invalid_grant',
      'invalid assertion',
    );
  });

  it('refuses a user who is not pre-authorized for the admin-approved app', async () => {
    const a = app(emu(), 'CI_JWT_Deployer');
    const assertion = unsignedJwt({ iss: a.clientId, sub: OPS, aud: emu().url, exp: inFiveMinutes() });
    expectError(
      await token(emu(), { grant_type: JWT_BEARER, assertion }),
      'invalid_grant',
      "user hasn't approved this consumer",
    );
  });

  it('verifies the signature when the app has a real certificate', async function () {
    const dir = mkdtempSync(path.join(tmpdir(), 'jwt-cert-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          `${dir}/key.pem`,
          '-out',
          `${dir}/cert.pem`,
          '-days',
          '1',
          '-subj',
          '/CN=emulator-test',
        ],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      this.skip();
    }
    const certificate = readFileSync(`${dir}/cert.pem`, 'utf8');
    const key = readFileSync(`${dir}/key.pem`, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    editConnectedApp(emu(), 'CI_JWT_Deployer', (v) => {
      (v.oauthConfig as Record<string, unknown>).certificate = certificate;
    });
    const a = app(emu(), 'CI_JWT_Deployer');
    const claims = { iss: a.clientId, sub: ADMIN, aud: emu().url, exp: inFiveMinutes() };
    const input = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
    const signed = `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
    expect((await token(emu(), { grant_type: JWT_BEARER, assertion: signed })).status).to.equal(200);
    expectError(
      await token(emu(), { grant_type: JWT_BEARER, assertion: unsignedJwt(claims) }),
      'invalid_grant',
      'invalid assertion',
    );
    // Signed, but by a key other than the certificate's.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = `${input}.${createSign('RSA-SHA256').update(input).sign(other).toString('base64url')}`;
    expectError(
      await token(emu(), { grant_type: JWT_BEARER, assertion: forged }),
      'invalid_grant',
      'invalid assertion',
    );
  });
});

describe('oauth token endpoint: password', () => {
  describe('blocked org-wide (the default org)', () => {
    const emu = useEmulator({ seed: seedWith({ passwords: { [ADMIN]: 'Adm1n-pass' } }) });

    it('answers authentication failure even for right credentials', async () => {
      const a = app(emu(), 'Data_Loader_Legacy');
      const res = await token(emu(), {
        grant_type: 'password',
        client_id: a.clientId,
        client_secret: a.secret,
        username: ADMIN,
        password: 'Adm1n-pass',
      });
      expectError(res, 'invalid_grant', 'authentication failure');
    });
  });

  describe('allowed org-wide', () => {
    const emu = useEmulator({
      seed: seedWith({ passwords: { [ADMIN]: 'Adm1n-pass' }, oauthSettings: { blockOAuthUnPwFlow: 'false' } }),
    });

    it('issues an access token for right credentials, without a refresh token', async () => {
      const a = app(emu(), 'Data_Loader_Legacy');
      const res = await token(emu(), {
        grant_type: 'password',
        client_id: a.clientId,
        client_secret: a.secret,
        username: ADMIN,
        password: 'Adm1n-pass',
      });
      expect(res.status).to.equal(200);
      expect(res.body).to.not.have.property('refresh_token');
    });

    it('answers authentication failure for a wrong password and for External Client Apps', async () => {
      const a = app(emu(), 'Data_Loader_Legacy');
      const wrong = await token(emu(), {
        grant_type: 'password',
        client_id: a.clientId,
        client_secret: a.secret,
        username: ADMIN,
        password: 'nope',
      });
      expectError(wrong, 'invalid_grant', 'authentication failure');
      const eca = app(emu(), 'Billing_Integration');
      const res = await token(emu(), {
        grant_type: 'password',
        client_id: eca.clientId,
        client_secret: eca.secret,
        username: ADMIN,
        password: 'Adm1n-pass',
      });
      expectError(res, 'invalid_grant', 'authentication failure');
    });
  });
});

describe('oauth authorize: headless code_credentials', () => {
  const PASSWORD = 'Partner-pass-1';
  const emu = useEmulator({ seed: seedWith({ passwords: { [PARTNER]: PASSWORD } }) });

  const headless = (
    clientName: string,
    options: { password?: string; challenge?: string; requestType?: string; state?: string } = {},
  ): Promise<Response> => {
    const a = app(emu(), clientName);
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${PARTNER}:${options.password ?? PASSWORD}`).toString('base64')}`,
    };
    if (options.requestType !== '') headers['auth-request-type'] = options.requestType ?? 'Named-User';
    return postForm(
      `${emu().url}/services/oauth2/authorize`,
      {
        response_type: 'code_credentials',
        client_id: a.clientId,
        redirect_uri: a.redirectUri,
        code_challenge: options.challenge,
        state: options.state,
        scope: 'api refresh_token',
      },
      headers,
    );
  };

  it('redirects to the callback with a code that a normal PKCE exchange accepts', async () => {
    const { verifier, challenge } = pkce();
    const res = await headless('Community_Headless_Login', { challenge, state: 'h1' });
    expect(res.status).to.equal(302);
    const url = location(res);
    expect(url.href).to.match(/^https:\/\/acme-community\.example\.my\.site\.com\/services\/oauth2\/echo\?/);
    expect(url.searchParams.get('state')).to.equal('h1');
    expect(url.searchParams.get('sfdc_community_url')).to.equal(emu().url);
    expect(url.searchParams.get('sfdc_community_id')).to.match(/^0DB/);
    const a = app(emu(), 'Community_Headless_Login');
    const tokens = await token(emu(), {
      grant_type: 'authorization_code',
      code: url.searchParams.get('code')!,
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
      code_verifier: verifier,
    });
    expect(tokens.status).to.equal(200);
    expect(tokens.body.refresh_token).to.match(/^5Aep/);
  });

  it('requires a code challenge from the PKCE app', async () => {
    const url = location(await headless('Community_Headless_Login'));
    expect(url.searchParams.get('error_description')).to.equal('missing required code challenge');
  });

  it('refuses bad credentials and a missing Auth-Request-Type (UNVERIFIED strings)', async () => {
    const { challenge } = pkce();
    const bad = location(await headless('Community_Headless_Login', { challenge, password: 'wrong' }));
    expect(bad.searchParams.get('error')).to.equal('access_denied');
    expect(bad.searchParams.get('code')).to.equal(null);
    const noType = location(await headless('Community_Headless_Login', { challenge, requestType: '' }));
    expect(noType.searchParams.get('error')).to.equal('invalid_request');
  });

  it('refuses apps without the flow, and every app when the org switch is off', async () => {
    const { challenge } = pkce();
    const off = location(await headless('Acme_Mobile', { challenge }));
    expect(off.searchParams.get('error')).to.equal('unsupported_response_type');
    const settings = emu().store.component('Settings', 'OauthOidc')!;
    emu().store.putComponent(
      'Settings',
      'OauthOidc',
      { ...settings.value, oAuthCdCrdtFlowEnable: 'false' },
      emu().store.adminUser().id,
    );
    const orgOff = location(await headless('Community_Headless_Login', { challenge }));
    expect(orgOff.searchParams.get('error')).to.equal('unsupported_response_type');
  });
});
