/*
 * Asynchronous deploy and retrieve jobs. They live in memory beside the org (a restarted emulator forgets them, as a
 * client that resumes a job after a restart would see an unknown id). A job is due at
 * `created + latency.asyncJobMs + latency.perComponentMs * components`; it completes on the first status poll after
 * that moment, or from a timer at that moment, so a deploy takes effect even when nobody polls.
 */
import type { OrgStore } from '../store/store.js';
import type { EmulatorServices } from '../services.js';

export type AsyncState = 'Queued' | 'InProgress' | 'Succeeded' | 'SucceededPartial' | 'Failed' | 'Canceled';

export type JobBase = { id: string; state: AsyncState; createdAt: number; dueAt: number; hang: boolean };

export class JobTable<J extends JobBase> {
  private readonly jobs = new Map<string, J>();

  public add(job: J): J {
    this.jobs.set(job.id, job);
    return job;
  }

  public get(id: string): J | undefined {
    // Clients may send the 15-character form of the id.
    return this.jobs.get(id) ?? [...this.jobs.values()].find((j) => j.id.slice(0, 15) === id);
  }
}

export function isDone(state: AsyncState): boolean {
  return state !== 'Queued' && state !== 'InProgress';
}

export function dueAt(services: EmulatorServices, components: number): number {
  return services.store.clock() + services.latency.asyncJobMs + services.latency.perComponentMs * components;
}

/**
 * Moves a job on: Queued -> InProgress once polled or started, then `complete` when due (never while it hangs).
 * Returns true when this call completed it.
 */
export function advance<J extends JobBase>(store: OrgStore, job: J, complete: (job: J) => void): boolean {
  if (isDone(job.state)) return false;
  if (job.hang || store.clock() < job.dueAt) {
    job.state = 'InProgress';
    return false;
  }
  complete(job);
  return true;
}

/** Completes the job at its due time without waiting for a poll; the timer never keeps the process alive. */
export function scheduleCompletion<J extends JobBase>(store: OrgStore, job: J, complete: (job: J) => void): void {
  if (job.hang) return;
  const delay = Math.max(0, job.dueAt - store.clock());
  setTimeout(() => advance(store, job, complete), delay).unref();
}

const tables = new WeakMap<OrgStore, Map<string, JobTable<JobBase>>>();

/** The job table of one kind (`deploy`, `retrieve`) for an org. */
export function jobTable<J extends JobBase>(store: OrgStore, kind: string): JobTable<J> {
  let byKind = tables.get(store);
  if (!byKind) tables.set(store, (byKind = new Map<string, JobTable<JobBase>>()));
  let table = byKind.get(kind);
  if (!table) byKind.set(kind, (table = new JobTable<JobBase>()));
  return table as unknown as JobTable<J>;
}
