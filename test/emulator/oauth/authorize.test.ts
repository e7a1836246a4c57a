import { expect } from 'chai';
import { useEmulator } from '../../helpers/emulator.js';
import {
  ADMIN,
  INTEGRATION,
  OPS,
  app,
  authorizeAs,
  authorizePath,
  consentHandle,
  editConnectedApp,
  get,
  location,
  pkce,
  postForm,
  signIn,
} from './helpers.js';

describe('oauth authorize endpoint', () => {
  const emu = useEmulator();

  // Unknown client_id and unregistered redirect_uri: test/emulator/oauth/answer-encodings.test.ts, under each behaviour.

  it('escapes what the error page shows', async () => {
    const res = await get(emu(), '/setup/secur/RemoteAccessErrorPage.apexp?error=x&error_description=%3Cscript%3E');
    const html = await res.text();
    expect(html).to.not.include('<script>');
    expect(html).to.include('&lt;script&gt;');
  });

  it('refuses a disabled External Client App', async () => {
    const stored = emu().store.component('ExtlClntAppConfigurablePolicies', 'Billing_Integration_plcy');
    expect(stored).to.not.equal(undefined);
    emu().store.putComponent(
      'ExtlClntAppConfigurablePolicies',
      'Billing_Integration_plcy',
      { ...stored!.value, isEnabled: 'false' },
      emu().store.adminUser().id,
    );
    const url = location(await get(emu(), authorizePath({ app: app(emu(), 'Billing_Integration') })));
    expect(url.pathname).to.equal('/setup/secur/RemoteAccessErrorPage.apexp');
    expect(url.searchParams.get('error')).to.equal('OAUTH_APP_BLOCKED');
  });

  it('redirects with missing required code challenge before any login when the app requires PKCE', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const res = await get(emu(), authorizePath({ app: a, state: 'xyz' }));
    expect(res.status).to.equal(302);
    const url = new URL(res.headers.get('location')!);
    expect(`${url.protocol}//${url.host}${url.pathname}`).to.equal(a.redirectUri);
    expect(url.searchParams.get('error')).to.equal('invalid_request');
    expect(url.searchParams.get('error_description')).to.equal('missing required code challenge');
    expect(url.searchParams.get('state')).to.equal('xyz');
    expect(res.headers.get('location')).to.include('error_description=missing+required+code+challenge');
  });

  it('applies a PKCE requirement that a deploy just switched on', async () => {
    const a = app(emu(), 'Data_Loader_Legacy');
    const cookie = await signIn(emu());
    // Before the deploy: the consent page, no PKCE error.
    expect((await get(emu(), authorizePath({ app: a }), cookie)).status).to.equal(200);
    editConnectedApp(emu(), 'Data_Loader_Legacy', (v) => {
      (v.oauthConfig as Record<string, unknown>).isPkceRequired = 'true';
    });
    const url = location(await get(emu(), authorizePath({ app: a }), cookie));
    expect(url.searchParams.get('error_description')).to.equal('missing required code challenge');
  });

  it('gives a code without PKCE for an app that does not require it', async () => {
    const url = await authorizeAs(emu(), { app: app(emu(), 'Data_Loader_Legacy'), state: 's1' });
    expect(url.searchParams.get('code')).to.match(/^aPrx/);
    expect(url.searchParams.get('state')).to.equal('s1');
  });

  it('accepts code_challenge_method=S256 (plain and malformed challenges: pkce-scope-judgement.test.ts)', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const { challenge } = pkce();
    expect((await authorizeAs(emu(), { app: a, challenge, method: 'S256' })).searchParams.get('code')).to.be.a(
      'string',
    );
  });

  it('answers an unsupported response_type on the callback', async () => {
    const cookie = await signIn(emu());
    const url = location(
      await get(emu(), authorizePath({ app: app(emu(), 'Data_Loader_Legacy'), responseType: 'token' }), cookie),
    );
    expect(url.searchParams.get('error')).to.equal('unsupported_response_type');
  });

  it('shows the login page without a session, then continues the authorization after login', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const res = await get(emu(), authorizePath({ app: a, state: 'st' }));
    expect(res.status).to.equal(302);
    const login = location(res);
    expect(login.pathname).to.equal('/');
    const startUrl = login.searchParams.get('startURL')!;
    expect(startUrl).to.match(/^\/services\/oauth2\/authorize\?/);
    const page = await get(emu(), `${login.pathname}${login.search}`);
    const html = await page.text();
    expect(html).to.include(ADMIN).and.to.include(OPS);
    expect(html).to.not.include('former.employee');
    expect(html).to.not.include('partner.user');
    const signedIn = await postForm(`${emu().url}/`, { username: OPS, startURL: startUrl });
    expect(signedIn.status).to.equal(302);
    expect(signedIn.headers.get('location')).to.equal(startUrl);
    const setCookie = signedIn.headers.getSetCookie().join(';');
    expect(setCookie)
      .to.match(/HttpOnly/i)
      .and.to.match(/Path=\//);
    const cookie = setCookie.split(';')[0];
    const url = location(await get(emu(), startUrl, cookie));
    expect(url.searchParams.get('code')).to.be.a('string');
    expect(url.searchParams.get('state')).to.equal('st');
  });

  it('refuses one-click login for inactive users and wrong passwords', async () => {
    const res = await postForm(`${emu().url}/`, { username: 'former.employee@acme.example.com.uat' });
    expect(res.status).to.equal(200);
    expect(res.headers.getSetCookie()).to.have.length(0);
    const withPw = await postForm(`${emu().url}/`, { username: ADMIN, pw: 'wrong' });
    expect(withPw.headers.getSetCookie()).to.have.length(0);
  });

  it('does not redirect after login to another host', async () => {
    const res = await postForm(`${emu().url}/`, { username: ADMIN, startURL: '//evil.example.com/x' });
    expect(res.headers.get('location')).to.equal('/');
  });

  it('gives admin-approved apps a code for a permitted profile and refuses others', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    expect((await authorizeAs(emu(), { app: a }, OPS)).searchParams.get('code')).to.be.a('string');
    const url = await authorizeAs(emu(), { app: a, state: 'q' }, INTEGRATION);
    expect(url.searchParams.get('error')).to.equal('invalid_app_access');
    expect(url.searchParams.get('error_description')).to.equal('user is not admin approved to access this app');
    expect(url.searchParams.get('state')).to.equal('q');
  });

  it('admits a user through a permitted permission set', async () => {
    editConnectedApp(emu(), 'Partner_Portal_Sync', (v) => {
      v.permissionSetName = ['Integration_Access'];
    });
    const url = await authorizeAs(emu(), { app: app(emu(), 'Partner_Portal_Sync') }, INTEGRATION);
    expect(url.searchParams.get('code')).to.be.a('string');
  });

  it('asks for consent once for self-authorized apps; Deny answers access_denied', async () => {
    const a = app(emu(), 'Data_Loader_Legacy');
    const cookie = await signIn(emu(), OPS);
    const first = await get(emu(), authorizePath({ app: a, state: 'd' }), cookie);
    expect(first.status).to.equal(200);
    const html = await first.text();
    expect(html).to.include('Allow Access?').and.to.include('Data Loader (legacy)');
    const denied = await postForm(
      `${emu().url}/setup/secur/RemoteAccessAuthorizationPage.apexp`,
      { consent: consentHandle(html), decision: 'deny' },
      { cookie },
    );
    const deniedUrl = location(denied);
    expect(deniedUrl.searchParams.get('error')).to.equal('access_denied');
    expect(deniedUrl.searchParams.get('error_description')).to.equal('end-user denied authorization');
    expect(deniedUrl.searchParams.get('state')).to.equal('d');

    const again = await get(emu(), authorizePath({ app: a }), cookie);
    const handle = consentHandle(await again.text());
    const allowed = await postForm(
      `${emu().url}/setup/secur/RemoteAccessAuthorizationPage.apexp`,
      { consent: handle, decision: 'allow' },
      { cookie },
    );
    expect(location(allowed).searchParams.get('code')).to.be.a('string');
    // The approval is remembered: no consent page the next time.
    const third = await get(emu(), authorizePath({ app: a }), cookie);
    expect(third.status).to.equal(302);
    expect(location(third).searchParams.get('code')).to.be.a('string');
  });

  it('refuses a consent form from another session or used twice', async () => {
    const a = app(emu(), 'Data_Loader_Legacy');
    const cookie = await signIn(emu(), OPS);
    const handle = consentHandle(await (await get(emu(), authorizePath({ app: a }), cookie)).text());
    const other = await signIn(emu(), OPS);
    const forged = await postForm(
      `${emu().url}/setup/secur/RemoteAccessAuthorizationPage.apexp`,
      { consent: handle, decision: 'allow' },
      { cookie: other },
    );
    expect(forged.status).to.equal(400);
    const ok = await postForm(
      `${emu().url}/setup/secur/RemoteAccessAuthorizationPage.apexp`,
      { consent: handle, decision: 'allow' },
      { cookie },
    );
    expect(ok.status).to.equal(302);
    const twice = await postForm(
      `${emu().url}/setup/secur/RemoteAccessAuthorizationPage.apexp`,
      { consent: handle, decision: 'allow' },
      { cookie },
    );
    expect(twice.status).to.equal(400);
  });

  it('limits requested scopes to the app scopes', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const { challenge } = pkce();
    const cookie = await signIn(emu());
    const none = location(await get(emu(), authorizePath({ app: a, challenge, scope: 'web visualforce' }), cookie));
    expect(none.searchParams.get('error')).to.equal('invalid_scope');
  });

  it('accepts POST to authorize with a form body', async () => {
    const a = app(emu(), 'Partner_Portal_Sync');
    const cookie = await signIn(emu());
    const res = await postForm(
      `${emu().url}/services/oauth2/authorize`,
      { response_type: 'code', client_id: a.clientId, redirect_uri: a.redirectUri, state: 'p' },
      { cookie },
    );
    expect(location(res).searchParams.get('code')).to.be.a('string');
  });
});
