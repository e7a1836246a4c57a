/*
 * sf oauth rtr verify --browser in this process against an in-process emulator, with the "system browser" scripted:
 * an `xdg-open` (and `open`) on PATH runs the scripted browser of test/commands/emulator/fixtures, which signs in on the
 * emulator's login page as the user the test chose and loads the local callback, as a person's browser would. No
 * Chromium. The approvals counted before the run are the --target-org user's (the admin's): a sign-in as another user
 * must stop the run after that user's first approval, revoked at once; a sign-in as the admin goes on.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import RtrVerify from '../../../src/commands/oauth/rtr/verify.js';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import type { OrgSeed } from '../../../src/emulator/seed/types.js';
import type { VerifyResult } from '../../../src/smoke/model.js';
import { freePort, ROOT } from '../../helpers/cli.js';
import { runJson, useEmulatorOrg } from '../../helpers/in-process.js';

const ADMIN = 'admin@acme.example.com.uat';
const SECOND_ADMIN = 'second.admin@acme.example.com.uat';
const APP = 'Field_Service_App';
const LABEL = 'Field Service App';
const BROWSER_PROGRAM = path.join(ROOT, 'test', 'commands', 'emulator', 'fixtures', 'scripted-browser.ts');

type Envelope = {
  status: number;
  result?: VerifyResult;
  name?: string;
  message?: string;
  actions?: string[];
  exitCode?: number;
};

describe('sf oauth rtr verify --browser: whose approvals are counted (in-process)', function () {
  this.timeout(120_000);
  let callback = '';
  let work = '';
  let savedPath: string | undefined;
  const { emu, alias } = useEmulatorOrg(() => {
    // Field Service App is pre-authorized for System Administrators; a second one can sign in to it too. Its callback
    // moves to a free loopback port, where --browser listens.
    const seed = JSON.parse(
      JSON.stringify(DEFAULT_SEED).replaceAll('http://localhost:5173/callback', callback),
    ) as OrgSeed;
    seed.users.push({
      username: SECOND_ADMIN,
      firstName: 'Sam',
      lastName: 'Second',
      email: 'sam.second@acme.example.com',
      alias: 'ssec',
      profileName: 'System Administrator',
    });
    return { seed };
  });

  before(async () => {
    callback = `http://localhost:${await freePort()}/callback`;
  });

  beforeEach(function () {
    if (process.platform === 'win32') this.skip();
    work = mkdtempSync(path.join(tmpdir(), 'sf-oauth-browser-user-'));
    savedPath = process.env.PATH;
    process.env.PATH = `${work}${path.delimiter}${process.env.PATH ?? ''}`;
  });

  afterEach(() => {
    process.env.PATH = savedPath;
  });

  /** The system browser signs in as `username`; each time it is opened it adds one line to the returned log. */
  function browserSignsInAs(username: string): string {
    const log = path.join(work, 'browser.log');
    writeFileSync(log, '');
    const script =
      `#!/bin/sh\n(cd '${ROOT}' && SCRIPTED_BROWSER_USER='${username}' '${process.execPath}' --import tsx --no-warnings ` +
      `'${BROWSER_PROGRAM}' "$1" >> '${log}' 2>&1) &\nexit 0\n`;
    for (const opener of ['xdg-open', 'open']) {
      writeFileSync(path.join(work, opener), script);
      chmodSync(path.join(work, opener), 0o755);
    }
    return log;
  }

  const userId = (username: string): string => emu().store.userByUsername(username)?.id ?? '';
  /** Every approval of the app the user ever held in this org (live and revoked), as OauthToken rows. */
  const approvalsEver = (username: string): Array<{ revoked: boolean }> =>
    emu().store.state.grants.filter((g) => g.userId === userId(username) && g.appName === LABEL);
  const opened = (log: string): string[] => readFileSync(log, 'utf8').split('\n').filter(Boolean);

  it("a sign-in as another user stops the run after that user's first approval, which is revoked; the error names both users", async () => {
    const log = browserSignsInAs(SECOND_ADMIN);
    const adminBefore = approvalsEver(ADMIN).length;

    const { json, exitCode } = await runJson<Envelope>(RtrVerify, ['-o', alias(), '--app', APP, '--browser']);

    expect(exitCode, JSON.stringify(json)).to.equal(1);
    expect(json.name).to.equal('WrongUserError');
    expect(json.message).to.include(
      `The sign-in was as ${SECOND_ADMIN}, but the approvals counted before the run are ${ADMIN}'s`,
    );
    expect(json.message).to.include('was revoked at once, and no other one was made');
    expect(json.actions).to.deep.equal([
      `Sign in as ${ADMIN} when the browser opens.`,
      `Or run with --target-org set to an org authorized as ${SECOND_ADMIN}, the user who signs in.`,
    ]);
    // One sign-in, one approval of the second admin, revoked; nothing else was authorized, and no result was stored.
    expect(opened(log)).to.have.length(1);
    expect(opened(log)[0]).to.match(/^callback \/callback, then \/callback HTTP 200$/);
    expect(approvalsEver(SECOND_ADMIN).map((g) => g.revoked)).to.deep.equal([true]);
    expect(approvalsEver(ADMIN)).to.have.length(adminBefore);
    expect(emu().store.state.accessTokens.filter((t) => t.userId === userId(SECOND_ADMIN))).to.deep.equal([]);
    expect(JSON.stringify(json)).not.to.match(/5Aep861/);
  });

  it('a token response that does not say who signed in (no `id`) stops the run too', async () => {
    const log = browserSignsInAs(ADMIN);
    const adminBefore = approvalsEver(ADMIN).length;
    // A server that answers the code exchange without Salesforce's identity URL.
    emu().faults.add({
      match: { path: '/services/oauth2/token', grantType: 'authorization_code' },
      action: {
        kind: 'http',
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ access_token: 'access-without-identity', refresh_token: 'refresh-without-identity' }),
      },
      times: 1,
    });

    const { json, exitCode } = await runJson<Envelope>(RtrVerify, ['-o', alias(), '--app', APP, '--browser']);

    expect(exitCode, JSON.stringify(json)).to.equal(1);
    expect(json.name).to.equal('SignedInUnknownError');
    expect(json.message).to.include(`does not say which user signed in (no identity URL)`);
    expect(json.actions).to.deep.equal([`Run without --browser, so that the org's own session signs in as ${ADMIN}.`]);
    expect(opened(log)).to.have.length(1);
    expect(approvalsEver(ADMIN)).to.have.length(adminBefore);
    expect(JSON.stringify(json)).not.to.include('refresh-without-identity');
  });

  it('a sign-in as the counted user goes on: every check runs and passes, and each approval is revoked', async () => {
    const log = browserSignsInAs(ADMIN);
    const adminBefore = approvalsEver(ADMIN).length;

    const { json, exitCode } = await runJson<Envelope>(RtrVerify, ['-o', alias(), '--app', APP, '--browser']);

    expect(exitCode, JSON.stringify(json)).to.equal(0);
    const app = json.result?.apps[0];
    expect(app?.codeSource).to.equal('browser');
    expect(app?.verdict, JSON.stringify(app?.checks)).to.equal('pass');
    // rotation and the concurrent refresh each start a chain: two sign-ins, two approvals, both revoked.
    expect(opened(log)).to.have.length(2);
    const made = approvalsEver(ADMIN).slice(adminBefore);
    expect(made.map((g) => g.revoked)).to.deep.equal([true, true]);
    expect(approvalsEver(SECOND_ADMIN)).to.deep.equal([]);
  });
});
