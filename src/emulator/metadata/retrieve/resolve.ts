/*
 * Which files a retrieve returns: package.xml members resolved against the org, and files written as real orgs
 * return them (alphabetical elements, defaults filled, no consumer secret).
 *
 * `*` covers the org's own (unmanaged) components of a type; components of installed managed packages come back
 * only when named explicitly or through `packageNames`, as in a real org. For Settings, `*` covers every settings
 * type the emulator serves.
 */
import type { StoredComponent } from '../../store/state.js';
import type { EmulatorServices } from '../../services.js';
import { serializeComponent } from '../codec.js';
import { COMPONENT_TYPES, SETTINGS, SETTINGS_TYPES, type TypeSpec } from '../schema.js';
import { writeManifest, type Manifest } from '../manifest.js';
import { presented, unreturned } from '../shape.js';
import { fileProperties, type FileProps } from '../fileProperties.js';
import { SECRET_TYPES } from '../deploy/plan.js';
import * as errors from '../errors.js';

export type RetrievedFile = { path: string; content: string; props: FileProps };
export type RetrieveMessage = { fileName: string; problem: string };
export type Retrieved = { files: RetrievedFile[]; messages: RetrieveMessage[] };

type Member = { type: string; fullName: string; spec: TypeSpec; component?: StoredComponent };

export type RetrieveRequest = {
  manifest?: Manifest;
  packageNames: string[];
  singlePackage: boolean;
  apiVersion: number;
};

export function resolveRetrieve(services: EmulatorServices, request: RetrieveRequest): Retrieved {
  const out: Retrieved = { files: [], messages: [] };
  if (request.manifest) {
    const prefix = request.singlePackage ? '' : 'unpackaged/';
    const members = resolveMembers(services, request.manifest, prefix, out.messages);
    addPackage(services, out, prefix, request.manifest, members, request.apiVersion);
  }
  for (const name of request.packageNames) {
    const pkg = services.store.state.packages.find((p) => p.name === name);
    if (!pkg) {
      out.messages.push({ fileName: `${name}/package.xml`, problem: errors.entityNotFound('Package', name) });
      continue;
    }
    const members: Member[] = [];
    for (const spec of Object.values(COMPONENT_TYPES)) {
      for (const c of services.store.components(spec.name)) {
        if (c.namespacePrefix === pkg.namespace)
          members.push({ type: spec.name, fullName: c.fullName, spec, component: c });
      }
    }
    const manifest: Manifest = { types: groupTypes(members), version: String(request.apiVersion.toFixed(1)) };
    addPackage(services, out, `${name}/`, manifest, members, request.apiVersion);
  }
  return out;
}

function groupTypes(members: Member[]): Manifest['types'] {
  const byType = new Map<string, string[]>();
  for (const m of members) byType.set(m.type, [...(byType.get(m.type) ?? []), m.fullName]);
  return [...byType].map(([name, names]) => ({ name, members: names.sort() }));
}

function addPackage(
  services: EmulatorServices,
  out: Retrieved,
  prefix: string,
  manifest: Manifest,
  members: Member[],
  apiVersion: number,
): void {
  const { store } = services;
  const manifestPath = `${prefix}package.xml`;
  out.files.push({
    path: manifestPath,
    content: writeManifest(manifest),
    props: fileProperties(store, 'Package', manifestPath, manifestPath),
  });
  for (const m of members) {
    const path = `${prefix}${m.spec.directory}/${m.fullName}.${m.spec.suffix}`;
    const value = presented(m.component?.value ?? {}, m.spec, apiVersion);
    for (const name of unreturned(services.behaviours, m.type)) delete value[name];
    out.files.push({
      path,
      content: serializeComponent(m.spec.name, value, m.spec.writeOnly),
      props: fileProperties(
        store,
        m.type,
        m.fullName,
        path,
        m.component,
        services.behaviours.listMetadataDates === 'frozen',
      ),
    });
  }
}

function resolveMembers(
  services: EmulatorServices,
  manifest: Manifest,
  prefix: string,
  messages: RetrieveMessage[],
): Member[] {
  const { store } = services;
  const manifestPath = `${prefix}package.xml`;
  const members: Member[] = [];
  const seen = new Set<string>();
  const add = (m: Member): void => {
    const key = `${m.type}#${m.fullName}`;
    if (!seen.has(key)) members.push(m);
    seen.add(key);
  };
  for (const t of manifest.types) {
    if (t.name === SETTINGS) {
      const names = t.members.includes('*') ? Object.keys(SETTINGS_TYPES) : t.members;
      for (const name of names) {
        const spec = SETTINGS_TYPES[name];
        if (!spec) messages.push({ fileName: manifestPath, problem: errors.entityNotFound(SETTINGS, name) });
        else add({ type: SETTINGS, fullName: name, spec, component: store.component(SETTINGS, name) });
      }
      continue;
    }
    const spec = COMPONENT_TYPES[t.name];
    if (!spec) {
      for (const name of t.members)
        messages.push({ fileName: manifestPath, problem: errors.entityNotFound(t.name, name) });
      continue;
    }
    if (SECRET_TYPES.has(t.name) && !store.state.permissions.consumerSecretsViaMetadata) {
      messages.push({ fileName: manifestPath, problem: errors.consumerSecretPermission(t.name) });
      continue;
    }
    for (const name of t.members) {
      if (name === '*') {
        for (const c of store.components(t.name)) {
          if (c.manageableState !== 'installed') add({ type: t.name, fullName: c.fullName, spec, component: c });
        }
        continue;
      }
      const component = store.component(t.name, name);
      if (component) add({ type: t.name, fullName: name, spec, component });
      else messages.push({ fileName: manifestPath, problem: errors.entityNotFound(t.name, name) });
    }
  }
  return members.sort((a, b) =>
    a.type === b.type ? a.fullName.localeCompare(b.fullName) : a.type.localeCompare(b.type),
  );
}
