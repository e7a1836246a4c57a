/*
 * PKCE on and rotation on: every app of the phase in one batch (one retrieve, one backup, one deploy, one read-back;
 * phases.ts `enableSettings`), each app keeping its own journal step and outcome.
 *
 * Crash safety: the steps are "running" and carry the batch's backup path before the deploy is sent. A resume after a
 * crash between "deploy sent" and "recorded" plans again from the org: the apps the deploy changed read back as already
 * on, and the backup path on their step says the change was this rollout's (for rollback and undo). When the batch ends
 * in an error (after retries), the org is asked which apps have the setting on anyway.
 */
import type { JournalStep, StepData } from '../journal.js';
import { enableSettings, errorText, settingsOn, withRetries, type BatchOutcome } from '../phases.js';
import { begin, finishMany, onRetry, type FinalStatus, type PhaseRunner } from './step.js';

export const runEnable: PhaseRunner = async (run) => {
  const { ctx, store, steps } = run;
  if (ctx.signal?.aborted) return false;
  const setting = run.phase === 'pkce-enable' ? 'pkce' : 'rtr';
  const apps = steps.map((s) => s.app as string);
  const byApp = new Map(steps.map((s) => [s.app as string, s]));
  await begin(run, steps);
  const recordBackup = (backupPath: string, changing: string[]): Promise<void> =>
    store.update(() => {
      for (const app of changing) {
        const step = byApp.get(app);
        if (step) step.data = { ...step.data, backupPath };
      }
    });
  let outcomes: BatchOutcome;
  try {
    outcomes = await withRetries(
      ctx,
      store.journal.plan.options.retries,
      () => enableSettings(ctx, setting, apps, store.journal.id, recordBackup),
      onRetry(run, run.phase),
    );
  } catch (e) {
    // The deploy may have gone through before the error: ask the org, so that the journal says what it has.
    const on = await settingsOn(ctx, setting, apps);
    const ends = steps.map((step) =>
      on?.get(step.app as string) === true
        ? {
            step,
            status: 'done' as const,
            detail: `On in the org (confirmed by reading it back after: ${errorText(e)}).`,
            data: { after: true, changed: Boolean(step.data?.backupPath) },
          }
        : { step, status: 'failed' as const, detail: `Not changed: ${errorText(e)}`, data: { changed: false } },
    );
    await finishMany(run, ends);
    return ends.every((x) => x.status === 'done');
  }
  const ends: Array<{ step: JournalStep; status: FinalStatus; detail: string; data?: StepData }> = steps.map((step) => {
    const o = outcomes.get(step.app as string) ?? {
      status: 'failed' as const,
      detail: 'The batch gave no outcome for this app.',
      data: { changed: false },
    };
    // A retry, or a resume after a crash, may find the setting already on: a backup taken by this step means the
    // change was this step's.
    const earlier = step.data?.backupPath;
    const changed = o.data?.changed === true || Boolean(earlier);
    const data: StepData = {
      ...o.data,
      ...(o.status === 'done' ? { changed } : {}),
      ...(earlier && !o.data?.backupPath ? { backupPath: earlier } : {}),
    };
    return { step, status: o.status, detail: o.detail, data };
  });
  await finishMany(run, ends);
  return ends.every((x) => x.status === 'done');
};
