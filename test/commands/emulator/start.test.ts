import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { freePort, isolatedEnv, runCli, startCli } from '../../helpers/cli.js';

describe('sf oauth emulator start', function () {
  this.timeout(180_000);
  // A TestSession (its own HOME) for each test.
  const env = isolatedEnv('test');

  it('serves an org, saves an authorization under the alias, keeps a private state file, and stops cleanly on SIGINT', async () => {
    const port = await freePort();
    const stateFile = path.join(env.HOME as string, 'state', 'org.json');
    const started = await startCli(
      ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(port), '--state-file', stateFile],
      env,
      /Press Ctrl-C/,
    );
    const aliases = JSON.parse(readFileSync(path.join(env.HOME as string, '.sfdx', 'alias.json'), 'utf8')) as {
      orgs: Record<string, string>;
    };
    expect(aliases.orgs.emu).to.equal('admin@acme.example.com.uat');
    expect(statSync(stateFile).mode & 0o777).to.equal(0o600);
    expect(started.output()).to.include(`http://127.0.0.1:${port}`);

    started.child.kill('SIGINT');
    const result = await started.done;
    expect(result.code).to.equal(0);
    expect(result.stdout).to.include('Emulator stopped.');
    expect(result.stderr).not.to.match(/at .*\.js:\d+/);
  });

  it('refuses to take over the login of another emulator of the same org that still answers; replaces a stopped one with a warning', async () => {
    const authFile = path.join(env.HOME as string, '.sfdx', 'admin@acme.example.com.uat.json');
    const instanceUrl = (): string =>
      (JSON.parse(readFileSync(authFile, 'utf8')) as { instanceUrl: string }).instanceUrl;
    const aliases = (): Record<string, string> =>
      (
        JSON.parse(readFileSync(path.join(env.HOME as string, '.sfdx', 'alias.json'), 'utf8')) as {
          orgs: Record<string, string>;
        }
      ).orgs;
    const [portA, portB, portC] = [await freePort(), await freePort(), await freePort()];
    const first = await startCli(
      ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(portA)],
      env,
      /Press Ctrl-C/,
    );
    const others: Array<Awaited<ReturnType<typeof startCli>>> = [];
    try {
      // The same seed (org id and username) on another port: refused, nothing saved, nothing left running.
      const refused = await runCli(
        ['oauth', 'emulator', 'start', '--alias', 'prod', '--port', String(portB), '--json'],
        env,
      );
      expect(refused.code, refused.stderr).to.equal(1);
      const json = JSON.parse(refused.stdout) as { name: string; message: string; actions: string[] };
      expect(json.name).to.equal('AuthorizationInUseError');
      expect(json.message).to.include(`admin@acme.example.com.uat is already authorized for http://127.0.0.1:${portA}`);
      expect(json.actions.join(' ')).to.include('seed').and.include('--alias').and.include('--replace-authorization');
      expect(instanceUrl()).to.equal(`http://127.0.0.1:${portA}`);
      expect(aliases()).to.not.have.property('prod');
      const human = await runCli(['oauth', 'emulator', 'start', '--alias', 'prod', '--port', String(portB)], env);
      expect(human.code).to.equal(1);
      expect(human.stderr)
        .to.include('Try this:')
        .and.not.match(/\n\s+at /);

      // Asked for: replaced, with a warning.
      const replaced = await startCli(
        ['oauth', 'emulator', 'start', '--alias', 'prod', '--port', String(portB), '--replace-authorization'],
        env,
        /Press Ctrl-C/,
      );
      others.push(replaced);
      expect(replaced.output()).to.include(`authorized for http://127.0.0.1:${portA}, which still answers`);
      expect(instanceUrl()).to.equal(`http://127.0.0.1:${portB}`);
      replaced.child.kill('SIGINT');
      expect((await replaced.done).code).to.equal(0);

      // The instance it points at has stopped: replaced with a warning, no flag needed.
      const afterStop = await startCli(
        ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(portC)],
        env,
        /Press Ctrl-C/,
      );
      others.push(afterStop);
      expect(afterStop.output()).to.include(`authorized for http://127.0.0.1:${portB}, which no longer answers`);
      expect(instanceUrl()).to.equal(`http://127.0.0.1:${portC}`);
      expect(aliases().emu).to.equal('admin@acme.example.com.uat');
    } finally {
      for (const started of [first, ...others]) {
        started.child.kill('SIGINT');
        await started.done;
      }
    }
  });

  it('reports a port in use with an action and no stack trace', async () => {
    const port = await freePort();
    const first = await startCli(['oauth', 'emulator', 'start', '--port', String(port)], env, /Press Ctrl-C/);
    try {
      const second = await runCli(['oauth', 'emulator', 'start', '--port', String(port), '--json'], env);
      expect(second.code).to.equal(1);
      const json = JSON.parse(second.stdout) as { name: string; message: string; actions: string[]; status: number };
      expect(json.name).to.equal('PortInUseError');
      expect(json.message).to.include(String(port));
      expect(json.actions[0]).to.include('--port');
      const human = await runCli(['oauth', 'emulator', 'start', '--port', String(port)], env);
      expect(human.code).to.equal(1);
      expect(human.stderr).to.include('Try this:');
      expect(human.stderr).not.to.match(/\n\s+at /);
    } finally {
      first.child.kill('SIGINT');
      await first.done;
    }
  });

  it('refuses a seed file that is not a seed, with the path to the format', async () => {
    const seed = path.join(env.HOME as string, 'seed.json');
    writeFileSync(seed, '{"org": {}}');
    const result = await runCli(['oauth', 'emulator', 'start', '--port', '0', '--seed', seed, '--json'], env);
    expect(result.code).to.equal(1);
    const json = JSON.parse(result.stdout) as { message: string; actions: string[] };
    expect(json.message).to.include('needs "org"');
    expect(json.actions.join(' ')).to.include('docs/emulator-seed.md');
  });

  it('saves the authorization as sf org login does: CLI client, loopback instance URL, encrypted tokens', async () => {
    const port = await freePort();
    const started = await startCli(
      ['oauth', 'emulator', 'start', '--alias', 'emu2', '--port', String(port)],
      env,
      /Press Ctrl-C/,
    );
    try {
      const saved = JSON.parse(
        readFileSync(path.join(env.HOME as string, '.sfdx', 'admin@acme.example.com.uat.json'), 'utf8'),
      ) as Record<string, string>;
      expect(saved.instanceUrl).to.equal(`http://127.0.0.1:${port}`);
      expect(saved.clientId).to.equal('PlatformCLI');
      // Tokens in the auth file are encrypted by @salesforce/core, never stored in clear.
      expect(saved.accessToken).not.to.match(/^00D/);
      expect(saved.refreshToken).to.be.a('string').and.not.match(/^5Aep/);
    } finally {
      started.child.kill('SIGINT');
      await started.done;
    }
  });
});
