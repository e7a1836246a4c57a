/*
 * The rollout's phases, one module each, in the order of journal.ts PHASES.
 */
import type { PhaseName } from '../journal.js';
import { runAudit } from './audit.js';
import { runBackup } from './backup.js';
import { runEnable } from './enable.js';
import { runRequirePkce } from './require-pkce.js';
import type { PhaseRunner } from './step.js';
import { runVerify } from './verify.js';

export const PHASE_RUNNERS: Record<PhaseName, PhaseRunner> = {
  audit: runAudit,
  backup: runBackup,
  'pkce-enable': runEnable,
  'pkce-verify': runVerify,
  'rtr-enable': runEnable,
  'rtr-verify': runVerify,
  'require-pkce': runRequirePkce,
};

export type { PhaseRun, PhaseRunner, RolloutEvent } from './step.js';
