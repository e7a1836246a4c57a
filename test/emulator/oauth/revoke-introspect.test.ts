import { expect } from 'chai';
import { useEmulator } from '../../helpers/emulator.js';
import { app, editConnectedApp, expectError, postForm, token, tokensFor, userinfoStatus } from './helpers.js';

describe('oauth revoke endpoint', () => {
  const emu = useEmulator();
  const revoke = (value: string): Promise<Response> =>
    postForm(`${emu().url}/services/oauth2/revoke`, { token: value });

  it("revokes a refresh token with its chain and the chain's access tokens", async () => {
    const a = app(emu(), 'Acme_Mobile');
    const t = await tokensFor(emu(), 'Acme_Mobile');
    const refreshed = await token(emu(), {
      grant_type: 'refresh_token',
      client_id: a.clientId,
      refresh_token: t.refresh_token,
    });
    const res = await revoke(t.refresh_token);
    expect(res.status).to.equal(200);
    expect(await userinfoStatus(emu(), t.access_token)).to.equal(403);
    expect(await userinfoStatus(emu(), refreshed.body.access_token)).to.equal(403);
    expectError(
      await token(emu(), { grant_type: 'refresh_token', client_id: a.clientId, refresh_token: t.refresh_token }),
      'invalid_grant',
      'expired access/refresh token',
    );
  });

  it('revokes an access token alone (GET ?token=), leaving the refresh token working', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const t = await tokensFor(emu(), 'Acme_Mobile');
    const res = await fetch(`${emu().url}/services/oauth2/revoke?token=${encodeURIComponent(t.access_token)}`);
    expect(res.status).to.equal(200);
    expect(await userinfoStatus(emu(), t.access_token)).to.equal(403);
    expect(
      (await token(emu(), { grant_type: 'refresh_token', client_id: a.clientId, refresh_token: t.refresh_token }))
        .status,
    ).to.equal(200);
  });

  // An unknown token (400 unsupported_token_type, in each encoding): test/emulator/oauth/answer-encodings.test.ts.
});

describe('oauth introspect endpoint', () => {
  const emu = useEmulator();
  const introspect = async (
    params: Record<string, string | undefined>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await postForm(`${emu().url}/services/oauth2/introspect`, params, headers);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('describes an own access token and refresh token', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const t = await tokensFor(emu(), 'Partner_Portal_Sync');
    const res = await introspect({
      token: t.access_token,
      client_id: a.clientId,
      client_secret: a.secret,
      token_type_hint: 'access_token',
    });
    expect(res.status).to.equal(200);
    const admin = emu().store.adminUser();
    expect(res.body).to.include({
      active: true,
      client_id: a.clientId,
      username: admin.username,
      token_type: 'access_token',
      sub: `${emu().url}/id/${emu().store.state.org.id}/${admin.id}`,
    });
    expect(res.body.scope).to.be.a('string');
    expect(res.body.exp).to.be.greaterThan(res.body.iat as number);
    expect(res.body.nbf).to.equal(res.body.iat);
    const basic = `Basic ${Buffer.from(`${a.clientId}:${a.secret!}`).toString('base64')}`;
    const refresh = await introspect({ token: t.refresh_token }, { authorization: basic });
    expect(refresh.body).to.include({ active: true, token_type: 'refresh_token' });
  });

  it("answers active:false for unknown, revoked and other apps' tokens", async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const creds = { client_id: a.clientId, client_secret: a.secret };
    expect((await introspect({ token: 'nope', ...creds })).body).to.deep.equal({ active: false });
    const other = await tokensFor(emu(), 'Acme_Mobile');
    expect((await introspect({ token: other.access_token, ...creds })).body).to.deep.equal({ active: false });
    const own = await tokensFor(emu(), 'Partner_Portal_Sync');
    await postForm(`${emu().url}/services/oauth2/revoke`, { token: own.refresh_token });
    expect((await introspect({ token: own.refresh_token, ...creds })).body).to.deep.equal({ active: false });
  });

  it("lets an app with introspectAllTokens see other apps' tokens", async () => {
    editConnectedApp(emu(), 'Partner_Portal_Sync', (v) => {
      (v.oauthConfig as Record<string, unknown>).isIntrospectAllTokens = 'true';
    });
    const a = app(emu(), 'Partner_Portal_Sync');
    const other = await tokensFor(emu(), 'Acme_Mobile');
    const res = await introspect({ token: other.access_token, client_id: a.clientId, client_secret: a.secret });
    expect(res.body).to.include({ active: true, client_id: app(emu(), 'Acme_Mobile').clientId });
  });

  it('requires valid client credentials', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const t = await tokensFor(emu(), 'Partner_Portal_Sync');
    const res = await introspect({ token: t.access_token, client_id: a.clientId, client_secret: 'wrong' });
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({ error: 'invalid_client', error_description: 'invalid client credentials' });
  });
});
