/*
 * The base class of `sf oauth pkce enable|disable` and `sf oauth rtr enable|disable`: the flags they share, and the run
 * that plans the change, asks for confirmation on production, backs up, deploys with a progress display, reads back
 * and reports. The logic lives in src/metadata/toggle.ts; this file only talks to the user.
 */
import { Messages, SfError } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { ToggleAppResult, ToggleError, ToggleResult, ToggleSetting } from '../metadata/toggle.js';
import { confirmProductionChange, orgFacts } from './production-guard.js';
import { Progress } from './progress.js';
import { fitTable } from './table-fit.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.toggle');

export const toggleFlags = {
  'target-org': Flags.requiredOrg(),
  'api-version': Flags.orgApiVersion(),
  app: Flags.string({
    char: 'a',
    summary: messages.getMessage('flags.app.summary'),
    multiple: true,
    exactlyOne: ['app', 'all'],
  }),
  all: Flags.boolean({ summary: messages.getMessage('flags.all.summary'), exactlyOne: ['app', 'all'] }),
  'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
  'no-prompt': Flags.boolean({ char: 'p', summary: messages.getMessage('flags.no-prompt.summary'), default: false }),
};

const KIND_LABEL = { ConnectedApp: 'Connected App', ExternalClientApplication: 'External Client App' } as const;

export abstract class ToggleCommand extends SfCommand<ToggleResult> {
  public static readonly flags = toggleFlags;

  protected abstract readonly setting: ToggleSetting;
  protected abstract readonly value: boolean;

  public async run(): Promise<ToggleResult> {
    const { flags } = await this.parse(this.constructor as typeof ToggleCommand);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const username = org.getUsername() ?? conn.getUsername() ?? '';
    const orgId = org.getOrgId();
    const dryRun = flags['dry-run'];
    const operation = `oauth ${this.setting} ${this.value ? 'enable' : 'disable'}`;
    const progress = new Progress(this.spinner, (line) => this.logToStderr(line));
    // The Metadata API client loads only when the command runs, not for --help.
    const { applyToggle, planToggle, ToggleDeployError, ToggleError } = await import('../metadata/toggle.js');

    if (!this.value && this.setting === 'pkce') this.warn(messages.getMessage('warning.pkceDisable'));

    progress.start(messages.getMessage('info.reading', [username]));
    const facts = await orgFacts(conn);
    let plan;
    try {
      plan = await planToggle(conn, {
        setting: this.setting,
        value: this.value,
        apps: flags.app,
        all: flags.all,
        orgNamespace: facts.namespace,
      });
    } catch (e) {
      progress.stop('failed');
      throw toSfError(e, username, ToggleError);
    }
    progress.stop();

    if (!plan.changes.length) {
      this.showRows(plan.rows);
      this.log(messages.getMessage('info.nothingToChange', [plan.element, String(this.value)]));
      return { setting: plan.element, value: this.value, dryRun, apps: plan.rows };
    }

    if (!dryRun) {
      if (!this.value) this.warn(messages.getMessage('warning.disableRehearsal'));
      await confirmProductionChange({
        isProduction: facts.isProduction,
        noPrompt: flags['no-prompt'],
        json: this.jsonEnabled(),
        orgName: username,
        what: `This sets ${plan.element} to ${String(this.value)} on ${plan.changes.length} app(s): ${plan.changes.map((c) => c.app.name).join(', ')}.`,
        confirm: (message) => this.confirm({ message }),
      });
    }

    const total = plan.changes.length;
    progress.start(messages.getMessage(dryRun ? 'info.validating' : 'info.deploying', [total]), 'Queued');
    let outcome;
    try {
      outcome = await applyToggle(conn, plan, {
        dryRun,
        backup: { orgId, username, instanceUrl: conn.instanceUrl, operation },
        onProgress: (p) => {
          progress.status(
            `${p.status}: ${p.deployed}/${p.total || total} components${p.errors ? `, ${p.errors} error(s)` : ''}`,
          );
        },
        onDeployed: (d) => {
          progress.status(`${d.status}: ${d.componentsDeployed}/${total} components; reading the apps back`);
        },
      });
    } catch (e) {
      progress.stop('failed');
      if (e instanceof ToggleDeployError) {
        throw messages.createError(
          'error.deployNotRun',
          [e.message],
          [],
          e.cause instanceof Error ? e.cause : undefined,
        );
      }
      throw e;
    }
    progress.stop(outcome.failed ? 'failed' : 'done');
    const { result } = outcome;

    this.showRows(result.apps);
    if (outcome.failed) {
      const lines = result.apps
        .filter((a) => a.status === 'failed')
        .map((a) => `  - ${a.app} (${a.component ?? a.kind}): ${a.reason ?? 'failed'}`);
      const error = messages.createError(
        'error.deployFailed',
        [result.deployId ?? '', lines.join('\n')],
        [result.backupPath ?? '(none: dry run)'],
      );
      error.setData(result);
      throw error;
    }
    if (dryRun) {
      this.log(messages.getMessage('info.wouldChange', [result.deployId ?? '', total]));
    } else {
      const applied = result.apps.filter((a) => a.status === 'changed').length;
      this.logSuccess(
        messages.getMessage('info.changed', [plan.element, String(this.value), applied, result.deployId ?? '']),
      );
      if (result.backupPath) {
        this.log(messages.getMessage('info.backup', [result.backupPath]));
        this.log(messages.getMessage('info.undo', [result.backupPath, username]));
      }
    }
    for (const w of outcome.warnings) this.warn(w);
    if (outcome.notApplied.length) {
      const keptOn = result.apps.filter((a) => a.status === 'kept-on-by-salesforce').map((a) => a.app);
      const other = outcome.notApplied.filter((a) => !keptOn.includes(a));
      if (keptOn.length) this.warn(messages.getMessage('warning.keptOn', [keptOn.join(', ')]));
      if (other.length) this.warn(messages.getMessage('warning.notApplied', [other.join(', ')]));
      process.exitCode = 1;
    }
    return result;
  }

  private showRows(rows: ToggleAppResult[]): void {
    if (!rows.length) return;
    this.table(
      fitTable(
        {
          data: rows.map((r) => ({
            app: r.app,
            kind: KIND_LABEL[r.kind],
            before: show(r.before),
            after: show(r.after),
            status: r.status,
            note: r.reason ?? '',
          })),
          columns: [
            { key: 'app', name: 'App' },
            { key: 'kind', name: 'Kind' },
            { key: 'before', name: 'Before' },
            { key: 'after', name: 'After' },
            { key: 'status', name: 'Status' },
            { key: 'note', name: 'Note' },
          ],
        },
        ['note'],
      ),
    );
  }
}

const show = (v: boolean | null): string => (v === null ? '(not set)' : String(v));

function toSfError(e: unknown, username: string, toggleError: typeof ToggleError): Error {
  if (!(e instanceof toggleError)) return e instanceof Error ? e : new SfError(String(e));
  switch (e.code) {
    case 'unknownApps':
      return withData(messages.createError('error.unknownApps', [e.message], [username]), e.items);
    case 'refusedApps':
      return withData(messages.createError('error.refusedApps', [e.message]), e.items);
    case 'missingPermission':
      return messages.createError('error.missingPermission', [e.message]);
    case 'noApps':
      return messages.createError('error.noApps', [e.message]);
  }
}

function withData(error: SfError, items: string[]): SfError {
  error.setData({ apps: items });
  return error;
}
