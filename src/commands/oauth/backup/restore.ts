/*
 * sf oauth backup restore: the undo of the toggle commands. Redeploys a backup's components as they were, to the org
 * the backup came from only, in one deploy with rollback on error, after backing up what it replaces.
 */
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { BackupError, findBackup } from '../../../metadata/backup.js';
import {
  applyRestore,
  planRestore,
  RestoreError,
  type RestoreComponentResult,
  type RestoreResult,
} from '../../../metadata/restore.js';
import { confirmProductionChange, orgFacts } from '../../../cli/production-guard.js';
import { Progress } from '../../../cli/progress.js';
import { fitTable } from '../../../cli/table-fit.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.backup.restore');

export type BackupRestoreResult = RestoreResult;

export default class BackupRestore extends SfCommand<BackupRestoreResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    backup: Flags.string({ char: 'b', summary: messages.getMessage('flags.backup.summary') }),
    app: Flags.string({ char: 'a', summary: messages.getMessage('flags.app.summary'), multiple: true }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), default: false }),
    'no-prompt': Flags.boolean({ char: 'p', summary: messages.getMessage('flags.no-prompt.summary'), default: false }),
  };

  public async run(): Promise<BackupRestoreResult> {
    const { flags } = await this.parse(BackupRestore);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const orgId = org.getOrgId();
    const username = org.getUsername() ?? conn.getUsername() ?? '';
    const dryRun = flags['dry-run'];
    const progress = new Progress(this.spinner, (line) => this.logToStderr(line));

    let plan;
    try {
      const backup = await findBackup(flags.backup, orgId);
      progress.start(messages.getMessage('info.comparing', [backup.path, username]));
      plan = await planRestore(conn, backup, { orgId, apps: flags.app });
      progress.stop();
    } catch (e) {
      progress.stop('failed');
      if (e instanceof BackupError) throw messages.createError('error.backup', [e.message]);
      if (e instanceof RestoreError && e.code === 'orgMismatch')
        throw messages.createError('error.orgMismatch', [e.message], [e.items[0]]);
      if (e instanceof RestoreError) throw messages.createError('error.selection', [e.message]);
      throw e;
    }
    const changing = plan.items.filter((i) => i.row.status === 'changed');
    if (!changing.length) {
      this.show(plan.items.map((i) => i.row));
      const outcome = await applyRestore(conn, plan, { dryRun });
      if (!outcome.notRestored.length) this.log(messages.getMessage('info.nothingToRestore'));
      this.reportNotRestored(outcome.result.components);
      return outcome.result;
    }
    if (!dryRun) {
      const facts = await orgFacts(conn);
      await confirmProductionChange({
        isProduction: facts.isProduction,
        noPrompt: flags['no-prompt'],
        json: this.jsonEnabled(),
        orgName: username,
        what: `This restores ${changing.length} component(s) as they were on ${plan.backup.manifest.createdAt}: ${changing.map((i) => i.row.app).join(', ')}.`,
        confirm: (message) => this.confirm({ message }),
      });
    }
    progress.start(messages.getMessage(dryRun ? 'info.validating' : 'info.deploying', [changing.length]), 'Queued');
    let outcome;
    try {
      outcome = await applyRestore(conn, plan, {
        dryRun,
        backup: { orgId, username, instanceUrl: conn.instanceUrl, operation: 'oauth backup restore' },
        onProgress: (p) => {
          progress.status(
            `${p.status}: ${p.deployed}/${p.total || changing.length} components${p.errors ? `, ${p.errors} error(s)` : ''}`,
          );
        },
      });
    } catch (e) {
      progress.stop('failed');
      throw messages.createError('error.deployNotRun', [(e as Error).message], [], e instanceof Error ? e : undefined);
    }
    progress.stop(outcome.failed ? 'failed' : 'done');
    const { result } = outcome;
    this.show(result.components);
    if (outcome.failed) {
      const lines = result.components
        .filter((c) => c.status === 'failed')
        .map((c) => `  - ${c.app} (${c.component}): ${c.reason ?? 'failed'}`);
      const error = messages.createError('error.deployFailed', [result.deployId ?? '', lines.join('\n')]);
      error.setData(result);
      throw error;
    }
    if (dryRun) this.log(messages.getMessage('info.wouldRestore', [result.deployId ?? '', changing.length]));
    else {
      this.logSuccess(messages.getMessage('info.restored', [changing.length, result.deployId ?? '']));
      if (result.preRestoreBackupPath)
        this.log(messages.getMessage('info.preRestoreBackup', [result.preRestoreBackupPath]));
    }
    for (const w of outcome.warnings) this.warn(w);
    const stuck = result.components.filter((c) => c.status === 'failed');
    if (stuck.length) {
      this.warn(messages.getMessage('warning.notApplied', [stuck.map((c) => c.app).join(', ')]));
      process.exitCode = 1;
    }
    this.reportNotRestored(result.components);
    return result;
  }

  /** Components refused or kept on by Salesforce: each its own warning, and a non-zero exit. */
  private reportNotRestored(rows: RestoreComponentResult[]): void {
    const keptOn = rows.filter((c) => c.status === 'kept-on-by-salesforce');
    const refused = rows.filter((c) => c.status === 'refused');
    if (keptOn.length) this.warn(messages.getMessage('warning.keptOn', [keptOn.map((c) => c.app).join(', ')]));
    if (refused.length) this.warn(messages.getMessage('warning.refused', [refused.map((c) => c.app).join(', ')]));
    if (keptOn.length || refused.length) process.exitCode = 1;
  }

  private show(rows: RestoreComponentResult[]): void {
    this.table(
      fitTable(
        {
          data: rows.map((r) => ({
            app: r.app,
            component: r.component,
            element: r.element,
            before: r.before ?? '(not set)',
            after: r.after ?? '(not set)',
            status: r.status,
            note: r.reason ?? '',
          })),
          columns: [
            { key: 'app', name: 'App' },
            { key: 'component', name: 'Component' },
            { key: 'element', name: 'Setting' },
            { key: 'before', name: 'Before' },
            { key: 'after', name: 'After' },
            { key: 'status', name: 'Status' },
            { key: 'note', name: 'Note' },
          ],
        },
        ['before', 'after'],
      ),
    );
  }
}
