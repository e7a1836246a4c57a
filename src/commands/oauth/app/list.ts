/*
 * sf oauth app list: the org's OAuth apps with their PKCE / RTR readiness. A thin command over src/apps/inventory.ts;
 * this file only chooses the output (table, CSV or JSON) and turns failures into messages.
 */
import { ux } from '@oclif/core';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { InventoryWarning } from '../../../apps/inventory.js';
import type { AppListResult, AppRow, Verdict } from '../../../apps/model.js';
import {
  day,
  describeKind,
  describeTokens,
  flagText,
  shortFlows,
  shortOwner,
  shortPolicy,
  yesNo,
} from '../../../apps/format.js';
import { VERDICT_ORDER } from '../../../apps/readiness.js';
import { reasonLines, tableLayout, wrapText, type TableCells } from '../../../apps/table-layout.js';
import { terminalWidth } from '../../../cli/terminal.js';
import { withTraceFile } from '../../../cli/trace-file.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.app.list');

export type AppListCommandResult = AppListResult;

const VERDICT_COLOURS: Record<Verdict, string> = {
  breaks: 'red',
  vendor: 'magenta',
  'needs-action': 'yellow',
  unknown: 'yellow',
  untracked: 'cyan',
  ready: 'green',
  'out-of-scope': 'dim',
};

export default class AppList extends SfCommand<AppListCommandResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    app: Flags.string({ summary: messages.getMessage('flags.app.summary'), multiple: true }),
    'needs-action': Flags.boolean({ summary: messages.getMessage('flags.needs-action.summary'), default: false }),
    days: Flags.integer({ summary: messages.getMessage('flags.days.summary'), default: 90, min: 1, max: 3650 }),
    'result-format': Flags.option({
      summary: messages.getMessage('flags.result-format.summary'),
      options: ['human', 'csv', 'json'] as const,
      default: 'human',
    })(),
    'trace-file': Flags.file({ summary: messages.getMessage('flags.trace-file.summary') }),
  };

  public async run(): Promise<AppListCommandResult> {
    const { flags } = await this.parse(AppList);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    // The inventory (and the Metadata API client under it) loads only when the command runs: `--help` loads this
    // module too, and should start as fast as official commands' help.
    const [{ buildInventory, UnknownAppsError }, { RetrieveError }, { toCsv }] = await Promise.all([
      import('../../../apps/inventory.js'),
      import('../../../metadata/retrieve.js'),
      import('../../../apps/csv.js'),
    ]);
    let inventory;
    try {
      inventory = await withTraceFile(conn, flags['trace-file'], 'oauth app list', () =>
        buildInventory(conn, { days: flags.days, apps: flags.app, needsAction: flags['needs-action'] }),
      );
    } catch (e) {
      if (e instanceof UnknownAppsError) {
        const hint = e.suggestions.length
          ? `Did you mean ${e.suggestions.map((s) => `"${s}"`).join(', ')}?`
          : 'Check the spelling: names match the developer name or the label.';
        throw messages.createError(
          'error.unknownApp',
          [e.names.map((n) => `"${n}"`).join(', ')],
          [hint, org.getUsername() ?? '<org>'],
        );
      }
      if (e instanceof RetrieveError) throw messages.createError('error.retrieveFailed', [e.message]);
      throw e;
    }
    const { result, warnings } = inventory;
    for (const w of warnings) this.warn(warningText(w));

    if (flags['result-format'] === 'csv') {
      this.log(toCsv(result.apps).replace(/\r\n$/, ''));
    } else if (flags['result-format'] === 'json') {
      this.log(JSON.stringify(result, null, 2));
    } else {
      this.printHuman(result, flags['needs-action']);
    }
    return result;
  }

  private printHuman(result: AppListResult, needsActionOnly: boolean): void {
    const { org, orgSettings: s } = result;
    // Fit the terminal (or 120 columns in a pipe or CI log): the deciding columns always, others while they fit,
    // and the reasons under the table instead of a column as wide as the longest one.
    const width = terminalWidth();
    const say = (text: string, indent = ''): void => {
      for (const line of wrapText(text, width, '', indent)) this.log(line);
    };
    say(
      messages.getMessage('info.org', [
        org.name ?? 'unknown org',
        org.id ?? 'unknown id',
        org.environment ?? 'unknown environment',
        org.username ?? 'unknown user',
      ]),
    );
    say(
      messages.getMessage('info.orgSettings', [
        yesNo(s.requirePkce, 'on', 'off'),
        yesNo(s.usernamePasswordFlowBlocked, 'blocked', 'allowed'),
        yesNo(s.userAgentFlowBlocked, 'blocked', 'allowed'),
        yesNo(s.codeCredentialFlowAllowed, 'allowed', 'not allowed'),
      ]),
      '  ',
    );
    this.log(messages.getMessage('info.window', [result.days]));
    this.log('');
    if (result.apps.length === 0) {
      this.log(messages.getMessage(needsActionOnly ? 'info.noAppsNeedAction' : 'info.noApps'));
      return;
    }
    const data = result.apps.map((row) => tableRow(row));
    const layout = tableLayout(data, width);
    this.table({ data, columns: layout.columns, overflow: 'wrap', maxWidth: width });
    const reasons = reasonLines(result.apps, width);
    if (reasons.length) {
      this.log(messages.getMessage('info.reasons'));
      for (const line of reasons) this.log(line);
    }
    if (layout.omitted.length) {
      this.log('');
      say(messages.getMessage('info.omittedColumns', [width, layout.omitted.join(', ')]));
    }
    const counts = VERDICT_ORDER.filter((v) => result.summary.verdicts[v] > 0).map(
      (v) => `${result.summary.verdicts[v]} ${v}`,
    );
    say(
      messages.getMessage('info.summary', [result.summary.apps, result.summary.breaksAtEnforcement, counts.join(', ')]),
    );
  }
}

function tableRow(row: AppRow): TableCells {
  const onOff = (v: boolean | null): string => flagText(row, v);
  const refresh =
    row.kind === 'untracked' ? '' : row.refreshScope === false ? 'no scope' : shortPolicy(row.refreshTokenPolicy);
  return {
    name: row.name,
    kind: describeKind(row.kind),
    owner: shortOwner(row.owner),
    client: row.clientType ?? '',
    flows: shortFlows(row),
    pkce: onOff(row.pkceRequired),
    rtr: onOff(row.rtrEnabled),
    refresh,
    tokens: describeTokens(row),
    lastUsed: day(row.usage.lastUsed),
    activity: row.activity,
    verdict: ux.colorize(VERDICT_COLOURS[row.verdict], row.verdict),
  };
}

function warningText(w: InventoryWarning): string {
  switch (w.code) {
    case 'consumerSecretPermission':
      return messages.getMessage('warning.consumerSecretPermission', [
        w.apps.length,
        w.apps.slice(0, 10).join(', ') + (w.apps.length > 10 ? ', ...' : ''),
      ]);
    case 'usageUnavailable':
      return messages.getMessage('warning.usageUnavailable', [w.detail]);
    case 'usagePartial':
      return messages.getMessage('warning.usagePartial', [w.detail]);
    case 'packagesUnavailable':
      return messages.getMessage('warning.packagesUnavailable', [w.detail]);
    default:
      return messages.getMessage('warning.retrieveMessages', [w.detail]);
  }
}
