/*
 * Backup phase: one retrieve and one backup of every component the rollout may change, before the first change.
 */
import { backupApps, errorText, withRetries } from '../phases.js';
import { begin, finish, onRetry, type PhaseRunner } from './step.js';

export const runBackup: PhaseRunner = async (run) => {
  const { ctx, store } = run;
  const step = run.steps[0];
  await begin(run, [step]);
  try {
    const backupPath = await withRetries(
      ctx,
      store.journal.plan.options.retries,
      () => backupApps(ctx, store.journal.apps, store.journal.id),
      onRetry(run, step.id),
    );
    await store.update((j) => (j.initialBackup = backupPath));
    await finish(run, step, 'done', `Backup of ${store.journal.apps.length} app(s) taken.`, { backupPath });
    return true;
  } catch (e) {
    await finish(run, step, 'failed', `The backup could not be taken: ${errorText(e)}`);
    return false;
  }
};
