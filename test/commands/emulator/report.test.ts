import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { XMLValidator } from 'fast-xml-parser';
import { BadlyBehavedClient } from '../../../examples/badly-behaved-client.js';
import { headlessBrowser } from '../../../examples/headless-browser.js';
import { FileTokenStore } from '../../../examples/token-store.js';
import { WellBehavedClient } from '../../../examples/well-behaved-client.js';
import { oauthClients } from '../../../src/emulator/clients.js';
import type { EmulatorReportResult } from '../../../src/commands/oauth/emulator/report.js';
import { buildState } from '../../../src/emulator/seed/build.js';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import { OrgStore } from '../../../src/emulator/store/store.js';
import { freePort, isolatedEnv, runCli, startCli } from '../../helpers/cli.js';

const browser = headlessBrowser('admin@acme.example.com.uat');

/** Consumer keys and callbacks of the default org (stable across runs). */
function app(name: string): { clientId: string; redirectUri: string } {
  const client = [...oauthClients(new OrgStore(buildState(DEFAULT_SEED, Date.now()).state)).values()].find(
    (c) => c.appName === name,
  );
  if (!client) throw new Error(`no app ${name}`);
  return { clientId: client.clientId, redirectUri: client.callbackUrls[0] };
}

const store = (dir: string, name: string): FileTokenStore => new FileTokenStore(path.join(dir, name));

type Json = { status: number; result: EmulatorReportResult };
const failingOf = (json: Json, appName: string): string[] =>
  json.result.clients
    .find((c) => c.appName === appName)
    ?.requirements.filter((r) => r.verdict === 'fail')
    .map((r) => r.id) ?? [];

describe('sf oauth emulator report', function () {
  this.timeout(240_000);
  // A TestSession (its own HOME) for each test.
  const env = isolatedEnv('test');

  it('reads a running emulator in rehearsal mode: JSON, human, JUnit file, client filter, exit codes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-report-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = await startCli(
      ['oauth', 'emulator', 'start', '--port', String(port), '--strict', '--session-seconds', '60'],
      env,
      /Press Ctrl-C/,
    );
    try {
      expect(started.output()).to.include('Rehearsal: access tokens expire after 60 seconds.');
      expect(started.output()).to.include('one refresh in 3 answers "token request is already being processed"');
      expect(started.output()).to.include(`sf oauth emulator report --url ${url}`);

      const good = new WellBehavedClient({
        loginUrl: url,
        ...app('Ops_Dashboard_Local'),
        store: store(dir, 'good.json'),
        backoffMs: 100,
      });
      await good.login(browser);
      for (let i = 0; i < 6; i++) await good.refresh();
      await good.query('SELECT Id FROM Organization');
      // Omits code_challenge_method as the sf CLI does: Salesforce accepts it, so it is advice.
      const bad = new BadlyBehavedClient({
        loginUrl: url,
        ...app('Field_Service_App'),
        confidential: false,
        store: store(dir, 'bad.json'),
        flaws: ['omit-method'],
      });
      await bad.login(browser);
      // Forgets its secret: Salesforce refuses the code exchange, so it fails.
      const noSecret = new BadlyBehavedClient({
        loginUrl: url,
        ...app('Reporting_Portal'),
        confidential: true,
        store: store(dir, 'no-secret.json'),
        flaws: ['no-secret'],
      });
      await noSecret.login(browser).catch(() => undefined);

      const json = await runCli(['oauth', 'emulator', 'report', '--url', url, '--json'], env);
      expect(json.code, json.stderr).to.equal(1);
      const parsed = JSON.parse(json.stdout) as Json;
      expect(parsed.status).to.equal(1);
      expect(parsed.result.source).to.equal(url);
      expect(parsed.result.success).to.equal(false);
      expect(parsed.result.summary).to.include({
        failedRequirements: 1,
        failingClients: 1,
        advisedRequirements: 1,
        advisedClients: 1,
      });
      expect(failingOf(parsed, 'Reporting_Portal')).to.deep.equal(['secret.confidential']);
      expect(failingOf(parsed, 'Field_Service_App')).to.deep.equal([]);
      const s256 = parsed.result.clients
        .find((c) => c.appName === 'Field_Service_App')
        ?.requirements.find((r) => r.id === 'pkce.s256');
      expect(s256).to.include({ verdict: 'advice', failures: 0, advisories: 1 });
      expect(failingOf(parsed, 'Ops_Dashboard_Local')).to.deep.equal([]);
      const retry = parsed.result.clients
        .find((c) => c.appName === 'Ops_Dashboard_Local')
        ?.requirements.find((r) => r.id === 'retry.transient');
      expect(retry?.verdict).to.equal('pass');

      const human = await runCli(['oauth', 'emulator', 'report', '--url', url], env);
      expect(human.code).to.equal(1);
      expect(human.stdout).to.match(
        // the consumer key shortened where the heading would pass the 120 columns of a pipe
        /Field_Service_App \(3MVG9EMU[\w…]+\), External Client App, public client, rotation on: PASS with advice \(1\)/,
      );
      expect(human.stdout).to.include('- pkce.s256: Send code_challenge_method=S256 explicitly');
      expect(human.stdout).to.match(
        /Reporting_Portal \(3MVG9EMU[\w…]+\), Connected App, confidential client: FAIL \(1 failing\)/,
      );
      expect(human.stdout).to.include('- secret.confidential (');

      // Advice alone does not fail the gate.
      const onlyAdvice = await runCli(
        ['oauth', 'emulator', 'report', '--url', url, '--client-id', 'Field_Service_App', '--json'],
        env,
      );
      expect(onlyAdvice.code, onlyAdvice.stderr).to.equal(0);
      expect((JSON.parse(onlyAdvice.stdout) as Json).result).to.include({ success: true });

      const onlyGood = await runCli(
        ['oauth', 'emulator', 'report', '--url', url, '--client-id', 'Ops_Dashboard_Local', '--json'],
        env,
      );
      expect(onlyGood.code).to.equal(0);
      expect((JSON.parse(onlyGood.stdout) as Json).result.clients.map((c) => c.appName)).to.deep.equal([
        'Ops_Dashboard_Local',
      ]);

      // A typo in --client-id is an error naming the client meant, not an empty report that passes the gate.
      const typo = await runCli(
        ['oauth', 'emulator', 'report', '--url', url, '--client-id', 'Ops_Dashbord_Local', '--json'],
        env,
      );
      expect(typo.code, typo.stdout).to.equal(1);
      const typoError = JSON.parse(typo.stdout) as { name: string; message: string; actions: string[] };
      expect(typoError.name).to.equal('UnknownClientError');
      expect(typoError.message).to.equal(
        'No client with the consumer key or app name "Ops_Dashbord_Local" has recorded activity. Did you mean: Ops_Dashboard_Local?',
      );
      expect(typoError.actions[0]).to.include('--client-id');
      // Nothing close: it lists every client that called.
      const nope = await runCli(['oauth', 'emulator', 'report', '--url', url, '--client-id', 'Nope'], env);
      expect(nope.code).to.equal(1);
      expect(nope.stderr).to.include(
        'The clients with recorded activity are: Field_Service_App, Ops_Dashboard_Local, Reporting_Portal.',
      );
      expect(nope.stderr).to.not.include('Warning: No recorded activity');

      const xmlFile = path.join(dir, 'conformance.xml');
      const junit = await runCli(
        ['oauth', 'emulator', 'report', '--url', url, '--result-format', 'junit', '--output-file', xmlFile],
        env,
      );
      expect(junit.code).to.equal(1);
      expect(junit.stdout).to.include(`Wrote the conformance report to ${xmlFile}.`);
      const xml = readFileSync(xmlFile, 'utf8');
      expect(XMLValidator.validate(xml)).to.equal(true);
      expect(xml).to.include('<testsuites name="OAuth client conformance" tests="36" failures="1"');
      expect(xml).to.include('<failure type="secret.confidential"');
      expect(xml).to.include('<system-out>advice: Send code_challenge_method=S256 explicitly');
      expect(junit.stdout).to.include('1 requirement(s) pass with advice');

      const junitOut = await runCli(
        ['oauth', 'emulator', 'report', '--url', url, '--result-format', 'junit', '--client-id', 'Ops_Dashboard_Local'],
        env,
      );
      expect(junitOut.code).to.equal(0);
      expect(XMLValidator.validate(junitOut.stdout)).to.equal(true);
      expect(junitOut.stdout).to.include('failures="0"');

      // No token from the clients' token files appears in any output.
      const tokens = ['good.json', 'bad.json']
        .flatMap((f) => Object.values(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, string>))
        .filter((v) => !v.startsWith('http'));
      expect(tokens.length).to.be.greaterThan(2);
      for (const output of [json.stdout, human.stdout, xml])
        for (const token of tokens) expect(output).to.not.include(token);
    } finally {
      started.child.kill('SIGINT');
      await started.done;
    }
  });

  it('reads the state file after the emulator stopped, and an emulator org by alias', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-report-'));
    const stateFile = path.join(dir, 'org.json');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = await startCli(
      ['oauth', 'emulator', 'start', '--port', String(port), '--state-file', stateFile, '--alias', 'emu'],
      env,
      /Press Ctrl-C/,
    );
    let stopped = false;
    try {
      const byAlias = await runCli(['oauth', 'emulator', 'report', '--target-org', 'emu', '--json'], env);
      expect(byAlias.code, byAlias.stdout).to.equal(0);
      expect((JSON.parse(byAlias.stdout) as Json).result).to.include({ source: url, success: true });

      const bad = new BadlyBehavedClient({
        loginUrl: url,
        ...app('Reporting_Portal'),
        confidential: true,
        store: store(dir, 'bad.json'),
        flaws: ['no-secret'],
      });
      await bad.login(browser).catch(() => undefined);
      started.child.kill('SIGINT');
      expect((await started.done).code).to.equal(0);
      stopped = true;
    } finally {
      if (!stopped) {
        started.child.kill('SIGINT');
        await started.done;
      }
    }
    const fromFile = await runCli(['oauth', 'emulator', 'report', '--state-file', stateFile, '--json'], env);
    expect(fromFile.code).to.equal(1);
    const parsed = JSON.parse(fromFile.stdout) as Json;
    expect(parsed.result.source).to.equal(stateFile);
    expect(failingOf(parsed, 'Reporting_Portal')).to.deep.equal(['secret.confidential']);
    expect(existsSync(path.join(dir, 'bad.json'))).to.equal(false);
  });

  it('after a restart with --state-file, says a reused token was rotated before the restart, never "0 ms after rotation"', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-report-'));
    const stateFile = path.join(dir, 'org.json');
    const start = async (): Promise<{ url: string; stop: () => Promise<void> }> => {
      const port = await freePort();
      const started = await startCli(
        ['oauth', 'emulator', 'start', '--port', String(port), '--state-file', stateFile],
        env,
        /Press Ctrl-C/,
      );
      return {
        url: `http://127.0.0.1:${port}`,
        stop: async (): Promise<void> => {
          started.child.kill('SIGINT');
          expect((await started.done).code).to.equal(0);
        },
      };
    };
    const ops = app('Ops_Dashboard_Local');
    const first = await start();
    const tokens = store(dir, 'good.json');
    let rotatedOut = '';
    try {
      const good = new WellBehavedClient({ loginUrl: first.url, ...ops, store: tokens });
      await good.login(browser);
      rotatedOut = (await tokens.read())?.refreshToken ?? '';
      await good.refresh();
    } finally {
      await first.stop();
    }
    const second = await start();
    try {
      const reuse = await fetch(`${second.url}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rotatedOut, client_id: ops.clientId }),
      });
      expect(reuse.status).to.equal(400);
    } finally {
      await second.stop();
    }
    const human = await runCli(
      ['oauth', 'emulator', 'report', '--state-file', stateFile, '--client-id', 'Ops_Dashboard_Local'],
      env,
    );
    expect(human.code).to.equal(1);
    expect(human.stdout).to.match(/rtr\.store-rotated\s+FAIL/);
    // the sentence wraps at 120 columns: compared with its line breaks as spaces
    expect(human.stdout.replace(/\s+/g, ' ')).to.match(
      /Rotated-out refresh tokens presented 1 time\(s\): 1 rotated before \S+ \S+ \(a restart; exact times are not kept\), at least [\d.]+ (ms|s) after rotation\./,
    );
    expect(human.stdout).not.to.match(/\b0 ms after rotation/);
  });

  it('explains a missing, unreachable or wrong source, with actions and no stack trace', async () => {
    const none = await runCli(['oauth', 'emulator', 'report', '--json'], env);
    expect(none.code).to.equal(1);
    const noneJson = JSON.parse(none.stdout) as { name: string; actions: string[] };
    expect(noneJson.name).to.equal('NoSourceError');
    expect(noneJson.actions[0]).to.include('--url');

    const port = await freePort();
    const unreachable = await runCli(['oauth', 'emulator', 'report', '--url', `http://127.0.0.1:${port}`], env);
    expect(unreachable.code).to.equal(1);
    expect(unreachable.stderr).to.include('Could not reach');
    expect(unreachable.stderr).to.include('Try this:');
    expect(unreachable.stderr).not.to.match(/\n\s+at /);

    const both = await runCli(
      ['oauth', 'emulator', 'report', '--url', 'http://127.0.0.1:1', '--state-file', 'package.json'],
      env,
    );
    expect(both.code).to.not.equal(0);
    expect(both.stderr).to.include('cannot also be provided');

    const notState = await runCli(['oauth', 'emulator', 'report', '--state-file', 'package.json', '--json'], env);
    expect(notState.code).to.equal(1);
    expect((JSON.parse(notState.stdout) as { name: string }).name).to.equal('BadStateFileError');
  });
});
