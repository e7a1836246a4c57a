/*
 * sf oauth org check: whether this plugin can do its job in this org, and what could hurt a live integration. A thin
 * command over src/check (checks, Markdown report, answer-shape trace); read-only.
 */
import { ux } from '@oclif/core';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { terminalWidth } from '../../../cli/terminal.js';
import { checklistLines } from '../../../check/format.js';
import type { CheckStatus, OrgCheckResult } from '../../../check/model.js';
import { renderReport } from '../../../check/report.js';
import { secretValuesFromEnv } from '../../../check/trace.js';
import { withTraceFile } from '../../../cli/trace-file.js';
import { writePrivateFile } from '../../../util/private-file.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.org.check');

export type OrgCheckCommandResult = OrgCheckResult & {
  /** Where the Markdown report was written (--report-file). */
  reportFile?: string;
  /** Where the answer-shape trace was written (--trace-file). */
  traceFile?: string;
};

const COLOURS: Record<CheckStatus, string> = { pass: 'green', warn: 'yellow', fail: 'red' };

export default class OrgCheck extends SfCommand<OrgCheckCommandResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    app: Flags.string({ summary: messages.getMessage('flags.app.summary'), multiple: true }),
    days: Flags.integer({ summary: messages.getMessage('flags.days.summary'), default: 90, min: 1, max: 3650 }),
    'report-file': Flags.file({ summary: messages.getMessage('flags.report-file.summary') }),
    'trace-file': Flags.file({ summary: messages.getMessage('flags.trace-file.summary') }),
  };

  public async run(): Promise<OrgCheckCommandResult> {
    // The checks (inventory, Metadata API, OAuth probes) load when the command runs, not for --help.
    const [{ UnknownAppsError }, { checkOrg, SessionInvalidError }] = await Promise.all([
      import('../../../apps/inventory.js'),
      import('../../../check/run.js'),
    ]);
    const { flags } = await this.parse(OrgCheck);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const username = org.getUsername() ?? conn.getUsername() ?? '';
    const sensitive = [conn.accessToken, username, ...secretValuesFromEnv()];

    let result: OrgCheckResult;
    this.spinner.start(messages.getMessage('info.checking'));
    try {
      result = await withTraceFile(conn, flags['trace-file'], 'oauth org check', () =>
        checkOrg(conn, {
          days: flags.days,
          apps: flags.app,
          accessToken: () => Promise.resolve(conn.accessToken ?? ''),
        }),
      );
      this.spinner.stop(result.passed ? 'done' : 'failed');
    } catch (e) {
      this.spinner.stop('failed');
      if (e instanceof SessionInvalidError) throw messages.createError('error.sessionInvalid', [e.message], [username]);
      if (e instanceof UnknownAppsError) throw messages.createError('error.unknownApp', [e.message]);
      throw e;
    }

    const out: OrgCheckCommandResult = {
      ...result,
      ...(flags['report-file'] ? { reportFile: flags['report-file'] } : {}),
      ...(flags['trace-file'] ? { traceFile: flags['trace-file'] } : {}),
    };
    if (flags['report-file']) await writePrivateFile(flags['report-file'], renderReport(result, { sensitive }));
    this.show(result);
    if (flags['report-file']) this.log(messages.getMessage('info.reportWritten', [flags['report-file']]));
    if (flags['trace-file']) this.log(messages.getMessage('info.traceWritten', [flags['trace-file']]));
    if (!result.passed) {
      const failed = result.checks.filter((c) => c.status === 'fail');
      const error = messages.createError('error.checksFailed', [
        failed.length,
        failed.map((c) => `  - ${c.app ? `${c.app}: ` : ''}${c.title}: ${c.detail}`).join('\n'),
      ]);
      error.setData(out);
      throw error;
    }
    return out;
  }

  private show(result: OrgCheckResult): void {
    const paint = (status: CheckStatus, word: string): string =>
      process.stdout.isTTY ? ux.colorize(COLOURS[status], word) : word;
    for (const line of checklistLines(result, terminalWidth(), paint)) this.log(line);
    const s = result.summary;
    this.log(messages.getMessage('info.summary', [s.pass, s.warn, s.fail]));
  }
}
