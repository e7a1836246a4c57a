/*
 * A rollout killed (SIGKILL) while a smoke test holds an approval: the in-memory ledger died with it, but the run record
 * (src/smoke/run-record.ts) says which app's checks began, as whom and when. The next `rollout run`, or `rollout undo`,
 * finds the approval among the OauthToken rows of that user and app created in that window, revokes it through its
 * DeleteToken, and says how many; an approval made before the run (a live integration's) is left alone.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { ROOT } from '../helpers/cli.js';
import { journalFile, type Journal } from '../../src/rollout/journal.js';
import { parsePlan } from '../../src/rollout/plan.js';
import { runRollout, undoRollout, type RolloutContext } from '../../src/rollout/run.js';
import { runsDir } from '../../src/smoke/run-record.js';
import type { OrgEmulator } from '../../src/emulator/server.js';
import { app, token, tokensFor } from '../emulator/oauth/helpers.js';
import { approveForAdmin, privateDirs, rolloutContext, secretsEnv } from './helpers.js';

const PLAN = 'apps: [Partner_Portal_Sync]\noptions: {requirePkce: false}';

/** Runs the plan in a child process and kills it while its smoke test holds an approval of Partner_Portal_Sync. */
async function killDuringSmokeTest(emulator: OrgEmulator, ctx: RolloutContext): Promise<number> {
  const partner = app(emulator, 'Partner_Portal_Sync');
  const admin = emulator.store.adminUser().id;
  const live = (): number => emulator.store.approvalsOf(admin, partner.clientId, 'Partner Portal Sync').length;
  const before = live();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test', 'rollout', 'fixtures', 'rollout-child.ts'), PLAN],
    { env: ctx.env, cwd: ROOT, stdio: 'ignore' },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  let held: number | undefined;
  try {
    const deadline = Date.now() + 90_000;
    // Once rotation is on (the audit's revoke probes and the PKCE smoke test, whose exchanges ask for no refresh scope
    // and so make no approval, are over), hold the revokes back: the ledger revokes each approval as soon as its check
    // is judged, so the first approval of the RTR smoke test then stays live.
    const enabled = (): boolean => {
      const journal = ((): Journal | undefined => {
        try {
          return JSON.parse(readFileSync(journalFile(ctx.orgId), 'utf8')) as Journal;
        } catch {
          return undefined;
        }
      })();
      return journal?.steps.some((s) => s.id === 'rtr-enable:Partner_Portal_Sync' && s.status === 'done') === true;
    };
    while (!enabled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    held = emulator.faults.add({ match: { path: '/services/oauth2/revoke' }, action: { kind: 'delay', ms: 120_000 } });
    while (live() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(live(), 'the smoke test made an approval').to.be.greaterThan(before);
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).to.equal('SIGKILL');
  if (held !== undefined) emulator.faults.remove(held);
  return live() - before;
}

describe('approvals left by a smoke run that was killed', function () {
  this.timeout(180_000);
  const emu = useEmulator();
  let ctx: RolloutContext;

  beforeEach(async () => {
    privateDirs();
    approveForAdmin(emu());
    ctx = await rolloutContext(emu(), secretsEnv(emu()));
  });

  it('the next rollout run revokes them and says how many; an older approval of the same user and app still works', async () => {
    const emulator = emu();
    const integration = await tokensFor(emulator, 'Partner_Portal_Sync');
    const left = await killDuringSmokeTest(emulator, ctx);
    expect(left).to.be.greaterThan(0);
    expect(readdirSync(runsDir(ctx.orgId)), 'the run record outlived the process').to.have.length(1);

    const result = await runRollout(ctx, { plan: parsePlan(PLAN), planFile: 'plan.yaml' });
    expect(result.status).to.equal('completed');
    expect(result.warnings.join(' ')).to.include(
      `1 smoke run(s) that ended without cleaning up (killed) left ${left} approval(s): ${left} revoked`,
    );
    const partner = app(emulator, 'Partner_Portal_Sync');
    const admin = emulator.store.adminUser().id;
    // Only the integration's approval is left (the resumed smoke test cleaned up its own).
    expect(
      emulator.store.approvalsOf(admin, partner.clientId, 'Partner Portal Sync').filter((g) => !g.revoked).length,
    ).to.be.at.most(2);
    const refreshed = await token(emulator, {
      grant_type: 'refresh_token',
      client_id: partner.clientId,
      client_secret: partner.secret,
      refresh_token: integration.refresh_token,
    });
    expect(refreshed.status, JSON.stringify(refreshed.body)).to.equal(200);
    expect(readdirSync(runsDir(ctx.orgId)), 'records of finished runs are gone').to.deep.equal([]);
    expect(JSON.stringify(result)).not.to.include(integration.refresh_token);
  });

  it('rollout undo revokes them too, and says so', async () => {
    const emulator = emu();
    const partner = app(emulator, 'Partner_Portal_Sync');
    const admin = emulator.store.adminUser().id;
    const before = emulator.store.approvalsOf(admin, partner.clientId, 'Partner Portal Sync').length;
    const left = await killDuringSmokeTest(emulator, ctx);
    const undo = await undoRollout(ctx);
    expect(undo.crashedRunsCleanup).to.equal(
      `1 smoke run(s) that ended without cleaning up (killed) left ${left} approval(s): ${left} revoked.`,
    );
    expect(emulator.store.approvalsOf(admin, partner.clientId, 'Partner Portal Sync').length).to.equal(before);
  });
});
