/*
 * sf oauth pkce|rtr verify, in-process against an in-process emulator (injected faults cannot reach a spawned one):
 * transient trouble (a 503 outage page from authorize or frontdoor.jsp, a 429 JSON at the token endpoint) is retried
 * to a pass when it clears, and when it persists the checks could not run: never "fail", and no token is left.
 */
import { expect } from 'chai';
import { AuthRemover } from '@salesforce/core';
import { outagePage, rateLimited } from '../../../src/emulator/faults.js';
import { saveCliAuthorization } from '../../../src/emulator/sf-auth.js';
import { consumerKeyFor } from '../../../src/emulator/seed/build.js';
import type { OrgEmulator } from '../../../src/emulator/server.js';
import PkceVerify from '../../../src/commands/oauth/pkce/verify.js';
import RtrVerify from '../../../src/commands/oauth/rtr/verify.js';
import type { VerifyResult } from '../../../src/smoke/model.js';
import { useEmulator } from '../../helpers/emulator.js';
import { runJson } from '../../helpers/in-process.js';
import { privateDirs } from '../../rollout/helpers.js';

type Envelope = { status: number; result: VerifyResult };

/** Live refresh-token chains and access tokens of the apps under test (the CLI's own session excluded). */
function liveTokens(emu: OrgEmulator, app: string): number {
  const key = consumerKeyFor(emu.store.state.org.name, app);
  return (
    emu.store.liveGrants().filter((g) => g.refreshHash && g.clientId === key).length +
    emu.store.state.accessTokens.filter((t) => t.clientId === key).length
  );
}

describe('sf oauth pkce|rtr verify under transient trouble (in-process)', function () {
  this.timeout(120_000);
  const emu = useEmulator();
  let alias = '';
  let username = '';

  beforeEach(async () => {
    privateDirs();
    alias = `transient${Date.now()}`;
    username = (await saveCliAuthorization(emu(), alias)).username;
  });
  afterEach(async () => {
    const remover = await AuthRemover.create();
    await remover.removeAuth(username);
  });

  it('pkce verify passes when authorize and frontdoor.jsp answer 503 outage pages and the token endpoint 429s that clear', async () => {
    emu().faults.add({ match: { path: '/secur/frontdoor.jsp' }, action: outagePage(503, 0), times: 2 });
    emu().faults.add({ match: { path: '/services/oauth2/authorize' }, action: outagePage(503, 0), times: 2 });
    emu().faults.add({ match: { grantType: 'authorization_code' }, action: rateLimited(0), times: 2 });
    const { json, exitCode } = await runJson<Envelope>(PkceVerify, ['-o', alias, '--app', 'Field_Service_App']);
    const app = json.result.apps[0];
    expect(app.verdict, JSON.stringify(app.checks, null, 1)).to.equal('pass');
    expect(exitCode).to.equal(0);
    expect(app.cleanup.failed).to.equal(0);
  });

  it('rtr verify passes when refreshes meet 429 and 503 answers that clear', async () => {
    emu().faults.add({ match: { grantType: 'refresh_token' }, action: rateLimited(0), times: 2 });
    emu().faults.add({ match: { grantType: 'refresh_token' }, action: outagePage(503, 0), after: 3, times: 1 });
    const { json, exitCode } = await runJson<Envelope>(RtrVerify, ['-o', alias, '--app', 'Field_Service_App']);
    const app = json.result.apps[0];
    expect(app.verdict, JSON.stringify(app.checks, null, 1)).to.equal('pass');
    expect(exitCode).to.equal(0);
  });

  it('pkce verify under an authorize outage that persists: every check could not run (error), none fails, no token left', async () => {
    emu().faults.add({ match: { path: '/services/oauth2/authorize' }, action: outagePage(503, 0) });
    const { json, exitCode } = await runJson<Envelope>(PkceVerify, ['-o', alias, '--app', 'Field_Service_App']);
    const app = json.result.apps[0];
    expect(exitCode).to.equal(1);
    expect(app.verdict).to.equal('error');
    expect(app.checks.map((c) => c.verdict)).to.satisfy((v: string[]) => v.every((x) => x === 'error'));
    expect(app.checks[0].evidence).to.deep.include({ at: 'authorize', status: 503, error: 'transient' });
    expect(app.error).to.include('Could not run').and.include('HTTP 503');
    expect(app.action).to.include('Run again later');
    expect(liveTokens(emu(), 'Field_Service_App')).to.equal(0);
  });

  it('rtr verify under a 429 at refresh that persists: the checks could not run, none fails, and every token is revoked', async () => {
    emu().faults.add({ match: { grantType: 'refresh_token' }, action: rateLimited(0) });
    const { json } = await runJson<Envelope>(RtrVerify, ['-o', alias, '--app', 'Field_Service_App']);
    const app = json.result.apps[0];
    expect(app.verdict).to.equal('error');
    expect(app.checks.some((c) => c.verdict === 'fail')).to.equal(false);
    expect(app.checks[0].evidence).to.deep.include({ at: 'token', status: 429, error: 'transient' });
    expect(app.cleanup).to.deep.include({ failed: 0 });
    expect(liveTokens(emu(), 'Field_Service_App')).to.equal(0);
  });
});
