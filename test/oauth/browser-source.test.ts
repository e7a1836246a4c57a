/*
 * --browser: a local callback server on the app's loopback callback and an injectable opener. The "browser" here follows
 * the authorize redirects headlessly (against oidc-provider, which signs in without a page) and then really requests
 * the callback URL, as a browser would.
 */
import { expect } from 'chai';
import { CookieBrowser } from '../../src/oauth/browser.js';
import { isLoopbackCallback } from '../../src/oauth/callback-server.js';
import { browserSource, CodeSourceError, type Opener } from '../../src/oauth/code-source.js';
import { newPkcePair } from '../../src/oauth/pkce.js';
import { Secret } from '../../src/oauth/secret.js';
import { TokenLedger } from '../../src/smoke/ledger.js';
import { runVerify } from '../../src/smoke/runner.js';
import { freePort } from '../helpers/cli.js';
import { startOidcPeer, type OidcPeer } from './oidc-peer.js';

/** A browser that follows redirects until the callback, then loads the callback URL. */
function headlessBrowser(redirectUri: string, before?: (callback: URL) => Promise<void>): Opener {
  return async (url) => {
    const browser = new CookieBrowser();
    let current = url;
    for (let hop = 0; hop < 10; hop++) {
      const res = await browser.get(current);
      const location = res.headers.get('location');
      if (!location) throw new Error(`no redirect at ${res.status}`);
      const next = new URL(location, current);
      if (next.href.startsWith(redirectUri)) {
        if (before) await before(next);

        await (await fetch(next)).text();
        return;
      }
      current = next.href;
    }
  };
}

describe('--browser code source', function () {
  this.timeout(60_000);
  let peer: OidcPeer;
  let redirectUri: string;
  beforeEach(async () => {
    redirectUri = `http://localhost:${await freePort()}/oauth/callback`;
    peer = await startOidcPeer({ redirectUri });
  });
  afterEach(async () => peer.stop());

  it('runs the PKCE and RTR checks with codes that came back to the local callback server', async () => {
    for (const kind of ['pkce', 'rtr'] as const) {
      const source = browserSource({ loginUrl: peer.url, timeoutMs: 10_000, opener: headlessBrowser(redirectUri) });
      const ledger = new TokenLedger();

      const [run] = await runVerify({
        kind,
        apps: [
          {
            config: {
              app: 'Peer_Confidential',
              appKind: 'unknown',
              clientId: peer.confidentialClient.clientId,
              redirectUri,
              loginUrl: peer.url,
              clientType: 'confidential',
              pkceRequired: null,
              rtrEnabled: null,
              refreshScope: null,
              refreshScopeRequest: 'refresh_token api',
              pkceScopeRequest: 'api',
              settingsComponent: null,
              settingsLastModified: null,
              source: 'overrides',
            },
            secret: new Secret(peer.confidentialClient.clientSecret),
          },
        ],
        source,
        ledger,
        concurrency: 1,
        http: {},
      });

      await source.close();
      expect(run.codeSource).to.equal('browser');
      expect(
        run.checks.filter((c) => c.verdict !== 'info').every((c) => c.verdict === 'pass'),
        JSON.stringify(run.checks),
      ).to.equal(true);
    }
  });

  it('ignores a callback with a state of no request of this run (400) and takes the right one', async () => {
    let forged = 0;
    const source = browserSource({
      loginUrl: peer.url,
      timeoutMs: 10_000,
      opener: headlessBrowser(redirectUri, async (callback) => {
        const wrong = new URL(callback);
        wrong.searchParams.set('state', 'forged');
        wrong.searchParams.set('code', 'forged-code');
        forged = (await fetch(wrong)).status;
      }),
    });
    const pair = newPkcePair();
    const outcome = await source.authorize({
      clientId: peer.publicClient.clientId,
      redirectUri,
      state: 'mine',
      scope: 'api',
      codeChallenge: pair.challenge,
      codeChallengeMethod: 'S256',
    });
    await source.close();
    expect(forged).to.equal(400);
    expect(outcome.kind).to.equal('code');
    expect(outcome.kind === 'code' && outcome.code).not.to.equal('forged-code');
    expect(outcome.kind === 'code' && outcome.state).to.equal('mine');
  });

  it('gives up after the timeout, shows the URL when no browser could be opened, and refuses non-loopback callbacks', async () => {
    let shown = '';
    const source = browserSource({
      loginUrl: peer.url,
      timeoutMs: 300,
      opener: () => Promise.reject(new Error('no browser')),
      onOpenFailed: (url) => (shown = url),
    });
    const error = await source.authorize({ clientId: 'x', redirectUri, state: 's' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CodeSourceError);
    expect((error as Error).message).to.match(/No answer at .* within/);
    expect(shown).to.include('/services/oauth2/authorize?');
    const remote = await source
      .authorize({ clientId: 'x', redirectUri: 'https://example.com/cb' })
      .catch((e: unknown) => e);
    expect((remote as Error).message).to.include('--browser needs a callback on this computer');
    await source.close();
    expect(isLoopbackCallback('http://127.0.0.1:8080/cb')).to.equal(true);
    expect(isLoopbackCallback('http://localhost/cb')).to.equal(false);
  });
});
