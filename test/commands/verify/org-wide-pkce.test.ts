/*
 * sf oauth pkce verify, in-process against an org whose ONLY PKCE requirement is the org-wide Require PKCE setting,
 * under every way Salesforce may deliver that refusal (option orgPkceRefusal) and wherever it judges a plain
 * challenge (option pkceChallengeCheck): the command passes the app and exits 0.
 */
import { expect } from 'chai';
import { Config } from '@oclif/core';
import { AuthRemover } from '@salesforce/core';
import PkceVerify from '../../../src/commands/oauth/pkce/verify.js';
import { behaviourVariants } from '../../../src/emulator/behaviours.js';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import { saveCliAuthorization } from '../../../src/emulator/sf-auth.js';
import { secretEnvName } from '../../../src/oauth/secret.js';
import type { VerifyResult } from '../../../src/smoke/model.js';
import { startEmulator } from '../../helpers/emulator.js';
import { ROOT } from '../../helpers/cli.js';
import { privateDirs } from '../../rollout/helpers.js';

const SECRET = 'planted-secret-for-org-wide-pkce-5e1d07c3';

/** Runs pkce verify with --json, capturing stdout; returns the parsed JSON and the exit code. */
async function pkceVerifyJson(
  argv: string[],
): Promise<{ json: { status: number; result: VerifyResult }; exitCode: number }> {
  const config = await Config.load(ROOT);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    out += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  const exitCodeBefore = process.exitCode;
  try {
    await PkceVerify.run([...argv, '--json'], config);
  } catch {
    // The command printed its error as JSON.
  } finally {
    process.stdout.write = write;
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = exitCodeBefore;
  return { json: JSON.parse(out) as { status: number; result: VerifyResult }, exitCode };
}

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
        const { json, exitCode } = await pkceVerifyJson(['-o', alias, '--app', 'Partner_Portal_Sync']);
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
