/*
 * sf oauth rollout undo: restores the backups the rollout took, newest first, and turns Require PKCE back off if the
 * rollout turned it on (src/rollout/run.ts undoRollout).
 */
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { confirmProductionChange, orgFacts } from '../../../cli/production-guard.js';
import { Progress } from '../../../cli/progress.js';
import { contextFor, rolloutError } from '../../../cli/rollout-command.js';
import { readJournal } from '../../../rollout/journal.js';
import type { UndoResult } from '../../../rollout/run.js';
import { fitTable } from '../../../cli/table-fit.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.rollout.undo');
const runMessages = Messages.loadMessages('plugin-oauth', 'oauth.rollout.run');

export type RolloutUndoResult = UndoResult;

export default class RolloutUndo extends SfCommand<RolloutUndoResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'no-prompt': Flags.boolean({ char: 'p', summary: messages.getMessage('flags.no-prompt.summary'), default: false }),
  };

  public async run(): Promise<RolloutUndoResult> {
    // The rollout core loads when the command runs, not for --help.
    const { RolloutError, undoRollout } = await import('../../../rollout/run.js');
    const { flags } = await this.parse(RolloutUndo);
    const org = flags['target-org'];
    const ctx = contextFor(org, flags['api-version']);
    const journal = await readJournal(ctx.orgId).catch(async (e: unknown) => {
      throw await rolloutError(e, runMessages);
    });
    if (!journal) throw messages.createError('error.noJournal', [`No rollout journal for org ${ctx.orgId}.`]);
    const facts = await orgFacts(ctx.conn);
    await confirmProductionChange({
      isProduction: facts.isProduction,
      noPrompt: flags['no-prompt'],
      json: this.jsonEnabled(),
      orgName: ctx.username,
      what: messages.getMessage('prompt.what', [journal.id]),
      confirm: (message) => this.confirm({ message }),
    });
    const progress = new Progress(this.spinner, (line) => this.logToStderr(line));
    progress.start(messages.getMessage('info.undoing', [journal.id]));
    let result: UndoResult;
    try {
      result = await undoRollout(ctx, (m) => progress.status(m));
      progress.stop(result.status);
    } catch (e) {
      progress.stop('failed');
      if (e instanceof RolloutError) throw messages.createError('error.noJournal', [e.message]);
      throw await rolloutError(e, runMessages);
    }
    this.table(
      fitTable(
        {
          data: result.restored.flatMap((r) =>
            r.components.map((c) => ({ backup: r.backupPath, app: c.app, component: c.component, status: c.status })),
          ),
          columns: [
            { key: 'app', name: 'App' },
            { key: 'component', name: 'Component' },
            { key: 'status', name: 'Status' },
            { key: 'backup', name: 'Backup' },
          ],
        },
        ['backup'],
      ),
    );
    if (result.status === 'failed') {
      const error = messages.createError('error.undoFailed', [result.problems.join('; ')]);
      error.setData(result);
      throw error;
    }
    if (result.status === 'kept-on-by-salesforce') {
      const error = messages.createError('error.keptOn', [result.keptOn.join(', ')]);
      error.setData(result);
      throw error;
    }
    this.logSuccess(
      messages.getMessage('info.done', [
        result.rolloutId,
        result.restored.length,
        result.requirePkceTurnedOff ? '; Require PKCE is off again' : '',
      ]),
    );
    return result;
  }
}
