/*
 * Rolling back the changes of apps whose smoke tests failed: one restore deploy per backup the changes came from (one
 * for a batch phase), each app keeping its own outcome: rolled back, kept on by Salesforce (the org kept PKCE on
 * although the restore set it off), or a rollback failure added to the change step's detail.
 */
import type { JournalStep, PhaseName } from '../journal.js';
import { errorText, restoreApps, withRetries } from '../phases.js';
import type { PhaseRun } from './step.js';

export async function rollbackApps(run: PhaseRun, changePhase: PhaseName, apps: string[]): Promise<void> {
  const { ctx, store } = run;
  const changes = apps
    .map((app) => store.journal.steps.find((s) => s.id === `${changePhase}:${app}`))
    .filter((s): s is JournalStep => Boolean(s?.status === 'done' && s.data?.changed && s.data.backupPath));
  const byBackup = new Map<string, JournalStep[]>();
  for (const step of changes) {
    const path = step.data?.backupPath as string;
    byBackup.set(path, [...(byBackup.get(path) ?? []), step]);
  }
  for (const [backupPath, steps] of byBackup) {
    const names = steps.map((s) => s.app as string);
    try {
      const outcome = await withRetries(ctx, store.journal.plan.options.retries, () =>
        restoreApps(ctx, backupPath, names, store.journal.id),
      );
      const deployId = outcome.deployId;
      await store.update(() => {
        for (const step of steps) {
          const r = outcome.apps.get(step.app as string);
          step.finishedAt = new Date().toISOString();
          if (r?.status === 'kept-on-by-salesforce') {
            step.status = 'kept-on-by-salesforce';
            step.detail = `Kept on by Salesforce: the smoke test failed and the rollback deployed the backup (deploy ${deployId ?? '?'}), but the org kept PKCE on.`;
            step.data = { ...step.data, rollback: { backupPath, deployId }, after: true };
          } else if (r?.status === 'failed') {
            step.detail = `${step.detail ?? ''} Rollback failed: ${r.reason ?? 'not restored'}`.trim();
          } else {
            step.status = 'rolled-back';
            step.detail = `Rolled back after the smoke test failed (deploy ${deployId ?? 'not needed'}).`;
            step.data = { ...step.data, rollback: { backupPath, deployId } };
          }
        }
      });
    } catch (e) {
      await store.update(() => {
        for (const step of steps) step.detail = `${step.detail ?? ''} Rollback failed: ${errorText(e)}`.trim();
      });
    }
    for (const step of steps) run.emit({ type: 'step', step });
  }
}
