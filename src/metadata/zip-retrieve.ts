/*
 * A Metadata API retrieve read straight from the returned zip, in memory: no source conversion and no files on disk,
 * which for thousands of small components costs more than the retrieve itself (SDR writes, converts and reads back
 * every file). The package.xml names each type with `*` (the org's own components) plus, by name, only the
 * components of installed packages, which `*` leaves out. The status is polled with a growing interval, so a long
 * job costs a handful of calls rather than one every 250 ms.
 *
 * For the types the catalog reads (ConnectedApp, the ECA types, Settings) the metadata file is the same in source and
 * in metadata format, so the text returned is what an SDR retrieve would return.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@salesforce/core';
import JSZip from 'jszip';
import { RetrieveError, type MemberSpec, type RetrievedFile, type RetrieveOutcome } from './retrieve.js';

/** A member to retrieve; `wildcard` allows asking for `*` instead (the caller wants every unmanaged one of its type). */
export type ListedMember = MemberSpec & { namespacePrefix?: string | null; wildcard?: boolean };

export type ZipRetrieveOptions = { firstPollMs?: number; maxPollMs?: number; timeoutMs?: number };

type PackageTypes = Array<{ name: string; members: string[] }>;

/** Settings members are always named (a `*` would bring every settings type). */
const NAMED_ONLY = new Set(['Settings']);

/** The package.xml types: `*` for the org's own components of a type when allowed, plus the others by name. */
export function manifestTypes(members: readonly ListedMember[]): PackageTypes {
  const byType = new Map<string, Set<string>>();
  for (const m of members) {
    const names = byType.get(m.type) ?? new Set<string>();
    byType.set(m.type, names);
    names.add(m.wildcard && !m.namespacePrefix && !NAMED_ONLY.has(m.type) ? '*' : m.fullName);
  }
  return [...byType].map(([name, names]) => ({ name, members: [...names].sort() }));
}

export async function retrieveZip(
  conn: Connection,
  members: readonly ListedMember[],
  options: ZipRetrieveOptions = {},
): Promise<RetrieveOutcome> {
  const apiVersion = conn.getApiVersion();
  const types = manifestTypes(members);
  const submitted = await conn.metadata.retrieve({
    apiVersion: Number(apiVersion),
    singlePackage: true,
    // jsforce's Package type also demands fields (fullName, objectPermissions) that a retrieve manifest leaves out.
    unpackaged: { types, version: apiVersion } as never,
  });
  const id = submitted.id;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  let wait = options.firstPollMs ?? 250;
  let result: Awaited<ReturnType<typeof conn.metadata.checkRetrieveStatus>>;
  do {
    if (Date.now() > deadline) throw new RetrieveError(`The retrieve ${id} did not finish in time.`);
    await sleep(wait);
    wait = Math.min(Math.round(wait * 1.6), options.maxPollMs ?? 3000);
    result = await conn.metadata.checkRetrieveStatus(id);
  } while (!isDone(result));
  const messages = toArray(result.messages).map((m) => `${m.fileName}: ${m.problem}`);
  if (String(result.status) === 'Failed') {
    throw new RetrieveError(
      `The retrieve failed: ${result.errorMessage ?? (messages.join('; ') || 'no detail')}`,
      messages,
    );
  }
  const zip = await JSZip.loadAsync(result.zipFile ?? '', { base64: true });
  const files: RetrievedFile[] = [];
  for (const props of toArray(result.fileProperties)) {
    if (props.type === 'Package' || !props.fileName) continue;
    const entry = zip.file(props.fileName) ?? zip.file(props.fileName.replace(/^unpackaged\//, ''));
    if (!entry) continue;
    files.push({ type: props.type, fullName: props.fullName, xml: await entry.async('string') });
  }
  return { files, messages, status: String(result.status) };
}

function isDone(result: { done?: unknown; status?: unknown }): boolean {
  return result.done === true || String(result.done) === 'true';
}

function toArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
