/*
 * The one place where the OAuth client code talks HTTP: fetch with a timeout and an optional abort signal, and errors
 * that say which endpoint could not be reached and why, without the query string (which may carry a code or a token).
 */
import { createRequire } from 'node:module';
import { httpObserved, notifyHttp } from '../util/http-observer.js';

/**
 * The User-Agent of every request the plugin's OAuth client sends: its smoke tests make deliberate mistakes (no
 * challenge, the plain method, a wrong verifier, a concurrent refresh), and this marker lets a server tell them apart
 * from the app's own traffic. Salesforce logs it (Login History); the emulator's conformance report leaves these
 * requests out by default. The product name is documented in src/emulator/conformance/smoke-marker.ts, which keeps its
 * own copy (the client core and the emulator import nothing from each other); a test pins the two together.
 */
export const SMOKE_USER_AGENT = `sf-oauth-smoke/${(createRequire(import.meta.url)('../../package.json') as { version: string }).version}`;

export class TransportError extends Error {
  public constructor(
    message: string,
    public readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** How transient trouble is retried (answer.ts `send`). */
export type RetryPolicy = {
  /** How many times a request is sent in all (default 4). */
  attempts?: number;
  /** First backoff delay in ms, doubled each time (default 1 s). */
  baseDelayMs?: number;
  /** Longest single wait in ms (default 30 s); a Retry-After longer than this is not waited for: the request gives up. */
  maxDelayMs?: number;
};

export type HttpOptions = {
  /** Per-request timeout in milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Aborts the request (Ctrl-C). */
  signal?: AbortSignal;
  /** Retries of transient answers (429, 5xx, outage pages, dropped connections); see answer.ts. */
  retry?: RetryPolicy;
};

export const DEFAULT_TIMEOUT_MS = 60_000;

/** `origin + path` of a URL: safe to show, since neither carries a code or token. */
export function endpointOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function reason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return error.name === 'TimeoutError' ? 'no answer before the timeout' : 'the request was cancelled';
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (is the server running?)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return 'the server closed the connection without an answer';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name could not be resolved';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    default:
      return cause?.message ?? (error instanceof Error ? error.message : String(error));
  }
}

/** fetch with a timeout; network failures become a TransportError naming the endpoint. */
export async function httpRequest(url: string, init: RequestInit, options: HttpOptions = {}): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const headers = new Headers(init.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', SMOKE_USER_AGENT);
    const res = await fetch(url, { ...init, headers, signal });
    // `--trace-file` records the shape of each answer (src/check/trace.ts); nothing is cloned when nobody watches.
    if (httpObserved()) notifyHttp({ method: init.method ?? 'GET', url, response: res });
    return res;
  } catch (error) {
    if (httpObserved())
      notifyHttp({
        method: init.method ?? 'GET',
        url,
        failure: (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name,
      });
    const endpoint = endpointOf(url);
    throw new TransportError(`${endpoint}: ${reason(error)}`, endpoint, { cause: error });
  }
}

/** Reads a body, turning a connection dropped mid-body into a TransportError. */
export async function readText(res: Response, url: string): Promise<string> {
  try {
    return await res.text();
  } catch (error) {
    const endpoint = endpointOf(url);
    throw new TransportError(`${endpoint}: ${reason(error)}`, endpoint, { cause: error });
  }
}
