/*
 * REST API under `/services/data`: versions, SOQL query / queryAll / queryMore (REST and Tooling) and the column
 * metadata of a query (`columns=true`), describe, record reads and limits. Every failure is a 4xx JSON error array: jsforce retries a 5xx GET for about 15 seconds.
 */
import type { Handler, Router } from '../http/router.js';
import { HttpError, sendJson, type RequestContext } from '../http/context.js';
import { identityUrl, LATEST_API_VERSION, type EmulatorServices } from '../services.js';
import type { UserRecord } from '../store/state.js';
import { restCaller } from './auth.js';
import { dataContext } from './data.js';
import { describeObject, globalDescribe, objectInfo } from './describe.js';
import { malformed, notFound, RestError, sendRestError } from './errors.js';
import { objectFor, objectsFor } from './objects/registry.js';
import { findField, type Api, type ObjectDef } from './objects/types.js';
import { queryColumns } from './query/columns.js';
import { runQuery } from './query/evaluate.js';
import { batchSize, firstPage, nextPage } from './query/paging.js';

type Call = { ctx: RequestContext; api: Api; version: number; versionLabel: string; base: string; user: UserRecord };

/** Daily API request allowance reported by `/limits` (an Enterprise Edition sandbox's order of magnitude). */
const DAILY_API_REQUESTS = 100_000;
const apiCalls = new WeakMap<EmulatorServices, number>();

/** Authenticates, checks the version segment and turns errors into Salesforce's JSON answers. */
function handler(services: EmulatorServices, api: Api, kind: string, body: (call: Call) => void): Handler {
  return (ctx) => {
    try {
      const match = /^v(\d+)\.0$/.exec(ctx.params.version);
      const version = match ? Number(match[1]) : NaN;
      if (!match || version < 20 || version > Number(LATEST_API_VERSION)) throw notFound();
      const { user } = restCaller(services, ctx);
      services.count(kind);
      apiCalls.set(services, (apiCalls.get(services) ?? 0) + 1);
      const versionLabel = ctx.params.version;
      const base = `/services/data/${versionLabel}${api === 'tooling' ? '/tooling' : ''}`;
      body({ ctx, api, version, versionLabel, base, user });
    } catch (e) {
      if (e instanceof RestError) return sendRestError(ctx, e);
      if (e instanceof HttpError) throw e;
      // A bug must not turn into a 5xx that jsforce retries for 15 s; answer 400 with the reason instead.
      sendRestError(
        ctx,
        new RestError(
          'UNKNOWN_EXCEPTION',
          `The emulator failed to answer: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
    }
  };
}

function query(services: EmulatorServices, call: Call): void {
  const q = call.ctx.url.searchParams.get('q');
  if (q === null) throw malformed('A query string (q) is required');
  const env = {
    api: call.api,
    version: call.version,
    versionLabel: call.versionLabel,
    ctx: dataContext(services, call.user),
    now: services.store.clock(),
  };
  // `sf data query` asks for the column metadata after the records (query/columns.ts).
  if (call.ctx.url.searchParams.get('columns') === 'true') return sendJson(call.ctx, 200, queryColumns(q, env));
  const outcome = runQuery(q, env);
  sendJson(
    call.ctx,
    200,
    firstPage(services, call.api, outcome, batchSize(call.ctx.req.headers['sforce-query-options']), call.base),
  );
}

/** The object of a `/sobjects/:type` path; Salesforce answers an unknown type there with 404 NOT_FOUND. */
function objectOf(call: Call): ObjectDef {
  const object = objectFor(call.api, call.ctx.params.type, call.version);
  if (!object) throw notFound();
  return object;
}

function record(services: EmulatorServices, call: Call): void {
  const object = objectOf(call);
  const ctx = dataContext(services, call.user);
  const row = ctx.byId(object.name, call.ctx.params.id);
  if (!row) throw notFound();
  const wanted = call.ctx.url.searchParams.get('fields');
  const fields = wanted
    ? wanted.split(',').map((name) => {
        const f = findField(object, name.trim());
        if (!f)
          throw new RestError('INVALID_FIELD', `No such column '${name.trim()}' on sobject of type ${object.name}`);
        return f;
      })
    : object.fields;
  const out: Record<string, unknown> = {
    attributes: { type: object.name, url: `${call.base}/sobjects/${object.name}/${String(row.Id)}` },
  };
  for (const f of fields) out[f.name] = row[f.name] ?? null;
  sendJson(call.ctx, 200, out);
}

function limits(services: EmulatorServices, call: Call): void {
  const used = apiCalls.get(services) ?? 0;
  const limit = (max: number, remaining = max): { Max: number; Remaining: number } => ({
    Max: max,
    Remaining: remaining,
  });
  sendJson(call.ctx, 200, {
    DailyApiRequests: limit(DAILY_API_REQUESTS, Math.max(0, DAILY_API_REQUESTS - used)),
    DailyAsyncApexExecutions: limit(250_000),
    DailyBulkApiBatches: limit(15_000),
    DailyBulkV2QueryJobs: limit(10_000),
    DailyStreamingApiEvents: limit(1_000_000),
    DataStorageMB: limit(1024),
    FileStorageMB: limit(1024),
    SingleEmailMessage: limit(5000),
  });
}

/** Query, describe and record routes under one API root (`/services/data/:version` or its `/tooling`). */
function registerDataApi(router: Router, services: EmulatorServices, api: Api, root: string): void {
  const prefix = api === 'tooling' ? 'rest:tooling:' : 'rest:';
  const on = (pattern: string, kind: string, body: (call: Call) => void): void => {
    router.on('GET', `${root}${pattern}`, handler(services, api, `${prefix}${kind}`, body));
  };
  on('/query', 'query', (call) => query(services, call));
  on('/query/:locator', 'queryMore', (call) =>
    sendJson(call.ctx, 200, nextPage(services, api, call.ctx.params.locator, call.base)),
  );
  if (api === 'rest') {
    on('/queryAll', 'queryAll', (call) => query(services, call));
    on('/queryAll/:locator', 'queryMore', (call) =>
      sendJson(call.ctx, 200, nextPage(services, api, call.ctx.params.locator, call.base)),
    );
  }
  on('/sobjects', 'describeGlobal', (call) =>
    sendJson(call.ctx, 200, globalDescribe(objectsFor(api, call.version), call.base)),
  );
  on('/sobjects/:type/describe', 'describe', (call) =>
    sendJson(call.ctx, 200, describeObject(objectOf(call), call.base, api)),
  );
  on('/sobjects/:type', 'sobject', (call) => sendJson(call.ctx, 200, objectInfo(objectOf(call), call.base)));
  on('/sobjects/:type/:id', 'sobject', (call) => record(services, call));
}

export function registerRestRoutes(router: Router, services: EmulatorServices): void {
  router.on('GET', '/services/data', (ctx) => sendJson(ctx, 200, apiVersions()));
  router.on('GET', '/services/data/:version', (ctx) => {
    const { user } = restCaller(services, ctx);
    sendJson(ctx, 200, versionResources(ctx.params.version, identityUrl(services, user.id)));
  });
  registerDataApi(router, services, 'tooling', '/services/data/:version/tooling');
  registerDataApi(router, services, 'rest', '/services/data/:version');
  router.on(
    'GET',
    '/services/data/:version/limits',
    handler(services, 'rest', 'rest:limits', (call) => limits(services, call)),
  );
}

export function apiVersions(): Array<{ label: string; url: string; version: string }> {
  const latest = Number(LATEST_API_VERSION);
  const out = [];
  for (let v = 20; v <= latest; v++) out.push({ label: `v${v}.0`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  return out;
}

function versionResources(version: string, identity: string): Record<string, string> {
  const base = `/services/data/${version}`;
  const names = ['sobjects', 'query', 'queryAll', 'tooling', 'search', 'limits', 'metadata', 'connect', 'composite'];
  return { ...Object.fromEntries(names.map((n) => [n, `${base}/${n}`])), identity };
}
