/*
 * The rollout journal: one file per org, ~/.sf/oauth/rollouts/<orgId>/journal.json (or $SF_OAUTH_ROLLOUT_DIR/<orgId>/),
 * private to the user (folder 0700, file 0600) and written atomically (temporary file + rename) after every change, so
 * that a crash leaves either the previous or the next version, never half of one.
 *
 * Every step goes pending -> running -> done | failed (| rolled-back, or kept-on-by-salesforce when a rollback's
 * read-back finds PKCE still on). "running" is written before the step touches the
 * org and "done" only after the org confirmed the change (read-back), so the journal never claims more than the org has;
 * a step found "running" after a crash is reconciled with the org before anything else happens. The journal holds app
 * names, settings, ids, backup paths and verdicts: never a token or a secret.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { writePrivateFile } from '../util/private-file.js';
import type { RolloutPlan } from './plan.js';

export const JOURNAL_FORMAT = 1;

export const PHASES = [
  'audit',
  'backup',
  'pkce-enable',
  'pkce-verify',
  'rtr-enable',
  'rtr-verify',
  'require-pkce',
] as const;
export type PhaseName = (typeof PHASES)[number];

/**
 * `kept-on-by-salesforce`: a change step whose rollback deployed the backed-up value, but the org kept PKCE on (a value
 * the rollback did not set). Never "rolled-back"; a resumed run treats it like one.
 */
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'rolled-back' | 'kept-on-by-salesforce';

export type StepData = {
  /** Setting changes: the value before and after, the deploy, the backup taken just before. */
  before?: boolean | null;
  after?: boolean | null;
  changed?: boolean;
  deployId?: string;
  backupPath?: string;
  /** Smoke tests: the app's verdict, the checks that did not pass, where the result was stored. */
  verdict?: string;
  failedChecks?: string[];
  resultFiles?: string[];
  /** Gate: the apps that block. */
  blockers?: Array<{ app: string; reason: string }>;
  /** How a rolled-back step was undone. */
  rollback?: { backupPath: string; deployId?: string };
};

export type JournalStep = {
  /** `<phase>` or `<phase>:<app>`, or `require-pkce:gate` / `require-pkce:org`. */
  id: string;
  phase: PhaseName;
  app?: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  /** What happened, in one sentence (the last error for a failed step). */
  detail?: string;
  data?: StepData;
};

export type RolloutStatus = 'running' | 'interrupted' | 'failed' | 'completed' | 'undone';

/** `kept-on-by-salesforce`: every restore deployed, but the org kept PKCE on for some apps (never "undone"). */
export type JournalUndo = {
  at: string;
  status: 'done' | 'failed' | 'kept-on-by-salesforce';
  restored: string[];
  requirePkceTurnedOff: boolean;
  detail?: string;
  keptOn?: string[];
};

export type Journal = {
  format: number;
  /** A random id of this rollout. */
  id: string;
  orgId: string;
  username: string;
  instanceUrl: string;
  planFile: string;
  planHash: string;
  plan: RolloutPlan;
  status: RolloutStatus;
  /** The phase the rollout stopped in, when it stopped before the end. */
  stoppedAt?: PhaseName;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** The apps the plan selected at audit time. */
  apps: string[];
  /** Backup of every component the rollout may change, taken before the first change. */
  initialBackup?: string;
  /** True once this rollout turned the org-wide Require PKCE on (undo turns it off again). */
  requirePkceTurnedOn: boolean;
  /** Apps whose refresh tokens went unused for more than 30 days, at audit time. */
  staleTokens: Array<{ app: string; tokens: number }>;
  warnings: string[];
  /** How many times `run` started on this journal (1 + resumes). */
  runs: number;
  steps: JournalStep[];
  undo?: JournalUndo;
};

export class JournalError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'JournalError';
  }
}

export function rolloutRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SF_OAUTH_ROLLOUT_DIR
    ? path.resolve(env.SF_OAUTH_ROLLOUT_DIR)
    : path.join(homedir(), '.sf', 'oauth', 'rollouts');
}

const safe = (s: string): string => s.replace(/[^A-Za-z0-9_.-]/g, '_');

export function orgDir(orgId: string, root = rolloutRoot()): string {
  return path.join(root, safe(orgId));
}

export function journalFile(orgId: string, root = rolloutRoot()): string {
  return path.join(orgDir(orgId, root), 'journal.json');
}

export async function readJournal(orgId: string, root = rolloutRoot()): Promise<Journal | undefined> {
  const file = journalFile(orgId, root);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: Journal;
  try {
    parsed = JSON.parse(text) as Journal;
  } catch {
    throw new JournalError(`The rollout journal ${file} is not valid JSON.`);
  }
  if (parsed.format !== JOURNAL_FORMAT || !Array.isArray(parsed.steps))
    throw new JournalError(`${file} is not a rollout journal this plugin can read.`);
  return parsed;
}

/** Moves a finished journal aside (journal-<createdAt>.json) so a new rollout can start. */
export async function archiveJournal(journal: Journal, root = rolloutRoot()): Promise<string> {
  const target = path.join(orgDir(journal.orgId, root), `journal-${journal.createdAt.replace(/[:.]/g, '-')}.json`);
  await rename(journalFile(journal.orgId, root), target);
  return target;
}

export function newJournal(
  init: { orgId: string; username: string; instanceUrl: string; planFile: string; planHash: string; plan: RolloutPlan },
  now = new Date(),
): Journal {
  return {
    format: JOURNAL_FORMAT,
    id: randomBytes(6).toString('hex'),
    ...init,
    status: 'running',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    apps: [],
    requirePkceTurnedOn: false,
    staleTokens: [],
    warnings: [],
    runs: 0,
    steps: [{ id: 'audit', phase: 'audit', status: 'pending', attempts: 0 }],
  };
}

/** The journal of one run, saved after every change; saves are serialized, so concurrent steps never lose an update. */
export class JournalStore {
  private queue: Promise<void> = Promise.resolve();

  public constructor(
    public readonly journal: Journal,
    private readonly root = rolloutRoot(),
  ) {}

  public get file(): string {
    return journalFile(this.journal.orgId, this.root);
  }

  public step(id: string): JournalStep {
    const step = this.journal.steps.find((s) => s.id === id);
    if (!step) throw new JournalError(`The journal has no step ${id}.`);
    return step;
  }

  public steps(phase: PhaseName): JournalStep[] {
    return this.journal.steps.filter((s) => s.phase === phase);
  }

  /** Applies a change to the journal and saves it; resolves once it is on disk. */
  public async update(change: (j: Journal) => void): Promise<void> {
    change(this.journal);
    this.journal.updatedAt = new Date().toISOString();
    const text = JSON.stringify(this.journal, null, 2) + '\n';
    const next = this.queue.then(() => writePrivateFile(this.file, text));
    this.queue = next.catch(() => undefined);
    await next;
  }

  public async start(step: JournalStep): Promise<void> {
    await this.update(() => {
      step.status = 'running';
      step.attempts++;
      step.startedAt = new Date().toISOString();
      delete step.finishedAt;
    });
  }

  /** Marks steps running in one write (a batch phase starts all its steps at once). */
  public async startMany(steps: JournalStep[]): Promise<void> {
    const now = new Date().toISOString();
    await this.update(() => {
      for (const step of steps) {
        step.status = 'running';
        step.attempts++;
        step.startedAt = now;
        delete step.finishedAt;
      }
    });
  }

  /** Records many steps' ends in one write. */
  public async finishMany(
    ends: Array<{
      step: JournalStep;
      status: Exclude<StepStatus, 'running' | 'pending'>;
      detail?: string;
      data?: StepData;
    }>,
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.update(() => {
      for (const { step, status, detail, data } of ends) {
        step.status = status;
        step.finishedAt = now;
        if (detail !== undefined) step.detail = detail;
        if (data) step.data = { ...step.data, ...data };
      }
    });
  }

  public async finish(
    step: JournalStep,
    status: Exclude<StepStatus, 'running' | 'pending'>,
    detail?: string,
    data?: StepData,
  ): Promise<void> {
    await this.update(() => {
      step.status = status;
      step.finishedAt = new Date().toISOString();
      if (detail !== undefined) step.detail = detail;
      if (data) step.data = { ...step.data, ...data };
    });
  }

  /** Puts a step back to pending (it was interrupted before it touched the org). */
  public async reset(step: JournalStep, detail?: string): Promise<void> {
    await this.update(() => {
      step.status = 'pending';
      if (detail) step.detail = detail;
    });
  }
}
