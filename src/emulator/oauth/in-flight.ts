/*
 * Which refresh tokens have a token request being processed, so that a second request for the same token is answered
 * `invalid_grant` / `token request is already being processed` whatever the latency model (behaviours row
 * `refresh.in-flight-duplicate`).
 *
 * Two requests overlap when the second one ARRIVED before the first one's answer left: that is an ordering of events,
 * not a duration, so the verdict does not depend on how fast the emulator is. To give a duplicate sent at the same time
 * the chance to arrive, each refresh stays in flight for a minimum processing window (a real org takes longer than
 * this), then a few more turns of the event loop: a duplicate whose connection, request and body are still on their
 * way through a busy (or paused) process is read in those turns, before the first answer leaves.
 */
import { performance } from 'node:perf_hooks';

/** The shortest time a refresh is in flight, in milliseconds, whatever the latency model says. */
export const MIN_REFRESH_PROCESSING_MS = 50;

/** Event-loop turns a refresh stays in flight after its window: connect, request and body each take one. */
const SETTLE_TURNS = 8;

/** How long, in milliseconds, a finished refresh is remembered to judge requests that arrived before it ended. */
const REMEMBER_FINISHED_MS = 60 * 1000;

/** A monotonic time in milliseconds, for {@link RefreshesInFlight.overlaps}. */
export const arrivalTime = (): number => performance.now();

export class RefreshesInFlight {
  private readonly active = new Map<string, number>();
  private readonly finished = new Map<string, number>();

  /**
   * Whether a request for `key` that arrived at `arrivedAt` ({@link arrivalTime}) overlaps another request for it: one
   * still in flight, or one that finished after this one arrived.
   */
  public overlaps(key: string, arrivedAt: number): boolean {
    if ((this.active.get(key) ?? 0) > 0) return true;
    const finishedAt = this.finished.get(key);
    return finishedAt !== undefined && arrivedAt < finishedAt;
  }

  /** Marks `key` in flight; the returned function ends it (call it once, after the answer is written). */
  public begin(key: string): () => void {
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.active.get(key) ?? 1) - 1;
      if (left > 0) this.active.set(key, left);
      else this.active.delete(key);
      const now = arrivalTime();
      this.finished.set(key, now);
      for (const [k, at] of this.finished) if (now - at > REMEMBER_FINISHED_MS) this.finished.delete(k);
    };
  }
}

/** The processing window of one refresh: at least {@link MIN_REFRESH_PROCESSING_MS}, then a few event-loop turns. */
export async function processingWindow(latencyMs: number): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, Math.max(latencyMs, MIN_REFRESH_PROCESSING_MS)));
  for (let turn = 0; turn < SETTLE_TURNS; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}
