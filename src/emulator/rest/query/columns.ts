/*
 * `GET .../query?q=<soql>&columns=true`: the column metadata of a query instead of its records. `sf data query` asks
 * for it after every query that returns rows, to lay out its table (@salesforce/plugin-data `retrieveColumns`, which
 * reads `columnMetadata[].columnName`, `aggregate`, `displayName` and `joinColumns`; behaviours row
 * sf-cli.query-columns). Relationship fields nest as `joinColumns` under one column per relationship (`User` >
 * `Username`); aggregates are `aggregate: true` with their alias or `exprN` as the column name and the function as the
 * display name.
 */
import type { FieldDef, FieldType } from '../objects/types.js';
import { selectList, type Path, type QueryEnv, type SelectItem } from './evaluate.js';

export type QueryColumn = {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: QueryColumn[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
};

export type QueryColumns = {
  columnMetadata: QueryColumn[];
  entityName: string;
  groupBy: boolean;
  idSelected: boolean;
  keyPrefix: string | null;
};

const APEX_TYPES: Record<FieldType, string> = {
  id: 'Id',
  reference: 'Id',
  string: 'String',
  textarea: 'String',
  url: 'String',
  email: 'String',
  picklist: 'String',
  boolean: 'Boolean',
  int: 'Integer',
  double: 'Double',
  date: 'Date',
  datetime: 'Datetime',
};

const TEXT_TYPES: readonly FieldType[] = ['string', 'textarea', 'url', 'email', 'picklist'];

function column(columnName: string, displayName: string, field: FieldDef | undefined, aggregate = false): QueryColumn {
  return {
    aggregate,
    apexType: field ? APEX_TYPES[field.type] : null,
    booleanType: field?.type === 'boolean',
    columnName,
    custom: columnName.endsWith('__c'),
    displayName,
    foreignKeyName: null,
    insertable: false,
    joinColumns: [],
    numberType: field?.type === 'int' || field?.type === 'double',
    textType: field ? TEXT_TYPES.includes(field.type) : false,
    updatable: false,
  };
}

/** Adds a field path under `columns`, sharing the column of a relationship already there. */
function addPath(columns: QueryColumn[], path: Path, depth = 0, prefix = ''): void {
  if (depth === path.rels.length) {
    columns.push(column(path.field.name, `${prefix}${path.field.name}`, path.field));
    return;
  }
  const name = path.rels[depth].relationshipName as string;
  let relationship = columns.find((c) => c.columnName === name && !c.aggregate);
  if (!relationship) {
    relationship = column(name, `${prefix}${name}`, undefined);
    columns.push(relationship);
  }
  addPath(relationship.joinColumns, path, depth + 1, `${prefix}${name}.`);
}

function columnsOf(items: SelectItem[], aggregateQuery: boolean): QueryColumn[] {
  const columns: QueryColumn[] = [];
  for (const item of items) {
    // AggregateResult rows are flat (`Name`, not `Profile: { Name }`): so are their columns.
    if (item.kind === 'field' && aggregateQuery)
      columns.push(column(item.path.field.name, item.path.name, item.path.field));
    else if (item.kind === 'field') addPath(columns, item.path);
    // `COUNT()` is a row count, not a column.
    else if (item.agg.key !== '') {
      const displayName = `${item.agg.fn}(${item.agg.path?.name ?? ''})`;
      columns.push(column(item.agg.key, displayName, item.agg.path?.field, true));
    }
  }
  return columns;
}

/** The column metadata of a query; throws the RestError the query itself would (bad field, unknown object, ...). */
export function queryColumns(soql: string, env: QueryEnv): QueryColumns {
  const { object, items, groupBy } = selectList(soql, env);
  return {
    columnMetadata: columnsOf(items, groupBy || items.some((i) => i.kind === 'agg')),
    entityName: object.name,
    groupBy,
    idSelected: items.some((i) => i.kind === 'field' && i.path.rels.length === 0 && i.path.field.name === 'Id'),
    keyPrefix: object.keyPrefix,
  };
}
