/*
 * The PKCE checks judge Salesforce correctly however it delivers its PKCE verdicts: the org-wide Require PKCE refusal
 * as OAUTH_APPROVAL_ERROR_GENERIC on the error page or as invalid_request on the callback (option orgPkceRefusal), and a
 * plain challenge refused at authorize or only at the exchange (option pkceChallengeCheck).
 */
import { expect } from 'chai';
import { behaviourVariants } from '../../src/emulator/behaviours.js';
import { DEFAULT_SEED } from '../../src/emulator/seed/default.js';
import type { OrgSeed } from '../../src/emulator/seed/types.js';
import type { ClientConfig } from '../../src/oauth/client-config.js';
import { Secret } from '../../src/oauth/secret.js';
import { blockedAction, type ProbeContext } from '../../src/smoke/probe.js';
import { coreConnection } from '../helpers/core.js';
import { startEmulator } from '../helpers/emulator.js';
import { verifyApps } from './harness.js';

const SECRET = 'planted-consumer-secret-1c9e4b7a2d6f3058';

/** The default org with the org-wide Require PKCE switch on and a known secret for the confidential app. */
function orgWidePkceSeed(): OrgSeed {
  const seed = structuredClone(DEFAULT_SEED);
  for (const app of seed.apps) if (app.name === 'Partner_Portal_Sync') app.consumerSecret = SECRET;
  seed.oauthSettings = { ...seed.oauthSettings, isPkceRequired: 'true' };
  return seed;
}

const ALL_PASS = {
  's256-flow': 'pass',
  'authorize-without-challenge': 'pass',
  'wrong-verifier': 'pass',
  'missing-verifier': 'pass',
  'client-authentication': 'pass',
  'plain-method': 'info',
};

describe('PKCE checks under every way Salesforce delivers its PKCE verdicts', function () {
  this.timeout(120_000);

  for (const variant of behaviourVariants(['orgPkceRefusal', 'pkceChallengeCheck'])) {
    it(`org-wide Require PKCE passes an app without its own flag, and plain is only reported (${variant.label})`, async () => {
      const emu = await startEmulator({ seed: orgWidePkceSeed(), behaviours: variant.behaviours });
      try {
        const conn = await coreConnection(emu);
        const h = await verifyApps(conn, 'pkce', ['Partner_Portal_Sync', 'Ops_Dashboard_Local'], {
          secrets: { Partner_Portal_Sync: new Secret(SECRET) },
        });
        expect(h.verdicts('Partner_Portal_Sync'), variant.label).to.deep.equal(ALL_PASS);
        expect(h.verdicts('Ops_Dashboard_Local'), variant.label).to.deep.equal(ALL_PASS);
        const without = h.byApp('Partner_Portal_Sync').checks.find((c) => c.id === 'authorize-without-challenge');
        const orgWide = variant.behaviours.orgPkceRefusal ?? 'approval-error-generic';
        expect(without?.evidence.error).to.equal(
          orgWide === 'approval-error-generic' ? 'OAUTH_APPROVAL_ERROR_GENERIC' : 'invalid_request',
        );
        if (orgWide === 'approval-error-generic') expect(without?.note).to.include('org-wide Require PKCE');
        // An app that requires PKCE itself is always refused on the callback with invalid_request.
        expect(
          h.byApp('Ops_Dashboard_Local').checks.find((c) => c.id === 'authorize-without-challenge')?.evidence.error,
        ).to.equal('invalid_request');
        const plain = h.byApp('Partner_Portal_Sync').checks.find((c) => c.id === 'plain-method');
        if ((variant.behaviours.pkceChallengeCheck ?? 'at-exchange') === 'at-exchange') {
          expect(plain?.evidence).to.deep.include({
            at: 'token',
            error: 'invalid_grant',
            error_description: 'invalid code verifier',
          });
        } else {
          expect(plain?.evidence).to.deep.include({ at: 'authorize', error: 'invalid_request' });
        }
        expect(h.byApp('Partner_Portal_Sync').verdict).to.equal('pass');
        expect(h.ledger.live()).to.equal(0);
      } finally {
        await emu.stop();
      }
    });
  }
});

describe('an authorization refused for its scope', () => {
  it("names the scope as the reason and the app's OAuth scopes as the fix", () => {
    const ctx = {
      config: { app: 'Some_App', redirectUri: 'https://cb.example.com/cb' } as ClientConfig,
      source: { name: 'frontdoor' },
    } as ProbeContext;
    const blocked = blockedAction(
      {
        kind: 'error',
        error: 'invalid_scope',
        errorDescription: 'the requested scope is not allowed',
        atCallback: false,
        status: 302,
      },
      ctx,
    );
    expect(blocked.message).to.include('does not allow a scope').and.to.include('invalid_scope');
    expect(blocked.action).to.include('OAuth scopes');
  });
});
