/*
 * End-to-end rollouts of the emulator's default org, in process (the core, no command), with faults injected at every
 * step: after each, the org and the journal agree, `run` resumes to completion, and nothing is lost.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { outagePage, rateLimited } from '../../src/emulator/faults.js';
import { journalFile, readJournal, type Journal } from '../../src/rollout/journal.js';
import { acquireRolloutLock, RolloutLockedError } from '../../src/rollout/lock.js';
import { parsePlan } from '../../src/rollout/plan.js';
import {
  RolloutError,
  runRollout,
  undoRollout,
  type RolloutContext,
  type RolloutEvent,
  type RolloutResult,
} from '../../src/rollout/run.js';
import { toMarkdown, toRolloutJunit } from '../../src/rollout/summary.js';
import type { OrgEmulator } from '../../src/emulator/server.js';
import { secretEnvName } from '../../src/oauth/secret.js';
import { app, token, tokensFor } from '../emulator/oauth/helpers.js';
import {
  approveForAdmin,
  CONFIDENTIAL,
  orgFlags,
  orgRequiresPkce,
  privateDirs,
  rolloutContext,
  secretsEnv,
  WAIVE_VENDORS,
} from './helpers.js';

const FULL = parsePlan(`apps: [all-in-scope]\n${WAIVE_VENDORS}`);

type Flags = Map<string, { pkce: boolean; rtr: boolean }>;

/** The journal never claims more than the org has, and the org has nothing the journal does not account for. */
function expectAgreement(emulator: OrgEmulator, journal: Journal, initial: Flags, initialRequire = false): void {
  const now = orgFlags(emulator);
  for (const step of journal.steps) {
    if (!step.app || (step.phase !== 'pkce-enable' && step.phase !== 'rtr-enable')) continue;
    const key = step.phase === 'pkce-enable' ? 'pkce' : 'rtr';
    const org = now.get(step.app)?.[key];
    if (step.status === 'done') expect(org, `${step.id} done but the org has ${String(org)}`).to.equal(true);
    if (step.status === 'pending' || step.status === 'failed' || step.status === 'rolled-back') {
      expect(org, `${step.id} ${step.status}: the org must be as before`).to.equal(initial.get(step.app)?.[key]);
    }
  }
  const org = journal.steps.find((s) => s.id === 'require-pkce:org');
  expect(orgRequiresPkce(emulator), 'Require PKCE').to.equal(org?.status === 'done' ? true : initialRequire);
}

function expectCompleted(result: RolloutResult, emulator: OrgEmulator): void {
  expect(result.status, toMarkdown(result)).to.equal('completed');
  expect(result.steps.every((s) => s.status === 'done')).to.equal(true);
  expect(orgRequiresPkce(emulator)).to.equal(true);
  for (const name of result.apps) {
    const flags = orgFlags(emulator).get(name);
    expect(flags?.pkce, name).to.equal(true);
    expect(flags?.rtr, name).to.equal(true);
  }
}

describe('rollout run (core, against the emulator)', function () {
  this.timeout(120_000);
  const emu = useEmulator();
  let ctx: RolloutContext;
  let initial: Flags;

  beforeEach(async () => {
    privateDirs();
    approveForAdmin(emu());
    ctx = await rolloutContext(emu(), secretsEnv(emu()));
    initial = orgFlags(emu());
  });

  it('goes from audit to org-wide Require PKCE in one call, and undo puts everything back', async () => {
    const events: RolloutEvent[] = [];
    const result = await runRollout(ctx, { plan: FULL, planFile: 'plan.yaml', onEvent: (e) => events.push(e) });
    expectCompleted(result, emu());
    expect(result.requirePkceTurnedOn).to.equal(true);
    expect(result.apps).to.include.members([
      'Partner_Portal_Sync',
      'Billing_Integration',
      'Data_Loader_Legacy',
      'Acme_Mobile',
    ]);
    expect(result.apps).not.to.include('mcconn__Marketing_Cloud_Connector');
    expect(
      events.filter((e) => e.type === 'phase' && e.status === 'done').map((e) => (e as { phase: string }).phase),
    ).to.deep.equal(['audit', 'backup', 'pkce-enable', 'pkce-verify', 'rtr-enable', 'rtr-verify', 'require-pkce']);
    // RTR changed the settings after the PKCE test: the PKCE test was made again, so the gate saw current evidence.
    expect(result.steps.find((s) => s.id === 'rtr-verify:Partner_Portal_Sync')?.detail).to.equal(
      'RTR and PKCE smoke tests passed.',
    );
    expect(result.staleTokens.map((s) => s.app)).to.include('Data_Loader_Legacy');

    const file = journalFile(ctx.orgId);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
    const text = readFileSync(file, 'utf8') + toMarkdown(result) + toRolloutJunit(result) + JSON.stringify(result);
    for (const name of CONFIDENTIAL) expect(text).not.to.include(emu().consumerSecret(name));
    expect(text).not.to.match(/00D\w{12,15}!\w{20,}|5Aep861\w{20,}/);

    const undo = await undoRollout(ctx);
    expect(undo.status).to.equal('done');
    expect(undo.requirePkceTurnedOff).to.equal(true);
    expect(orgRequiresPkce(emu())).to.equal(false);
    expect(orgFlags(emu())).to.deep.equal(initial);
    expect((await readJournal(ctx.orgId))?.status).to.equal('undone');
    try {
      await undoRollout(ctx);
      expect.fail('a second undo must be refused');
    } catch (e) {
      expect((e as RolloutError).code).to.equal('alreadyUndone');
    }
    // A new run after an undo starts a new rollout (the old journal is archived).
    const again = await runRollout(ctx, {
      plan: parsePlan('apps: [Partner_Portal_Sync]\noptions: {requirePkce: false}'),
      planFile: 'p2.yaml',
    });
    expect(again.status).to.equal('completed');
    expect(again.rolloutId).not.to.equal(result.rolloutId);
    expect(readdirSync(path.dirname(file)).filter((f) => f.startsWith('journal-'))).to.have.length(1);
  });

  it('a batch deploy that fails as a whole fails every app of the phase with its component failure, changes nothing; the next run resumes to completion', async () => {
    emu().faults.failDeploys({ outcome: 'fail', message: 'Injected: cannot save this component', times: 1 });
    const first = await runRollout(ctx, { plan: FULL, planFile: 'plan.yaml' });
    expect(first.status).to.equal('failed');
    expect(first.stoppedAt).to.equal('pkce-enable');
    const failed = first.steps.filter((s) => s.status === 'failed');
    const changing = first.steps.filter(
      (s) => s.phase === 'pkce-enable' && initial.get(s.app as string)?.pkce === false,
    );
    expect(changing.length).to.be.greaterThan(1);
    expect(failed.map((s) => s.id).sort()).to.deep.equal(changing.map((s) => s.id).sort());
    for (const step of failed) expect(step.detail, step.id).to.include('failed and was rolled back');
    expect(
      failed.filter((s) => s.detail?.includes('Injected: cannot save this component')),
      'the failing component is named',
    ).to.have.length.greaterThan(0);
    expect(new Set(failed.map((s) => s.data?.deployId)).size, 'one deploy for the phase').to.equal(1);
    expectAgreement(emu(), (await readJournal(ctx.orgId)) as Journal, initial);

    const second = await runRollout(ctx, { plan: FULL, planFile: 'plan.yaml' });
    expectCompleted(second, emu());
    expect(second.resumed).to.equal(true);
    expect(second.runs).to.equal(2);
    // Finished steps were not repeated.
    expect(second.steps.find((s) => s.id === 'audit')?.attempts).to.equal(1);
    expect(second.steps.find((s) => s.id === 'backup')?.attempts).to.equal(1);
  });

  it('a smoke test that cannot prove a client rolls that app back; with the client ready, the next run completes', async () => {
    const env = { ...ctx.env };
    delete env[secretEnvName('Partner_Portal_Sync')];
    const first = await runRollout({ ...ctx, env }, { plan: FULL, planFile: 'plan.yaml' });
    expect(first.status).to.equal('failed');
    expect(first.stoppedAt).to.equal('pkce-verify');
    const smoke = first.steps.find((s) => s.id === 'pkce-verify:Partner_Portal_Sync');
    expect(smoke?.status).to.equal('failed');
    expect(smoke?.detail).to.include('SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC');
    expect(first.steps.find((s) => s.id === 'pkce-enable:Partner_Portal_Sync')?.status).to.equal('rolled-back');
    expect(orgFlags(emu()).get('Partner_Portal_Sync')?.pkce).to.equal(false);
    expect(orgFlags(emu()).get('Billing_Integration')?.pkce).to.equal(true);
    expectAgreement(emu(), (await readJournal(ctx.orgId)) as Journal, initial);

    const second = await runRollout(ctx, { plan: FULL, planFile: 'plan.yaml' });
    expectCompleted(second, emu());
  });

  it('a smoke test that fails with rollback off keeps the change, and says so', async () => {
    const env = { ...ctx.env };
    delete env[secretEnvName('Data_Loader_Legacy')];
    const plan = parsePlan('apps: [Data_Loader_Legacy]\noptions: {rollbackOnSmokeFailure: false, requirePkce: false}');
    const first = await runRollout({ ...ctx, env }, { plan, planFile: 'plan.yaml' });
    expect(first.status).to.equal('failed');
    expect(first.steps.find((s) => s.id === 'pkce-enable:Data_Loader_Legacy')?.status).to.equal('done');
    expect(orgFlags(emu()).get('Data_Loader_Legacy')?.pkce).to.equal(true);
    expectAgreement(emu(), (await readJournal(ctx.orgId)) as Journal, initial);
  });

  it('one deploy per change phase whatever the number of apps, and one restore deploy for the apps whose smoke tests fail', async () => {
    const env = { ...ctx.env };
    delete env[secretEnvName('Partner_Portal_Sync')];
    delete env[secretEnvName('Billing_Integration')];
    const deploys = (): number => emu().stats.byKind['soap:deploy'] ?? 0;
    const before = deploys();
    const byPhase = new Map<string, number>();
    const first = await runRollout(
      { ...ctx, env },
      {
        plan: FULL,
        planFile: 'plan.yaml',
        onEvent: (e) => e.type === 'phase' && e.status !== 'started' && byPhase.set(e.phase, deploys()),
      },
    );
    expect(first.stoppedAt).to.equal('pkce-verify');
    const enabled = first.steps.filter((s) => s.phase === 'pkce-enable' && s.data?.changed === true);
    expect(enabled.length, 'several apps changed').to.be.greaterThan(2);
    expect(new Set(enabled.map((s) => s.data?.deployId)).size).to.equal(1);
    expect(new Set(enabled.map((s) => s.data?.backupPath)).size, 'one backup for the batch').to.equal(1);
    expect((byPhase.get('pkce-enable') ?? 0) - before, 'PKCE on: one deploy').to.equal(1);
    // Two apps failed their smoke tests: one restore deploy rolled both back.
    const rolledBack = first.steps.filter((s) => s.status === 'rolled-back');
    expect(rolledBack.map((s) => s.app).sort()).to.deep.equal(['Billing_Integration', 'Partner_Portal_Sync']);
    expect(new Set(rolledBack.map((s) => s.data?.rollback?.deployId)).size).to.equal(1);
    expect(deploys() - before, 'one change deploy and one rollback deploy').to.equal(2);
    expect(orgFlags(emu()).get('Partner_Portal_Sync')?.pkce).to.equal(false);
    expect(orgFlags(emu()).get('Billing_Integration')?.pkce).to.equal(false);
    expectAgreement(emu(), (await readJournal(ctx.orgId)) as Journal, initial);

    const resumedAt = deploys();
    const second = await runRollout(ctx, { plan: FULL, planFile: 'plan.yaml' });
    expectCompleted(second, emu());
    // PKCE on again (the two rolled-back apps), RTR on, Require PKCE: one deploy each.
    expect(deploys() - resumedAt).to.equal(3);
  });

  it('transient faults (token endpoint 503, REQUEST_LIMIT_EXCEEDED on deploy, HTTP 429 on REST) are retried within the run', async () => {
    emu().faults.add({ match: { path: '/services/oauth2/token' }, action: { kind: 'http', status: 503 }, times: 2 });
    emu().faults.add({
      match: { soapOperation: 'deploy' },
      action: { kind: 'soapFault', code: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' },
      times: 2,
    });
    emu().faults.add({
      match: { path: /\/services\/data\/v\d+\.\d+\/query/ },
      action: {
        kind: 'http',
        status: 429,
        body: '[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]',
        contentType: 'application/json',
      },
      times: 1,
    });
    const retries: string[] = [];
    const result = await runRollout(ctx, {
      plan: FULL,
      planFile: 'plan.yaml',
      onEvent: (e) => e.type === 'retry' && retries.push(`${e.step}: ${e.reason}`),
    });
    expectCompleted(result, emu());
    expect(retries.join('\n')).to.match(/REQUEST_LIMIT_EXCEEDED/);
  });

  it('a smoke test that meets a persistent 503 outage page at authorize is never rolled back; the resume completes', async () => {
    const plan = parsePlan('apps: [Partner_Portal_Sync]\noptions: {requirePkce: false}');
    emu().faults.add({ match: { path: '/services/oauth2/authorize' }, action: outagePage() });
    const first = await runRollout(ctx, { plan, planFile: 'plan.yaml' });
    expect(first.status).to.equal('failed');
    expect(first.stoppedAt).to.equal('pkce-verify');
    const smoke = first.steps.find((s) => s.id === 'pkce-verify:Partner_Portal_Sync');
    expect(smoke?.status).to.equal('failed');
    expect(smoke?.detail).to.include('HTTP 503').and.include('Run again later');
    expect(smoke?.data?.verdict).to.equal('pkce:error');
    expect(first.steps.find((s) => s.id === 'pkce-enable:Partner_Portal_Sync')?.status).to.equal('done');
    expect(orgFlags(emu()).get('Partner_Portal_Sync')?.pkce).to.equal(true);

    emu().faults.clear();
    const second = await runRollout(ctx, { plan, planFile: 'plan.yaml' });
    expect(second.status, toMarkdown(second)).to.equal('completed');
    expect(second.steps.find((s) => s.id === 'pkce-enable:Partner_Portal_Sync')?.attempts).to.equal(1);
    expect(orgFlags(emu()).get('Partner_Portal_Sync')).to.deep.equal({ pkce: true, rtr: true });
  });

  it('a 429 JSON at the token endpoint that persists through a smoke test is never judged a failure or rolled back', async () => {
    const plan = parsePlan('apps: [Partner_Portal_Sync]\noptions: {requirePkce: false}');
    emu().faults.add({ match: { grantType: 'authorization_code' }, action: rateLimited() });
    const first = await runRollout(ctx, { plan, planFile: 'plan.yaml' });
    const smoke = first.steps.find((s) => s.id === 'pkce-verify:Partner_Portal_Sync');
    expect(smoke?.status).to.equal('failed');
    expect(smoke?.detail).to.include('HTTP 429');
    expect(smoke?.data?.verdict).to.equal('pkce:error');
    expect(first.steps.find((s) => s.id === 'pkce-enable:Partner_Portal_Sync')?.status).to.equal('done');
    expect(orgFlags(emu()).get('Partner_Portal_Sync')?.pkce).to.equal(true);
  });

  it('an app whose smoke user already holds five approvals stops the rollout at the audit, before any change', async () => {
    const emulator = emu();
    const plan = parsePlan('apps: [Support_Console]\noptions: {requirePkce: false}');
    const support = app(emulator, 'Support_Console');
    // The seed row plus four approvals through the real flow: five.
    for (let i = 0; i < 4; i++) await tokensFor(emulator, 'Support_Console');
    const admin = emulator.store.adminUser().id;
    expect(emulator.store.approvalsOf(admin, support.clientId, 'Support Console')).to.have.length(5);
    const result = await runRollout(ctx, { plan, planFile: 'plan.yaml' });
    expect(result.status).to.equal('failed');
    expect(result.steps.find((s) => s.id === 'rtr-enable:Support_Console')?.status ?? 'pending').to.not.equal('done');
    expect(orgFlags(emulator).get('Support_Console')?.rtr, 'nothing deployed').to.equal(false);
    expect(emulator.store.approvalsOf(admin, support.clientId, 'Support Console')).to.have.length(5);
  });

  it('an app whose smoke user already holds five approvals is refused before its smoke test and not rolled back; the oldest approval still works', async () => {
    const emulator = emu();
    const plan = parsePlan('apps: [Support_Console]\noptions: {requirePkce: false}');
    const support = app(emulator, 'Support_Console');
    const admin = emulator.store.adminUser().id;
    // Two approvals when the audit runs (headroom), five by the time the smoke test starts: a live integration signed in meanwhile.
    const integration = await tokensFor(emulator, 'Support_Console');
    const result = await runRollout(ctx, {
      plan,
      planFile: 'plan.yaml',
      onEvent: (e) => {
        if (e.type === 'phase' && e.phase === 'rtr-enable' && e.status === 'started') {
          for (let i = 0; i < 3; i++)
            emulator.store.createGrant(support.clientId, 'Support Console', admin, ['api', 'refresh_token']);
        }
      },
    });
    expect(result.status).to.equal('failed');
    const smoke = result.steps.find((s) => s.id === 'rtr-verify:Support_Console');
    expect(smoke?.status).to.equal('failed');
    expect(smoke?.detail).to.include('already holds 5 of the 5 approvals').and.include('(approval limit)');
    expect(
      result.steps.find((s) => s.id === 'rtr-enable:Support_Console')?.status,
      'a refusal is not a failure to roll back',
    ).to.equal('done');
    expect(emulator.store.approvalsOf(admin, support.clientId, 'Support Console')).to.have.length(5);
    const refreshed = await token(emulator, {
      grant_type: 'refresh_token',
      client_id: support.clientId,
      client_secret: support.secret,
      refresh_token: integration.refresh_token,
    });
    expect(refreshed.status, JSON.stringify(refreshed.body)).to.equal(200);
  });

  it('session expiry mid-run: the org session is refreshed and the run completes', async () => {
    let expired = 0;
    const result = await runRollout(ctx, {
      plan: FULL,
      planFile: 'plan.yaml',
      onEvent: (e) => {
        if (
          e.type === 'phase' &&
          e.status === 'started' &&
          ['pkce-enable', 'pkce-verify', 'rtr-verify', 'require-pkce'].includes(e.phase)
        ) {
          emu().store.expireAllAccessTokens();
          expired++;
        }
      },
    });
    expect(expired).to.equal(4);
    expectCompleted(result, emu());
  });

  it('Ctrl-C during a batch deploy: the deploy in flight is recorded, nothing new starts, the journal and the org agree, and the next run resumes without repeating a step', async () => {
    const controller = new AbortController();
    const first = await runRollout(
      { ...ctx, signal: controller.signal },
      {
        plan: FULL,
        planFile: 'plan.yaml',
        onEvent: (e) => {
          if (e.type === 'step' && e.step.phase === 'rtr-enable' && e.step.status === 'running') controller.abort();
        },
      },
    );
    expect(first.status).to.equal('interrupted');
    expect(first.stoppedAt).to.equal('rtr-verify');
    expect(
      first.steps.filter((s) => s.phase === 'rtr-enable').every((s) => s.status === 'done'),
      'the batch in flight finished and was recorded',
    ).to.equal(true);
    expect(
      first.steps.filter((s) => s.phase === 'rtr-verify').every((s) => s.status === 'pending'),
      'no smoke test started',
    ).to.equal(true);
    const journal = (await readJournal(ctx.orgId)) as Journal;
    expect(journal.steps.filter((s) => s.status === 'running')).to.deep.equal([]);
    expectAgreement(emu(), journal, initial);
    const doneBefore = new Map(journal.steps.filter((s) => s.status === 'done').map((s) => [s.id, s.attempts]));

    const second = await runRollout(ctx, { plan: FULL, planFile: 'plan.yaml' });
    expectCompleted(second, emu());
    for (const [id, attempts] of doneBefore)
      expect(second.steps.find((s) => s.id === id)?.attempts, id).to.equal(attempts);
  });

  it('a step left "running" by a crash is reconciled with the org on resume', async () => {
    const plan = parsePlan('apps: [Partner_Portal_Sync]\noptions: {requirePkce: false, skipRtr: true}');
    const controller = new AbortController();
    await runRollout(
      { ...ctx, signal: controller.signal },
      {
        plan,
        planFile: 'p.yaml',
        onEvent: (e) => e.type === 'phase' && e.phase === 'pkce-verify' && controller.abort(),
      },
    );
    // Simulate a crash after the deploy but before "done" was written.
    const file = journalFile(ctx.orgId);
    const journal = JSON.parse(readFileSync(file, 'utf8')) as Journal;
    const step = journal.steps.find((s) => s.id === 'pkce-enable:Partner_Portal_Sync') as Journal['steps'][number];
    step.status = 'running';
    delete step.data?.changed;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify(journal));
    const result = await runRollout(ctx, { plan, planFile: 'p.yaml' });
    expect(result.status).to.equal('completed');
    const reconciled = result.steps.find((s) => s.id === 'pkce-enable:Partner_Portal_Sync');
    expect(reconciled?.detail).to.equal('PKCE already on.');
    expect(reconciled?.data?.changed, "the change is still known as this rollout's (for rollback and undo)").to.equal(
      true,
    );
  });

  it('a second rollout on the same org is refused while the first holds the lock; a dead holder does not block', async () => {
    const release = await acquireRolloutLock(ctx.orgId, 'test');
    try {
      await runRollout(ctx, { plan: FULL, planFile: 'plan.yaml' });
      expect.fail('must be refused');
    } catch (e) {
      expect(e).to.be.instanceOf(RolloutLockedError);
      expect((e as Error).message).to.include(`process ${process.pid}`);
    } finally {
      await release();
    }
    // A lock whose owner process is gone is taken over.
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const dir = path.dirname(journalFile(ctx.orgId));
    mkdirSync(path.join(dir, 'rollout.lock'), { recursive: true });
    writeFileSync(
      path.join(dir, 'lock-owner.json'),
      JSON.stringify({
        pid: 2 ** 22 + 12_345,
        host: (await import('node:os')).hostname(),
        startedAt: 'x',
        command: 'crashed',
      }),
    );
    const result = await runRollout(ctx, {
      plan: parsePlan('apps: [Partner_Portal_Sync]\noptions: {requirePkce: false}'),
      planFile: 'p.yaml',
    });
    expect(result.status).to.equal('completed');
  });

  it('a changed plan is refused while a rollout is unfinished', async () => {
    emu().faults.failDeploys({ outcome: 'fail', message: 'Injected', times: 1 });
    await runRollout(ctx, { plan: FULL, planFile: 'plan.yaml' });
    try {
      await runRollout(ctx, { plan: parsePlan('apps: [needs-action]'), planFile: 'other.yaml' });
      expect.fail('must be refused');
    } catch (e) {
      expect((e as RolloutError).code).to.equal('planChanged');
    }
  });

  it('a plan that stopped at the audit (nothing changed) gives way to the corrected plan: a new rollout, said once', async () => {
    const typo = await runRollout(ctx, {
      plan: parsePlan('apps: [Partner_Portl_Sync]\noptions: {requirePkce: false}'),
      planFile: 'bad.yaml',
    });
    expect(typo.status).to.equal('failed');
    expect(typo.stoppedAt).to.equal('audit');
    expect(orgFlags(emu())).to.deep.equal(initial);

    const events: RolloutEvent[] = [];
    const fixed = await runRollout(ctx, {
      plan: parsePlan('apps: [Partner_Portal_Sync]\noptions: {requirePkce: false}'),
      planFile: 'good.yaml',
      onEvent: (e) => events.push(e),
    });
    expect(events.filter((e) => e.type === 'restart' || e.type === 'resume')).to.deep.equal([
      { type: 'restart', previousId: typo.rolloutId, previousPlanFile: 'bad.yaml' },
    ]);
    expect(fixed).to.include({ status: 'completed', resumed: false, runs: 1, planFile: 'good.yaml' });
    expect(fixed.rolloutId).to.not.equal(typo.rolloutId);
    expect(fixed.apps).to.deep.equal(['Partner_Portal_Sync']);
    // The stopped rollout is kept beside the new one, as a finished one is.
    const dir = path.dirname(journalFile(ctx.orgId));
    const archived = readdirSync(dir)
      .filter((f) => /^journal-.+\.json$/.test(f))
      .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Journal);
    expect(archived.map((j) => [j.id, j.planFile, j.status])).to.deep.equal([[typo.rolloutId, 'bad.yaml', 'failed']]);
  });

  it('a changed plan is still refused once a step after the audit started, even one that failed', async () => {
    emu().faults.failDeploys({ outcome: 'fail', message: 'Injected', times: 1 });
    const first = await runRollout(ctx, {
      plan: parsePlan('apps: [Partner_Portal_Sync]\noptions: {requirePkce: false}'),
      planFile: 'plan.yaml',
    });
    expect(first.status).to.equal('failed');
    expect(first.stoppedAt).to.not.equal('audit');
    const events: RolloutEvent[] = [];
    try {
      await runRollout(ctx, {
        plan: parsePlan('apps: [needs-action]'),
        planFile: 'other.yaml',
        onEvent: (e) => events.push(e),
      });
      expect.fail('must be refused');
    } catch (e) {
      expect((e as RolloutError).code).to.equal('planChanged');
    }
    expect(events).to.deep.equal([]);
  });

  it('the gate blocks the last phase without waivers, naming package and vendor; nothing org-wide changes', async () => {
    const result = await runRollout(ctx, { plan: parsePlan('apps: [all-in-scope]'), planFile: 'plan.yaml' });
    expect(result.status).to.equal('failed');
    expect(result.stoppedAt).to.equal('require-pkce');
    expect(result.blockers.map((b) => b.app)).to.deep.equal([
      'mcconn__Marketing_Cloud_Connector',
      'ptnrx__Partner_Analytics',
    ]);
    expect(result.blockers[0].reason).to.include('"mcconn"').and.include('Northwind Software');
    expect(orgRequiresPkce(emu())).to.equal(false);
    expect(toMarkdown(result)).to.include('Apps that block Require PKCE');
  });

  it('rejects a plan that names a managed app or an unknown one, at audit, before any change', async () => {
    const result = await runRollout(ctx, {
      plan: parsePlan('apps: [mcconn__Marketing_Cloud_Connector, No_Such_App]'),
      planFile: 'plan.yaml',
    });
    expect(result.status).to.equal('failed');
    expect(result.stoppedAt).to.equal('audit');
    expect(result.steps[0].detail).to.include('only the vendor can change it').and.include('"No_Such_App"');
    expect(orgFlags(emu())).to.deep.equal(initial);
  });
});
