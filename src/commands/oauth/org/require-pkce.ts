/*
 * sf oauth org require-pkce: the org-wide Require PKCE switch behind its gate (src/rollout/gate.ts, org-settings.ts).
 */
import { Messages, type Connection } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { confirmProductionChange, orgFacts } from '../../../cli/production-guard.js';
import type { GateRow, GateStatus } from '../../../rollout/gate.js';
import { fitTable } from '../../../cli/table-fit.js';
import type { RetrievedFile } from '../../../metadata/retrieve.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.org.require-pkce');

export type RequirePkceGate = {
  passed: boolean;
  blockers: GateRow[];
  apps: GateRow[];
  summary: Record<GateStatus, number>;
};

export type OrgRequirePkceResult = {
  /** The value asked for: true to require PKCE, false with --undo. */
  value: boolean;
  dryRun: boolean;
  /** isPkceRequired before (null: absent, which means false). */
  before: boolean | null;
  /** After the command (for a dry run: what the deploy would set). */
  after: boolean | null;
  changed: boolean;
  deployId?: string;
  /** The gate (absent with --undo). */
  gate?: RequirePkceGate;
};

const NAMES_SHOWN = 5;

const names = (rows: GateRow[]): string =>
  rows.length > NAMES_SHOWN
    ? `${rows
        .slice(0, NAMES_SHOWN)
        .map((r) => r.app)
        .join(', ')} and ${rows.length - NAMES_SHOWN} more`
    : rows.map((r) => r.app).join(', ');

/**
 * The blockers by reason: an app with PKCE off (or unknown) would break once the org requires PKCE; one with PKCE on
 * only lacks a passing smoke test under its current settings (gate.ts judge()).
 */
function blockedText(blockers: GateRow[]): string {
  const off = blockers.filter((b) => b.pkceRequired !== true);
  const unproven = blockers.filter((b) => b.pkceRequired === true);
  const parts: string[] = [];
  if (off.length) parts.push(messages.getMessage('gate.wouldBreak', [off.length, names(off)]));
  if (unproven.length) parts.push(messages.getMessage('gate.notProven', [unproven.length, names(unproven)]));
  return parts.join('; ');
}

/** The OauthOidc settings as they are now (retrieved once: setRequirePkce reuses them). */
async function currentSettings(conn: Connection): Promise<RetrievedFile> {
  const { OrgSettingsError, readOauthOidc } = await import('../../../rollout/org-settings.js');
  try {
    return await readOauthOidc(conn);
  } catch (e) {
    if (e instanceof OrgSettingsError) throw messages.createError('error.deployFailed', [e.message]);
    throw e;
  }
}

export default class OrgRequirePkce extends SfCommand<OrgRequirePkceResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    undo: Flags.boolean({ summary: messages.getMessage('flags.undo.summary'), default: false }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    'no-prompt': Flags.boolean({ char: 'p', summary: messages.getMessage('flags.no-prompt.summary'), default: false }),
    days: Flags.integer({ min: 1, max: 365, default: 90, summary: messages.getMessage('flags.days.summary') }),
  };

  public async run(): Promise<OrgRequirePkceResult> {
    // The gate (inventory, results) and the Settings deploy load when the command runs, not for --help.
    const [{ evaluateGate }, { OrgSettingsError, requirePkceIn, setRequirePkce }] = await Promise.all([
      import('../../../rollout/gate.js'),
      import('../../../rollout/org-settings.js'),
    ]);
    const { flags } = await this.parse(OrgRequirePkce);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const username = org.getUsername() ?? conn.getUsername() ?? '';
    const value = !flags.undo;
    const dryRun = flags['dry-run'];

    let gate: RequirePkceGate | undefined;
    let settings: RetrievedFile | undefined;
    if (value) {
      this.spinner.start(messages.getMessage('info.judging', [username]));
      const judged = await evaluateGate(conn, { orgId: org.getOrgId(), days: flags.days }).finally(() =>
        this.spinner.stop(),
      );
      gate = { passed: judged.passed, blockers: judged.blockers, apps: judged.apps, summary: judged.summary };
      this.showGate(judged.apps);
      if (!judged.passed) {
        // The table above (and --json's data) has every reason; the message only counts the blockers by kind.
        const error = messages.createError('error.gateBlocked', [blockedText(judged.blockers)]);
        error.setData(gate);
        throw error;
      }
      const s = judged.summary;
      this.logSuccess(messages.getMessage('info.gatePassed', [s.pass, s.waived, s['out-of-scope'], s.unverifiable]));
      const unverifiable = judged.apps.filter((a) => a.status === 'unverifiable').map((a) => a.app);
      if (unverifiable.length) this.warn(messages.getMessage('warning.unverifiable', [unverifiable.join(', ')]));
    } else {
      // Read first: when it is already off there is nothing to warn about, confirm or deploy.
      settings = await currentSettings(conn);
      const before = requirePkceIn(settings);
      if (!before) {
        this.log(messages.getMessage('info.already', ['off']));
        return { value, dryRun, before, after: before, changed: false };
      }
      this.warn(messages.getMessage('warning.undo'));
    }

    if (!dryRun) {
      const facts = await orgFacts(conn);
      await confirmProductionChange({
        isProduction: facts.isProduction,
        noPrompt: flags['no-prompt'],
        json: this.jsonEnabled(),
        orgName: username,
        what: messages.getMessage('prompt.what', [value ? 'on' : 'off']),
        confirm: (message) => this.confirm({ message }),
      });
    }

    this.spinner.start(
      messages.getMessage('info.deploying', [dryRun ? 'Validating' : value ? 'Turning on' : 'Turning off']),
    );
    let change;
    try {
      change = await setRequirePkce(conn, value, { dryRun, file: settings });
      this.spinner.stop(change.failed ? 'failed' : 'done');
    } catch (e) {
      this.spinner.stop('failed');
      if (e instanceof OrgSettingsError) throw messages.createError('error.deployFailed', [e.message]);
      throw e;
    }
    const result: OrgRequirePkceResult = {
      value,
      dryRun,
      before: change.before,
      after: change.after,
      changed: change.changed,
      ...(change.deployId ? { deployId: change.deployId } : {}),
      ...(gate ? { gate } : {}),
    };
    if (change.failed) {
      const error = messages.createError('error.deployFailed', [change.problems.join(' ')]);
      error.setData(result);
      throw error;
    }
    const state = value ? 'on' : 'off';
    if (!change.deployId) this.log(messages.getMessage('info.already', [state]));
    else if (dryRun) this.log(messages.getMessage('info.wouldChange', [change.deployId, state]));
    else this.logSuccess(messages.getMessage('info.changed', [state, change.deployId]));
    return result;
  }

  private showGate(rows: GateRow[]): void {
    const shown = rows.filter((r) => r.status !== 'unverifiable');
    if (!shown.length) return;
    this.table(
      fitTable(
        {
          data: shown.map((r) => ({
            app: r.app,
            status: r.status,
            pkce: r.pkceRequired === null ? '?' : r.pkceRequired ? 'on' : 'off',
            why: r.reason,
          })),
          columns: [
            { key: 'app', name: 'App' },
            { key: 'status', name: 'Gate' },
            { key: 'pkce', name: 'PKCE' },
            { key: 'why', name: 'Why' },
          ],
        },
        ['why'],
      ),
    );
  }
}
