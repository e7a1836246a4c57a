/*
 * Query locators: a result larger than one batch keeps its remaining records under a locator, and the response
 * carries `nextRecordsUrl` (`/services/data/vXX.X[/tooling]/query/01g...-<offset>`), which jsforce's queryMore and
 * autoFetch follow. Locators expire after 15 idle minutes, as Salesforce's do.
 */
import type { EmulatorServices } from '../../services.js';
import { makeId } from '../../store/ids.js';
import { RestError } from '../errors.js';
import type { Api } from '../objects/types.js';
import type { OutRecord, QueryOutcome } from './evaluate.js';

export const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;
const IDLE_MS = 15 * 60_000;
const MAX_CURSORS = 200;

type Cursor = { api: Api; object: string; records: OutRecord[]; totalSize: number; batch: number; lastUsed: number };

const cursors = new WeakMap<EmulatorServices, { seq: number; open: Map<string, Cursor> }>();

function registry(services: EmulatorServices): { seq: number; open: Map<string, Cursor> } {
  let r = cursors.get(services);
  if (!r) cursors.set(services, (r = { seq: 0, open: new Map() }));
  return r;
}

/** The batch size asked for with `Sforce-Query-Options: batchSize=N`, held between 200 and 2,000. */
export function batchSize(header: string | string[] | undefined): number {
  const match = /batchSize\s*=\s*(\d+)/i.exec(String(header ?? ''));
  if (!match) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(match[1])));
}

export type QueryPage = {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: OutRecord[];
  size?: number;
  queryLocator?: string | null;
  entityTypeName?: string;
};

function pageOf(cursor: Cursor, id: string | undefined, offset: number, base: string): QueryPage {
  const records = cursor.records.slice(offset, offset + cursor.batch);
  const next = offset + records.length;
  const done = next >= cursor.records.length;
  const page: QueryPage = { totalSize: cursor.totalSize, done, records };
  const locator = !done && id ? `${id}-${next}` : undefined;
  if (locator) page.nextRecordsUrl = `${base}/query/${locator}`;
  if (cursor.api === 'tooling')
    Object.assign(page, { size: records.length, queryLocator: locator ?? null, entityTypeName: cursor.object });
  return page;
}

/** The first page of a result; opens a locator when more pages follow. `base` is `/services/data/vXX.X[/tooling]`. */
export function firstPage(
  services: EmulatorServices,
  api: Api,
  outcome: QueryOutcome,
  batch: number,
  base: string,
): QueryPage {
  const size = Math.min(batch, outcome.caps?.batch ?? batch);
  const cursor: Cursor = {
    api,
    object: outcome.object.name,
    records: outcome.records,
    totalSize: outcome.totalSize,
    batch: size,
    lastUsed: services.store.clock(),
  };
  if (outcome.records.length <= size) return pageOf(cursor, undefined, 0, base);
  const r = registry(services);
  const id = makeId('01g', ++r.seq);
  r.open.set(id, cursor);
  if (r.open.size > MAX_CURSORS) r.open.delete(r.open.keys().next().value as string);
  return pageOf(cursor, id, 0, base);
}

/** The page a `nextRecordsUrl` locator (`<id>-<offset>`) points to. */
export function nextPage(services: EmulatorServices, api: Api, locator: string, base: string): QueryPage {
  const match = /^(01g[A-Za-z0-9]{15})-(\d+)$/.exec(locator);
  const r = registry(services);
  const cursor = match ? r.open.get(match[1]) : undefined;
  const now = services.store.clock();
  if (!match || cursor?.api !== api || now - cursor.lastUsed > IDLE_MS || Number(match[2]) > cursor.records.length) {
    throw new RestError('INVALID_QUERY_LOCATOR', 'invalid query locator');
  }
  cursor.lastUsed = now;
  return pageOf(cursor, match[1], Number(match[2]), base);
}
