import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { XMLValidator } from 'fast-xml-parser';
import { classifyVerifier, isTheChallenge } from '../../../src/emulator/conformance/classify.js';
import { formatHuman, formatJunit } from '../../../src/emulator/conformance/format.js';
import { reportFromStateFile, reportFromUrl } from '../../../src/emulator/conformance/source.js';
import { OrgEmulator } from '../../../src/emulator/server.js';
import { useEmulator } from '../../helpers/emulator.js';
import { seedWith } from '../oauth/helpers.js';
import {
  PUBLIC_APP,
  PUBLIC_ECA,
  CONFIDENTIAL_APP,
  appInfo,
  badClient,
  browser,
  failing,
  goodClient,
  ordinaryDay,
  tempStore,
  verdicts,
} from './helpers.js';

const s256 = (v: string): string => createHash('sha256').update(v).digest('base64url');

describe('conformance classification', () => {
  it('recognizes the challenge sent as verifier in any encoding, and only that', () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = s256(verifier);
    const bytes = Buffer.from(challenge, 'base64url');
    for (const sent of [
      challenge,
      bytes.toString('hex'),
      bytes.toString('base64'),
      bytes.toString('base64').replace(/=+$/, ''),
    ]) {
      expect(isTheChallenge(sent, challenge), sent).to.equal(true);
    }
    expect(isTheChallenge(verifier, challenge)).to.equal(false);
    expect(classifyVerifier(challenge, 'S256', verifier)).to.deep.equal({ relation: 'ok', format: [], length: 43 });
    expect(classifyVerifier(challenge, 'S256', null).relation).to.equal('missing');
    expect(classifyVerifier(challenge, 'S256', challenge).relation).to.equal('hashed');
  });

  it('checks length and characters of a verifier separately from its match', () => {
    const short = 'abc';
    expect(classifyVerifier(s256(short), 'S256', short)).to.deep.equal({
      relation: 'ok',
      format: ['short'],
      length: 3,
    });
    const long = 'a'.repeat(171);
    expect(classifyVerifier(s256(long), 'S256', long).format).to.deep.equal(['long']);
    const tilde = `${'a'.repeat(42)}~`;
    expect(classifyVerifier(s256(tilde), 'S256', tilde)).to.deep.include({ relation: 'ok', format: ['charset'] });
    expect(classifyVerifier(s256('x'.repeat(43)), 'S256', 'y'.repeat(43)).relation).to.equal('mismatch');
  });
});

describe('conformance endpoint', () => {
  const emu = useEmulator();

  it('serves the report to local clients, filters by client, resets, and ignores injected faults', async () => {
    await ordinaryDay(goodClient(emu(), PUBLIC_APP));
    await ordinaryDay(badClient(emu(), PUBLIC_ECA, ['omit-method']));
    emu().faults.add({ match: { path: '/' }, action: { kind: 'http', status: 503 } });

    const all = await reportFromUrl(emu().url);
    expect(all.clients.map((c) => c.appName)).to.deep.equal([PUBLIC_ECA, PUBLIC_APP]);
    // An omitted code_challenge_method is advice (Salesforce reads it as S256), so the report still succeeds.
    expect(all.success).to.equal(true);
    const one = await reportFromUrl(emu().url, [appInfo(emu(), PUBLIC_APP).clientId]);
    expect(one.clients.map((c) => c.appName)).to.deep.equal([PUBLIC_APP]);
    expect(one.summary).to.include({ advisedRequirements: 0, advisedClients: 0 });
    expect((await reportFromUrl(emu().url, [PUBLIC_ECA])).summary).to.deep.equal({
      clients: 1,
      failingClients: 0,
      failedRequirements: 0,
      passedRequirements: 7,
      advisedRequirements: 1,
      advisedClients: 1,
    });

    // A web page cannot read or reset it.
    const fromPage = await fetch(`${emu().url}/_emulator/conformance`, {
      headers: { origin: 'https://evil.example.com' },
    });
    expect(fromPage.status).to.equal(403);
    expect(
      (
        await fetch(`${emu().url}/_emulator/conformance`, {
          method: 'DELETE',
          headers: { origin: 'http://localhost:3000' },
        })
      ).status,
    ).to.equal(403);

    expect((await fetch(`${emu().url}/_emulator/conformance`, { method: 'DELETE' })).status).to.equal(200);
    expect((await reportFromUrl(emu().url)).clients).to.deep.equal([]);
  });

  it('formats well-formed JUnit XML and readable text; advice is a passing test case', async () => {
    await ordinaryDay(badClient(emu(), PUBLIC_APP, ['tilde-verifier']));
    await ordinaryDay(badClient(emu(), PUBLIC_ECA, ['long-verifier']));
    await ordinaryDay(goodClient(emu(), CONFIDENTIAL_APP));
    const report = emu().conformanceReport();
    const xml = formatJunit(report);
    expect(XMLValidator.validate(xml)).to.equal(true);
    expect(xml).to.include('<testsuites name="OAuth client conformance" tests="36" failures="1"');
    expect(xml.match(/<failure /g)).to.have.length(1);
    expect(xml).to.match(
      /<failure type="pkce\.verifier-format" message="Build the verifier from base64url characters only/,
    );
    expect(xml).to.match(
      /pkce\.verifier-format: [^"]*" time="0">\n\s+<system-out>advice: Generate the verifier as base64url of 32 random bytes/,
    );
    expect((xml.match(/<skipped /g) ?? []).length).to.equal(report.clients.reduce((n, c) => n + c.notExercised, 0));
    const text = formatHuman(report);
    expect(text).to.include(
      `${PUBLIC_APP} (${appInfo(emu(), PUBLIC_APP).clientId}), Connected App, public client, rotation on: FAIL (1 failing)`,
    );
    expect(text).to.include(
      `${PUBLIC_ECA} (${appInfo(emu(), PUBLIC_ECA).clientId}), External Client App, public client, rotation on: PASS with advice (1)`,
    );
    expect(text).to.match(/pkce\.verifier-format\s+FAIL/);
    expect(text).to.match(/pkce\.verifier-format\s+advice/);
    expect(text).to.include('code_verifier lengths: 171 to 171 characters.');
    expect(text).to.include('1 requirement(s) fail across 1 of 3 client(s). 1 requirement(s) pass with advice.');
  });
});

describe('conformance log in the state file', () => {
  it('is kept across a restart and read by the report after the emulator stopped; old files load without it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sf-oauth-conf-')), 'org.json');
    const first = await OrgEmulator.start({ stateFile: file, conformance: { raceWindowMs: 100 } });
    await ordinaryDay(badClient(first, PUBLIC_APP, ['drop-rotated-token']));
    await first.stop();
    const stopped = await reportFromStateFile(file);
    expect(failing(stopped, PUBLIC_APP)).to.deep.equal(['rtr.store-rotated']);
    expect(stopped.clients[0].rotatedOutUses[0].msAfterRotation).to.be.greaterThan(100);

    const second = await OrgEmulator.start({ stateFile: file });
    try {
      await ordinaryDay(goodClient(second, PUBLIC_ECA));
      const report = second.conformanceReport();
      expect(report.since).to.equal(stopped.since);
      expect(failing(report, PUBLIC_APP)).to.deep.equal(['rtr.store-rotated']);
      expect(failing(report, PUBLIC_ECA)).to.deep.equal([]);
    } finally {
      await second.stop();
    }

    const state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete state.conformance;
    writeFileSync(file, JSON.stringify(state));
    expect((await reportFromStateFile(file)).clients).to.deep.equal([]);
    const third = await OrgEmulator.start({ stateFile: file });
    try {
      expect(third.conformanceReport().clients).to.deep.equal([]);
    } finally {
      await third.stop();
    }
  });
});

describe('conformance report after a restart', () => {
  it('says when a token rotated before the restart was rotated at the latest, never "0 ms after rotation"', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sf-oauth-conf-')), 'org.json');
    const store = tempStore();
    const first = await OrgEmulator.start({ stateFile: file });
    let rotatedOut = '';
    try {
      const client = goodClient(first, PUBLIC_APP, store);
      await client.login(browser);
      rotatedOut = (await store.read())?.refreshToken ?? '';
      await client.refresh();
    } finally {
      await first.stop();
    }
    const second = await OrgEmulator.start({ stateFile: file });
    try {
      const startedAt = second.store.nowIso();
      const answer = await fetch(`${second.url}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: rotatedOut,
          client_id: appInfo(second, PUBLIC_APP).clientId,
        }),
      });
      expect(answer.status).to.equal(400);
      const report = second.conformanceReport();
      expect(failing(report, PUBLIC_APP)).to.deep.equal(['rtr.store-rotated']);
      const [use] = report.clients[0].rotatedOutUses;
      expect(use.msAfterRotation).to.equal(undefined);
      expect(use.race).to.equal(false);
      expect(use.rotatedBefore! <= startedAt).to.equal(true);
      expect(use.minMsAfterRotation).to.be.a('number').and.at.least(0);
      const text = formatHuman(report);
      expect(text).not.to.match(/\b0 ms after rotation/);
      expect(text).to.match(
        /Rotated-out refresh tokens presented 1 time\(s\): 1 rotated before \S+ \S+ \(a restart; exact times are not kept\), at least [\d.]+ (ms|s) after rotation\./,
      );
    } finally {
      await second.stop();
    }
  });
});

describe('conformance report never carries a secret, token, code or verifier, nor a hash of one', () => {
  const SECRET = 'PLANTEDSECRETc0nsumerVALUEzz9911';
  const file = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'sf-oauth-conf-')), 'org.json');

  it('in the JSON report, the JUnit XML, the text and the state file', async () => {
    const stateFile = file();
    const emu = await OrgEmulator.start({
      port: 0,
      stateFile,
      seed: seedWith({ secret: SECRET }),
      rehearsal: { busyEvery: 3 },
    });
    const planted: string[] = [SECRET];
    try {
      const a = appInfo(emu, PUBLIC_APP);
      const token = async (params: Record<string, string>): Promise<Record<string, string>> =>
        (
          await fetch(`${emu.url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams(params) })
        ).json() as Promise<Record<string, string>>;
      // A code exchange that sends the hash, then one that sends a wrong and then the right verifier, with the secret.
      for (const sendHash of [true, false]) {
        const verifier = randomBytes(32).toString('base64url');
        const challenge = s256(verifier);
        const query = new URLSearchParams({
          response_type: 'code',
          client_id: a.clientId,
          redirect_uri: a.redirectUri,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        });
        const code =
          new URL(await browser(`${emu.url}/services/oauth2/authorize?${query.toString()}`)).searchParams.get('code') ??
          '';
        planted.push(verifier, challenge, code);
        const base = {
          grant_type: 'authorization_code',
          code,
          client_id: a.clientId,
          redirect_uri: a.redirectUri,
          client_secret: SECRET,
        };
        if (sendHash) {
          await token({ ...base, code_verifier: challenge });
          continue;
        }
        await token({ ...base, code_verifier: `${verifier}x` });
        const tokens = await token({ ...base, code_verifier: verifier });
        planted.push(tokens.access_token, tokens.refresh_token);
        let refreshTokenValue = tokens.refresh_token;
        for (let i = 0; i < 4; i++) {
          const next = await token({
            grant_type: 'refresh_token',
            refresh_token: refreshTokenValue,
            client_id: a.clientId,
          });
          if (next.refresh_token) {
            planted.push(next.access_token, next.refresh_token);
            refreshTokenValue = next.refresh_token;
          }
        }
        await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: a.clientId });
        await fetch(`${emu.url}/services/data/v66.0/query?q=SELECT+Id+FROM+Organization`, {
          headers: { authorization: `Bearer ${tokens.access_token}` },
        });
      }
      await ordinaryDay(badClient(emu, CONFIDENTIAL_APP, [], tempStore()));
      planted.push(emu.consumerSecret(CONFIDENTIAL_APP) ?? SECRET);

      const report = await reportFromUrl(emu.url);
      expect(failing(report, PUBLIC_APP)).to.include.members([
        'pkce.verifier-not-hash',
        'pkce.verifier-match',
        'rtr.parallel',
      ]);
      // The right secret from a public client is accepted by Salesforce: advice, not a failure.
      expect(verdicts(report, PUBLIC_APP)['secret.public']).to.equal('advice');
      await emu.stop();
      const stateText = readFileSync(stateFile, 'utf8');
      const conformance = JSON.stringify((JSON.parse(stateText) as { conformance: unknown }).conformance);
      const outputs = [JSON.stringify(report), formatJunit(report), formatHuman(report), conformance];
      const values = planted.filter(Boolean);
      const forms = values.flatMap((v) => [v, createHash('sha256').update(v).digest('hex'), s256(v)]);
      for (const output of outputs)
        for (const value of forms) expect(output.includes(value), `leaked ${value.slice(0, 6)}…`).to.equal(false);
      // The org state keeps token and secret hashes by design (to compare them), never a raw value.
      for (const value of values)
        expect(stateText.includes(value), `raw ${value.slice(0, 6)}… in the state file`).to.equal(false);
      expect(JSON.stringify(report)).not.to.match(/[0-9a-f]{64}/);
      expect(conformance).not.to.match(/[0-9a-f]{64}/);
    } finally {
      await emu.stop();
    }
  });
});
