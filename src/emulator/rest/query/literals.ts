/*
 * SOQL literals, typed against the field they are compared with. Dates and datetimes become epoch milliseconds;
 * date literals (TODAY, LAST_N_DAYS:n, THIS_QUARTER, ...) become [start, end) ranges computed in UTC, the emulated
 * org's time zone. Fiscal periods follow the calendar (Salesforce's default fiscal year starts in January).
 */
import { RestError } from '../errors.js';
import type { FieldDef, FieldType, Value } from '../objects/types.js';

export type Literal = { kind: 'value'; value: Value } | { kind: 'range'; start: number; end: number };

const DAY = 86_400_000;
const NUMERIC: readonly FieldType[] = ['int', 'double'];
const TEMPORAL: readonly FieldType[] = ['date', 'datetime'];
const TEXT: readonly FieldType[] = ['id', 'reference', 'string', 'textarea', 'url', 'email', 'picklist'];

function typeError(field: FieldDef): RestError {
  const type =
    field.type === 'datetime' ? 'dateTime' : field.type === 'int' || field.type === 'double' ? 'number' : field.type;
  const quotes = TEXT.includes(field.type) ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
  return new RestError(
    'INVALID_FIELD',
    `value of filter criterion for field '${field.name}' must be of type ${type} and ${quotes}`,
  );
}

/** Removes the quotes of a SOQL string literal and resolves its backslash escapes. */
export function unquote(raw: string): string {
  const body = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
  return body.replace(/\\(.)/g, (_m, c: string) => escapes[c] ?? c);
}

/** Converts one parsed literal to a comparable value for `field`. */
export function literalFor(
  field: FieldDef,
  raw: string,
  literalType: string,
  n: number | undefined,
  now: number,
): Literal {
  switch (literalType) {
    case 'NULL':
      return { kind: 'value', value: null };
    case 'STRING': {
      if (!TEXT.includes(field.type)) throw typeError(field);
      return { kind: 'value', value: unquote(raw) };
    }
    case 'INTEGER':
    case 'DECIMAL':
    case 'INTEGER_WITH_CURRENCY_PREFIX':
    case 'DECIMAL_WITH_CURRENCY_PREFIX':
      if (!NUMERIC.includes(field.type)) throw typeError(field);
      return { kind: 'value', value: Number(raw.replace(/^[A-Z]{3}/, '')) };
    case 'BOOLEAN':
      if (field.type !== 'boolean') throw typeError(field);
      return { kind: 'value', value: raw.toLowerCase() === 'true' };
    case 'DATE':
      if (field.type !== 'date') throw typeError(field);
      return { kind: 'value', value: Date.parse(`${raw}T00:00:00Z`) };
    case 'DATETIME': {
      if (field.type !== 'datetime') throw typeError(field);
      const ms = Date.parse(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      if (Number.isNaN(ms))
        throw new RestError('MALFORMED_QUERY', `line 1:0 no viable alternative at character '${raw}'`);
      return { kind: 'value', value: ms };
    }
    case 'DATE_LITERAL':
    case 'DATE_N_LITERAL': {
      if (!TEMPORAL.includes(field.type)) throw typeError(field);
      const range = dateLiteralRange(raw.split(':')[0].toUpperCase(), n ?? 0, now);
      if (!range) throw new RestError('MALFORMED_QUERY', `Unsupported date literal: ${raw}`);
      return { kind: 'range', start: range[0], end: range[1] };
    }
    default:
      throw new RestError('MALFORMED_QUERY', `Bind variables and ${literalType} values are not supported here`);
  }
}

type Unit = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

/** Start of the period of `unit` that holds `t` (weeks start on Sunday, as in the en_US locale). */
function periodStart(unit: Unit, t: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = Date.UTC(y, m, d.getUTCDate());
  switch (unit) {
    case 'DAY':
      return day;
    case 'WEEK':
      return day - d.getUTCDay() * DAY;
    case 'MONTH':
      return Date.UTC(y, m, 1);
    case 'QUARTER':
      return Date.UTC(y, m - (m % 3), 1);
    case 'YEAR':
      return Date.UTC(y, 0, 1);
  }
}

function addPeriods(unit: Unit, start: number, k: number): number {
  const d = new Date(start);
  switch (unit) {
    case 'DAY':
      return start + k * DAY;
    case 'WEEK':
      return start + k * 7 * DAY;
    case 'MONTH':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1);
    case 'QUARTER':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3 * k, 1);
    case 'YEAR':
      return Date.UTC(d.getUTCFullYear() + k, 0, 1);
  }
}

const UNITS: Record<string, Unit> = {
  DAY: 'DAY',
  DAYS: 'DAY',
  WEEK: 'WEEK',
  WEEKS: 'WEEK',
  MONTH: 'MONTH',
  MONTHS: 'MONTH',
  QUARTER: 'QUARTER',
  QUARTERS: 'QUARTER',
  YEAR: 'YEAR',
  YEARS: 'YEAR',
};
const ALIASES: Record<string, string> = {
  TODAY: 'THIS_DAY',
  YESTERDAY: 'LAST_DAY',
  TOMORROW: 'NEXT_DAY',
  LAST_90_DAYS: 'LAST_N_DAYS',
  NEXT_90_DAYS: 'NEXT_N_DAYS',
};

/** The [start, end) range of a date literal, or undefined for one it does not know. */
export function dateLiteralRange(literal: string, count: number, now: number): [number, number] | undefined {
  let name = literal.replace('_FISCAL_', '_');
  const n = name === 'LAST_90_DAYS' || name === 'NEXT_90_DAYS' ? 90 : count;
  name = ALIASES[name] ?? name;
  let match = /^(THIS|LAST|NEXT)_([A-Z]+)$/.exec(name);
  if (match && UNITS[match[2]]) {
    const unit = UNITS[match[2]];
    const start = periodStart(unit, now);
    const k = { THIS: 0, LAST: -1, NEXT: 1 }[match[1] as 'THIS' | 'LAST' | 'NEXT'];
    return [addPeriods(unit, start, k), addPeriods(unit, start, k + 1)];
  }
  match = /^(LAST|NEXT)_N_([A-Z]+)$/.exec(name);
  if (match && UNITS[match[2]]) {
    const unit = UNITS[match[2]];
    const start = periodStart(unit, now);
    // LAST_N_DAYS includes today; LAST_N_WEEKS/MONTHS/... end before the current period. NEXT_N_* start after it.
    if (match[1] === 'LAST')
      return unit === 'DAY'
        ? [addPeriods(unit, start, -n), addPeriods(unit, start, 1)]
        : [addPeriods(unit, start, -n), start];
    return [addPeriods(unit, start, 1), addPeriods(unit, start, n + 1)];
  }
  match = /^N_([A-Z]+)_AGO$/.exec(name);
  if (match && UNITS[match[1]]) {
    const unit = UNITS[match[1]];
    const start = periodStart(unit, now);
    return [addPeriods(unit, start, -n), addPeriods(unit, start, -n + 1)];
  }
  return undefined;
}

/** A field value as a comparable: epoch ms for dates and datetimes, lower case for text, 0/1 for booleans. */
export function comparable(value: Value, type: FieldType): string | number | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (type === 'datetime') return Date.parse(value);
  if (type === 'date') return Date.parse(`${value.slice(0, 10)}T00:00:00Z`);
  if (type === 'id' || type === 'reference') return value.slice(0, 15);
  return value.toLowerCase();
}
