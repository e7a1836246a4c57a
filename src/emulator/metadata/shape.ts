/*
 * How a stored component looks at a given API version: nested defaults filled (a declarative deploy resets omitted
 * elements, also inside `oauthConfig`), elements newer than the version dropped, and no consumer secret anywhere.
 */
import type { MdObject, MdValue } from '../store/state.js';
import type { Behaviours } from '../behaviours.js';
import type { FieldSpec, TypeSpec } from './schema.js';

const SECRET = 'consumerSecret';

/** Fills defaults at every level of the complex elements that are present. */
export function withDeepDefaults(value: MdObject, fields: Record<string, FieldSpec>, apiVersion: number): MdObject {
  const out: MdObject = {};
  for (const [name, raw] of Object.entries(value)) {
    const spec = fields[name];
    out[name] =
      spec?.kind === 'complex' ? mapItems(raw, (item) => withDeepDefaults(item, spec.fields, apiVersion)) : raw;
  }
  for (const [name, spec] of Object.entries(fields)) {
    if (out[name] !== undefined || spec.kind === 'complex' || spec.default === undefined) continue;
    if (spec.since !== undefined && spec.since > apiVersion) continue;
    out[name] = spec.default;
  }
  return out;
}

/** Drops elements the API version does not know yet (a retrieve at an older version does not show them). */
export function forVersion(value: MdObject, fields: Record<string, FieldSpec>, apiVersion: number): MdObject {
  const out: MdObject = {};
  for (const [name, raw] of Object.entries(value)) {
    const spec = fields[name];
    if (spec?.since !== undefined && spec.since > apiVersion) continue;
    out[name] = spec?.kind === 'complex' ? mapItems(raw, (item) => forVersion(item, spec.fields, apiVersion)) : raw;
  }
  return out;
}

/** Removes every consumer secret, at any depth (ConnectedApp keeps it in `oauthConfig`). */
export function withoutSecrets(value: MdObject): MdObject {
  const out: MdObject = {};
  for (const [name, raw] of Object.entries(value)) {
    if (name === SECRET) continue;
    out[name] = mapItems(raw, withoutSecrets);
  }
  return out;
}

/** The consumer secret of a parsed component, if it carries one. */
export function secretOf(value: MdObject): string | undefined {
  const direct = value[SECRET];
  if (typeof direct === 'string') return direct;
  const config = value.oauthConfig;
  if (config && typeof config === 'object' && !Array.isArray(config) && typeof config[SECRET] === 'string')
    return config[SECRET];
  return undefined;
}

/** A stored value as files and readMetadata show it at an API version. */
export function presented(value: MdObject, spec: TypeSpec, apiVersion: number): MdObject {
  return withoutSecrets(forVersion(withDeepDefaults(value, spec.fields, apiVersion), spec.fields, apiVersion));
}

function mapItems(raw: MdValue, fn: (item: MdObject) => MdObject): MdValue {
  if (Array.isArray(raw)) return raw.map((item) => mapItems(item, fn));
  if (typeof raw === 'object') return fn(raw);
  return raw;
}

/**
 * Elements the org stores but never returns (behaviour `ecaCertificateReadBack=omitted`: an ECA's `certificate`), so
 * retrieve and readMetadata leave them out while a deploy without them still clears them.
 */
export function unreturned(behaviours: Behaviours, type: string): string[] {
  return type === 'ExtlClntAppGlobalOauthSettings' && behaviours.ecaCertificateReadBack === 'omitted'
    ? ['certificate']
    : [];
}
