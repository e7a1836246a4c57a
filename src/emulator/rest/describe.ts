/*
 * Describe payloads for the objects the emulator serves: the global `sobjects` list and one object's describe, with
 * the parts clients read (name, label, keyPrefix, queryable, fields[{name, type, label, nillable, referenceTo,
 * relationshipName}]).
 */
import type { Api, FieldDef, ObjectDef } from './objects/types.js';

function urls(object: ObjectDef, base: string): Record<string, string> {
  const root = `${base}/sobjects/${object.name}`;
  return { sobject: root, describe: `${root}/describe`, rowTemplate: `${root}/{ID}` };
}

function objectSummary(object: ObjectDef, base: string): Record<string, unknown> {
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    keyPrefix: object.keyPrefix,
    custom: false,
    queryable: true,
    retrieveable: true,
    searchable: false,
    createable: false,
    updateable: false,
    deletable: false,
    layoutable: false,
    urls: urls(object, base),
  };
}

function fieldDescribe(f: FieldDef): Record<string, unknown> {
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    soapType: soapType(f),
    nillable: f.nillable,
    filterable: true,
    sortable: true,
    groupable: f.type !== 'double' && f.type !== 'datetime' && f.type !== 'textarea',
    aggregatable: true,
    createable: false,
    updateable: false,
    custom: false,
    idLookup: f.type === 'id',
    length:
      f.type === 'id' || f.type === 'reference'
        ? 18
        : ['string', 'url', 'email', 'picklist', 'textarea'].includes(f.type)
          ? 255
          : 0,
    referenceTo: f.referenceTo ? [f.referenceTo] : [],
    relationshipName: f.relationshipName ?? null,
  };
}

function soapType(f: FieldDef): string {
  switch (f.type) {
    case 'id':
    case 'reference':
      return 'tns:ID';
    case 'boolean':
      return 'xsd:boolean';
    case 'int':
      return 'xsd:int';
    case 'double':
      return 'xsd:double';
    case 'date':
      return 'xsd:date';
    case 'datetime':
      return 'xsd:dateTime';
    default:
      return 'xsd:string';
  }
}

export function globalDescribe(objects: ObjectDef[], base: string): Record<string, unknown> {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: objects.map((o) => objectSummary(o, base)) };
}

export function objectInfo(object: ObjectDef, base: string): Record<string, unknown> {
  return { objectDescribe: objectSummary(object, base), recentItems: [] };
}

export function describeObject(object: ObjectDef, base: string, api: Api): Record<string, unknown> {
  return {
    ...objectSummary(object, base),
    fields: object.fields.map(fieldDescribe),
    childRelationships: [],
    recordTypeInfos: [],
    supportedApis: api === 'tooling' ? ['tooling'] : ['rest', 'soap'],
  };
}
