/*
 * The rollout: audit -> backup -> PKCE on -> PKCE smoke tests -> RTR on -> RTR smoke tests -> org-wide Require PKCE,
 * recorded step by step (one step per app and phase) in the org's journal (journal.ts) under the org's lock (lock.ts).
 * Each phase is its own module (steps/), behind one interface (steps/step.ts).
 *
 * - Each phase is a gate: the run stops after the first phase with a failed step; later phases stay pending.
 * - The change phases change every app of the phase in one deploy (one backup, one read-back), so the number of
 *   deploys of a rollout does not grow with the number of apps; each app keeps its own step and outcome.
 * - A smoke test that fails (or cannot prove the client works) rolls back that app's change from the backup taken just
 *   before it (plan option rollbackOnSmokeFailure, default on), in one restore deploy for all such apps of the phase;
 *   the change step becomes "rolled-back" (or "kept-on-by-salesforce" when the org keeps PKCE on after the rollback
 *   deploy). A smoke test that errs (server or network trouble, after retries) rolls nothing back.
 * - Turning rotation on changes the component that holds the app's flags, which makes its PKCE smoke result stale for
 *   the gate; so the RTR smoke step of such an app also tests PKCE again.
 * - `run` again resumes: finished steps are skipped; pending, running (crash), failed and rolled-back steps run again,
 *   each starting from the org's current state. The same plan is required (by content) until the rollout ends,
 *   unless it stopped before any step after the audit started: nothing in the org changed, so another plan (a typo
 *   fixed) sets it aside and starts a new rollout.
 * - Abort (Ctrl-C): the work in flight finishes (a deploy is never left half-recorded), nothing new starts.
 * Nothing here prints; progress goes through `onEvent`.
 */
import { RetrieveCache } from '../apps/catalog.js';
import { findBackup } from '../metadata/backup.js';
import { applyRestore, planRestore } from '../metadata/restore.js';
import {
  archiveJournal,
  journalFile,
  JournalStore,
  newJournal,
  PHASES,
  readJournal,
  rolloutRoot,
  type Journal,
  type JournalStep,
  type PhaseName,
  type RolloutStatus,
} from './journal.js';
import { acquireRolloutLock } from './lock.js';
import { cleanUpCrashedRuns, errorText, smokeSourceFor, withRetries, type RolloutContext } from './phases.js';
import { PHASE_RUNNERS, type RolloutEvent } from './steps/index.js';
import { planHash, type RolloutPlan } from './plan.js';
import { setRequirePkce } from './org-settings.js';

export type { RolloutContext } from './phases.js';

export type { RolloutEvent } from './steps/index.js';

export type PhaseSummary = {
  phase: PhaseName;
  status: 'done' | 'failed' | 'pending' | 'skipped' | 'interrupted';
  steps: number;
  done: number;
  failed: number;
  rolledBack: number;
};

export type RolloutResult = {
  rolloutId: string;
  orgId: string;
  username: string;
  status: RolloutStatus;
  /** The phase the run stopped in (failed or interrupted). */
  stoppedAt?: PhaseName;
  /** True when this run continued a rollout that had stopped. */
  resumed: boolean;
  /** How many runs this rollout took (1 + resumes). */
  runs: number;
  planFile: string;
  journalFile: string;
  apps: string[];
  phases: PhaseSummary[];
  steps: JournalStep[];
  /** The apps that block Require PKCE, when the gate failed. */
  blockers: Array<{ app: string; reason: string }>;
  /** True once the rollout turned the org-wide Require PKCE on. */
  requirePkceTurnedOn: boolean;
  /** Apps whose refresh tokens went unused for more than 30 days (Salesforce's idle timeout will expire them). */
  staleTokens: Array<{ app: string; tokens: number }>;
  backups: string[];
  warnings: string[];
  createdAt: string;
  finishedAt?: string;
};

export type RolloutErrorCode = 'planChanged' | 'noJournal' | 'alreadyUndone';

export class RolloutError extends Error {
  public constructor(
    public readonly code: RolloutErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RolloutError';
  }
}

export function phaseSummaries(journal: Journal): PhaseSummary[] {
  return PHASES.map((phase) => {
    const steps = journal.steps.filter((s) => s.phase === phase);
    const count = (st: JournalStep['status']): number => steps.filter((s) => s.status === st).length;
    let status: PhaseSummary['status'];
    if (!steps.length) status = journal.steps.length > 1 || journal.steps[0]?.status === 'done' ? 'skipped' : 'pending';
    else if (count('failed')) status = 'failed';
    else if (steps.every((s) => s.status === 'done')) status = 'done';
    else if (journal.status === 'interrupted' && journal.stoppedAt === phase) status = 'interrupted';
    else status = 'pending';
    return {
      phase,
      status,
      steps: steps.length,
      done: count('done'),
      failed: count('failed'),
      rolledBack: count('rolled-back'),
    };
  });
}

export function backupsOf(journal: Journal): string[] {
  const steps = journal.steps
    .filter((s) => s.data?.backupPath)
    .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
  const paths = steps.map((s) => s.data?.backupPath as string);
  if (journal.initialBackup) paths.push(journal.initialBackup);
  return [...new Set(paths)];
}

export function resultOf(journal: Journal, root = rolloutRoot(), resumed = false): RolloutResult {
  const gateStep = journal.steps.find((s) => s.id === 'require-pkce:gate');
  return {
    rolloutId: journal.id,
    orgId: journal.orgId,
    username: journal.username,
    status: journal.status,
    ...(journal.stoppedAt ? { stoppedAt: journal.stoppedAt } : {}),
    resumed,
    runs: journal.runs,
    planFile: journal.planFile,
    journalFile: journalFile(journal.orgId, root),
    apps: journal.apps,
    phases: phaseSummaries(journal),
    steps: journal.steps,
    blockers: gateStep?.status === 'failed' ? (gateStep.data?.blockers ?? []) : [],
    requirePkceTurnedOn: journal.requirePkceTurnedOn,
    staleTokens: journal.staleTokens,
    backups: backupsOf(journal),
    warnings: journal.warnings,
    createdAt: journal.createdAt,
    ...(journal.finishedAt ? { finishedAt: journal.finishedAt } : {}),
  };
}

export type RunInputs = { plan: RolloutPlan; planFile: string; onEvent?: (e: RolloutEvent) => void };

/** Runs (or resumes) the org's rollout under its lock. */
export async function runRollout(ctx: RolloutContext, inputs: RunInputs): Promise<RolloutResult> {
  const root = rolloutRoot(ctx.env);
  const release = await acquireRolloutLock(ctx.orgId, 'sf oauth rollout run', root);
  try {
    // One sign-in session for every smoke test of the run.
    const smokeSource = ctx.smokeSource ?? smokeSourceFor(ctx);
    try {
      // And one cache of retrieved files: a phase retrieves only what changed since this run read it.
      return await runLocked(
        { ...ctx, smokeSource, catalogCache: ctx.catalogCache ?? new RetrieveCache() },
        inputs,
        root,
      );
    } finally {
      if (!ctx.smokeSource) await smokeSource.close();
    }
  } finally {
    await release();
  }
}

async function runLocked(ctx: RolloutContext, inputs: RunInputs, root: string): Promise<RolloutResult> {
  const emit = (e: RolloutEvent): void => inputs.onEvent?.(e);
  const { journal, resumed } = await openJournal(ctx, inputs, root, emit);
  const store = new JournalStore(journal, root);
  await store.update((j) => {
    j.runs++;
    j.status = 'running';
    delete j.stoppedAt;
    delete j.finishedAt;
  });
  if (resumed)
    emit({
      type: 'resume',
      rolloutId: journal.id,
      runs: journal.runs,
      remaining: journal.steps.filter((s) => s.status !== 'done').length,
    });
  // Approvals a killed smoke run left (its ledger died with it): found by the run record and revoked before anything else.
  const cleaned = await cleanUpCrashedRuns(ctx);
  if (cleaned) await store.update((j) => j.warnings.push(cleaned));

  const stop = async (status: RolloutStatus, phase?: PhaseName): Promise<RolloutResult> => {
    await store.update((j) => {
      j.status = status;
      if (phase) j.stoppedAt = phase;
      if (status === 'completed') j.finishedAt = new Date().toISOString();
    });
    return resultOf(store.journal, root, resumed);
  };

  for (const phase of PHASES) {
    const steps = store.steps(phase).filter((s) => s.status !== 'done');
    if (!store.steps(phase).length) {
      emit({ type: 'phase', phase, status: 'skipped' });
      continue;
    }
    if (!steps.length) {
      emit({ type: 'phase', phase, status: 'done' });
      continue;
    }
    if (ctx.signal?.aborted) return stop('interrupted', phase);
    emit({ type: 'phase', phase, status: 'started' });
    const ok = await runPhase(ctx, store, phase, steps, emit);
    if (ctx.signal?.aborted && !ok) return stop('interrupted', phase);
    if (!ok) {
      emit({ type: 'phase', phase, status: 'failed' });
      return stop('failed', phase);
    }
    if (ctx.signal?.aborted && store.steps(phase).some((s) => s.status !== 'done')) return stop('interrupted', phase);
    emit({ type: 'phase', phase, status: 'done' });
  }
  return stop('completed');
}

/**
 * The journal this run works on: the unfinished rollout of the same plan (resumed), else a new one. A finished rollout,
 * or one of another plan that stopped before any change (a typo in the plan fails the audit: nothing to finish or
 * undo), is set aside first; another plan is refused while the org holds an unfinished rollout's changes.
 */
async function openJournal(
  ctx: RolloutContext,
  inputs: RunInputs,
  root: string,
  emit: (e: RolloutEvent) => void,
): Promise<{ journal: Journal; resumed: boolean }> {
  const hash = planHash(inputs.plan);
  const journal = await readJournal(ctx.orgId, root);
  if (journal && (journal.status === 'completed' || journal.status === 'undone')) {
    await archiveJournal(journal, root);
  } else if (journal && journal.planHash !== hash && !changedTheOrg(journal)) {
    await archiveJournal(journal, root);
    emit({ type: 'restart', previousId: journal.id, previousPlanFile: journal.planFile });
  } else if (journal) {
    if (journal.planHash !== hash)
      throw new RolloutError(
        'planChanged',
        `The rollout ${journal.id} on this org (started ${journal.createdAt} from ${journal.planFile}) stopped before the end, and ${inputs.planFile} asks for something else.`,
      );
    return { journal, resumed: true };
  }
  const fresh = newJournal({
    orgId: ctx.orgId,
    username: ctx.username,
    instanceUrl: ctx.instanceUrl,
    planFile: inputs.planFile,
    planHash: hash,
    plan: inputs.plan,
  });
  return { journal: fresh, resumed: false };
}

/**
 * Whether a rollout may have changed the org: any step after the audit ever started (the audit only reads, and no
 * backup is taken before it ends), or it turned the org-wide Require PKCE on.
 */
function changedTheOrg(journal: Journal): boolean {
  return (
    journal.requirePkceTurnedOn ||
    journal.steps.some((s) => s.phase !== 'audit' && (s.status !== 'pending' || s.attempts > 0 || s.startedAt))
  );
}

/** Runs the unfinished steps of a phase through its module (steps/); false when a step failed or the run was interrupted. */
async function runPhase(
  ctx: RolloutContext,
  store: JournalStore,
  phase: PhaseName,
  steps: JournalStep[],
  emit: (e: RolloutEvent) => void,
): Promise<boolean> {
  return PHASE_RUNNERS[phase]({ ctx, store, phase, steps, emit });
}

export type UndoResult = {
  rolloutId: string;
  orgId: string;
  requirePkceTurnedOff: boolean;
  restored: Array<{
    backupPath: string;
    deployId?: string;
    components: Array<{ app: string; component: string; status: string }>;
  }>;
  /** `kept-on-by-salesforce`: everything deployed, but the org kept PKCE on for `keptOn` (not undone). */
  status: 'done' | 'failed' | 'kept-on-by-salesforce';
  /** Apps whose PKCE the org kept on although the backup had it off. */
  keptOn: string[];
  problems: string[];
  /** How many approvals smoke runs that were killed had left, and how many were revoked (absent when none). */
  crashedRunsCleanup?: string;
};

/** Undoes the org's rollout: Require PKCE off if the rollout turned it on, then every backup it took, newest first. */
export async function undoRollout(ctx: RolloutContext, onProgress?: (message: string) => void): Promise<UndoResult> {
  const root = rolloutRoot(ctx.env);
  const release = await acquireRolloutLock(ctx.orgId, 'sf oauth rollout undo', root);
  try {
    const journal = await readJournal(ctx.orgId, root);
    if (!journal) throw new RolloutError('noJournal', `No rollout journal for org ${ctx.orgId} in ${root}.`);
    if (journal.status === 'undone')
      throw new RolloutError(
        'alreadyUndone',
        `The rollout ${journal.id} was already undone on ${journal.undo?.at ?? '?'}.`,
      );
    const store = new JournalStore(journal, root);
    const result: UndoResult = {
      rolloutId: journal.id,
      orgId: ctx.orgId,
      requirePkceTurnedOff: false,
      restored: [],
      status: 'done',
      keptOn: [],
      problems: [],
    };
    const cleaned = await cleanUpCrashedRuns(ctx);
    if (cleaned) {
      result.crashedRunsCleanup = cleaned;
      onProgress?.(cleaned);
    }
    if (journal.requirePkceTurnedOn) {
      onProgress?.('Turning Require PKCE off');
      try {
        const change = await withRetries(ctx, journal.plan.options.retries, () =>
          setRequirePkce(ctx.conn, false, { pollMs: ctx.pollMs }),
        );
        if (change.failed) result.problems.push(`Require PKCE: ${change.problems.join(' ')}`);
        else {
          result.requirePkceTurnedOff = true;
          await store.update((j) => (j.requirePkceTurnedOn = false));
        }
      } catch (e) {
        result.problems.push(`Require PKCE: ${errorText(e)}`);
      }
    }
    if (!result.problems.length) {
      for (const backupPath of backupsOf(journal)) {
        onProgress?.(`Restoring ${backupPath}`);
        try {
          const outcome = await withRetries(ctx, journal.plan.options.retries, async () => {
            const backup = await findBackup(backupPath, ctx.orgId);
            const restorePlan = await planRestore(ctx.conn, backup, { orgId: ctx.orgId });
            return applyRestore(ctx.conn, restorePlan, {
              backup: {
                orgId: ctx.orgId,
                username: ctx.username,
                instanceUrl: ctx.instanceUrl,
                operation: `oauth rollout undo (${journal.id})`,
              },
              pollMs: ctx.pollMs,
            });
          });
          result.restored.push({
            backupPath,
            deployId: outcome.result.deployId,
            components: outcome.result.components.map((c) => ({
              app: c.app,
              component: c.component,
              status: c.status,
            })),
          });
          if (outcome.failed) {
            result.problems.push(`${backupPath}: the restore deploy ${outcome.result.deployId ?? ''} failed`);
            break;
          }
          for (const c of outcome.notRestored) {
            if (c.status === 'kept-on-by-salesforce') result.keptOn.push(c.app);
            else result.problems.push(`${backupPath}: ${c.app}: ${c.reason ?? 'not restored'}`);
          }
        } catch (e) {
          result.problems.push(`${backupPath}: ${errorText(e)}`);
          break;
        }
      }
    }
    // A newer backup's restore may be followed by an older one of the same app that sets it again: judge the end state.
    const lastStatus = new Map<string, string>();
    for (const r of [...result.restored].reverse())
      for (const c of r.components) if (!lastStatus.has(c.app)) lastStatus.set(c.app, c.status);
    result.keptOn = [...new Set(result.keptOn)].filter(
      (app) => lastStatus.get(app) === 'kept-on-by-salesforce' || !lastStatus.has(app),
    );
    result.status = result.problems.length ? 'failed' : result.keptOn.length ? 'kept-on-by-salesforce' : 'done';
    await store.update((j) => {
      j.undo = {
        at: new Date().toISOString(),
        status: result.status,
        restored: result.restored.map((r) => r.backupPath),
        requirePkceTurnedOff: result.requirePkceTurnedOff,
        ...(result.problems.length ? { detail: result.problems.join('; ') } : {}),
        ...(result.keptOn.length ? { keptOn: result.keptOn } : {}),
      };
      if (result.status === 'done') j.status = 'undone';
    });
    return result;
  } finally {
    await release();
  }
}

/** The org's journal as a result (for `rollout status`). */
export async function rolloutStatus(orgId: string, env: NodeJS.ProcessEnv = process.env): Promise<RolloutResult> {
  const root = rolloutRoot(env);
  const journal = await readJournal(orgId, root);
  if (!journal) throw new RolloutError('noJournal', `No rollout journal for org ${orgId} in ${root}.`);
  return resultOf(journal, root);
}
