/*
 * PKCE and rotation smoke tests: every unfinished app of the phase, `concurrency` at a time (plan option), retried as a
 * whole while the org or the network errs. An app whose test failed is rolled back (plan option
 * rollbackOnSmokeFailure) in one restore deploy for the phase (rollback.ts); an app blocked (no code without a person,
 * no approval headroom) or erring is never rolled back. Turning rotation on changes the component that holds the
 * app's flags, so the RTR step of an app whose rotation this rollout turned on tests PKCE again for the gate.
 */
import type { JournalStep, StepData } from '../journal.js';
import { smokeTest, type SmokeOutcome, type SmokeRequest } from '../phases.js';
import { rollbackApps } from './rollback.js';
import { begin, finish, type PhaseRunner } from './step.js';

export const runVerify: PhaseRunner = async (run) => {
  const { ctx, store, phase, steps } = run;
  const plan = store.journal.plan;
  const retries = plan.options.retries;
  const requests: SmokeRequest[] = steps.map((step) => {
    const app = step.app as string;
    if (phase === 'pkce-verify') return { app, kinds: ['pkce'] };
    // Rotation on changed the app's settings component: its PKCE evidence must be made again for the gate.
    const rtrChanged = store.journal.steps.find((s) => s.id === `rtr-enable:${app}`)?.data?.changed === true;
    const pkceScope = store.journal.steps.some((s) => s.id === `pkce-verify:${app}`);
    return { app, kinds: rtrChanged && pkceScope ? ['rtr', 'pkce'] : ['rtr'] };
  });
  const byApp = new Map(steps.map((s) => [s.app as string, s]));
  let pending = requests;
  const final = new Map<string, SmokeOutcome>();
  for (let attempt = 1; pending.length && attempt <= retries; attempt++) {
    if (ctx.signal?.aborted) break;
    await begin(
      run,
      pending.map((r) => byApp.get(r.app) as JournalStep),
    );
    const outcomes = await smokeTest(ctx, plan, pending, async (o) => {
      final.set(o.app, o);
      if (o.status === 'error' && attempt < retries && !ctx.signal?.aborted)
        run.emit({ type: 'retry', step: `${phase}:${o.app}`, attempt, reason: o.detail });
      await Promise.resolve();
    });
    pending = outcomes
      .filter((o) => o.status === 'error')
      .map((o) => requests.find((r) => r.app === o.app) as SmokeRequest);
    if (pending.length && attempt < retries && !ctx.signal?.aborted) {
      await new Promise((resolve) => setTimeout(resolve, (ctx.retryDelayMs ?? 2000) * 2 ** (attempt - 1)));
    }
  }
  let ok = true;
  const toRollBack: string[] = [];
  for (const step of steps) {
    const app = step.app as string;
    const o = final.get(app);
    if (!o || (ctx.signal?.aborted && o.status === 'error')) {
      // Interrupted before or during its test: nothing to record against the org.
      await store.reset(step, 'Interrupted before the smoke test finished.');
      ok = false;
      continue;
    }
    const data: StepData = {
      verdict: o.runs.map((r) => `${r.kind}:${r.verdict}`).join(', ') || 'none',
      failedChecks: o.failedChecks,
      resultFiles: o.resultFiles,
    };
    if (o.status === 'passed') {
      await finish(run, step, 'done', o.detail, data);
      continue;
    }
    ok = false;
    await finish(run, step, 'failed', o.detail, data);
    if (o.status === 'failed' && plan.options.rollbackOnSmokeFailure) toRollBack.push(app);
  }
  if (toRollBack.length) await rollbackApps(run, phase === 'pkce-verify' ? 'pkce-enable' : 'rtr-enable', toRollBack);
  return ok;
};
