/*
 * What the rollout commands share: the run context from the target org (its session feeds the smoke tests' frontdoor
 * code source and is refreshed when it expires), the mapping of core errors to messages with actions, and the phase
 * display. The logic lives in src/rollout/.
 */
import type { Messages, Org } from '@salesforce/core';
import { SfError } from '@salesforce/core';
import type { AnyJson } from '@salesforce/ts-types';
import type { RolloutContext } from '../rollout/run.js';

export function contextFor(
  org: Org,
  apiVersion: string | undefined,
  extra: Partial<RolloutContext> = {},
): RolloutContext {
  const conn = org.getConnection(apiVersion);
  return {
    conn,
    orgId: org.getOrgId(),
    username: org.getUsername() ?? conn.getUsername() ?? '',
    instanceUrl: conn.instanceUrl.replace(/\/+$/, ''),
    accessToken: async (): Promise<string> => {
      try {
        await org.refreshAuth();
      } catch {
        // the frontdoor attempt reports a dead session itself
      }
      return org.getConnection(apiVersion).accessToken ?? '';
    },
    ...extra,
  };
}

/**
 * Core errors as SfErrors with actions (messages need error.plan, error.planChanged, error.locked, error.journal).
 * The rollout core loads here, when there is an error to map, not with the command module (so `--help` stays fast).
 */
export async function rolloutError(e: unknown, messages: Messages<string>): Promise<Error> {
  const [{ JournalError }, { RolloutLockedError }, { PlanError }, { RolloutError }] = await Promise.all([
    import('../rollout/journal.js'),
    import('../rollout/lock.js'),
    import('../rollout/plan.js'),
    import('../rollout/run.js'),
  ]);
  if (e instanceof PlanError)
    return withData(messages.createError('error.plan', [e.message]), { problems: e.problems });
  if (e instanceof RolloutLockedError)
    return withData(messages.createError('error.locked', [e.message]), e.owner ? { owner: e.owner } : undefined);
  if (e instanceof JournalError) return messages.createError('error.journal', [e.message]);
  if (e instanceof RolloutError && e.code === 'planChanged')
    return messages.createError('error.planChanged', [e.message]);
  if (e instanceof RolloutError) return new SfError(e.message, 'NoJournalError');
  return e instanceof Error ? e : new SfError(String(e));
}

function withData(error: SfError, data: object | undefined): SfError {
  if (data) error.setData(data as AnyJson);
  return error;
}
