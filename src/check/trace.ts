/*
 * The answer-shape trace behind `--trace-file`: for every request the product makes (its own OAuth HTTP through
 * src/oauth/http.ts, and every REST, Tooling and Metadata API request of a @salesforce/core Connection), the shape of the
 * answer: method, endpoint path (no query string; record ids replaced by `{id}`), status, content type, which fields
 * were present or null, and error codes with their descriptions. Never a value: no token, secret, code, session id,
 * user name or record value. A user's first real run thus tells us where the emulator answers differently.
 *
 * Why the Connection's transport is wrapped: jsforce creates a new HttpApi (the object that emits `request` /
 * `response` events) for every request, so there is nothing on the Connection to subscribe to; its transport is the
 * one object every request of that Connection goes through. The wrapper only reads; `detach()` restores it.
 */
import type { Connection } from '@salesforce/core';
import { writePrivateFile } from '../util/private-file.js';
import { observeHttp, type HttpExchange } from '../util/http-observer.js';

export const TRACE_FORMAT = 'sf-oauth-trace/1';

export type TraceError = { code: string; description?: string };

export type TraceEntry = {
  /** `oauth`: the product's own OAuth HTTP; `api`: a @salesforce/core Connection (REST, Tooling, Metadata API). */
  source: 'oauth' | 'api';
  method: string;
  /** Path only, with record and org ids as `{id}` and API versions kept (they matter). */
  endpoint: string;
  /** HTTP status; absent when no answer came. */
  status?: number;
  /** Media type without parameters (`application/json`, `text/xml`, ...). */
  contentType?: string;
  /** Field (or XML element) names present with a value: nested as `a.b`, array items as `a[].b`. */
  present?: string[];
  /** Field names present with null. */
  nulls?: string[];
  /** OAuth, REST or SOAP error codes and their descriptions (scrubbed of values). */
  errors?: TraceError[];
  /** For a redirect: the Location's path and the names of its query parameters (never their values). */
  redirect?: { path: string; params: string[] };
  /** The network failure when no answer came (`ECONNRESET`, `TimeoutError`, ...). */
  failure?: string;
  /** How many identical shapes were seen. */
  count: number;
};

export type TraceFile = {
  format: typeof TRACE_FORMAT;
  /** The command that recorded it (`oauth org check`). */
  command: string;
  createdAt: string;
  entries: TraceEntry[];
};

const MAX_FIELDS = 200;
const MAX_DESCRIPTION = 300;

/** A Salesforce record id (15 or 18 characters, a three-character key prefix, with digits). */
const SF_ID = /\b[a-zA-Z0-9]{3}[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?\b/g;
const looksLikeId = (s: string): boolean => /\d/.test(s) && /[a-zA-Z]/.test(s) && (s.length === 15 || s.length === 18);

/** Path of a URL with ids masked: `/services/data/v66.0/sobjects/User/{id}`. */
export function tracePath(url: string, base = 'http://x'): string {
  let pathname: string;
  try {
    pathname = new URL(url, base).pathname;
  } catch {
    return '(invalid URL)';
  }
  return pathname
    .split('/')
    .map((segment) => (looksLikeId(segment) || /^[A-Za-z0-9_-]{24,}$/.test(segment) ? '{id}' : segment))
    .join('/');
}

/**
 * An error description without values: e-mail addresses, record ids, long opaque strings (tokens, codes) and quoted
 * literals that are not plain identifiers become placeholders. Field and object names stay (they are what we need).
 */
export function scrubDescription(text: string): string {
  const scrubbed = text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '{email}')
    .replace(/'([^'\n]*)'/g, (_m, inner: string) =>
      /^[A-Za-z_][A-Za-z0-9_.]*$/.test(inner) && !looksLikeId(inner) ? `'${inner}'` : "'{value}'",
    )
    .replace(/"([^"\n]*)"/g, (_m, inner: string) =>
      /^[A-Za-z_][A-Za-z0-9_.]*$/.test(inner) && !looksLikeId(inner) ? `"${inner}"` : '"{value}"',
    )
    // Tokens, codes and session ids are long and carry digits or punctuation; long plain words (field names) stay.
    .replace(/[A-Za-z0-9._~+/=!-]{24,}/g, (m) => (/[0-9._~+/=!-]/.test(m) ? '{value}' : m))
    .replace(SF_ID, (m) => (looksLikeId(m) ? '{id}' : m))
    .replace(/\s+/g, ' ')
    .trim();
  return scrubbed.length > MAX_DESCRIPTION ? `${scrubbed.slice(0, MAX_DESCRIPTION)}…` : scrubbed;
}

type Shape = Pick<TraceEntry, 'present' | 'nulls' | 'errors'>;

function collectFields(value: unknown, prefix: string, present: Set<string>, nulls: Set<string>, depth: number): void {
  if (present.size + nulls.size > MAX_FIELDS || depth > 4) return;
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 50)) collectFields(item, `${prefix}[]`, present, nulls, depth + 1);
    if (value.length === 0 && prefix) present.add(`${prefix}[]`);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (v === null) nulls.add(name);
      else if (typeof v === 'object') collectFields(v, name, present, nulls, depth + 1);
      else present.add(name);
    }
  }
}

function jsonShape(text: string): Shape {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  const errors: TraceError[] = [];
  // REST errors: [{ errorCode, message }]; OAuth errors: { error, error_description }.
  const list = Array.isArray(body) ? body : [body];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    if (typeof o.errorCode === 'string')
      errors.push({
        code: o.errorCode,
        ...(typeof o.message === 'string' ? { description: scrubDescription(o.message) } : {}),
      });
    if (typeof o.error === 'string')
      errors.push({
        code: o.error,
        ...(typeof o.error_description === 'string' ? { description: scrubDescription(o.error_description) } : {}),
      });
  }
  const present = new Set<string>();
  const nulls = new Set<string>();
  // Keys of a records array are what a query answered; plain keys otherwise.
  collectFields(body, '', present, nulls, 0);
  return { present: [...present].sort(), nulls: [...nulls].sort(), ...(errors.length ? { errors } : {}) };
}

function formShape(text: string): Shape {
  const params = new URLSearchParams(text.trim());
  const present = [...new Set(params.keys())].sort();
  const error = params.get('error');
  const description = params.get('error_description');
  return {
    present,
    ...(error
      ? { errors: [{ code: error, ...(description ? { description: scrubDescription(description) } : {}) }] }
      : {}),
  };
}

function xmlShape(text: string): Shape {
  const names = new Set<string>();
  for (const m of text.matchAll(/<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]/g)) {
    names.add(m[1]);
    if (names.size >= MAX_FIELDS) break;
  }
  const code = /<faultcode>([^<]*)<\/faultcode>/.exec(text)?.[1];
  const description = /<faultstring>([^<]*)<\/faultstring>/.exec(text)?.[1];
  const errors: TraceError[] = code
    ? [{ code: code.replace(/^[\w-]+:/, ''), ...(description ? { description: scrubDescription(description) } : {}) }]
    : [];
  for (const m of text.matchAll(/<(?:\w+:)?problem>([^<]*)<\/(?:\w+:)?problem>/g))
    errors.push({ code: 'problem', description: scrubDescription(m[1]) });
  return { present: [...names].sort(), ...(errors.length ? { errors } : {}) };
}

/** The shape of an answer body, by its content type (no values). */
export function bodyShape(contentType: string | undefined, text: string): Shape {
  const type = (contentType ?? '').toLowerCase();
  if (!text) return {};
  if (type.includes('json') || (!type && /^\s*[[{]/.test(text))) return jsonShape(text);
  if (type.includes('x-www-form-urlencoded')) return formShape(text);
  if (type.includes('xml')) return xmlShape(text);
  return {};
}

function redirectOf(location: string | null | undefined, base: string): TraceEntry['redirect'] | undefined {
  if (!location) return undefined;
  try {
    const u = new URL(location, base);
    return {
      path: tracePath(u.href),
      params: [...new Set([...u.searchParams.keys(), ...new URLSearchParams(u.hash.replace(/^#/, '')).keys()])].sort(),
    };
  } catch {
    return { path: '(invalid URL)', params: [] };
  }
}

/** Errors carried by a redirect's query (`error`, `error_description`), which are codes, not values. */
function redirectErrors(location: string | null | undefined, base: string): TraceError[] {
  if (!location) return [];
  try {
    const params = new URL(location, base).searchParams;
    const error = params.get('error');
    if (!error) return [];
    const description = params.get('error_description');
    return [{ code: error, ...(description ? { description: scrubDescription(description) } : {}) }];
  } catch {
    return [];
  }
}

type JsforceRequest = { method?: string; url?: string };
type JsforceResponse = { statusCode?: number; headers?: Record<string, string | string[] | undefined>; body?: unknown };
type Transport = {
  httpRequest: (request: JsforceRequest, options?: unknown) => Promise<JsforceResponse> & Record<string, unknown>;
};

const header = (headers: JsforceResponse['headers'], name: string): string | undefined => {
  const v = headers?.[name] ?? headers?.[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Records answer shapes while attached; writes them with {@link TraceRecorder.write}. */
export class TraceRecorder {
  private readonly entries = new Map<string, TraceEntry>();
  private readonly pending = new Set<Promise<void>>();
  private readonly detachers: Array<() => void> = [];
  private readonly sensitive: string[];

  /**
   * @param sensitive values that must never reach the file whatever happens (the session's access token, consumer
   * secrets from the environment, the user name): a last pass replaces any that slipped through.
   */
  public constructor(sensitive: Array<string | undefined | null> = []) {
    this.sensitive = sensitive.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  }

  private static async fromExchange(exchange: HttpExchange): Promise<TraceEntry | undefined> {
    const base = exchange.url;
    const entry: TraceEntry = {
      source: 'oauth',
      method: exchange.method.toUpperCase(),
      endpoint: tracePath(exchange.url),
      count: 1,
    };
    if (!exchange.response) return { ...entry, ...(exchange.failure ? { failure: exchange.failure } : {}) };
    const res = exchange.response;
    // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- a blank content type is none
    const contentType = res.headers.get('content-type')?.split(';')[0].trim() || undefined;
    const text = await res.text().catch(() => '');
    const shape = bodyShape(contentType, text);
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    const redirect = redirectOf(location, base);
    const errors = [...(shape.errors ?? []), ...redirectErrors(location, base)];
    return {
      ...entry,
      status: res.status,
      ...(contentType ? { contentType } : {}),
      ...(shape.present?.length ? { present: shape.present } : {}),
      ...(shape.nulls?.length ? { nulls: shape.nulls } : {}),
      ...(errors.length ? { errors } : {}),
      ...(redirect ? { redirect } : {}),
    };
  }

  private static fromJsforce(request: JsforceRequest, response: JsforceResponse, base: string): TraceEntry {
    // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- a blank content type is none
    const contentType = header(response.headers, 'content-type')?.split(';')[0].trim() || undefined;
    const text =
      typeof response.body === 'string'
        ? response.body
        : response.body === undefined
          ? ''
          : JSON.stringify(response.body);
    const shape = bodyShape(contentType, text);
    return {
      source: 'api',
      method: (request.method ?? 'GET').toUpperCase(),
      endpoint: tracePath(request.url ?? '', base),
      ...(response.statusCode !== undefined ? { status: response.statusCode } : {}),
      ...(contentType ? { contentType } : {}),
      ...(shape.present?.length ? { present: shape.present } : {}),
      ...(shape.nulls?.length ? { nulls: shape.nulls } : {}),
      ...(shape.errors?.length ? { errors: shape.errors } : {}),
      count: 1,
    };
  }

  /** Starts recording the product's own OAuth HTTP (src/oauth/http.ts). */
  public watchOAuthHttp(): this {
    this.detachers.push(observeHttp((exchange) => this.track(TraceRecorder.fromExchange(exchange))));
    return this;
  }

  /** Starts recording every request of one Connection (REST, Tooling, Metadata API). */
  public watchConnection(conn: Connection): this {
    // eslint-disable-next-line no-underscore-dangle -- jsforce keeps its transport there; no public accessor
    const transport = (conn as unknown as { _transport?: Transport })._transport;
    if (!transport || typeof transport.httpRequest !== 'function') return this;
    const original = transport.httpRequest;
    const base = conn.instanceUrl || 'http://x';
    transport.httpRequest = (request, options): ReturnType<Transport['httpRequest']> => {
      const answer = original.call(transport, request, options);
      // The same promise goes back to jsforce (it calls .stream() on it); we only observe its outcome.
      answer.then(
        (response) => this.add(TraceRecorder.fromJsforce(request, response, base)),
        (error: unknown) =>
          this.add({
            source: 'api',
            method: (request.method ?? 'GET').toUpperCase(),
            endpoint: tracePath(request.url ?? '', base),
            failure: failureName(error),
            count: 1,
          }),
      );
      return answer;
    };
    this.detachers.push(() => {
      transport.httpRequest = original;
    });
    return this;
  }

  /** Stops recording (restores the Connection's transport). */
  public detach(): void {
    while (this.detachers.length) this.detachers.pop()?.();
  }

  /** The shapes recorded so far, in the order first seen. */
  public async shapes(): Promise<TraceEntry[]> {
    await Promise.all([...this.pending]);
    return [...this.entries.values()].map((e) => this.redact(e));
  }

  /** Writes the trace (0600, atomic) and returns what was written. */
  public async write(file: string, command: string): Promise<TraceFile> {
    const trace: TraceFile = {
      format: TRACE_FORMAT,
      command,
      createdAt: new Date().toISOString(),
      entries: await this.shapes(),
    };
    await writePrivateFile(file, JSON.stringify(trace, null, 2) + '\n');
    return trace;
  }

  private track(work: Promise<TraceEntry | undefined>): void {
    const p = work.then((entry) => (entry ? this.add(entry) : undefined)).catch(() => undefined);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private add(entry: Omit<TraceEntry, 'count'> & { count?: number }): void {
    const { count: _ignored, ...shape } = entry;
    const key = JSON.stringify(shape);
    const seen = this.entries.get(key);
    if (seen) seen.count++;
    else this.entries.set(key, { ...shape, count: 1 });
  }

  /** The last guard: any known sensitive value anywhere in an entry becomes `{redacted}`. */
  private redact(entry: TraceEntry): TraceEntry {
    if (!this.sensitive.length) return entry;
    let text = JSON.stringify(entry);
    for (const value of this.sensitive) text = text.split(JSON.stringify(value).slice(1, -1)).join('{redacted}');
    return JSON.parse(text) as TraceEntry;
  }
}

function failureName(error: unknown): string {
  const e = error as { code?: string; name?: string; cause?: { code?: string } } | undefined;
  return e?.cause?.code ?? e?.code ?? e?.name ?? 'Error';
}

/** Values of the environment that hold consumer secrets (`SF_OAUTH_CLIENT_SECRET*`): the trace and report never show them. */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(
      ([name, value]) => name.startsWith('SF_OAUTH_CLIENT_SECRET') && typeof value === 'string' && value.length > 0,
    )
    .map(([, value]) => value as string);
}
