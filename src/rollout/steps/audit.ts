/*
 * Audit phase: the inventory, the plan's selection and the org checks; on success it writes the rest of the journal
 * (one step per app and phase), so that every later phase knows its apps.
 */
import type { JournalStep, PhaseName } from '../journal.js';
import { audit, errorText, withRetries } from '../phases.js';
import { begin, finish, onRetry, type PhaseRunner } from './step.js';

export const runAudit: PhaseRunner = async (run) => {
  const { ctx, store } = run;
  const plan = store.journal.plan;
  const step = run.steps[0];
  await begin(run, [step]);
  let result;
  try {
    result = await withRetries(ctx, plan.options.retries, () => audit(ctx, plan), onRetry(run, step.id));
  } catch (e) {
    await finish(run, step, 'failed', `The audit could not read the org: ${errorText(e)}`);
    return false;
  }
  if (result.problems.length) {
    await finish(run, step, 'failed', `The plan does not fit the org: ${result.problems.join('; ')}`);
    return false;
  }
  if (!result.apps.length) {
    await finish(run, step, 'failed', 'The plan selects no app: nothing to roll out.');
    return false;
  }
  const opts = plan.options;
  const newSteps: JournalStep[] = [{ id: 'backup', phase: 'backup', status: 'pending', attempts: 0 }];
  const add = (p: PhaseName, apps: string[]): void => {
    for (const app of apps) newSteps.push({ id: `${p}:${app}`, phase: p, app, status: 'pending', attempts: 0 });
  };
  const pkceApps = result.apps.filter((a) => a.pkce).map((a) => a.name);
  const rtrApps = opts.skipRtr ? [] : result.apps.filter((a) => a.rtr).map((a) => a.name);
  add('pkce-enable', pkceApps);
  add('pkce-verify', [...pkceApps, ...result.verifyOnly].sort());
  add('rtr-enable', rtrApps);
  add('rtr-verify', rtrApps);
  if (opts.requirePkce) {
    newSteps.push({ id: 'require-pkce:gate', phase: 'require-pkce', status: 'pending', attempts: 0 });
    newSteps.push({ id: 'require-pkce:org', phase: 'require-pkce', status: 'pending', attempts: 0 });
  }
  await store.update((j) => {
    j.apps = result.apps.map((a) => a.name);
    j.staleTokens = result.staleTokens;
    j.warnings = [...j.warnings, ...result.warnings];
    j.steps = [step, ...newSteps];
  });
  await finish(
    run,
    step,
    'done',
    `${result.apps.length} app(s) selected: ${result.apps.map((a) => a.name).join(', ')}.${result.verifyOnly.length ? ` Smoke-tested only (already compliant, needed by the gate): ${result.verifyOnly.join(', ')}.` : ''}`,
  );
  return true;
};
