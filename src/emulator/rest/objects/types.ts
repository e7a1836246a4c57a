/*
 * The sObject model the REST and Tooling query endpoints serve: each object declares its fields (Salesforce's names,
 * types and labels) and derives its rows from the store on every query, so a deploy or a new grant shows at once.
 */
import type { EmulatorServices } from '../../services.js';
import type { UserRecord } from '../../store/state.js';
import { caseSafeSuffix } from '../../store/ids.js';

export type Value = string | number | boolean | null;
/** One record, keyed by the canonical field name. */
export type Row = Record<string, Value>;

export type FieldType =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'url'
  | 'email'
  | 'picklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'date'
  | 'datetime';

export type FieldDef = {
  name: string;
  type: FieldType;
  label: string;
  nillable: boolean;
  /** For reference fields: the object the id points to and the name of the relationship (`UserId` -> `User`). */
  referenceTo?: string;
  relationshipName?: string;
};

export type Api = 'rest' | 'tooling';

/** What a row builder may read: the org, the caller, and the rows of other objects (cached for one request). */
export type DataContext = {
  services: EmulatorServices;
  caller: UserRecord;
  rowsOf(object: string): Row[];
  byId(object: string, id: Value): Row | undefined;
};

export type ObjectDef = {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string | null;
  apis: readonly Api[];
  fields: FieldDef[];
  /** Lowest API version that has the object (ExternalClientApplication: 59.0). */
  minVersion?: number;
  /** Per-response and total row caps of `query()` + `queryMore()` (OauthToken: 500 and 2,500). */
  queryCaps?: { batch: number; total: number };
  /** Whether aggregate functions (other than `COUNT()`) and GROUP BY run on this object; absent: they do. */
  aggregates?: (ctx: DataContext) => boolean;
  rows(ctx: DataContext): Row[];
};

/** `LastUsedDate` -> `Last Used Date`. */
function labelOf(name: string): string {
  return name
    .replace(/Id$/, ' ID')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

type FieldOptions = { label?: string; nillable?: boolean };

export function field(name: string, type: FieldType, options: FieldOptions = {}): FieldDef {
  return { name, type, label: options.label ?? labelOf(name), nillable: options.nillable ?? type !== 'boolean' };
}

/** A lookup field and its relationship: `ref('UserId', 'User')` makes `UserId` and the `User.` path. */
export function ref(
  name: string,
  referenceTo: string,
  options: FieldOptions & { relationshipName?: string } = {},
): FieldDef {
  return {
    ...field(name, 'reference', options),
    referenceTo,
    relationshipName: options.relationshipName ?? name.replace(/Id$/, ''),
  };
}

export function idField(label: string): FieldDef {
  return field('Id', 'id', { label, nillable: false });
}

/** The audit fields every setup object has. */
export function auditFields(): FieldDef[] {
  return [
    field('CreatedDate', 'datetime', { nillable: false }),
    ref('CreatedById', 'User', { relationshipName: 'CreatedBy' }),
    field('LastModifiedDate', 'datetime', { nillable: false }),
    ref('LastModifiedById', 'User', { relationshipName: 'LastModifiedBy' }),
  ];
}

/** Re-keys an id to another key prefix, keeping its body: a stable id for a record derived from another one. */
export function rekey(id: string, prefix: string): string {
  const id15 = (prefix + id.slice(prefix.length, 15)).slice(0, 15);
  return id15 + caseSafeSuffix(id15);
}

export function findField(object: ObjectDef, name: string): FieldDef | undefined {
  const wanted = name.toLowerCase();
  return object.fields.find((f) => f.name.toLowerCase() === wanted);
}

export function findRelationship(object: ObjectDef, name: string): FieldDef | undefined {
  const wanted = name.toLowerCase();
  return object.fields.find((f) => f.relationshipName?.toLowerCase() === wanted);
}
