/*
 * Metadata XML in and out: parse a component file into an MdObject, check it against its TypeSpec the way a deploy does,
 * fill the defaults that a declarative deploy falls back to, and write files as real orgs return them (elements in
 * alphabetical order, four-space indentation).
 */
import { XMLParser } from 'fast-xml-parser';
import type { MdObject, MdValue } from '../store/state.js';
import type { FieldSpec, TypeSpec } from './schema.js';
import { escapeXml } from './soap.js';

export const MD_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  removeNSPrefix: true,
});

export class MetadataParseError extends Error {}

/** Parses a metadata file; returns its root element name and content. */
export function parseMetadataXml(xml: string): { root: string; value: MdObject } {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch (e) {
    throw new MetadataParseError(`Error parsing file: ${(e as Error).message}`);
  }
  const roots = Object.keys(doc);
  if (roots.length !== 1) throw new MetadataParseError('Error parsing file: expected exactly one root element');
  const root = roots[0];
  const content = doc[root];
  return { root, value: content && typeof content === 'object' ? (content as MdObject) : {} };
}

export type Problem = { problem: string };

const elementName = (name: string): string => `{${MD_NAMESPACE}}${name}`;

/** Validates and normalizes (repeated elements become arrays) a parsed component, as a deploy would. */
export function validateComponent(
  value: MdObject,
  spec: TypeSpec,
  apiVersion: number,
): { value: MdObject; problems: Problem[] } {
  const problems: Problem[] = [];
  const normalized = normalizeObject(value, spec.fields, spec.name, apiVersion, problems);
  return { value: normalized, problems };
}

function normalizeObject(
  value: MdObject,
  fields: Record<string, FieldSpec>,
  xsdType: string,
  apiVersion: number,
  problems: Problem[],
): MdObject {
  const out: MdObject = {};
  for (const [name, raw] of Object.entries(value)) {
    const spec = fields[name];
    if (!spec || (spec.since !== undefined && spec.since > apiVersion)) {
      problems.push({ problem: `Element ${elementName(name)} invalid at this location in type ${xsdType}` });
      continue;
    }
    const items = Array.isArray(raw) ? raw : [raw];
    if (items.length > 1 && !spec.repeated) {
      problems.push({ problem: `Element ${elementName(name)} is duplicated at this location in type ${xsdType}` });
      continue;
    }
    const normalizedItems = items.map((item) => normalizeValue(name, item, spec, apiVersion, problems));
    out[name] = spec.repeated ? normalizedItems : normalizedItems[0];
  }
  return out;
}

function normalizeValue(
  name: string,
  item: MdValue,
  spec: FieldSpec,
  apiVersion: number,
  problems: Problem[],
): MdValue {
  if (spec.kind === 'complex') {
    if (typeof item !== 'object' || Array.isArray(item)) {
      return item === '' ? {} : normalizeObject({}, spec.fields, spec.xsdType, apiVersion, problems);
    }
    return normalizeObject(item, spec.fields, spec.xsdType, apiVersion, problems);
  }
  if (typeof item !== 'string') {
    problems.push({ problem: `Element ${elementName(name)} cannot have child elements` });
    return '';
  }
  if (spec.kind === 'boolean' && item !== 'true' && item !== 'false') {
    problems.push({ problem: `'${item}' is not valid for the type xsd:boolean` });
  } else if (spec.kind === 'int' && !/^-?\d+$/.test(item)) {
    problems.push({ problem: `'${item}' is not valid for the type xsd:int` });
  } else if (spec.kind === 'enum' && !spec.values.includes(item)) {
    problems.push({ problem: `'${item}' is not a valid value for the enum '${spec.enumName}'` });
  }
  return item;
}

/** Fills the top-level defaults a declarative deploy applies to omitted elements. */
export function withDefaults(value: MdObject, spec: TypeSpec, apiVersion = Number.MAX_SAFE_INTEGER): MdObject {
  const out: MdObject = { ...value };
  for (const [name, field] of Object.entries(spec.fields)) {
    if (out[name] !== undefined || field.kind === 'complex' || field.default === undefined) continue;
    if (field.since !== undefined && field.since > apiVersion) continue;
    out[name] = field.default;
  }
  return out;
}

/** Writes a component as a retrieved file: declaration, namespaced root, alphabetical elements. */
export function serializeComponent(root: string, value: MdObject, omit: readonly string[] = []): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<${root} xmlns="${MD_NAMESPACE}">`];
  writeObject(value, 1, lines, new Set(omit));
  lines.push(`</${root}>`);
  return lines.join('\n') + '\n';
}

/** Writes the body of an element (its children), for SOAP responses that embed metadata. */
export function serializeChildren(value: MdObject, depth: number, omit: readonly string[] = []): string {
  const lines: string[] = [];
  writeObject(value, depth, lines, new Set(omit));
  return lines.join('\n');
}

function writeObject(value: MdObject, depth: number, lines: string[], omit: Set<string>): void {
  const pad = '    '.repeat(depth);
  for (const name of Object.keys(value).sort()) {
    if (omit.has(name)) continue;
    const raw = value[name];
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (typeof item === 'string') {
        lines.push(`${pad}<${name}>${escapeXml(item)}</${name}>`);
      } else if (!Array.isArray(item)) {
        lines.push(`${pad}<${name}>`);
        writeObject(item, depth + 1, lines, new Set());
        lines.push(`${pad}</${name}>`);
      }
    }
  }
}

/** Reads a leaf as text ('' when absent or complex). */
export function text(value: MdValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

export function texts(value: MdValue | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export function child(value: MdValue | undefined): MdObject {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  if (Array.isArray(value) && value[0] && typeof value[0] === 'object' && !Array.isArray(value[0])) return value[0];
  return {};
}
