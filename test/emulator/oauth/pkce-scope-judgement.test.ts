/*
 * Where Salesforce judges PKCE and scope: a challenge it cannot use still gets a code and fails at the exchange; a scope
 * the app does not allow fails the whole authorization on the error page; `full` alone gives no refresh token; the
 * org-wide Require PKCE refusal is delivered as the generic approval error (or, under the option, like the per-app one).
 */
import { expect } from 'chai';
import { useEmulator } from '../../helpers/emulator.js';
import {
  app,
  authorizePath,
  codeFor,
  expectError,
  get,
  location,
  pkce,
  seedWith,
  signIn,
  token,
  type App,
} from './helpers.js';

const ERROR_PAGE = '/setup/secur/RemoteAccessErrorPage.apexp';

async function exchange(
  emu: Parameters<typeof codeFor>[0],
  a: App,
  code: string,
  verifier: string,
): Promise<{ status: number; body: Record<string, string> }> {
  return token(emu, {
    grant_type: 'authorization_code',
    code,
    client_id: a.clientId,
    client_secret: a.secret,
    redirect_uri: a.redirectUri,
    code_verifier: verifier,
  });
}

describe('oauth PKCE and scope judgement', () => {
  describe('challenge judged at the exchange (default)', () => {
    const emu = useEmulator();

    it('gives a code for a plain challenge, and the exchange fails with invalid code verifier', async () => {
      const a = app(emu(), 'Acme_Mobile');
      const { verifier } = pkce();
      const code = await codeFor(emu(), { app: a, challenge: verifier, method: 'plain' });
      expect(code).to.match(/^aPrx/);
      expectError(await exchange(emu(), a, code, verifier), 'invalid_grant', 'invalid code verifier');
    });

    it('gives a code for a malformed challenge or an unknown method, and the exchange fails with invalid code verifier', async () => {
      const a = app(emu(), 'Acme_Mobile');
      const { verifier, challenge } = pkce();
      for (const request of [{ challenge: 'too-short' }, { challenge, method: 'S512' }]) {
        const code = await codeFor(emu(), { app: a, ...request });
        const res = await exchange(emu(), a, code, verifier);
        if (request.method) {
          // An unknown method is ignored: the challenge is the S256 hash of the verifier, so the exchange works.
          expect(res.status, JSON.stringify(res.body)).to.equal(200);
        } else {
          expectError(res, 'invalid_grant', 'invalid code verifier');
        }
      }
    });

    it('fails the whole authorization with invalid_scope on the error page when one requested scope is not allowed', async () => {
      const a = app(emu(), 'Acme_Mobile');
      const cookie = await signIn(emu());
      const res = await get(
        emu(),
        authorizePath({ app: a, challenge: pkce().challenge, scope: 'api web', state: 'st' }),
        cookie,
      );
      expect(res.status).to.equal(302);
      const url = location(res);
      expect(url.pathname).to.equal(ERROR_PAGE);
      expect(url.searchParams.get('error')).to.equal('invalid_scope');
      expect(url.searchParams.get('error_description')).to.equal('the requested scope is not allowed');
      expect(url.searchParams.get('code')).to.equal(null);
      // Allowed scopes alone still work.
      expect(await codeFor(emu(), { app: a, challenge: pkce().challenge, scope: 'api refresh_token' })).to.match(
        /^aPrx/,
      );
    });

    it('gives no refresh token for full without refresh_token, and one when refresh_token is asked for too', async () => {
      const a = app(emu(), 'Data_Loader_Legacy');
      const first = pkce();
      const full = await exchange(
        emu(),
        a,
        await codeFor(emu(), { app: a, challenge: first.challenge, scope: 'full' }),
        first.verifier,
      );
      expect(full.status, JSON.stringify(full.body)).to.equal(200);
      expect(full.body.scope).to.equal('full');
      expect(full.body).to.not.have.property('refresh_token');
      const second = pkce();
      const both = await exchange(
        emu(),
        a,
        await codeFor(emu(), { app: a, challenge: second.challenge, scope: 'full refresh_token' }),
        second.verifier,
      );
      expect(both.body.refresh_token).to.match(/^5Aep/);
    });
  });

  describe('challenge judged at authorize (pkceChallengeCheck=at-authorize)', () => {
    const emu = useEmulator({ behaviours: { pkceChallengeCheck: 'at-authorize' } });

    it('refuses a plain or malformed challenge at authorize with invalid_request on the callback', async () => {
      const a = app(emu(), 'Acme_Mobile');
      const cookie = await signIn(emu());
      const { verifier } = pkce();
      for (const request of [{ challenge: verifier, method: 'plain' }, { challenge: 'too-short' }]) {
        const url = location(await get(emu(), authorizePath({ app: a, ...request }), cookie));
        expect(url.href.startsWith(a.redirectUri)).to.equal(true);
        expect(url.searchParams.get('error')).to.equal('invalid_request');
        expect(url.searchParams.get('code')).to.equal(null);
      }
    });
  });

  describe('org-wide Require PKCE', () => {
    const seed = seedWith({ oauthSettings: { isPkceRequired: 'true' } });

    describe('orgPkceRefusal=approval-error-generic (default)', () => {
      const emu = useEmulator({ seed });

      it('refuses an authorization without code_challenge with OAUTH_APPROVAL_ERROR_GENERIC on the error page', async () => {
        const a = app(emu(), 'Partner_Portal_Sync');
        const cookie = await signIn(emu());
        const res = await get(emu(), authorizePath({ app: a, state: 'st' }), cookie);
        const url = location(res);
        expect(url.pathname).to.equal(ERROR_PAGE);
        expect(url.searchParams.get('error')).to.equal('OAUTH_APPROVAL_ERROR_GENERIC');
        expect(url.searchParams.get('state')).to.equal(null);
        const page = await (await get(emu(), `${url.pathname}${url.search}`)).text();
        expect(page).to.include('OAUTH_APPROVAL_ERROR_GENERIC');
        // With a challenge the same request gets a code.
        expect(await codeFor(emu(), { app: a, challenge: pkce().challenge })).to.match(/^aPrx/);
      });

      it('still answers an app that requires PKCE itself with missing required code challenge on the callback', async () => {
        const a = app(emu(), 'Acme_Mobile');
        const url = location(await get(emu(), authorizePath({ app: a, state: 'st' }), await signIn(emu())));
        expect(url.href.startsWith(a.redirectUri)).to.equal(true);
        expect(url.searchParams.get('error')).to.equal('invalid_request');
        expect(url.searchParams.get('error_description')).to.equal('missing required code challenge');
        expect(url.searchParams.get('state')).to.equal('st');
      });
    });

    describe('orgPkceRefusal=invalid-request', () => {
      const emu = useEmulator({ seed, behaviours: { orgPkceRefusal: 'invalid-request' } });

      it('refuses an authorization without code_challenge like the per-app flag, on the callback', async () => {
        const a = app(emu(), 'Partner_Portal_Sync');
        const url = location(await get(emu(), authorizePath({ app: a, state: 'st' }), await signIn(emu())));
        expect(url.href.startsWith(a.redirectUri)).to.equal(true);
        expect(url.searchParams.get('error')).to.equal('invalid_request');
        expect(url.searchParams.get('error_description')).to.equal('missing required code challenge');
      });
    });
  });
});
