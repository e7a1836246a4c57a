/*
 * The org-wide Require PKCE: the gate (every app in PKCE scope proven or waived), then the org's OAuth settings
 * (org-settings.ts, shared with `sf oauth org require-pkce`).
 */
import type { GateResult } from '../gate.js';
import { errorText, gate, requirePkceOn, withRetries } from '../phases.js';
import { begin, finish, onRetry, type PhaseRunner } from './step.js';

export const runRequirePkce: PhaseRunner = async (run) => {
  const { ctx, store } = run;
  const plan = store.journal.plan;
  const retries = plan.options.retries;
  for (const step of run.steps) {
    if (ctx.signal?.aborted) return false;
    await begin(run, [step]);
    if (step.id === 'require-pkce:gate') {
      let result: GateResult;
      try {
        result = await withRetries(ctx, retries, () => gate(ctx, plan), onRetry(run, step.id));
      } catch (e) {
        await finish(run, step, 'failed', `The gate could not be judged: ${errorText(e)}`);
        return false;
      }
      const blockers = result.blockers.map((b) => ({ app: b.app, reason: b.reason }));
      const waived = result.apps.filter((a) => a.status === 'waived').map((a) => a.app);
      if (!result.passed) {
        await finish(
          run,
          step,
          'failed',
          `${blockers.length} app(s) block Require PKCE: ${blockers.map((b) => b.app).join(', ')}.`,
          { blockers, before: result.requirePkce },
        );
        return false;
      }
      await finish(
        run,
        step,
        'done',
        `Every app passes (${result.summary.pass} pass${waived.length ? `, waived: ${waived.join(', ')}` : ''}, ${result.summary['out-of-scope']} out of scope).`,
        {
          blockers: [],
          before: result.requirePkce,
        },
      );
      continue;
    }
    try {
      const outcome = await withRetries(ctx, retries, () => requirePkceOn(ctx), onRetry(run, step.id));
      const wasOff = store.journal.steps.find((s) => s.id === 'require-pkce:gate')?.data?.before !== true;
      await store.update((j) => {
        if (outcome.status === 'done' && outcome.data?.after === true && wasOff) j.requirePkceTurnedOn = true;
      });
      await finish(run, step, outcome.status, outcome.detail, outcome.data);
      if (outcome.status === 'failed') return false;
    } catch (e) {
      await finish(run, step, 'failed', `Require PKCE not turned on: ${errorText(e)}`);
      return false;
    }
  }
  return true;
};
