import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { XMLValidator, XMLParser } from 'fast-xml-parser';
import { toJunit } from '../../src/smoke/junit.js';
import { scrub } from '../../src/smoke/ledger.js';
import { summarize, type AppRun, type VerifyResult } from '../../src/smoke/model.js';
import {
  isCurrent,
  latestRun,
  orgResults,
  readAppResults,
  resultFile,
  resultsRoot,
  storeRun,
} from '../../src/smoke/results-store.js';
import { mapPool } from '../../src/smoke/runner.js';

function appRun(app: string, kind: 'pkce' | 'rtr', verdict: AppRun['verdict'] = 'pass'): AppRun {
  return {
    app,
    kind,
    verdict,
    clientId: 'key',
    clientType: 'public',
    serverUrl: 'http://127.0.0.1:1',
    codeSource: 'frontdoor',
    settingsComponent: { type: 'ConnectedApp', fullName: app },
    settingsLastModified: '2026-01-02T03:04:05.000Z',
    settings: { pkceRequired: true, rtrEnabled: true, source: 'metadata' },
    checks: [
      {
        id: 's256-flow',
        title: 'The correct S256 flow succeeds',
        verdict: 'pass',
        evidence: { at: 'token', status: 200 },
        note: 'ok',
        ms: 5,
      },
      {
        id: 'wrong-verifier',
        title: 'Wrong <verifier> & "quotes"',
        verdict: verdict === 'fail' ? 'fail' : 'pass',
        evidence: { at: 'token', status: 200 },
        note: 'Tokens were issued for a wrong verifier.',
        ms: 3,
      },
      {
        id: 'plain-method',
        title: 'plain',
        verdict: 'info',
        evidence: {
          at: 'authorize',
          status: 302,
          error: 'invalid_request',
          error_description: 'invalid code challenge method',
        },
        note: 'refused',
        ms: 1,
      },
      {
        id: 'client-authentication',
        title: 'client',
        verdict: 'not-applicable',
        evidence: { at: 'none' },
        note: 'no secret',
        ms: 0,
      },
      {
        id: 'missing-verifier',
        title: 'missing',
        verdict: 'error',
        evidence: { at: 'token', status: 503, error: 'invalid_response' },
        note: 'HTTP 503',
        ms: 2,
      },
    ],
    cleanup: { revoked: 2, notActive: 1, failed: 0 },
    timings: { startedAt: '2026-01-02T03:04:05.000Z', finishedAt: '2026-01-02T03:04:06.000Z', ms: 1000 },
  };
}

describe('results store', () => {
  it('writes <root>/<orgId>/<app>.json with 0600 in 0700 folders, keeps the history, and reads it back for the gate', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'results-'));
    const first = await storeRun('00D000000000001AAA', appRun('Field_Service_App', 'pkce'), root);
    await storeRun('00D000000000001AAA', appRun('Field_Service_App', 'rtr', 'fail'), root);
    await storeRun('00D000000000001AAA', appRun('Field_Service_App', 'pkce', 'fail'), root);
    await storeRun('00D000000000001AAA', appRun('Ops_Dashboard_Local', 'rtr'), root);
    expect(first).to.equal(path.join(root, '00D000000000001AAA', 'Field_Service_App.json'));
    expect(statSync(first).mode & 0o777).to.equal(0o600);
    expect(statSync(path.dirname(first)).mode & 0o777).to.equal(0o700);
    const file = await readAppResults('00D000000000001AAA', 'Field_Service_App', root);
    expect(file?.runs.map((r) => `${r.kind}:${r.verdict}`)).to.deep.equal(['pkce:pass', 'rtr:fail', 'pkce:fail']);
    expect(file?.runs[0]).to.include.keys(
      'id',
      'time',
      'app',
      'kind',
      'settingsLastModified',
      'checks',
      'verdict',
      'timings',
      'serverUrl',
    );
    expect((await latestRun('00D000000000001AAA', 'Field_Service_App', 'pkce', root))?.verdict).to.equal('fail');
    const all = await orgResults('00D000000000001AAA', root);
    expect(all.map((a) => [a.app, a.pkce?.verdict, a.rtr?.verdict])).to.deep.equal([
      ['Field_Service_App', 'fail', 'fail'],
      ['Ops_Dashboard_Local', undefined, 'pass'],
    ]);
    const run = file?.runs[0];
    expect(run && isCurrent(run, '2026-01-02T03:04:05Z')).to.equal(true);
    expect(run && isCurrent(run, '2026-02-01T00:00:00Z')).to.equal(false);
    expect(await orgResults('00Dnothing', root)).to.deep.equal([]);
  });

  it('honours SF_OAUTH_RESULTS_DIR and keeps app names inside their folder', () => {
    expect(resultsRoot({ SF_OAUTH_RESULTS_DIR: '/x/y' })).to.equal('/x/y');
    expect(resultsRoot({ HOME: '/h' })).to.match(/\.sf[/\\]oauth[/\\]results$/);
    expect(path.basename(resultFile('00D', '../../etc/passwd', '/r'))).to.equal(
      '.._.._etc_passwd.json'.replace(/^\.+/, '_'),
    );
    expect(path.dirname(resultFile('00D', '../../etc/passwd', '/r'))).to.equal(path.join('/r', '00D'));
  });

  it('scrubs known secret values from anything before output', () => {
    const value = { note: 'token 00Dabc!AQsecretvalue123 leaked', nested: ['00Dabc!AQsecretvalue123'] };
    expect(JSON.stringify(scrub(value, ['00Dabc!AQsecretvalue123']))).not.to.include('AQsecretvalue123');
  });

  it('runs a bounded pool in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n * 3));
      inFlight--;
      return n * 10;
    });
    expect(out).to.deep.equal([50, 10, 40, 20, 30, 0]);
    expect(peak).to.equal(2);
  });

  it('stops taking items on abort, lets those in flight finish and keeps their results in order', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    let secondStarted!: () => void;
    const secondBegun = new Promise<void>((r) => (secondStarted = r));
    const out = await mapPool(
      [0, 1, 2, 3, 4],
      2,
      async (n) => {
        started.push(n);
        // The second item aborts the run (Ctrl-C) while the first is still in flight.
        if (n === 0) await secondBegun;
        if (n === 1) {
          controller.abort();
          secondStarted();
        }
        return `r${n}`;
      },
      controller.signal,
    );
    expect(started).to.deep.equal([0, 1]);
    expect(out).to.deep.equal(['r0', 'r1']);
  });

  it('rejects with the first error and begins no further item', async () => {
    const started: number[] = [];
    let error: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/require-await -- a throw in an async function: the rejection under test
      await mapPool([0, 1, 2, 3], 1, async (n) => {
        started.push(n);
        if (n === 1) throw new Error('app 1 failed');
        return n;
      });
    } catch (e) {
      error = e;
    }
    expect((error as Error)?.message).to.equal('app 1 failed');
    expect(started).to.deep.equal([0, 1]);
  });
});

describe('JUnit report', () => {
  it('is well-formed XML with one suite per app and failure, error, skipped counts', () => {
    const apps = [appRun('A_App', 'pkce', 'fail'), appRun('B & <App>', 'pkce')];
    const result: VerifyResult = {
      kind: 'pkce',
      orgId: '00D',
      username: 'u',
      serverUrl: 's',
      passed: false,
      summary: summarize(apps),
      apps,
      cleanup: { revoked: 0, notActive: 0, failed: 0 },
      resultFiles: [],
      timings: { startedAt: '', finishedAt: '', ms: 1234, concurrency: 4 },
    };
    const xml = toJunit(result);
    expect(XMLValidator.validate(xml)).to.equal(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (n): boolean => ['testsuite', 'testcase'].includes(n),
    }).parse(xml) as {
      testsuites: {
        '@_tests': string;
        '@_failures': string;
        '@_errors': string;
        '@_skipped': string;
        testsuite: Array<{ '@_name': string; testcase: unknown[] }>;
      };
    };
    expect(doc.testsuites['@_tests']).to.equal('10');
    expect(doc.testsuites['@_failures']).to.equal('1');
    expect(doc.testsuites['@_errors']).to.equal('2');
    expect(doc.testsuites['@_skipped']).to.equal('2');
    expect(doc.testsuites.testsuite.map((s) => s['@_name'])).to.deep.equal(['pkce A_App', 'pkce B & <App>']);
    expect(xml).to.include('<failure message="Tokens were issued for a wrong verifier."');
  });

  it('a not-proven app: its deciding check is a failure with the reason, never a skip; an out-of-scope app is skipped', () => {
    const base = appRun('Support_Console', 'pkce');
    const noSecret: AppRun = {
      ...base,
      verdict: 'not-proven',
      checks: [
        {
          ...base.checks[0],
          verdict: 'not-applicable',
          evidence: { at: 'none' },
          note: 'The token exchange needs the consumer secret: set SF_OAUTH_CLIENT_SECRET_SUPPORT_CONSOLE.',
        },
        { ...base.checks[1], verdict: 'pass' },
      ],
    };
    const rtrBase = appRun('Ops_Dashboard_Local', 'rtr');
    // Stored by hand without its deciding check (rotation): a case of its own in the report.
    const missing: AppRun = { ...rtrBase, verdict: 'not-proven', checks: [{ ...rtrBase.checks[1], verdict: 'pass' }] };
    const outOfScope: AppRun = {
      ...appRun('CI_JWT_Deployer', 'rtr'),
      verdict: 'not-applicable',
      checks: [
        {
          id: 'rotation',
          title: 'rotation',
          verdict: 'not-applicable',
          evidence: { at: 'none' },
          note: 'no refresh scope',
          outOfScope: true,
          ms: 0,
        },
      ],
    };
    const apps = [noSecret, missing, outOfScope];
    const xml = toJunit({
      kind: 'pkce',
      orgId: '00D',
      username: 'u',
      serverUrl: 's',
      passed: false,
      summary: summarize(apps),
      apps,
      cleanup: { revoked: 0, notActive: 0, failed: 0 },
      resultFiles: [],
      timings: { startedAt: '', finishedAt: '', ms: 1, concurrency: 1 },
    });
    expect(XMLValidator.validate(xml)).to.equal(true);
    type Case = { '@_name': string; failure?: { '@_type': string; '@_message': string }; skipped?: unknown };
    type Suite = { '@_name': string; '@_tests': string; '@_failures': string; '@_skipped': string; testcase: Case[] };
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (n): boolean => ['testsuite', 'testcase'].includes(n),
    }).parse(xml) as {
      testsuites: { '@_tests': string; '@_failures': string; '@_skipped': string; testsuite: Suite[] };
    };
    const [sc, ops, jwt] = doc.testsuites.testsuite;
    expect([sc['@_tests'], sc['@_failures'], sc['@_skipped']]).to.deep.equal(['2', '1', '0']);
    expect(sc.testcase[0].failure?.['@_type']).to.equal('not-proven');
    expect(sc.testcase[0].failure?.['@_message']).to.include('SF_OAUTH_CLIENT_SECRET_SUPPORT_CONSOLE');
    expect(sc.testcase[0].skipped).to.equal(undefined);
    expect([ops['@_tests'], ops['@_failures']]).to.deep.equal(['2', '1']);
    expect(ops.testcase[1]['@_name']).to.match(/^rotation: /);
    expect(ops.testcase[1].failure?.['@_message']).to.include('rotation did not run');
    expect([jwt['@_tests'], jwt['@_failures'], jwt['@_skipped']]).to.deep.equal(['1', '0', '1']);
    expect([doc.testsuites['@_tests'], doc.testsuites['@_failures'], doc.testsuites['@_skipped']]).to.deep.equal([
      '5',
      '2',
      '1',
    ]);
  });
});
