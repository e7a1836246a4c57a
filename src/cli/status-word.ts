/*
 * The status word of a smoke-tested app in progress lines: `pass` only when every check that decides ran and passed.
 */
import { pkceProven, rtrProven } from '../rollout/gate.js';
import { DECIDING_CHECK, type AppRun } from '../smoke/model.js';

/**
 * The status word of one app's smoke test, for progress lines: `pass` only when nothing failed or errored and the
 * check that decides (PKCE: the S256 flow; RTR: rotation) passed, as the Require PKCE gate counts it. A run whose
 * deciding check could not be made (no consumer secret, for one) is `not proven`, with that check's verdict.
 */
export function appStatusWord(run: Pick<AppRun, 'kind' | 'verdict' | 'checks'>): string {
  // A stored run from before the not-proven verdict may say pass without its deciding check: judged by the check too.
  if (run.verdict !== 'pass' && run.verdict !== 'not-proven') return run.verdict;
  const proven = run.kind === 'pkce' ? pkceProven(run) : rtrProven(run);
  if (proven) return 'pass';
  const key = DECIDING_CHECK[run.kind];
  const decisive = run.checks.find((c) => c.id === key);
  return `not proven (${key} ${decisive ? decisive.verdict : 'did not run'})`;
}
