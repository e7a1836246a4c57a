/*
 * Progress that reads right in a terminal, in a pipe and in a CI log. In a terminal, the status is the spinner's and
 * replaces the one before. Without one (standard error not a terminal, CI set, TERM=dumb: oclif's "simple" action),
 * oclif writes each new status after the previous one on the same line ("a: passb: pass"), so here every status is a
 * line of its own under the action's line, and the action ends with its own "... done" line.
 */
import { ux } from '@oclif/core';
import type { Spinner } from '@salesforce/sf-plugins-core';

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
    private readonly live = liveProgress(),
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
