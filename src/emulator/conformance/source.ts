/*
 * Where `sf oauth emulator report` gets its report: a running emulator's loopback endpoint, or a state file after the
 * emulator stopped.
 */
import { readStateFile, StateFileError } from '../store/persist.js';
import { evaluate, filterReport, type ConformanceReport } from './requirements.js';
import { CONFORMANCE_PATH } from './route.js';
import { emptyLog } from './types.js';

export type ReportSourceErrorCode = 'unreachable' | 'notEmulator' | 'refused' | 'badStateFile' | 'notLoopback';

export class ReportSourceError extends Error {
  public constructor(
    public readonly code: ReportSourceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Client ids (consumer keys or app names) that match no client with recorded activity, and the clients that have some. */
export class UnknownClientsError extends Error {
  public constructor(
    public readonly unknown: string[],
    public readonly known: Array<{ clientId: string; appName: string }>,
  ) {
    super(`No recorded activity for ${unknown.join(', ')}.`);
    this.name = 'UnknownClientsError';
  }
}

/**
 * Keeps the clients asked for; a name that matches none is a typo or a client that never called, and a filtered-out
 * report would pass the gate on nothing, so it is an error.
 */
function onlyClients(report: ConformanceReport, clientIds: string[] | undefined): ConformanceReport {
  const unknown = (clientIds ?? []).filter((id) => !report.clients.some((c) => c.clientId === id || c.appName === id));
  if (unknown.length)
    throw new UnknownClientsError(
      unknown,
      report.clients.map((c) => ({ clientId: c.clientId, appName: c.appName })),
    );
  return filterReport(report, clientIds);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a URL points at this machine (the emulator listens on 127.0.0.1 only). */
export const isLoopbackUrl = (url: string): boolean => {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
};

function isReport(value: unknown): value is ConformanceReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'oauth-emulator-conformance-report'
  );
}

/** Whether to report the plugin's own smoke tests too (smoke-marker.ts); they are left out by default. */
export type ReportOptions = { includeSmokeTests?: boolean };

export async function reportFromUrl(
  url: string,
  clientIds?: string[],
  options: ReportOptions & { timeoutMs?: number } = {},
): Promise<ConformanceReport> {
  // The whole report, so that an unknown client id can be told apart from a filter that matched nothing.
  const endpoint = new URL(CONFORMANCE_PATH, url);
  if (options.includeSmokeTests) endpoint.searchParams.set('includeSmokeTests', 'true');
  let res: Response;
  try {
    res = await fetch(endpoint, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      headers: { accept: 'application/json' },
    });
  } catch (e) {
    throw new ReportSourceError('unreachable', `Could not reach ${endpoint.origin}: ${(e as Error).message}`);
  }
  if (res.status === 403)
    throw new ReportSourceError(
      'refused',
      `${endpoint.origin} refused to serve its conformance report to this machine.`,
    );
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok || !isReport(body))
    throw new ReportSourceError(
      'notEmulator',
      `${endpoint.origin} did not answer with a conformance report (HTTP ${res.status}).`,
    );
  return onlyClients(body, clientIds);
}

export async function reportFromStateFile(
  file: string,
  clientIds?: string[],
  options: ReportOptions = {},
): Promise<ConformanceReport> {
  let state;
  try {
    state = await readStateFile(file);
  } catch (e) {
    if (e instanceof StateFileError) throw new ReportSourceError('badStateFile', e.message);
    throw e;
  }
  if (!state) throw new ReportSourceError('badStateFile', `The state file ${file} does not exist.`);
  const now = new Date().toISOString();
  return onlyClients(
    evaluate(state.conformance ?? emptyLog(now), { now, includeSmokeTests: options.includeSmokeTests }),
    clientIds,
  );
}
