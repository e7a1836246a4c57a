/*
 * The emulator answers as Salesforce does where the encoding differs per endpoint (behaviours revokeErrorEncoding and
 * untrustedAuthorizeError, each value), and its fault injection serves the transient trouble a client must retry.
 */
import { expect } from 'chai';
import { outagePage, rateLimited } from '../../../src/emulator/faults.js';
import { useEmulator } from '../../helpers/emulator.js';
import { app, authorizePath, get, location, pkce, postForm } from './helpers.js';

describe('revoke error encoding', () => {
  describe('revokeErrorEncoding=form (default)', () => {
    const emu = useEmulator();

    it('answers an unknown token with HTTP 400 and a form-encoded unsupported_token_type', async () => {
      const res = await postForm(`${emu().url}/services/oauth2/revoke`, { token: 'nothing' });
      expect(res.status).to.equal(400);
      const text = await res.text();
      expect(text).to.equal(
        'error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported',
      );
      expect(() => JSON.parse(text) as unknown).to.throw();
    });
  });

  describe('revokeErrorEncoding=json', () => {
    const emu = useEmulator({ behaviours: { revokeErrorEncoding: 'json' } });

    it('answers an unknown token with HTTP 400 and a JSON unsupported_token_type', async () => {
      const res = await postForm(`${emu().url}/services/oauth2/revoke`, { token: 'nothing' });
      expect(res.status).to.equal(400);
      expect(await res.json()).to.deep.equal({
        error: 'unsupported_token_type',
        error_description: 'this token type is not supported',
      });
    });
  });
});

describe('authorize errors that cannot go to a trusted callback', () => {
  describe('untrustedAuthorizeError=body (default)', () => {
    const emu = useEmulator();

    it('answers an unknown client_id in the body with HTTP 400, never a redirect', async () => {
      const res = await get(
        emu(),
        authorizePath({ app: { clientId: 'nope', redirectUri: 'https://evil.example.com/cb' } }),
      );
      expect(res.status).to.equal(400);
      expect(res.headers.get('location')).to.equal(null);
      expect(await res.text()).to.equal('error=invalid_client_id&error_description=client%20identifier%20invalid');
    });

    it('answers a redirect_uri that is not registered in the body with HTTP 400, never a redirect', async () => {
      const res = await get(
        emu(),
        authorizePath({ app: app(emu(), 'Data_Loader_Legacy'), redirectUri: 'https://evil.example.com/cb' }),
      );
      expect(res.status).to.equal(400);
      expect(res.headers.get('location')).to.equal(null);
      expect(await res.text()).to.equal(
        'error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration',
      );
    });
  });

  describe('untrustedAuthorizeError=error-page', () => {
    const emu = useEmulator({ behaviours: { untrustedAuthorizeError: 'error-page' } });

    it('sends an unknown client_id to the remote access error page, never to a callback', async () => {
      const res = await get(
        emu(),
        authorizePath({ app: { clientId: 'nope', redirectUri: 'https://evil.example.com/cb' } }),
      );
      expect(res.status).to.equal(302);
      const url = location(res);
      expect(url.pathname).to.equal('/setup/secur/RemoteAccessErrorPage.apexp');
      expect(url.searchParams.get('error')).to.equal('invalid_client_id');
      expect(url.searchParams.get('error_description')).to.equal('client identifier invalid');
      const page = await get(emu(), `${url.pathname}${url.search}`);
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-type')).to.match(/text\/html/);
      expect(await page.text()).to.include('client identifier invalid');
    });

    it('sends a redirect_uri that is not registered to the error page', async () => {
      const res = await get(
        emu(),
        authorizePath({ app: app(emu(), 'Data_Loader_Legacy'), redirectUri: 'https://evil.example.com/cb' }),
      );
      const url = location(res);
      expect(url.pathname).to.equal('/setup/secur/RemoteAccessErrorPage.apexp');
      expect(url.searchParams.get('error')).to.equal('redirect_uri_mismatch');
      expect(url.searchParams.get('error_description')).to.equal('redirect_uri must match configuration');
    });
  });
});

describe('fault injection of transient trouble', () => {
  const emu = useEmulator();

  it('serves an outage page from authorize and frontdoor.jsp, and a 429 JSON with Retry-After at token, then recovers', async () => {
    emu().faults.add({ match: { path: '/services/oauth2/authorize' }, action: outagePage(503, 0), times: 1 });
    emu().faults.add({ match: { path: '/secur/frontdoor.jsp' }, action: outagePage(), times: 1 });
    emu().faults.add({ match: { grantType: 'authorization_code' }, action: rateLimited(2), times: 1 });
    const a = app(emu(), 'Acme_Mobile');
    const path = authorizePath({ app: a, challenge: pkce().challenge, method: 'S256' });
    const down = await get(emu(), path);
    expect(down.status).to.equal(503);
    expect(down.headers.get('content-type')).to.match(/text\/html/);
    expect(down.headers.get('retry-after')).to.equal('0');
    expect(await down.text()).to.include('down for maintenance');
    expect((await get(emu(), path)).status).to.not.equal(503);
    const door = await get(emu(), `/secur/frontdoor.jsp?sid=${encodeURIComponent(emu().accessTokenFor())}&retURL=%2F`);
    expect(door.status).to.equal(503);
    expect(
      (await get(emu(), `/secur/frontdoor.jsp?sid=${encodeURIComponent(emu().accessTokenFor())}&retURL=%2F`)).status,
    ).to.equal(302);
    const limited = await postForm(`${emu().url}/services/oauth2/token`, {
      grant_type: 'authorization_code',
      code: 'x',
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
    });
    expect(limited.status).to.equal(429);
    expect(limited.headers.get('retry-after')).to.equal('2');
    expect(await limited.json()).to.deep.equal({
      error: 'rate_limit_exceeded',
      error_description: 'too many requests, retry later',
    });
    const after = await postForm(`${emu().url}/services/oauth2/token`, {
      grant_type: 'authorization_code',
      code: 'x',
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
    });
    expect(after.status).to.equal(400);
  });
});
