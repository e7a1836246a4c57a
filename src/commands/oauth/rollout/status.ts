/*
 * sf oauth rollout status: the org's rollout journal (src/rollout/journal.ts), read locally.
 */
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { RolloutResult } from '../../../rollout/run.js';
import { phaseTitle, staleTokenWarnings } from '../../../rollout/summary.js';
import { JournalError } from '../../../rollout/journal.js';
import { wrapToWidth } from '../../../cli/terminal.js';
import { fitTable } from '../../../cli/table-fit.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.rollout.status');

export type RolloutStatusResult = RolloutResult;

export default class RolloutStatus extends SfCommand<RolloutStatusResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'all-steps': Flags.boolean({ summary: messages.getMessage('flags.all-steps.summary'), default: false }),
  };

  public async run(): Promise<RolloutStatusResult> {
    // The rollout core loads when the command runs, not for --help.
    const { RolloutError, rolloutStatus } = await import('../../../rollout/run.js');
    const { flags } = await this.parse(RolloutStatus);
    let result: RolloutResult;
    try {
      result = await rolloutStatus(flags['target-org'].getOrgId());
    } catch (e) {
      if (e instanceof RolloutError || e instanceof JournalError)
        throw messages.createError('error.noJournal', [e.message]);
      throw e;
    }
    this.log(
      wrapToWidth(
        messages.getMessage('info.header', [
          result.rolloutId,
          result.username,
          result.status,
          result.runs,
          result.createdAt,
        ]),
      ),
    );
    this.table(
      fitTable({
        data: result.phases.map((p) => ({
          phase: phaseTitle(p.phase),
          status: p.status,
          steps: p.steps,
          done: p.done,
          failed: p.failed,
          rolledBack: p.rolledBack,
        })),
        columns: [
          { key: 'phase', name: 'Phase' },
          { key: 'status', name: 'Status' },
          { key: 'steps', name: 'Steps' },
          { key: 'done', name: 'Done' },
          { key: 'failed', name: 'Failed' },
          { key: 'rolledBack', name: 'Rolled back' },
        ],
      }),
    );
    const steps = flags['all-steps']
      ? result.steps
      : result.steps.filter((s) => s.status !== 'done' && s.status !== 'pending');
    if (steps.length) {
      this.table(
        fitTable(
          {
            data: steps.map((s) => ({
              step: s.id,
              status: s.status,
              attempts: s.attempts,
              // `2026-05-01 10:00:00Z`: to the second, and a space where a narrow column can wrap it
              at: (s.finishedAt ?? s.startedAt ?? '').replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
              detail: s.detail ?? '',
            })),
            columns: [
              { key: 'step', name: 'Step' },
              { key: 'status', name: 'Status' },
              { key: 'attempts', name: 'Attempts' },
              { key: 'at', name: 'When' },
              { key: 'detail', name: 'Detail' },
            ],
          },
          ['detail'],
        ),
      );
    } else this.log(messages.getMessage('info.none'));
    for (const w of staleTokenWarnings(result)) this.warn(wrapToWidth(w, 'Warning: '));
    return result;
  }
}
