/*
 * Runs one SOQL query against the emulated org: resolves the object and field paths (case-insensitive, answered in
 * Salesforce's casing), filters, groups and aggregates, sorts, applies OFFSET/LIMIT and shapes the records the way
 * the REST API returns them (nested relationship objects, `AggregateResult` rows with `expr0`... keys).
 */
import type { FieldFunctionExpression, OrderByClause, Query } from '@jetstreamapp/soql-parser-js';
import { invalidType, malformed, noSuchColumn, RestError, unknownRelationship } from '../errors.js';
import { objectFor, objectNamed } from '../objects/registry.js';
import {
  findField,
  findRelationship,
  type Api,
  type DataContext,
  type FieldDef,
  type ObjectDef,
  type Row,
  type Value,
} from '../objects/types.js';
import { comparable } from './literals.js';
import { parseSoql } from './parse.js';
import { compileWhere, type Operand, type RawCondition } from './where.js';

export type OutRecord = { attributes: { type: string; url?: string } } & Record<string, unknown>;

export type QueryEnv = { api: Api; version: number; versionLabel: string; ctx: DataContext; now: number };

export type QueryOutcome = {
  object: ObjectDef;
  totalSize: number;
  records: OutRecord[];
  /** Row caps that apply to this result (OauthToken record queries). */
  caps?: { batch: number; total: number };
};

/** A resolved field path: the lookups to follow, the objects they lead to, and the field read at the end. */
export type Path = { name: string; rels: FieldDef[]; targets: ObjectDef[]; field: FieldDef };

/** An aggregate of the SELECT list: `key` is its column (`expr0`, an alias, or '' for `COUNT()`). */
export type Aggregate = { fn: string; path?: Path; key: string };
export type SelectItem = { kind: 'field'; path: Path } | { kind: 'agg'; agg: Aggregate };

const AGGREGATES = ['COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX', 'SUM', 'AVG'];
const MAX_OFFSET = 2000;

function resolvePath(object: ObjectDef, raw: string, alias: string | undefined): Path {
  let segments = raw.split('.');
  if (segments.length > 1) {
    const head = segments[0].toLowerCase();
    if (head === alias?.toLowerCase() || (head === object.name.toLowerCase() && !findRelationship(object, head)))
      segments = segments.slice(1);
  }
  const rels: FieldDef[] = [];
  const targets: ObjectDef[] = [];
  let current = object;
  for (const segment of segments.slice(0, -1)) {
    const rel = findRelationship(current, segment);
    const target = rel?.referenceTo ? objectNamed(rel.referenceTo) : undefined;
    if (!rel || !target) throw unknownRelationship(segment);
    rels.push(rel);
    targets.push(target);
    current = target;
  }
  const last = segments[segments.length - 1];
  const field = findField(current, last);
  if (!field) throw noSuchColumn(last, current.name);
  return { name: [...rels.map((r) => r.relationshipName as string), field.name].join('.'), rels, targets, field };
}

function reader(path: Path, ctx: DataContext): (row: Row) => Value {
  return (row) => {
    let current: Row | undefined = row;
    for (let i = 0; i < path.rels.length && current; i++)
      current = ctx.byId(path.targets[i].name, current[path.rels[i].name]);
    return current ? (current[path.field.name] ?? null) : null;
  };
}

function aggregateType(agg: Aggregate): FieldDef['type'] {
  if (agg.fn === 'COUNT' || agg.fn === 'COUNT_DISTINCT') return 'int';
  if (agg.fn === 'SUM' || agg.fn === 'AVG') return 'double';
  return agg.path?.field.type ?? 'int';
}

function checkAggregate(agg: Aggregate): void {
  const type = agg.path?.field.type;
  if (!type) return;
  const numeric = type === 'int' || type === 'double';
  const ok =
    agg.fn === 'SUM' || agg.fn === 'AVG'
      ? numeric
      : agg.fn === 'MIN' || agg.fn === 'MAX'
        ? type !== 'boolean' && type !== 'textarea'
        : true;
  if (!ok)
    throw new RestError(
      'INVALID_FIELD',
      `field ${agg.path?.field.name ?? ''} does not support aggregate operator ${agg.fn}`,
    );
}

function computeAggregate(agg: Aggregate, rows: Row[], ctx: DataContext): Value {
  if (!agg.path) return rows.length;
  const read = reader(agg.path, ctx);
  const type = agg.path.field.type;
  const values = rows.map(read).filter((v): v is Exclude<Value, null> => v !== null);
  switch (agg.fn) {
    case 'COUNT':
      return values.length;
    case 'COUNT_DISTINCT':
      return new Set(values.map((v) => comparable(v, type))).size;
    case 'SUM':
      return values.length ? values.reduce<number>((s, v) => s + Number(v), 0) : null;
    case 'AVG':
      return values.length ? values.reduce<number>((s, v) => s + Number(v), 0) / values.length : null;
    default: {
      let best: Value = null;
      for (const v of values) {
        if (best === null) best = v;
        else {
          const a = comparable(v, type) as number | string;
          const b = comparable(best, type) as number | string;
          if (agg.fn === 'MIN' ? a < b : a > b) best = v;
        }
      }
      return best;
    }
  }
}

/** Orders by the comparable value; nulls first when ascending and last when descending, unless NULLS says otherwise. */
function comparator<T>(
  keys: Array<{ type: FieldDef['type']; desc: boolean; nullsFirst: boolean; get(item: T): Value }>,
): (a: T, b: T) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = comparable(k.get(a), k.type);
      const y = comparable(k.get(b), k.type);
      if (x === y) continue;
      if (x === null) return k.nullsFirst ? -1 : 1;
      if (y === null) return k.nullsFirst ? 1 : -1;
      const c = x < y ? -1 : 1;
      return k.desc ? -c : c;
    }
    return 0;
  };
}

function orderList(order: Query['orderBy']): OrderByClause[] {
  if (!order) return [];
  return Array.isArray(order) ? order : [order];
}

class QueryRun {
  private readonly object: ObjectDef;
  private readonly alias: string | undefined;
  private readonly base: string;

  /** `nested` marks a semi-join subquery: it reads every matching row, without the OauthToken caps. */
  public constructor(
    private readonly query: Query,
    private readonly env: QueryEnv,
    private readonly nested = false,
  ) {
    if (!query.sObject) throw malformed('unexpected token: FROM');
    const object = objectFor(env.api, query.sObject, env.version);
    if (!object) throw invalidType(query.sObject);
    this.object = object;
    this.alias = query.sObjectAlias;
    this.base = `/services/data/${env.versionLabel}${env.api === 'tooling' ? '/tooling' : ''}`;
  }

  /**
   * What an org answers an aggregate on an object that supports only `COUNT()`: the wording Salesforce gives for
   * `COUNT(Id)` on FeedItem (forcedotcom/SFDX-Data-Move-Utility#46); for a GROUP BY without an aggregate function,
   * the wording the Tooling API guide gives for objects whose storage refuses GROUP BY. Both as MALFORMED_QUERY
   * (the code of the first; inference for the second).
   */
  private static aggregateRefused(items: SelectItem[]): RestError {
    const first = items.find((i): i is Extract<SelectItem, { kind: 'agg' }> => i.kind === 'agg');
    if (first)
      return malformed(
        `field ${first.agg.path?.field.name ?? 'Id'} does not support aggregate operator ${first.agg.fn}`,
      );
    return malformed(
      'The requested operation is not yet supported by this SObject storage type, contact salesforce.com support for more information.',
    );
  }

  /** The resolved SELECT list, without running the query (its errors are the query's). */
  public selectList(): { object: ObjectDef; items: SelectItem[]; groupBy: boolean } {
    return { object: this.object, items: this.selectItems(), groupBy: Boolean(this.query.groupBy) };
  }

  public run(): QueryOutcome {
    const { query, env, object } = this;
    const items = this.selectItems();
    const countOnly =
      items.length === 1 &&
      items[0].kind === 'agg' &&
      items[0].agg.fn === 'COUNT' &&
      !items[0].agg.path &&
      items[0].agg.key === '';
    if (!countOnly && items.some((i) => i.kind === 'agg' && i.agg.key === ''))
      throw malformed('COUNT() must be the only element in the SELECT list');
    if ((query.offset ?? 0) > MAX_OFFSET)
      throw new RestError('NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    const where = compileWhere<Row>(query.where, {
      operand: (cond) => this.rowOperand(cond),
      subquery: (sub) => this.subquery(sub),
      now: env.now,
    });
    const rows = object.rows(env.ctx).filter(where);
    if (countOnly) {
      const count = Math.max(0, Math.min(rows.length - (query.offset ?? 0), query.limit ?? Infinity));
      return { object, totalSize: count, records: [] };
    }
    const aggregate = Boolean(query.groupBy) || items.some((i) => i.kind === 'agg');
    if (aggregate && object.aggregates && !object.aggregates(env.ctx)) throw QueryRun.aggregateRefused(items);
    return aggregate ? this.aggregate(rows, items) : this.plain(rows, items);
  }

  private selectItems(): SelectItem[] {
    const items: SelectItem[] = [];
    const seen = new Set<string>();
    let expr = 0;
    const addField = (raw: string): void => {
      const path = resolvePath(this.object, raw, this.alias);
      if (seen.has(path.name.toLowerCase())) throw malformed(`duplicate field selected: ${path.name}`);
      seen.add(path.name.toLowerCase());
      items.push({ kind: 'field', path });
    };
    for (const f of this.query.fields ?? []) {
      switch (f.type) {
        case 'Field':
          addField('objectPrefix' in f && f.objectPrefix ? `${f.objectPrefix}.${f.field}` : f.field);
          break;
        case 'FieldRelationship':
          addField(f.rawValue ?? [...f.relationships, f.field].join('.'));
          break;
        case 'FieldFunctionExpression':
          this.addFunction(f, items, addField, () => `expr${expr++}`);
          break;
        case 'FieldSubquery':
          throw new RestError(
            'INVALID_TYPE',
            `Didn't understand relationship '${f.subquery.relationshipName}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
          );
        default:
          throw malformed('TYPEOF is not supported by the emulator');
      }
    }
    if (!items.length) throw malformed('unexpected token: FROM');
    return items;
  }

  private addFunction(
    f: FieldFunctionExpression,
    items: SelectItem[],
    addField: (raw: string) => void,
    nextExpr: () => string,
  ): void {
    const fn = f.functionName.toUpperCase();
    const param = f.parameters[0];
    if (typeof param === 'object')
      throw malformed(`Nested functions are not supported by the emulator: ${f.rawValue ?? fn}`);
    if (fn === 'FIELDS') {
      const which = String(param).toUpperCase();
      if (which === 'ALL' && (this.query.limit === undefined || this.query.limit > 200))
        throw malformed('The SOQL FIELDS function must have a LIMIT of at most 200');
      if (which !== 'CUSTOM') for (const field of this.object.fields) addField(field.name);
      return;
    }
    if (fn === 'TOLABEL' || fn === 'FORMAT' || fn === 'CONVERTCURRENCY') {
      addField(String(param));
      return;
    }
    if (!AGGREGATES.includes(fn)) throw malformed(`The function ${fn} is not supported by the emulator`);
    if (fn === 'COUNT' && param === undefined) {
      items.push({ kind: 'agg', agg: { fn, key: '' } });
      return;
    }
    if (param === undefined) throw malformed(`unexpected token: ')'`);
    const agg: Aggregate = { fn, path: resolvePath(this.object, param, this.alias), key: f.alias ?? nextExpr() };
    checkAggregate(agg);
    items.push({ kind: 'agg', agg });
  }

  private rowOperand(cond: RawCondition): Operand<Row> {
    if (!cond.field) throw malformed('Functions in WHERE are not supported by the emulator');
    const path = resolvePath(this.object, cond.field, this.alias);
    return { get: reader(path, this.env.ctx), field: path.field };
  }

  private subquery(sub: Query): Value[] {
    const outcome = new QueryRun(sub, this.env, true).run();
    return outcome.records.map((r) => {
      const key = Object.keys(r).find((k) => k !== 'attributes');
      let value: unknown = key ? r[key] : null;
      while (value && typeof value === 'object')
        value = Object.entries(value).find(([k]) => k !== 'attributes')?.[1] ?? null;
      return (value ?? null) as Value;
    });
  }

  private page<T>(list: T[]): T[] {
    const offset = this.query.offset ?? 0;
    const limit = this.query.limit ?? Infinity;
    return list.slice(offset, offset + limit);
  }

  private plain(rows: Row[], items: SelectItem[]): QueryOutcome {
    const keys = orderList(this.query.orderBy).map((o) => {
      if (!('field' in o)) throw malformed('Aggregate functions in ORDER BY need GROUP BY or an aggregate query');
      const path = resolvePath(this.object, o.field, this.alias);
      const desc = o.order === 'DESC';
      return {
        get: reader(path, this.env.ctx),
        type: path.field.type,
        desc,
        nullsFirst: o.nulls ? o.nulls === 'FIRST' : !desc,
      };
    });
    const sorted = keys.length ? [...rows].sort(comparator(keys)) : rows;
    let selected = this.page(sorted);
    const caps = this.nested ? undefined : this.object.queryCaps;
    if (caps) selected = selected.slice(0, caps.total);
    const paths = items.flatMap((i) => (i.kind === 'field' ? [i.path] : []));
    return {
      object: this.object,
      totalSize: selected.length,
      records: selected.map((row) => this.project(row, paths)),
      caps,
    };
  }

  /** A record without an Id (OauthToken) has no record URL: `attributes` then carries the type only (inference). */
  private attributes(object: ObjectDef, row: Row): { type: string; url?: string } {
    return row.Id === null || row.Id === undefined
      ? { type: object.name }
      : { type: object.name, url: `${this.base}/sobjects/${object.name}/${String(row.Id)}` };
  }

  private project(row: Row, paths: Path[]): OutRecord {
    const out: OutRecord = { attributes: this.attributes(this.object, row) };
    for (const path of paths) {
      let target: Record<string, unknown> = out;
      let current: Row | undefined = row;
      for (let i = 0; i < path.rels.length; i++) {
        const key = path.rels[i].relationshipName as string;
        const next: Row | undefined = current
          ? this.env.ctx.byId(path.targets[i].name, current[path.rels[i].name])
          : undefined;
        if (!next) {
          if (!(key in target)) target[key] = null;
          current = undefined;
          break;
        }
        target[key] ??= { attributes: this.attributes(path.targets[i], next) };
        target = target[key] as Record<string, unknown>;
        current = next;
      }
      if (current) target[path.field.name] = current[path.field.name] ?? null;
    }
    return out;
  }

  private aggregate(rows: Row[], items: SelectItem[]): QueryOutcome {
    const ctx = this.env.ctx;
    const groupBy = (
      this.query.groupBy ? (Array.isArray(this.query.groupBy) ? this.query.groupBy : [this.query.groupBy]) : []
    ).map((g) => {
      if (!('field' in g)) throw malformed('GROUP BY functions are not supported by the emulator');
      return resolvePath(this.object, g.field, this.alias);
    });
    const grouped = (name: string): Path | undefined =>
      groupBy.find((p) => p.name.toLowerCase() === name.toLowerCase());
    for (const item of items) {
      if (item.kind === 'field' && !grouped(item.path.name))
        throw malformed(`Field must be grouped or aggregated: ${item.path.name}`);
    }
    const readers = groupBy.map((p) => reader(p, ctx));
    const groups = new Map<string, Row[]>();
    for (const row of rows) {
      const key = JSON.stringify(readers.map((read, i) => comparable(read(row), groupBy[i].field.type)));
      const list = groups.get(key);
      if (list) list.push(row);
      else groups.set(key, [row]);
    }
    // Without GROUP BY an aggregate query returns one row, even over no records (COUNT(Id) = 0).
    if (!groupBy.length && !groups.size) groups.set('[]', []);
    const aggOperand = (fn: { functionName?: string; parameters?: unknown[] }): Aggregate => {
      const name = String(fn.functionName ?? '').toUpperCase();
      if (!AGGREGATES.includes(name)) throw malformed(`The function ${name} is not supported by the emulator`);
      const param = fn.parameters?.[0];
      const agg: Aggregate = {
        fn: name,
        path: typeof param === 'string' ? resolvePath(this.object, param, this.alias) : undefined,
        key: '',
      };
      checkAggregate(agg);
      return agg;
    };
    const groupValue = (name: string): Operand<Row[]> => {
      const path = grouped(name);
      if (!path) throw malformed(`Field must be grouped or aggregated: ${name}`);
      const read = reader(path, ctx);
      return { get: (g) => (g.length ? read(g[0]) : null), field: path.field };
    };
    const having = compileWhere<Row[]>(this.query.having, {
      operand: (cond) => {
        if (cond.field) return groupValue(cond.field);
        const agg = aggOperand(cond.fn ?? {});
        return {
          get: (g): Value => computeAggregate(agg, g, ctx),
          field: { name: agg.fn, type: aggregateType(agg), label: agg.fn, nillable: true },
        };
      },
      subquery: (sub) => this.subquery(sub),
      now: this.env.now,
    });
    const keys = orderList(this.query.orderBy).map((o) => {
      const desc = o.order === 'DESC';
      const nullsFirst = o.nulls ? o.nulls === 'FIRST' : !desc;
      if ('field' in o) {
        const operand = groupValue(o.field);
        return { get: (g: Row[]): Value => operand.get(g), type: operand.field.type, desc, nullsFirst };
      }
      const agg = aggOperand(o.fn);
      return { get: (g: Row[]): Value => computeAggregate(agg, g, ctx), type: aggregateType(agg), desc, nullsFirst };
    });
    let list = [...groups.values()].filter(having);
    if (keys.length) list = list.sort(comparator(keys));
    const records = this.page(list).map((g) => {
      const out: OutRecord = { attributes: { type: 'AggregateResult' } };
      for (const item of items) {
        if (item.kind === 'field') out[item.path.field.name] = g.length ? reader(item.path, ctx)(g[0]) : null;
        else out[item.agg.key] = computeAggregate(item.agg, g, ctx);
      }
      return out;
    });
    return { object: this.object, totalSize: records.length, records };
  }
}

/** The resolved SELECT list of a SOQL query, for `?columns=true` (columns.ts); throws what {@link runQuery} throws. */
export function selectList(soql: string, env: QueryEnv): { object: ObjectDef; items: SelectItem[]; groupBy: boolean } {
  return new QueryRun(parseSoql(soql), env).selectList();
}

/** Parses and runs a SOQL query; throws RestError (MALFORMED_QUERY, INVALID_TYPE, INVALID_FIELD, ...) for bad ones. */
export function runQuery(soql: string, env: QueryEnv): QueryOutcome {
  return new QueryRun(parseSoql(soql), env).run();
}
