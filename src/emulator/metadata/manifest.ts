/*
 * package.xml (and destructiveChanges.xml): the types and members a deploy or retrieve names, and its API version.
 */

import { MD_NAMESPACE, parseMetadataXml } from './codec.js';
import { escapeXml } from './soap.js';
import { list, obj, str, strs } from './args.js';

export type Manifest = { types: Array<{ name: string; members: string[] }>; version?: string };

/** Reads a manifest given as parsed XML or as the `unpackaged` object of a retrieve request. */
export function manifestFrom(value: unknown): Manifest {
  const o = obj(value);
  const types = list(o.types).map((t) => ({ name: str(obj(t).name), members: strs(obj(t).members) }));
  const version = str(o.version) || undefined;
  return { types: types.filter((t) => t.name), version };
}

export function parseManifest(xml: string): Manifest {
  const { value } = parseMetadataXml(xml);
  return manifestFrom(value);
}

/** Writes a manifest as orgs return it in a retrieve zip. */
export function writeManifest(manifest: Manifest): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<Package xmlns="${MD_NAMESPACE}">`];
  for (const t of manifest.types) {
    lines.push('    <types>');
    for (const m of t.members) lines.push(`        <members>${escapeXml(m)}</members>`);
    lines.push(`        <name>${escapeXml(t.name)}</name>`);
    lines.push('    </types>');
  }
  if (manifest.version) lines.push(`    <version>${escapeXml(manifest.version)}</version>`);
  lines.push('</Package>');
  return lines.join('\n') + '\n';
}

/** An API version as a number (`66.0` -> 66); undefined when absent or unreadable. */
export function apiVersionOf(version: string | undefined): number | undefined {
  const n = Number(version);
  return version && Number.isFinite(n) && n > 0 ? n : undefined;
}
