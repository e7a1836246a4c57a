/*
 * Running a list of checks for one app: in order, timed, sharing a state object. When a check throws (the server
 * answered HTTP 5xx, the connection dropped, the app cannot be authorized, transient trouble outlasted the retries),
 * that check and every later one become `error` (could not run, never `fail`) with the reason, and the app's run stops there; cleanup is the runner's job.
 */
import { CodeSourceError } from '../oauth/code-source.js';
import { TransientAnswer } from '../oauth/answer.js';
import { TransportError } from '../oauth/http.js';
import type { CheckResult, Evidence, Verdict } from './model.js';
import { AuthorizeBlocked, ServerProblem } from './probe.js';

export type Outcome = { verdict: Verdict; evidence: Evidence; note: string; outOfScope?: boolean };

export type CheckSpec<S> = { id: string; title: string; run: (state: S) => Promise<Outcome> };

/** `blocked`: the run stopped because the app cannot be authorized without a person, or has no approval headroom. */
export type ChecksRun = { checks: CheckResult[]; error?: string; action?: string; blocked?: boolean };

const NONE: Evidence = { at: 'none' };

export function describeFailure(e: unknown): { message: string; evidence: Evidence; action?: string } {
  if (e instanceof AuthorizeBlocked) return { message: e.message, evidence: e.evidence, action: e.action };
  if (e instanceof ServerProblem)
    return {
      message: e.message,
      evidence: e.evidence,
      action: 'Run again when the server answers normally; every token this run created was revoked.',
    };
  if (e instanceof TransientAnswer) {
    // Rate limits and outages say nothing about the app: the check could not run (error), it did not fail.
    return {
      message: `Could not run: the server had transient trouble that outlasted ${e.attempts} tries: ${e.message}`,
      evidence: {
        at: e.endpoint.endsWith('/token') || e.endpoint.endsWith('/revoke') ? 'token' : 'authorize',
        status: e.status,
        error: 'transient',
        error_description: e.message,
      },
      action:
        e.status === undefined
          ? 'Check the server is reachable (--login-url), then run again; nothing was judged.'
          : 'Run again later (the server was rate limiting or unavailable); nothing was judged, and every token this run created was revoked.',
    };
  }
  if (e instanceof TransportError) {
    return {
      message: `The connection failed: ${e.message}`,
      evidence: {
        at: e.endpoint.endsWith('/authorize') ? 'authorize' : 'token',
        error: 'transport_error',
        error_description: e.message,
      },
      action: 'Check the server is reachable (--login-url), or raise --timeout.',
    };
  }
  if (e instanceof CodeSourceError)
    return { message: e.message, evidence: { at: 'authorize', error: 'code_source', error_description: e.message } };
  return { message: e instanceof Error ? e.message : String(e), evidence: NONE };
}

export async function runChecks<S>(specs: Array<CheckSpec<S>>, state: S): Promise<ChecksRun> {
  const checks: CheckResult[] = [];
  for (const [i, spec] of specs.entries()) {
    const started = Date.now();
    try {
      const outcome = await spec.run(state);
      checks.push({ id: spec.id, title: spec.title, ...outcome, ms: Date.now() - started });
    } catch (e) {
      const failure = describeFailure(e);
      checks.push({
        id: spec.id,
        title: spec.title,
        verdict: 'error',
        evidence: failure.evidence,
        note: failure.message,
        ms: Date.now() - started,
      });
      for (const rest of specs.slice(i + 1)) {
        checks.push({
          id: rest.id,
          title: rest.title,
          verdict: 'error',
          evidence: NONE,
          note: 'Not run: the run for this app stopped at the error above.',
          ms: 0,
        });
      }
      return {
        checks,
        error: failure.message,
        action: failure.action,
        ...(e instanceof AuthorizeBlocked ? { blocked: true } : {}),
      };
    }
  }
  return { checks };
}

export const outcome = (verdict: Verdict, evidence: Evidence, note: string): Outcome => ({ verdict, evidence, note });
export const notApplicable = (note: string): Outcome => ({ verdict: 'not-applicable', evidence: NONE, note });
/** Not applicable because the app is outside what the check is about, not because the check could not be made here. */
export const outOfScope = (note: string): Outcome => ({ ...notApplicable(note), outOfScope: true });
