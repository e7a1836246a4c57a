/*
 * One module per rollout phase, behind one small interface (as the emulator's token endpoint dispatches to one module
 * per grant): a phase gets the unfinished steps of the journal and returns whether they all ended well. Phases never
 * print; they record each step in the journal and tell the caller through `emit`.
 */
import type { JournalStep, JournalStore, PhaseName, StepData } from '../journal.js';
import type { RolloutContext } from '../phases.js';

export type RolloutEvent =
  | { type: 'phase'; phase: PhaseName; status: 'started' | 'done' | 'failed' | 'skipped' }
  | { type: 'step'; step: JournalStep }
  | { type: 'retry'; step: string; attempt: number; reason: string }
  | { type: 'resume'; rolloutId: string; runs: number; remaining: number }
  /** A stopped rollout that changed nothing in the org was set aside, so another plan starts a new one. */
  | { type: 'restart'; previousId: string; previousPlanFile: string };

export type FinalStatus = 'done' | 'failed' | 'rolled-back' | 'kept-on-by-salesforce';

/** What a phase gets: the org, the journal, its unfinished steps, and helpers that record and report a step. */
export type PhaseRun = {
  ctx: RolloutContext;
  store: JournalStore;
  phase: PhaseName;
  /** The phase's steps that are not done (pending, running after a crash, failed or rolled back). */
  steps: JournalStep[];
  emit: (e: RolloutEvent) => void;
};

/** Runs the unfinished steps of one phase; false when a step failed or the run was interrupted within the phase. */
export type PhaseRunner = (run: PhaseRun) => Promise<boolean>;

/** Marks steps running, in one journal write, and reports each. */
export async function begin(run: PhaseRun, steps: JournalStep[]): Promise<void> {
  await run.store.startMany(steps);
  for (const step of steps) run.emit({ type: 'step', step });
}

/** Records a step's end and reports it. */
export async function finish(
  run: PhaseRun,
  step: JournalStep,
  status: FinalStatus,
  detail: string,
  data?: StepData,
): Promise<void> {
  await run.store.finish(step, status, detail, data);
  run.emit({ type: 'step', step });
}

/** Records many steps' ends in one journal write and reports each. */
export async function finishMany(
  run: PhaseRun,
  ends: Array<{ step: JournalStep; status: FinalStatus; detail: string; data?: StepData }>,
): Promise<void> {
  await run.store.finishMany(ends);
  for (const { step } of ends) run.emit({ type: 'step', step });
}

/** A retry callback that reports each transient failure of `stepId`. */
export const onRetry =
  (run: PhaseRun, stepId: string) =>
  (attempt: number, e: unknown): void =>
    run.emit({
      type: 'retry',
      step: stepId,
      attempt,
      reason: e instanceof Error ? e.message.split('\n')[0] : String(e),
    });
