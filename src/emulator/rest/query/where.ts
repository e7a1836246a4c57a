/*
 * WHERE and HAVING. soql-parser-js gives a condition chain with parenthesis counts on each condition; this rebuilds
 * the tree (NOT binds to the next condition or group; AND and OR may not mix without parentheses, as in SOQL) and
 * compiles it into a predicate, with operands supplied by the caller (row fields for WHERE, groups for HAVING).
 */
import type { FunctionExp, Query, WhereClause } from '@jetstreamapp/soql-parser-js';
import { malformed, RestError } from '../errors.js';
import type { FieldDef, Value } from '../objects/types.js';
import { comparable, literalFor, type Literal } from './literals.js';

/** One parsed condition, as soql-parser-js gives it (a field or function, an operator and literals or a subquery). */
export type RawCondition = {
  field?: string;
  fn?: FunctionExp;
  operator: string;
  value?: string | string[];
  literalType?: string | string[];
  dateLiteralVariable?: number | number[];
  valueQuery?: Query;
};

type Tree = { kind: 'and' | 'or'; items: Tree[] } | { kind: 'not'; item: Tree } | { kind: 'cond'; cond: RawCondition };
type Token = '(' | ')' | 'NOT' | 'AND' | 'OR' | { cond: RawCondition };

function tokens(where: WhereClause): Token[] {
  const out: Token[] = [];
  let node: WhereClause | undefined = where;
  while (node) {
    const left = node.left as (RawCondition & { openParen?: number; closeParen?: number }) | null;
    const operator = 'operator' in node ? node.operator : undefined;
    const isCondition = left !== null && ('field' in left || 'fn' in left);
    for (let i = 0; i < (left?.openParen ?? 0); i++) out.push('(');
    if (isCondition) {
      out.push({ cond: left });
      for (let i = 0; i < (left.closeParen ?? 0); i++) out.push(')');
    }
    if (operator) out.push(operator);
    node = 'right' in node ? node.right : undefined;
  }
  return out;
}

function buildTree(list: Token[]): Tree {
  let pos = 0;
  const term = (): Tree => {
    const t = list[pos++];
    if (t === 'NOT') return { kind: 'not', item: term() };
    if (t === '(') {
      const inner = expr();
      if (list[pos++] !== ')') throw malformed("unexpected token: ')'");
      return inner;
    }
    if (t && typeof t === 'object') return { kind: 'cond', cond: t.cond };
    throw malformed(`unexpected token: '${String(t ?? 'EOF')}'`);
  };
  const expr = (): Tree => {
    const first = term();
    let op: 'AND' | 'OR' | undefined;
    const items = [first];
    while (list[pos] === 'AND' || list[pos] === 'OR') {
      const next = list[pos++] as 'AND' | 'OR';
      if (op && op !== next) throw malformed(`unexpected token: '${next}'`);
      op = next;
      items.push(term());
    }
    return op ? { kind: op === 'AND' ? 'and' : 'or', items } : first;
  };
  const tree = expr();
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- kept as it reads today; the message is Salesforce's shape
  if (pos !== list.length) throw malformed(`unexpected token: '${String(list[pos])}'`);
  return tree;
}

/** An operand of a condition: how to read it from an item (row or group), and the field that types its literals. */
export type Operand<T> = { field: FieldDef; get(item: T): Value };

export type CompileOptions<T> = {
  now: number;
  operand(cond: RawCondition): Operand<T>;
  /** Runs a semi-join subquery (`Id IN (SELECT UserId FROM OauthToken)`) and returns its single column. */
  subquery(query: Query): Value[];
};

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

function likeRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

function compare(op: string, v: Value, lit: Literal, field: FieldDef): boolean {
  if (lit.kind === 'range') {
    if (v === null) return op === '!=';
    const x = comparable(v, field.type) as number;
    const inside = x >= lit.start && x < lit.end;
    switch (op) {
      case '=':
        return inside;
      case '!=':
        return !inside;
      case '<':
        return x < lit.start;
      case '<=':
        return x < lit.end;
      case '>':
        return x >= lit.end;
      default:
        return x >= lit.start;
    }
  }
  if (lit.value === null) return op === '=' ? v === null : op === '!=' ? v !== null : false;
  // SOQL's != keeps rows whose field is null, unlike SQL.
  if (v === null) return op === '!=';
  const a = comparable(v, field.type) as string | number;
  const b = comparable(lit.value, field.type) as string | number;
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function compileCondition<T>(cond: RawCondition, options: CompileOptions<T>): (item: T) => boolean {
  const operand = options.operand(cond);
  const field = operand.field;
  const op = String(cond.operator).toUpperCase();
  if (op === 'INCLUDES' || op === 'EXCLUDES')
    throw malformed(`${op} applies only to multi-select picklist fields; '${field.name}' is not one`);
  if (op === 'LIKE') {
    if (cond.literalType !== 'STRING' || typeof cond.value !== 'string') throw malformed('LIKE needs a string value');
    const regex = likeRegex(literalValueText(cond.value));
    return (item) => {
      const v = operand.get(item);
      return v !== null && regex.test(String(v));
    };
  }
  let literals: Literal[];
  if (cond.valueQuery) {
    if (op !== 'IN' && op !== 'NOT IN') throw malformed('A semi-join subquery needs IN or NOT IN');
    literals = options.subquery(cond.valueQuery).map((value) => ({ kind: 'value', value }));
  } else {
    const values = Array.isArray(cond.value) ? cond.value : [cond.value ?? ''];
    const types = Array.isArray(cond.literalType)
      ? cond.literalType
      : values.map(() => String(cond.literalType ?? 'STRING'));
    const ns = Array.isArray(cond.dateLiteralVariable)
      ? cond.dateLiteralVariable
      : values.map(() => cond.dateLiteralVariable as number | undefined);
    literals = values.map((raw, i) => literalFor(field, raw, types[i] ?? types[0], ns[i], options.now));
    if (field.type === 'id' || field.type === 'reference') {
      for (const l of literals) {
        if (l.kind === 'value' && typeof l.value === 'string' && !ID.test(l.value))
          throw new RestError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${l.value}`);
      }
    }
  }
  if (op === 'IN' || op === 'NOT IN') {
    if (!Array.isArray(cond.value) && !cond.valueQuery) throw malformed(`unexpected token: '${String(cond.value)}'`);
    const negate = op === 'NOT IN';
    return (item) => {
      const v = operand.get(item);
      const hit = literals.some((l) => compare('=', v, l, field));
      return negate ? !hit : hit;
    };
  }
  if (literals.length !== 1) throw malformed(`unexpected token: '('`);
  const [lit] = literals;
  return (item) => compare(op, operand.get(item), lit, field);
}

function literalValueText(raw: string): string {
  // Keep LIKE's own escapes (\% and \_) for likeRegex; only strip the quotes and resolve quote escapes.
  const body = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  return body.replace(/\\(['"\\])/g, '$1');
}

function compileTree<T>(tree: Tree, options: CompileOptions<T>): (item: T) => boolean {
  switch (tree.kind) {
    case 'cond':
      return compileCondition(tree.cond, options);
    case 'not': {
      const inner = compileTree(tree.item, options);
      return (item) => !inner(item);
    }
    case 'and': {
      const parts = tree.items.map((t) => compileTree(t, options));
      return (item) => parts.every((p) => p(item));
    }
    case 'or': {
      const parts = tree.items.map((t) => compileTree(t, options));
      return (item) => parts.some((p) => p(item));
    }
  }
}

/** Compiles a WHERE or HAVING clause into a predicate; throws the RestError Salesforce would answer. */
export function compileWhere<T>(where: WhereClause | undefined, options: CompileOptions<T>): (item: T) => boolean {
  if (!where) return () => true;
  return compileTree(buildTree(tokens(where)), options);
}
