/*
 * sf oauth rollout plan: a starter plan from the org's inventory (src/rollout/plan.ts).
 */
import { access, writeFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { RolloutPlan } from '../../../rollout/plan.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.rollout.plan');

export type RolloutPlanResult = {
  file: string;
  format: 'yaml' | 'json';
  plan: RolloutPlan;
  /** The apps the plan selects in the org now. */
  selected: string[];
};

export default class RolloutPlanCommand extends SfCommand<RolloutPlanResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'output-file': Flags.string({ char: 'f', summary: messages.getMessage('flags.output-file.summary') }),
    format: Flags.option({
      options: ['yaml', 'json'] as const,
      default: 'yaml' as const,
      summary: messages.getMessage('flags.format.summary'),
    })(),
    days: Flags.integer({ min: 1, max: 365, default: 90, summary: messages.getMessage('flags.days.summary') }),
  };

  public async run(): Promise<RolloutPlanResult> {
    // The inventory and the plan writer load when the command runs, not for --help.
    const [{ buildInventory }, { selectApps, starterPlan }] = await Promise.all([
      import('../../../apps/inventory.js'),
      import('../../../rollout/plan.js'),
    ]);
    const { flags } = await this.parse(RolloutPlanCommand);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const username = org.getUsername() ?? conn.getUsername() ?? '';
    const format = flags.format;
    const file = flags['output-file'] ?? (format === 'json' ? 'rollout-plan.json' : 'rollout-plan.yaml');
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (exists) throw messages.createError('error.exists', [file]);
    this.spinner.start(messages.getMessage('info.reading', [username]));
    const inventory = await buildInventory(conn, { days: flags.days }).finally(() => this.spinner.stop());
    const { plan, text } = starterPlan(inventory.result, format);
    await writeFile(file, text, { flag: 'wx' });
    const selected = selectApps(plan, inventory.result.apps).apps.map((r) => r.name);
    this.logSuccess(
      messages.getMessage('info.written', [file, selected.length, selected.join(', ') || 'none', file, username]),
    );
    return { file, format, plan, selected };
  }
}
