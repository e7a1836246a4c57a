/*
 * Progress that reads right in a terminal, in a pipe and in a CI log. In a terminal, the status is the spinner's and
 * replaces the one before. Without one (standard error not a terminal, CI set, TERM=dumb: oclif's "simple" action),
 * oclif writes each new status after the previous one on the same line ("a: passb: pass"), so here every status is a
 * line of its own under the action's line, and the action ends with its own "... done" line.
 *
 * And the status words for a smoke-tested app: `pass` only when every check that decides ran and passed.
 */
import { ux } from '@oclif/core';
import type { Spinner } from '@salesforce/sf-plugins-core';
import { pkceProven, rtrProven } from '../rollout/gate.js';
import type { AppRun } from '../smoke/model.js';

/** True when oclif animates a spinner (standard error is a terminal, not CI); false for plain lines. */
export function liveProgress(): boolean {
  return ux.action.type === 'spinner';
}

export class Progress {
  private action: string | undefined;

  /**
   * @param spinner the command's spinner (a no-op with --json)
   * @param line writes one line to standard error (the command's logToStderr: also a no-op with --json)
   * @param live whether the spinner animates; default {@link liveProgress}
   */
  public constructor(
    private readonly spinner: Spinner,
    private readonly line: (text: string) => void,
    private readonly live = liveProgress()
  ) {}

  public start(action: string, status?: string): void {
    this.action = action;
    if (this.live) this.spinner.start(action, status);
    else this.line(status ? `${action}... ${status}` : `${action}...`);
  }

  public status(status: string): void {
    if (!this.action) return;
    if (this.live) this.spinner.status = status;
    else this.line(`  ${status}`);
  }

  public stop(status = 'done'): void {
    if (!this.action) return;
    if (this.live) this.spinner.stop(status);
    else this.line(`${this.action}... ${status}`);
    this.action = undefined;
  }
}

/**
 * The status word of one app's smoke test, for progress lines: `pass` only when nothing failed or errored and the
 * check that decides (PKCE: the S256 flow; RTR: rotation) passed, as the Require PKCE gate counts it. A run whose
 * deciding check could not be made (no consumer secret, for one) is `not proven`, with that check's verdict.
 */
export function appStatusWord(run: Pick<AppRun, 'kind' | 'verdict' | 'checks'>): string {
  if (run.verdict !== 'pass') return run.verdict;
  const proven = run.kind === 'pkce' ? pkceProven(run) : rtrProven(run);
  if (proven) return 'pass';
  const key = run.kind === 'pkce' ? 's256-flow' : 'rotation';
  const decisive = run.checks.find((c) => c.id === key);
  return `not proven (${key} ${decisive ? decisive.verdict : 'did not run'})`;
}
