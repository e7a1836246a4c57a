import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import type { Flaw } from '../../../examples/badly-behaved-client.js';
import { runWorkedExample } from '../../../examples/worked-example.js';
import { behaviourVariants } from '../../../src/emulator/behaviours.js';
import { ROOT } from '../../helpers/cli.js';
import { useEmulator } from '../../helpers/emulator.js';
import { editConnectedApp } from '../oauth/helpers.js';
import {
  CONFIDENTIAL_APP,
  PUBLIC_APP,
  advised,
  appInfo,
  badClient,
  browser,
  failing,
  goodClient,
  ordinaryDay,
  passing,
  tempStore,
  verdicts,
} from './helpers.js';

/** The recorder's race window in these tests; ordinaryDay pauses longer than this between refreshes. */
const RACE_WINDOW_MS = 100;

describe('conformance report: clients that follow every rule', () => {
  const emu = useEmulator({ conformance: { raceWindowMs: RACE_WINDOW_MS } });

  it('a public client with rotation passes every requirement it exercises, including parallel refreshes and a revoked token', async () => {
    const store = tempStore();
    const client = goodClient(emu(), PUBLIC_APP, store);
    expect(await ordinaryDay(client)).to.equal(undefined);
    // Two copies sharing the token file refresh at once: the lock and the re-read make it one refresh.
    const twin = goodClient(emu(), PUBLIC_APP, store);
    const before = (await store.read())?.refreshToken;
    await Promise.all([client.refresh(before), twin.refresh(before), client.refresh(before)]);
    // A revoked token is terminal: the client stops and asks for a new login.
    const tokens = await store.read();
    await fetch(`${emu().url}/services/oauth2/revoke?token=${encodeURIComponent(tokens?.refreshToken ?? '')}`);
    const error = await client.refresh().catch((e: Error) => e);
    expect(error).to.have.property('name', 'ReauthenticationRequired');

    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal([]);
    expect(passing(report, PUBLIC_APP)).to.have.members([
      'pkce.challenge',
      'pkce.s256',
      'pkce.verifier-format',
      'pkce.verifier-not-hash',
      'pkce.verifier-match',
      'secret.public',
      'rtr.store-rotated',
      'rtr.parallel',
      'rtr.stop-on-invalid-grant',
    ]);
    expect(verdicts(report, PUBLIC_APP)['secret.confidential']).to.equal('not exercised');
    const parallel = report.clients[0].requirements.find((r) => r.id === 'rtr.parallel');
    expect(parallel?.counts.refreshes).to.equal(4);
    expect(report.success).to.equal(true);
  });

  it('a confidential client sends its secret and passes', async () => {
    expect(await ordinaryDay(goodClient(emu(), CONFIDENTIAL_APP))).to.equal(undefined);
    const report = emu().conformanceReport();
    expect(failing(report, CONFIDENTIAL_APP)).to.deep.equal([]);
    expect(verdicts(report, CONFIDENTIAL_APP)['secret.confidential']).to.equal('pass');
    expect(verdicts(report, CONFIDENTIAL_APP)['secret.public']).to.equal('not exercised');
    // Rotation is off for this app: nothing to store, so the rule is not exercised.
    expect(verdicts(report, CONFIDENTIAL_APP)['rtr.store-rotated']).to.equal('not exercised');
    const client = report.clients[0];
    expect(client.clientType).to.equal('confidential');
    expect(client.redirectUris).to.have.length(1);
    expect(client.redirectUris[0]).to.include({ count: 1, registered: true });
  });
});

describe('conformance report: clients that break one rule each', () => {
  const emu = useEmulator({ conformance: { raceWindowMs: RACE_WINDOW_MS } });

  /** `fail`: Salesforce refuses it or it breaks under rotation; `advice`: an RFC deviation Salesforce accepts. */
  const cases: Array<{
    title: string;
    flaw: Flaw;
    app: string;
    rule: string;
    verdict: 'fail' | 'advice';
    setup?: () => void;
  }> = [
    {
      title: 'no-challenge: fails pkce.challenge and nothing else',
      flaw: 'no-challenge',
      app: PUBLIC_APP,
      rule: 'pkce.challenge',
      verdict: 'fail',
      // PKCE not required by the app, so that the whole flow runs without a challenge.
      setup: () =>
        editConnectedApp(emu(), PUBLIC_APP, (v) => {
          (v.oauthConfig as Record<string, unknown>).isPkceRequired = 'false';
        }),
    },
    {
      title: 'plain-method: fails pkce.s256 and nothing else',
      flaw: 'plain-method',
      app: PUBLIC_APP,
      rule: 'pkce.s256',
      verdict: 'fail',
    },
    {
      title: 'omit-method: gets advice on pkce.s256 and nothing else',
      flaw: 'omit-method',
      app: PUBLIC_APP,
      rule: 'pkce.s256',
      verdict: 'advice',
    },
    {
      title: 'short-verifier: gets advice on pkce.verifier-format and nothing else',
      flaw: 'short-verifier',
      app: PUBLIC_APP,
      rule: 'pkce.verifier-format',
      verdict: 'advice',
    },
    {
      title: 'long-verifier: gets advice on pkce.verifier-format and nothing else',
      flaw: 'long-verifier',
      app: PUBLIC_APP,
      rule: 'pkce.verifier-format',
      verdict: 'advice',
    },
    {
      title: 'tilde-verifier: fails pkce.verifier-format and nothing else',
      flaw: 'tilde-verifier',
      app: PUBLIC_APP,
      rule: 'pkce.verifier-format',
      verdict: 'fail',
    },
    {
      title: 'hash-as-verifier: fails pkce.verifier-not-hash and nothing else',
      flaw: 'hash-as-verifier',
      app: PUBLIC_APP,
      rule: 'pkce.verifier-not-hash',
      verdict: 'fail',
    },
    {
      title: 'secret-from-public: gets advice on secret.public and nothing else',
      flaw: 'secret-from-public',
      app: PUBLIC_APP,
      rule: 'secret.public',
      verdict: 'advice',
    },
    {
      title: 'no-secret: fails secret.confidential and nothing else',
      flaw: 'no-secret',
      app: CONFIDENTIAL_APP,
      rule: 'secret.confidential',
      verdict: 'fail',
    },
    {
      title: 'drop-rotated-token: fails rtr.store-rotated and nothing else',
      flaw: 'drop-rotated-token',
      app: PUBLIC_APP,
      rule: 'rtr.store-rotated',
      verdict: 'fail',
    },
  ];

  for (const c of cases) {
    it(c.title, async () => {
      c.setup?.();
      const error = await ordinaryDay(badClient(emu(), c.app, [c.flaw]));
      const report = emu().conformanceReport();
      const result = report.clients[0].requirements.find((r) => r.id === c.rule);
      if (c.verdict === 'fail') {
        expect(failing(report, c.app)).to.deep.equal([c.rule]);
        expect(advised(report, c.app)).to.deep.equal([]);
        expect(result?.fix).to.be.a('string').and.not.equal('');
        expect(result?.failures).to.be.greaterThan(0);
        expect(result?.firstFailure).to.be.a('string');
        expect(report.success).to.equal(false);
      } else {
        // Salesforce accepts it: the whole day works, and only advice is given.
        expect(error).to.equal(undefined);
        expect(failing(report, c.app)).to.deep.equal([]);
        expect(advised(report, c.app)).to.deep.equal([c.rule]);
        expect(result?.advice).to.be.a('string').and.not.equal('');
        expect(result).to.include({ failures: 0 });
        expect(result?.advisories).to.be.greaterThan(0);
        expect(result?.fix).to.equal(undefined);
        expect(report.success).to.equal(true);
      }
    });
  }

  it('one verifier used for two logins gets advice on pkce.verifier-format: Salesforce cannot tell', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const a = appInfo(emu(), PUBLIC_APP);
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    for (let login = 0; login < 2; login++) {
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: a.clientId,
        redirect_uri: a.redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const callback = new URL(await browser(`${emu().url}/services/oauth2/authorize?${query.toString()}`));
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        client_id: a.clientId,
        redirect_uri: a.redirectUri,
        code_verifier: verifier,
      });
      expect((await fetch(`${emu().url}/services/oauth2/token`, { method: 'POST', body })).status).to.equal(200);
    }
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal([]);
    expect(advised(report, PUBLIC_APP)).to.deep.equal(['pkce.verifier-format']);
    expect(
      report.clients[0].requirements.find((r) => r.id === 'pkce.verifier-format')?.counts.reusedChallenge,
    ).to.equal(1);
  });

  it('a wrong secret from a public client is refused: secret.public fails', async () => {
    const a = appInfo(emu(), PUBLIC_APP);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
      code_challenge: 'A'.repeat(43),
      code_challenge_method: 'S256',
    });
    const callback = new URL(await browser(`${emu().url}/services/oauth2/authorize?${query.toString()}`));
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      client_id: a.clientId,
      client_secret: 'not-the-secret',
      redirect_uri: a.redirectUri,
      code_verifier: 'x'.repeat(43),
    });
    expect((await fetch(`${emu().url}/services/oauth2/token`, { method: 'POST', body })).status).to.equal(400);
    const report = emu().conformanceReport();
    expect(verdicts(report, PUBLIC_APP)['secret.public']).to.equal('fail');
    expect(report.clients[0].requirements.find((r) => r.id === 'secret.public')?.counts).to.include({
      secretSent: 1,
      invalidSecret: 1,
    });
  });

  it('a wrong secret from a confidential client is refused: secret.confidential fails', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const a = appInfo(emu(), CONFIDENTIAL_APP);
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const callback = new URL(await browser(`${emu().url}/services/oauth2/authorize?${query.toString()}`));
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      client_id: a.clientId,
      client_secret: 'not-the-secret',
      redirect_uri: a.redirectUri,
      code_verifier: verifier,
    });
    expect((await fetch(`${emu().url}/services/oauth2/token`, { method: 'POST', body })).status).to.equal(400);
    const report = emu().conformanceReport();
    expect(failing(report, CONFIDENTIAL_APP)).to.deep.equal(['secret.confidential']);
    expect(report.clients[0].requirements.find((r) => r.id === 'secret.confidential')?.counts).to.include({
      secretSent: 1,
      invalidSecret: 1,
    });
  });

  it('the hashed verifier is recognized in hex and padded base64 too', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const a = appInfo(emu(), PUBLIC_APP);
    for (const encode of ['hex', 'base64'] as const) {
      const verifier = randomBytes(32).toString('base64url');
      const hash = createHash('sha256').update(verifier).digest();
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: a.clientId,
        redirect_uri: a.redirectUri,
        code_challenge: hash.toString('base64url'),
        code_challenge_method: 'S256',
      });
      const callback = new URL(await browser(`${emu().url}/services/oauth2/authorize?${query.toString()}`));
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        client_id: a.clientId,
        redirect_uri: a.redirectUri,
        code_verifier: hash.toString(encode),
      });
      expect((await fetch(`${emu().url}/services/oauth2/token`, { method: 'POST', body })).status).to.equal(400);
    }
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal(['pkce.verifier-not-hash']);
    expect(
      report.clients[0].requirements.find((r) => r.id === 'pkce.verifier-not-hash')?.counts.hashSentAsVerifier,
    ).to.equal(2);
  });

  it('a verifier sent on refresh (a reused jsforce OAuth2) fails pkce.verifier-match and nothing else', async () => {
    const store = tempStore();
    await goodClient(emu(), PUBLIC_APP, store).login(browser);
    const a = appInfo(emu(), PUBLIC_APP);
    const tokens = await store.read();
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens?.refreshToken ?? '',
      client_id: a.clientId,
      code_verifier: 'x'.repeat(43),
    });
    expect((await fetch(`${emu().url}/services/oauth2/token`, { method: 'POST', body })).status).to.equal(400);
    expect(failing(emu().conformanceReport(), PUBLIC_APP)).to.deep.equal(['pkce.verifier-match']);
  });

  it('two copies refreshing at once without a lock fail rtr.parallel and nothing else', async () => {
    const store = tempStore();
    const first = badClient(emu(), PUBLIC_APP, [], store);
    await first.login(browser);
    const second = badClient(emu(), PUBLIC_APP, [], store);
    const results = await Promise.allSettled([first.refresh(), second.refresh()]);
    expect(results.map((r) => r.status)).to.include('rejected');
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal(['rtr.parallel']);
    // Sent at once, the second refresh arrives while the first is processed: the emulator refuses it as a duplicate
    // in flight at any latency (behaviours row refresh.in-flight-duplicate), before it can count as a rotated-out token.
    expect(report.clients[0].requirements.find((r) => r.id === 'rtr.parallel')?.counts.duplicateInFlight).to.equal(1);
  });

  it('retrying a rejected refresh token in a loop fails rtr.stop-on-invalid-grant and nothing else', async () => {
    const store = tempStore();
    const client = badClient(emu(), PUBLIC_APP, ['retry-invalid-grant'], store);
    await client.login(browser);
    await fetch(
      `${emu().url}/services/oauth2/revoke?token=${encodeURIComponent((await store.read())?.refreshToken ?? '')}`,
    );
    await client.refresh().catch(() => undefined);
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal(['rtr.stop-on-invalid-grant']);
    expect(report.clients[0].requirements.find((r) => r.id === 'rtr.stop-on-invalid-grant')?.counts).to.include({
      rejected: 6,
      retriedAfterInvalidGrant: 5,
    });
  });
});

describe('conformance report: PKCE verdicts under every way Salesforce may judge a challenge', () => {
  // Fail means refused under at least one behaviour the emulator models as plausible; advice means accepted under all.
  const cases: Array<{ flaw: Flaw; failing: string[]; advised: string[] }> = [
    { flaw: 'plain-method', failing: ['pkce.s256'], advised: [] },
    { flaw: 'omit-method', failing: [], advised: ['pkce.s256'] },
    { flaw: 'long-verifier', failing: [], advised: ['pkce.verifier-format'] },
    { flaw: 'tilde-verifier', failing: ['pkce.verifier-format'], advised: [] },
    { flaw: 'hash-as-verifier', failing: ['pkce.verifier-not-hash'], advised: [] },
  ];
  for (const variant of behaviourVariants(['pkceChallengeCheck'])) {
    describe(variant.label, () => {
      const emu = useEmulator({ behaviours: variant.behaviours, conformance: { raceWindowMs: RACE_WINDOW_MS } });
      it('gives each PKCE mistake the same verdict', async () => {
        for (const c of cases) {
          await fetch(`${emu().url}/_emulator/conformance`, { method: 'DELETE' });
          await ordinaryDay(badClient(emu(), PUBLIC_APP, [c.flaw]));
          const report = emu().conformanceReport();
          expect({
            flaw: c.flaw,
            failing: failing(report, PUBLIC_APP),
            advised: advised(report, PUBLIC_APP),
          }).to.deep.equal(c);
        }
      });
    });
  }
});

describe('conformance report: two processes refreshing one token at once', function () {
  this.timeout(120_000);
  const emu = useEmulator();

  const runTwo = async (kind: 'good' | 'bad', tokenFile: string): Promise<string[]> => {
    const a = appInfo(emu(), PUBLIC_APP);
    const startAt = String(Date.now() + 4000);
    const script = path.join(ROOT, 'test', 'emulator', 'conformance', 'fixtures', 'refresh-process.ts');
    const one = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', '--no-warnings', script, kind, emu().url, a.clientId, a.redirectUri, tokenFile, startAt],
          { cwd: ROOT },
        );
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('close', () => resolve(out.trim()));
      });
    return Promise.all([one(), one()]);
  };

  it('well-behaved: the lock and the re-read make one refresh; nothing fails', async () => {
    const store = tempStore();
    await goodClient(emu(), PUBLIC_APP, store).login(browser);
    expect(await runTwo('good', store.file)).to.deep.equal(['refreshed', 'refreshed']);
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal([]);
    expect(verdicts(report, PUBLIC_APP)['rtr.parallel']).to.equal('pass');
  });

  it('badly-behaved: both send the same token; rtr.parallel fails and nothing else', async () => {
    const store = tempStore();
    await badClient(emu(), PUBLIC_APP, [], store).login(browser);
    const outputs = await runTwo('bad', store.file);
    expect(outputs.filter((o) => o.startsWith('failed'))).to.have.length(1);
    expect(failing(emu().conformanceReport(), PUBLIC_APP)).to.deep.equal(['rtr.parallel']);
  });
});

describe('the worked example of the README', () => {
  it('passes the well-behaved client, fails the badly-behaved one for the dropped token and advises on the omitted method', async () => {
    const lines: string[] = [];
    const report = await runWorkedExample((line) => lines.push(line));
    expect(failing(report, 'Ops_Dashboard_Local')).to.deep.equal([]);
    expect(verdicts(report, 'Ops_Dashboard_Local')['session.expiry']).to.equal('pass');
    expect(failing(report, 'Field_Service_App')).to.deep.equal(['rtr.store-rotated']);
    expect(advised(report, 'Field_Service_App')).to.deep.equal(['pkce.s256']);
    expect(lines.join('\n')).to.include('badly-behaved client: Refresh failed');
  });
});
