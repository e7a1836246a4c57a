/*
 * THE classifier of every HTTP answer the product gets from an OAuth endpoint (token, refresh, revoke, authorize,
 * frontdoor.jsp, singleaccess, code_credentials), and the one retry loop for transient trouble.
 *
 * Salesforce answers in more than one encoding, so every answer is parsed the same way:
 * - JSON (`{"error":…,"error_description":…}` at /token; `[{"errorCode":…,"message":…}]` from REST-style endpoints);
 * - form-urlencoded (`error=unsupported_token_type&error_description=…` from /revoke, omniphx/forrest#213, parsed so by
 *   jsforce's OAuth2.revokeToken; `error=invalid_client_id&…` as the HTTP 400 body of an authorize request that cannot
 *   go back to a trusted callback, wadewegner/Force.com-Toolkit-for-NET#244);
 * - HTML pages (RemoteAccessErrorPage.apexp showing `error=…`, maintenance pages, forcedotcom/EMP-Connector#84);
 * - a redirect whose query carries `error=` (to RemoteAccessErrorPage.apexp or the callback).
 *
 * Transient trouble is never a verdict: HTTP 429 and 5xx (whatever the body), an outage page, `unknown_error` /
 * "retry your request" (salto-io/salto#2834, amazon-connect-salesforce-lambda#43) and dropped connections are retried
 * with bounded exponential backoff, honouring Retry-After; when they persist, the caller gets a {@link TransientAnswer}
 * (a TransportError) and must say "could not run", never "fail". Requests that change state on the server (a code
 * exchange, a refresh: a retried refresh the server did process would look like the reuse of a rotated-out token) are
 * retried only on answers that say the request was not processed (429, 503, connection refused).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { endpointOf, httpRequest, readText, TransportError, type HttpOptions, type RetryPolicy } from './http.js';

export type { RetryPolicy } from './http.js';

/** How an answer's body was encoded. */
export type Encoding = 'json' | 'form' | 'html' | 'query' | 'text' | 'empty';

export type Answer =
  /** HTTP 2xx/3xx that is not an error (a redirect's error is read from its Location by the caller). */
  | { kind: 'success'; status: number; encoding: Encoding; fields: Record<string, unknown> }
  /** An OAuth error (RFC 6749 §4.1.2.1, §5.2; RFC 7009 §2.2.1), whatever its encoding. */
  | { kind: 'oauth-error'; status: number; encoding: Encoding; error: string; errorDescription: string }
  /** Worth another try: 429, 5xx, an outage page, unknown_error. `retryAfterMs` from a Retry-After header. */
  | { kind: 'transient'; status: number; reason: string; retryAfterMs?: number }
  /** The session or access token the request carried is no longer valid (HTTP 401 INVALID_SESSION_ID). */
  | { kind: 'session-expired'; status: number; reason: string }
  /** Anything else (an HTML page without an error, a 4xx without an OAuth error code). */
  | { kind: 'other'; status: number; encoding: Encoding; reason: string };

export type Parsed = { encoding: Encoding; fields: Record<string, unknown> };

const FORM = /^[\w.~%+-]+=[^&\s]*(&[\w.~%+-]+=[^&\s]*)*$/;

/** `+` is a space in form bodies; a malformed escape keeps its raw text. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Reads `error=` and `error_description=` shown as text on an HTML error page (RemoteAccessErrorPage.apexp). */
function htmlFields(html: string): Record<string, unknown> {
  const text = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, '\n')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
  const fields: Record<string, unknown> = {};
  const error = /(?:^|[\s&?])error=([\w.-]+)/.exec(text);
  if (error) fields.error = formDecode(error[1]);
  const description = /(?:^|[\s&?])error_description=([^&\n]*)/.exec(text);
  if (description) fields.error_description = formDecode(description[1].trim());
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html);
  if (title) fields.title = title[1].trim();
  return fields;
}

/** Parses a body in any encoding Salesforce uses; never throws. */
export function parseBody(text: string, contentType?: string | null): Parsed {
  const body = text.trim();
  if (!body) return { encoding: 'empty', fields: {} };
  if (body.startsWith('{') || body.startsWith('[')) {
    try {
      const json = JSON.parse(body) as unknown;
      const first = Array.isArray(json) ? (json[0] as unknown) : json;
      if (first && typeof first === 'object') return { encoding: 'json', fields: first as Record<string, unknown> };
    } catch {
      // not JSON after all: try the other encodings
    }
  }
  if (body.startsWith('<')) return { encoding: 'html', fields: htmlFields(body) };
  // Checked before the content type: Salesforce sends form bodies under text/html or text/plain too.
  if (FORM.test(body)) return { encoding: 'form', fields: Object.fromEntries(new URLSearchParams(body)) };
  if (/text\/html/i.test(contentType ?? '')) return { encoding: 'html', fields: htmlFields(body) };
  return { encoding: 'text', fields: {} };
}

/** The error fields of a redirect target's query (and fragment), e.g. RemoteAccessErrorPage.apexp?error=… */
export function parseQuery(url: URL): Parsed {
  const params = new URLSearchParams(url.search);
  if (url.hash.length > 1)
    for (const [k, v] of new URLSearchParams(url.hash.slice(1))) if (!params.has(k)) params.set(k, v);
  return { encoding: 'query', fields: Object.fromEntries(params) };
}

/** Pages that say the service is down rather than answer the request. */
const OUTAGE =
  /down for maintenance|under maintenance|service (is )?(temporarily )?unavailable|temporarily unavailable|too many requests/i;

/** Milliseconds from a Retry-After header (delta-seconds or an HTTP-date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Classifies one answer. `text` is the whole body; `headers` gives Retry-After and the content type. */
export function classifyAnswer(status: number, text: string, headers?: Headers): Answer {
  const parsed = parseBody(text, headers?.get('content-type'));
  const { fields, encoding } = parsed;
  const error = str(fields.error) ?? str(fields.errorCode);
  const description = str(fields.error_description) ?? str(fields.message) ?? '';
  const retryAfter = retryAfterMs(headers?.get('retry-after'));
  const transient = (reason: string): Answer => ({
    kind: 'transient',
    status,
    reason,
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  });
  if (status === 429) return transient(`HTTP 429${error ? ` ${error}` : ''} (rate limited)`);
  if (status >= 500 && status !== 501 && status !== 505) return transient(`HTTP ${status}${error ? ` ${error}` : ''}`);
  if (error === 'unknown_error' || /retry your request/i.test(description))
    return transient(`HTTP ${status} ${error ?? ''} (${description})`.trim());
  if (encoding === 'html' && !error && OUTAGE.test(text))
    return transient(`HTTP ${status} with an outage page${str(fields.title) ? ` (${str(fields.title) ?? ''})` : ''}`);
  if (status === 401 && (error === 'INVALID_SESSION_ID' || error === 'invalid_token' || !error)) {
    return { kind: 'session-expired', status, reason: `HTTP 401${error ? ` ${error}` : ''}` };
  }
  if (error && (status >= 400 || str(fields.error))) {
    return { kind: 'oauth-error', status, encoding, error, errorDescription: description };
  }
  if (status >= 200 && status < 400) return { kind: 'success', status, encoding, fields };
  return {
    kind: 'other',
    status,
    encoding,
    reason: `HTTP ${status} ${encoding === 'empty' ? 'with an empty body' : `with a ${encoding} body that carries no OAuth error`}`,
  };
}

/** A transient answer (or dropped connection) that persisted through every retry: the request could not be made. */
export class TransientAnswer extends TransportError {
  public constructor(
    message: string,
    endpoint: string,
    /** HTTP status of the last answer; undefined when the connection itself failed. */
    public readonly status: number | undefined,
    /** How many times the request was sent. */
    public readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, endpoint, options);
    this.name = 'TransientAnswer';
  }
}

export const DEFAULT_RETRY: Required<RetryPolicy> = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * How long to wait before attempt `attempt + 1` (attempts count from 1): Retry-After when the server gave one, else
 * exponential backoff. Undefined when no further attempt should be made.
 */
export function retryDelay(attempt: number, policy: RetryPolicy = {}, retryAfter?: number): number | undefined {
  const p = { ...DEFAULT_RETRY, ...policy };
  if (attempt >= p.attempts) return undefined;
  const wait = retryAfter ?? Math.min(p.baseDelayMs * 2 ** (attempt - 1), p.maxDelayMs);
  return wait > p.maxDelayMs ? undefined : wait;
}

export type Received = {
  status: number;
  headers: Headers;
  text: string;
  url: string;
  answer: Answer;
  attempts: number;
};

export type SendHow = {
  /**
   * Whether sending the request twice does no harm (GET authorize, frontdoor, revoke). A code exchange or a refresh is
   * not: it is retried only when the answer says the server did not process it (429, 503, connection refused).
   */
  idempotent: boolean;
};

/** Statuses that say the server did not process the request (RFC 6585 §4, RFC 9110 §15.6.4). */
const NOT_PROCESSED = new Set([429, 503]);

const CONNECT_FAILED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function connectFailed(e: TransportError): boolean {
  const cause = e.cause as { code?: string; cause?: { code?: string } } | undefined;
  const code = cause?.cause?.code ?? cause?.code;
  return code !== undefined && CONNECT_FAILED.has(code);
}

/** Waits `ms`, or less when `signal` aborts (Node's own abortable timer; the abort ends the wait, not the request). */
const abortable = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch((e: unknown) => {
    if ((e as Error).name !== 'AbortError') throw e;
  });

/*
 * The loop is ours rather than p-retry's: the wait comes from the server's Retry-After when it sent one, whether a
 * failure may be retried depends on the request (idempotent or not) and the answer (429/503, connection refused), and a
 * persisting failure must end as a TransientAnswer carrying the last answer, not as the library's error.
 */
/**
 * Sends a request and reads and classifies its answer, retrying transient trouble per `options.retry`. Returns every
 * answer that is not transient; throws a {@link TransientAnswer} when trouble persists, and a TransportError for a
 * dropped connection of a request that must not be sent twice, or on abort.
 */
export async function send(url: string, init: RequestInit, options: HttpOptions, how: SendHow): Promise<Received> {
  const endpoint = endpointOf(url);
  for (let attempt = 1; ; attempt++) {
    let wait: number | undefined;
    let last: { status?: number; reason: string; cause?: unknown };
    try {
      // Sequential by design: each attempt waits for the one before.
      const res = await httpRequest(url, init, options);
      const text = await readText(res, url);
      const answer = classifyAnswer(res.status, text, res.headers);
      if (answer.kind !== 'transient')
        return { status: res.status, headers: res.headers, text, url, answer, attempts: attempt };
      last = { status: res.status, reason: answer.reason };
      if (how.idempotent || NOT_PROCESSED.has(res.status))
        wait = retryDelay(attempt, options.retry, answer.retryAfterMs);
    } catch (e) {
      // A timeout already waited as long as the caller allows: it is not tried again.
      if (
        !(e instanceof TransportError) ||
        options.signal?.aborted ||
        (e.cause as Error | undefined)?.name === 'TimeoutError'
      )
        throw e;
      last = { reason: e.message.replace(`${endpoint}: `, ''), cause: e };
      if (how.idempotent || connectFailed(e)) wait = retryDelay(attempt, options.retry);
      else throw e;
    }
    if (wait === undefined || options.signal?.aborted) {
      const tries = attempt === 1 ? 'once' : `${attempt} times`;
      throw new TransientAnswer(`${endpoint}: ${last.reason}; tried ${tries}`, endpoint, last.status, attempt, {
        cause: last.cause,
      });
    }
    await abortable(wait, options.signal);
  }
}
