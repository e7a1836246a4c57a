/*
 * Every client of ours that reads an OAuth answer, against the emulator under each value of the behaviours that change
 * the encoding (revokeErrorEncoding, untrustedAuthorizeError), and under transient trouble that clears or persists.
 */
import { expect } from 'chai';
import { behaviourVariants } from '../../src/emulator/behaviours.js';
import { outagePage, rateLimited } from '../../src/emulator/faults.js';
import { TransientAnswer } from '../../src/oauth/answer.js';
import { CookieBrowser, type AuthorizeOutcome, type AuthorizeRequest } from '../../src/oauth/browser.js';
import { browserSource, codeCredentialsSource, frontdoorSource, redirectSource } from '../../src/oauth/code-source.js';
import { Secret } from '../../src/oauth/secret.js';
import { exchangeCode, refresh, revokeToken } from '../../src/oauth/token-client.js';
import { TokenLedger } from '../../src/smoke/ledger.js';
import { blockedAction, type ProbeContext } from '../../src/smoke/probe.js';
import { useEmulator } from '../helpers/emulator.js';
import { app, codeFor, pkce, tokensFor } from '../emulator/oauth/helpers.js';

const FAST = { timeoutMs: 10_000, retry: { baseDelayMs: 5 } };

const EVIL = 'https://evil.example.com/cb';

function probeFor(source: ProbeContext['source'], redirectUri: string): ProbeContext {
  return {
    config: { app: 'Some_App', redirectUri } as ProbeContext['config'],
    source,
    ledger: new TokenLedger(),
    http: {},
  };
}

for (const variant of behaviourVariants(['revokeErrorEncoding', 'untrustedAuthorizeError'])) {
  describe(`OAuth clients read every encoding (${variant.label})`, function () {
    this.timeout(30_000);
    const emu = useEmulator({ behaviours: variant.behaviours });

    it('revokeToken: revoked, then not-active for the dead refresh token and its access token; the ledger counts no failure', async () => {
      const t = await tokensFor(emu(), 'Acme_Mobile');
      expect(await revokeToken(emu().url, t.refresh_token, undefined, FAST)).to.deep.equal({
        outcome: 'revoked',
        status: 200,
      });
      expect(await revokeToken(emu().url, t.refresh_token, undefined, FAST)).to.deep.equal({
        outcome: 'not-active',
        status: 400,
        error: 'unsupported_token_type',
      });
      expect(await revokeToken(emu().url, t.access_token, undefined, FAST)).to.deep.equal({
        outcome: 'not-active',
        status: 400,
        error: 'unsupported_token_type',
      });

      const fresh = await tokensFor(emu(), 'Acme_Mobile');
      const ledger = new TokenLedger(FAST);
      ledger.record(
        'Acme_Mobile',
        emu().url,
        { clientId: app(emu(), 'Acme_Mobile').clientId },
        { ok: true, status: 200, accessToken: fresh.access_token, refreshToken: fresh.refresh_token },
      );
      // The refresh token goes first and takes its access token along: the access token is then not active, not a failure.
      expect(await ledger.revokeAll()).to.deep.equal({ revoked: 1, notActive: 1, failed: 0 });
    });

    it('the frontdoor, redirect and code-credentials sources name an unknown client_id and an unregistered callback', async () => {
      const known = app(emu(), 'Data_Loader_Legacy');
      const unknownClient: AuthorizeRequest = { clientId: 'nope', redirectUri: EVIL, state: 's1' };
      const wrongCallback: AuthorizeRequest = { clientId: known.clientId, redirectUri: EVIL, state: 's2' };
      const sources = [
        frontdoorSource(emu().url, () => emu().accessTokenFor(), FAST),
        redirectSource(emu().url, FAST),
        codeCredentialsSource(
          emu().url,
          { username: 'nobody@example.com', password: new Secret('not-a-password') },
          FAST,
        ),
      ];
      for (const source of sources) {
        const a: AuthorizeOutcome = await source.authorize(unknownClient);
        expect(a, source.name).to.deep.include({
          kind: 'error',
          error: 'invalid_client_id',
          errorDescription: 'client identifier invalid',
          atCallback: false,
        });
        const b = await source.authorize(wrongCallback);
        expect(b, source.name).to.deep.include({ kind: 'error', error: 'redirect_uri_mismatch', atCallback: false });
        const blocked = blockedAction(a, probeFor(source, EVIL));
        expect(blocked.message).to.include('does not know its consumer key').and.not.include('page');
        expect(blocked.action).to.include('--client-id');
        expect(blockedAction(b, probeFor(source, EVIL)).message).to.include(`callback URL ${EVIL} is not registered`);
      }
    });

    it('the browser source names an unknown client_id and an unregistered callback without waiting for a person', async () => {
      const opened: string[] = [];
      const source = browserSource({
        loginUrl: emu().url,
        timeoutMs: 20_000,
        opener: (url) => Promise.resolve(void opened.push(url)),
      });
      try {
        const loopback = 'http://localhost:1/never-listened';
        expect(await source.authorize({ clientId: 'nope', redirectUri: loopback })).to.deep.include({
          kind: 'error',
          error: 'invalid_client_id',
          atCallback: false,
        });
        const known = app(emu(), 'Data_Loader_Legacy');
        expect(await source.authorize({ clientId: known.clientId, redirectUri: loopback })).to.deep.include({
          kind: 'error',
          error: 'redirect_uri_mismatch',
          atCallback: false,
        });
        expect(opened).to.deep.equal([]);
      } finally {
        await source.close();
      }
    });
  });
}

describe('OAuth clients under transient trouble', function () {
  this.timeout(30_000);
  const emu = useEmulator();

  it('a code exchange and a refresh that meet 429 JSON answers are retried to tokens; when 429 persists, a TransientAnswer, never an OAuth failure', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const { verifier, challenge } = pkce();
    const code = await codeFor(emu(), { app: a, challenge });
    emu().faults.add({ match: { grantType: 'authorization_code' }, action: rateLimited(0), times: 2 });
    const tokens = await exchangeCode(
      emu().url,
      { clientId: a.clientId },
      { code, redirectUri: a.redirectUri, codeVerifier: verifier },
      FAST,
    );
    expect(tokens.ok).to.equal(true);

    emu().faults.add({ match: { grantType: 'refresh_token' }, action: rateLimited() });
    const refreshToken = tokens.ok ? (tokens.refreshToken ?? '') : '';
    const persisting = await refresh(emu().url, { clientId: a.clientId }, refreshToken, FAST).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(persisting).to.be.instanceOf(TransientAnswer);
    expect((persisting as TransientAnswer).status).to.equal(429);
    expect((persisting as TransientAnswer).attempts).to.equal(4);
    emu().faults.clear();
    // Never processed: the refresh token still works.
    expect((await refresh(emu().url, { clientId: a.clientId }, refreshToken, FAST)).ok).to.equal(true);
  });

  it('a refresh that meets HTTP 500 or a dropped connection is not sent again (the server may have rotated the token)', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const t = await tokensFor(emu(), 'Acme_Mobile');
    // Each fault fires once: a second send would have succeeded, so an error proves the request was sent once.
    const rule = emu().faults.add({
      match: { grantType: 'refresh_token' },
      action: { kind: 'http', status: 500, body: '{"error":"server_error"}' },
      times: 1,
    });
    const e500 = await refresh(emu().url, { clientId: a.clientId }, t.refresh_token, FAST).catch((e: unknown) => e);
    expect(e500).to.be.instanceOf(TransientAnswer);
    expect((e500 as TransientAnswer).attempts).to.equal(1);
    emu().faults.remove(rule);
    emu().faults.add({ match: { path: '/services/oauth2/token' }, action: { kind: 'drop' }, times: 1 });
    const dropped = await refresh(emu().url, { clientId: a.clientId }, t.refresh_token, FAST).catch((e: unknown) => e);
    expect(dropped).to.be.instanceOf(Error).and.not.be.instanceOf(TransientAnswer);
    expect((dropped as Error).message).to.include('closed the connection');
  });

  it('authorize and frontdoor.jsp outage pages are retried to a code; an outage that persists throws TransientAnswer, not a page', async () => {
    emu().preApprove();
    const a = app(emu(), 'Acme_Mobile');
    const request: AuthorizeRequest = {
      clientId: a.clientId,
      redirectUri: a.redirectUri,
      state: 'st',
      codeChallenge: pkce().challenge,
      codeChallengeMethod: 'S256',
    };
    emu().faults.add({ match: { path: '/secur/frontdoor.jsp' }, action: outagePage(), times: 2 });
    emu().faults.add({ match: { path: '/services/oauth2/authorize' }, action: outagePage(), times: 3 });
    const source = frontdoorSource(emu().url, () => emu().accessTokenFor(), FAST);
    expect(await source.authorize(request)).to.deep.include({ kind: 'code', state: 'st' });

    emu().faults.add({ match: { path: '/services/oauth2/authorize' }, action: outagePage() });
    const down = await new CookieBrowser(undefined, FAST).authorize(emu().url, request).catch((e: unknown) => e);
    expect(down).to.be.instanceOf(TransientAnswer);
    expect((down as TransientAnswer).message)
      .to.include('HTTP 503')
      .and.include('tried 4 times');
  });

  it('revoke retries a 503 and still revokes; a persisting one leaves the token counted as failed', async () => {
    const t = await tokensFor(emu(), 'Acme_Mobile');
    emu().faults.add({ match: { path: '/services/oauth2/revoke' }, action: outagePage(), times: 2 });
    expect((await revokeToken(emu().url, t.refresh_token, undefined, FAST)).outcome).to.equal('revoked');

    const fresh = await tokensFor(emu(), 'Acme_Mobile');
    emu().faults.add({ match: { path: '/services/oauth2/revoke' }, action: outagePage() });
    const ledger = new TokenLedger(FAST);
    ledger.record(
      'Acme_Mobile',
      emu().url,
      { clientId: app(emu(), 'Acme_Mobile').clientId },
      { ok: true, status: 200, accessToken: fresh.access_token, refreshToken: fresh.refresh_token },
    );
    expect(await ledger.revokeAll()).to.deep.equal({ revoked: 0, notActive: 0, failed: 2 });
  });
});
