/*
 * The same checks against an independent OAuth 2.0 server (oidc-provider 9 on Salesforce's paths): what keeps the
 * checks honest, since nothing here shares code or error strings with the emulator.
 */
import { expect } from 'chai';
import type { ClientConfig } from '../../src/oauth/client-config.js';
import { redirectSource } from '../../src/oauth/code-source.js';
import { Secret } from '../../src/oauth/secret.js';
import { TokenLedger } from '../../src/smoke/ledger.js';
import type { AppRun } from '../../src/smoke/model.js';
import { runVerify } from '../../src/smoke/runner.js';
import { startOidcPeer, type OidcPeer } from './oidc-peer.js';

function config(
  peer: OidcPeer,
  app: string,
  clientId: string,
  clientType: 'public' | 'confidential' | null,
): ClientConfig {
  return {
    app,
    appKind: 'unknown',
    clientId,
    redirectUri: peer.publicClient.redirectUri,
    loginUrl: peer.url,
    clientType,
    pkceRequired: null,
    rtrEnabled: null,
    refreshScope: null,
    refreshScopeRequest: 'refresh_token api',
    pkceScopeRequest: 'api',
    settingsComponent: null,
    settingsLastModified: null,
    source: 'overrides',
  };
}

const verdicts = (run: AppRun): Record<string, string> => Object.fromEntries(run.checks.map((c) => [c.id, c.verdict]));

describe('verify checks against oidc-provider (independent server)', function () {
  this.timeout(60_000);
  let peer: OidcPeer;
  beforeEach(async () => {
    peer = await startOidcPeer();
  });
  afterEach(async () => peer.stop());

  async function run(kind: 'pkce' | 'rtr', withSecret = true): Promise<{ runs: AppRun[]; ledger: TokenLedger }> {
    const ledger = new TokenLedger({ timeoutMs: 10_000 });
    const runs = await runVerify({
      kind,
      apps: [
        { config: config(peer, 'Peer_Public', peer.publicClient.clientId, 'public') },
        {
          config: config(peer, 'Peer_Confidential', peer.confidentialClient.clientId, 'confidential'),
          secret: withSecret ? new Secret(peer.confidentialClient.clientSecret) : undefined,
        },
      ],
      source: redirectSource(peer.url, { timeoutMs: 10_000 }),
      ledger,
      concurrency: 2,
      http: { timeoutMs: 10_000 },
    });
    return { runs, ledger };
  }

  it('every PKCE check passes for a public and a confidential client; plain is refused', async () => {
    const { runs } = await run('pkce');
    for (const r of runs) {
      expect(verdicts(r), r.app).to.deep.equal({
        's256-flow': 'pass',
        'authorize-without-challenge': 'pass',
        'wrong-verifier': 'pass',
        'missing-verifier': 'pass',
        'client-authentication': 'pass',
        'plain-method': 'info',
      });
      expect(r.checks.find((c) => c.id === 'authorize-without-challenge')?.evidence.error).to.equal('invalid_request');
      expect(r.checks.find((c) => c.id === 'plain-method')?.evidence.error).to.equal('invalid_request');
    }
    const conf = runs.find((r) => r.app === 'Peer_Confidential');
    expect(conf?.checks.find((c) => c.id === 'client-authentication')?.evidence).to.deep.include({
      status: 401,
      error: 'invalid_client',
    });
  });

  it('every RTR check passes: rotation, reuse refused with invalid_grant, grant revoked, one of two concurrent refreshes wins', async () => {
    const { runs, ledger } = await run('rtr');
    for (const r of runs) {
      expect(verdicts(r), r.app).to.deep.equal({
        rotation: 'pass',
        'new-token-works': 'pass',
        'reuse-rejected': 'pass',
        'chain-revoked': 'pass',
        'concurrent-refresh': 'pass',
      });
    }
    expect(ledger.live()).to.equal(0);
    // Every token the run created is dead on the server.
    const { provider } = peer;
    for (const token of ledger.secrets()) {
      const [rt, at] = await Promise.all([provider.RefreshToken.find(token), provider.AccessToken.find(token)]);
      expect(rt?.isValid && !rt.consumed ? 'live refresh token' : at?.isValid ? 'live access token' : 'dead').to.equal(
        'dead',
      );
    }
  });

  it('a confidential client without its secret: exchanges that need it are not applicable, client authentication still passes', async () => {
    const { runs } = await run('pkce', false);
    const conf = runs.find((r) => r.app === 'Peer_Confidential');
    expect(conf && verdicts(conf)).to.deep.include({
      's256-flow': 'not-applicable',
      'wrong-verifier': 'not-applicable',
      'client-authentication': 'pass',
    });
  });
});
