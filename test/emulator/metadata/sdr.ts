/*
 * Deploy and retrieve through the real source-deploy-retrieve library against a running emulator: source-format
 * projects in temp folders, `ComponentSet.deploy` / `retrieve` and `pollStatus`, as `sf project deploy|retrieve` do.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Connection } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import {
  ComponentSet,
  type ComponentLike,
  type DeployResult,
  type MetadataApiDeployOptions,
  type RetrieveResult,
} from '@salesforce/source-deploy-retrieve';

export const API_VERSION = '66.0';
export const POLL = { frequency: Duration.milliseconds(20), timeout: Duration.seconds(60) };

/** Source-format suffix of each mdapi folder (`<name>.<suffix>-meta.xml`). */
export const SUFFIX: Record<string, string> = {
  connectedApps: 'connectedApp',
  externalClientApps: 'eca',
  extlClntAppGlobalOauthSets: 'ecaGlblOauth',
  extlClntAppOauthSettings: 'ecaOauth',
  extlClntAppOauthPolicies: 'ecaOauthPlcy',
  extlClntAppPolicies: 'ecaPlcy',
  settings: 'settings',
};

/** Writes a project; `files` maps `<folder>/<Name>` to the XML of `<Name>.<suffix>-meta.xml`. */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-md-'));
  writeFileSync(
    path.join(dir, 'sfdx-project.json'),
    JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: API_VERSION }),
  );
  for (const [key, content] of Object.entries(files)) {
    const [folder, name] = key.split('/');
    const target = path.join(dir, 'force-app', 'main', 'default', folder);
    mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, `${name}.${SUFFIX[folder]}-meta.xml`), content);
  }
  return dir;
}

export async function deploySource(
  conn: Connection,
  dir: string,
  apiOptions: MetadataApiDeployOptions['apiOptions'] = {},
): Promise<DeployResult> {
  const cs = ComponentSet.fromSource(path.join(dir, 'force-app'));
  cs.sourceApiVersion = API_VERSION;
  const deploy = await cs.deploy({ usernameOrConnection: conn, apiOptions });
  return deploy.pollStatus(POLL);
}

export type Retrieved = { result: RetrieveResult; files: Map<string, string>; dir: string };

/** Retrieves components into a fresh project; `files` maps `<folder>/<file name>` to content. */
export async function retrieveSource(conn: Connection, members: ComponentLike[]): Promise<Retrieved> {
  const dir = project({});
  const cs = new ComponentSet(members);
  cs.sourceApiVersion = API_VERSION;
  const retrieve = await cs.retrieve({ usernameOrConnection: conn, output: path.join(dir, 'force-app'), merge: false });
  const result = await retrieve.pollStatus(POLL);
  return { result, files: readTree(path.join(dir, 'force-app')), dir };
}

function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(`${path.basename(d)}/${name}`, readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/** The XML of a component, as a test writes it. */
export function xml(root: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}\n</${root}>\n`;
}

type RawRetrieveRequest = Parameters<Connection['metadata']['retrieve']>[0];

/** A retrieve through jsforce directly, with the request as SDR would send it (`apiVersion` and `version` as text). */
export async function retrieveRaw(
  conn: Connection,
  types: Record<string, string[]>,
  options: { version?: string; singlePackage?: boolean } = {},
): Promise<{ zipFile: string }> {
  const version = options.version ?? API_VERSION;
  const unpackaged = { types: Object.entries(types).map(([name, members]) => ({ members, name })), version };
  const request = { apiVersion: version, unpackaged, ...(options.singlePackage ? { singlePackage: true } : {}) };
  // eslint-disable-next-line no-param-reassign -- poll the emulator fast: tests only
  conn.metadata.pollInterval = 20;
  return conn.metadata.retrieve(request as unknown as RawRetrieveRequest).complete();
}

/** readMetadata for any type name (jsforce's typings list only the types its WSDL snapshot knows). */
export async function readRaw(
  conn: Connection,
  type: string,
  fullNames: string[],
): Promise<Array<Record<string, unknown>>> {
  const records = await conn.metadata.read(type as Parameters<Connection['metadata']['read']>[0], fullNames);
  return records;
}
