/*
 * sf oauth pkce verify, in-process against an org whose ONLY PKCE requirement is the org-wide Require PKCE setting,
 * under every way Salesforce may deliver that refusal (option orgPkceRefusal) and wherever it judges a plain
 * challenge (option pkceChallengeCheck): the command passes the app and exits 0.
 */
import { expect } from 'chai';
import { AuthRemover } from '@salesforce/core';
import PkceVerify from '../../../src/commands/oauth/pkce/verify.js';
import { behaviourVariants } from '../../../src/emulator/behaviours.js';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import { saveCliAuthorization } from '../../../src/emulator/sf-auth.js';
import { secretEnvName } from '../../../src/oauth/secret.js';
import type { VerifyResult } from '../../../src/smoke/model.js';
import { startEmulator } from '../../helpers/emulator.js';
import { runJson } from '../../helpers/in-process.js';
import { privateDirs } from '../../rollout/helpers.js';

const SECRET = 'planted-secret-for-org-wide-pkce-5e1d07c3';

describe('sf oauth pkce verify on an org with only the org-wide Require PKCE setting (in-process)', function () {
  this.timeout(120_000);

  for (const variant of behaviourVariants(['orgPkceRefusal', 'pkceChallengeCheck'])) {
    it(`passes an app without its own PKCE flag and exits 0 (${variant.label})`, async () => {
      const seed = structuredClone(DEFAULT_SEED);
      for (const a of seed.apps) if (a.name === 'Partner_Portal_Sync') a.consumerSecret = SECRET;
      seed.oauthSettings = { ...seed.oauthSettings, isPkceRequired: 'true' };
      const emu = await startEmulator({ seed, behaviours: variant.behaviours });
      privateDirs();
      const alias = `orgwide${Date.now()}`;
      const { username } = await saveCliAuthorization(emu, alias);
      process.env[secretEnvName('Partner_Portal_Sync')] = SECRET;
      try {
        const { json, exitCode } = await runJson<{ status: number; result: VerifyResult }>(PkceVerify, [
          '-o',
          alias,
          '--app',
          'Partner_Portal_Sync',
        ]);
        expect(exitCode, JSON.stringify(json)).to.equal(0);
        expect(json.result.passed).to.equal(true);
        const checks = json.result.apps[0].checks;
        expect(checks.find((c) => c.id === 'authorize-without-challenge')?.verdict).to.equal('pass');
        expect(checks.find((c) => c.id === 'plain-method')?.verdict).to.equal('info');
        expect(JSON.stringify(json)).to.not.include(SECRET);
      } finally {
        delete process.env[secretEnvName('Partner_Portal_Sync')];
        await (await AuthRemover.create()).removeAuth(username);
        await emu.stop();
      }
    });
  }
});
