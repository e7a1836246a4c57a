/*
 * The spawned tests' isolation (test/helpers/cli.ts): a TestSession's HOME while a describe lives, and the process
 * environment put back afterwards, so the in-process tests of the same mocha run keep test/helpers/env.ts's HOME.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { cliEnv, isolatedEnv, runCli } from './cli.js';

describe('spawned-CLI sessions (test/helpers/cli.ts)', function () {
  this.timeout(60_000);
  const homeBefore = process.env.HOME;
  const ciBefore = process.env.CI;

  describe('while a session lives', () => {
    const env = isolatedEnv();
    before(() => {
      // As a CI runner exports it: the children must not see it unless a test sets it. Set after the session began,
      // so its end must remove it.
      process.env.CI = 'true';
    });

    it("HOME is the session's folder, in this process and for the children, with no CI variable", () => {
      expect(env.HOME).to.be.a('string').and.not.equal(homeBefore);
      expect(existsSync(env.HOME as string)).to.equal(true);
      expect(process.env.HOME).to.equal(env.HOME);
      expect(process.env.CI).to.equal('true');
      expect(env).not.to.have.property('CI');
      expect(cliEnv({ ...process.env, CI: 'true' })).not.to.have.property('CI');
      expect(env.SF_USE_GENERIC_UNIX_KEYCHAIN).to.equal('true');
    });

    it('a spawned command reads that HOME', async () => {
      const run = await runCli(['oauth', 'backup', 'list'], env);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.include(`No backups in ${path.join(env.HOME as string, '.sf', 'oauth', 'backups')}.`);
    });
  });

  describe('after the session', () => {
    it("process.env is back: the run's HOME, and nothing the session added", () => {
      expect(process.env.HOME).to.equal(homeBefore);
      expect(process.env.USERPROFILE).to.equal(homeBefore);
      expect(process.env.CI).to.equal(ciBefore);
    });
  });

  it('a session environment used outside its describe body says so', async () => {
    const env: NodeJS.ProcessEnv = {};
    let message = '';
    await runCli(['--version'], env).catch((e: Error) => (message = e.message));
    expect(message).to.match(/call isolatedEnv\(\) in the describe body/);
  });
});
