/*
 * sf oauth rollout run: the scripted rollout (src/rollout/run.ts) with a multi-stage display for people, --json for
 * scripts, JUnit and Markdown reports for CI, production confirmation, and Ctrl-C that lets the step in flight finish.
 */
import { writeFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { confirmProductionChange, orgFacts } from '../../../cli/production-guard.js';
import { multiStageOutput } from '../../../cli/stage-output.js';
import { contextFor, rolloutError } from '../../../cli/rollout-command.js';
import { PHASES } from '../../../rollout/journal.js';
import type { RolloutEvent, RolloutResult } from '../../../rollout/run.js';
import { phaseTitle, staleTokenWarnings, toMarkdown, toRolloutJunit } from '../../../rollout/summary.js';
import { shortenWords, terminalWidth, wrapToWidth } from '../../../cli/terminal.js';
import { fitTable } from '../../../cli/table-fit.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.rollout.run');

export type RolloutRunResult = RolloutResult;

type Display = { org: string; plan: string; step: string; retries: number; done: number; total: number };

export default class RolloutRun extends SfCommand<RolloutRunResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    plan: Flags.file({ char: 'f', required: true, exists: true, summary: messages.getMessage('flags.plan.summary') }),
    'junit-file': Flags.string({ summary: messages.getMessage('flags.junit-file.summary') }),
    'summary-file': Flags.string({ summary: messages.getMessage('flags.summary-file.summary') }),
    'no-prompt': Flags.boolean({ char: 'p', summary: messages.getMessage('flags.no-prompt.summary'), default: false }),
    timeout: Flags.duration({
      unit: 'seconds',
      defaultValue: 60,
      min: 1,
      summary: messages.getMessage('flags.timeout.summary'),
    }),
  };

  public async run(): Promise<RolloutRunResult> {
    // The rollout core (inventory, Metadata API, smoke tests) loads when the command runs, not for --help.
    const [{ readPlan }, { runRollout }] = await Promise.all([
      import('../../../rollout/plan.js'),
      import('../../../rollout/run.js'),
    ]);
    const { flags } = await this.parse(RolloutRun);
    const org = flags['target-org'];
    let plan;
    try {
      plan = (await readPlan(flags.plan)).plan;
    } catch (e) {
      throw await rolloutError(e, messages);
    }
    const controller = new AbortController();
    const ctx = contextFor(org, flags['api-version'], {
      signal: controller.signal,
      timeoutMs: flags.timeout.milliseconds,
    });
    const facts = await orgFacts(ctx.conn);
    ctx.orgNamespace = facts.namespace;
    await confirmProductionChange({
      isProduction: facts.isProduction,
      noPrompt: flags['no-prompt'],
      json: this.jsonEnabled(),
      orgName: ctx.username,
      what: messages.getMessage('prompt.what', [ctx.username]),
      confirm: (message) => this.confirm({ message }),
    });

    const stages = PHASES.map(phaseTitle);
    const mso = await multiStageOutput<Display>({
      stages,
      title: `Rollout on ${ctx.username}`,
      jsonEnabled: this.jsonEnabled(),
      data: { org: ctx.username, plan: flags.plan, step: '', retries: 0, done: 0, total: 0 },
      preStagesBlock: [
        { type: 'static-key-value', label: 'Org', get: (d): string | undefined => d?.org },
        { type: 'static-key-value', label: 'Plan', get: (d): string | undefined => d?.plan },
      ],
      postStagesBlock: [
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- before the first step, step is ''
        { type: 'dynamic-key-value', label: 'Step', get: (d): string | undefined => d?.step || undefined },
        {
          type: 'static-key-value',
          label: 'Retries',
          get: (d): string | undefined => (d?.retries ? String(d.retries) : undefined),
        },
      ],
      showElapsedTime: true,
      showStageTime: true,
    });
    let retries = 0;
    const onEvent = (e: RolloutEvent): void => {
      if (e.type === 'resume')
        this.logToStderr(messages.getMessage('info.resuming', [e.rolloutId, e.runs, e.remaining]));
      else if (e.type === 'restart')
        this.logToStderr(messages.getMessage('info.restarting', [e.previousId, e.previousPlanFile]));
      else if (e.type === 'phase' && e.status === 'started') mso.goto(phaseTitle(e.phase), { step: '' });
      else if (e.type === 'step')
        mso.updateData({
          step: stepLine(e.step.id, e.step.status, e.step.status !== 'running' ? e.step.detail : undefined),
        });
      else if (e.type === 'retry') mso.updateData({ retries: 1 + retries++ });
    };

    // Ctrl-C: the step in flight finishes and the journal says so; a second Ctrl-C ends the process at once (the journal
    // then shows the step as running, and the next run reconciles it with the org).
    let interrupted = false;
    const onSignal = (): void => {
      interrupted = true;
      controller.abort();
      this.logToStderr(messages.getMessage('info.interrupted'));
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const setAside = signals.map((signal) => [signal, process.listeners(signal)] as const);
    for (const signal of signals) {
      process.removeAllListeners(signal);
      process.once(signal, onSignal);
    }

    let result: RolloutResult;
    try {
      result = await runRollout(ctx, { plan, planFile: flags.plan, onEvent });
    } catch (e) {
      mso.stop('failed');
      throw await rolloutError(e, messages);
    } finally {
      for (const [signal, listeners] of setAside) {
        process.off(signal, onSignal);
        for (const listener of listeners) process.on(signal, listener);
      }
    }
    mso.stop(result.status === 'completed' ? 'completed' : result.status === 'interrupted' ? 'aborted' : 'failed');

    if (flags['summary-file']) {
      await writeFile(flags['summary-file'], toMarkdown(result));
      this.log(messages.getMessage('info.summaryWritten', [flags['summary-file']]));
    }
    if (flags['junit-file']) {
      await writeFile(flags['junit-file'], toRolloutJunit(result));
      this.log(messages.getMessage('info.junitWritten', [flags['junit-file']]));
    }
    this.report(result);
    if (result.status === 'interrupted' || interrupted) process.exitCode = 130;
    else if (result.status !== 'completed') process.exitCode = 1;
    return result;
  }

  private report(result: RolloutResult): void {
    const attention = result.steps.filter(
      (s) => s.status === 'failed' || s.status === 'rolled-back' || s.status === 'kept-on-by-salesforce',
    );
    if (attention.length) {
      this.table(
        fitTable(
          {
            data: attention.map((s) => ({ step: s.id, status: s.status, detail: s.detail ?? '' })),
            columns: [
              { key: 'step', name: 'Step' },
              { key: 'status', name: 'Status' },
              { key: 'detail', name: 'Detail' },
            ],
          },
          ['detail'],
        ),
      );
    }
    if (result.blockers.length) {
      this.table(
        fitTable(
          {
            data: result.blockers,
            columns: [
              { key: 'app', name: 'Blocking app' },
              { key: 'reason', name: 'Why' },
            ],
          },
          ['reason'],
        ),
      );
    }
    for (const w of staleTokenWarnings(result))
      this.warn(wrapToWidth(messages.getMessage('warning.stale', [w]), 'Warning: '));
    if (result.status === 'completed') {
      this.logSuccess(
        messages.getMessage('info.completed', [
          result.rolloutId,
          result.requirePkceTurnedOn ? ': org-wide Require PKCE is on' : '',
        ]),
      );
    } else if (result.status === 'failed') {
      this.log(messages.getMessage('info.stopped', [result.rolloutId, phaseTitle(result.stoppedAt ?? '')]));
    }
    if (result.backups.length) this.log(messages.getMessage('info.undo', [result.username]));
  }
}

/**
 * A step's line in the stage output (`   Step: <id>: <status> (<detail>)`), within the width: the detail is cut between
 * words; the whole of it is in the table of steps that need attention and in the JSON result.
 */
function stepLine(id: string, status: string, detail?: string): string {
  const head = `${id}: ${status}`;
  if (!detail) return head;
  const room = terminalWidth() - '   Step: '.length - head.length - ' ()'.length;
  return room < 10 ? head : `${head} (${shortenWords(detail, room)})`;
}
