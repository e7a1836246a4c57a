/*
 * Turns a deploy zip into per-component outcomes: a success with the changes it would make, or a failure with
 * Salesforce's message. Nothing here touches the org; apply.ts makes the changes once the job completes, so a deploy
 * either lands whole at one moment or (rollbackOnError=false) lands its successes at one moment.
 */
import type { MdObject } from '../../store/state.js';
import type { EmulatorServices } from '../../services.js';
import { child, parseMetadataXml, text, validateComponent } from '../codec.js';
import { namespaceOf } from '../../store/store.js';
import { COMPONENT_TYPES, SETTINGS, SETTINGS_TYPES, typeBySuffix, type TypeSpec } from '../schema.js';
import { apiVersionOf, parseManifest, type Manifest } from '../manifest.js';
import { secretOf, withDeepDefaults, withoutSecrets } from '../shape.js';
import * as errors from '../errors.js';
import type { DeployFiles } from './zip.js';
import { checkConsumerKey, checkSecret, consumerKeyIndex, keyOwner, newConsumerKey, type KeyIndex } from './keys.js';

export type DeployMessage = {
  componentType: string;
  fullName: string;
  fileName: string;
  changed: boolean;
  created: boolean;
  deleted: boolean;
  success: boolean;
  problem?: string;
  problemType?: 'Error' | 'Warning';
  id?: string;
};

export type Change =
  | { kind: 'put'; type: string; fullName: string; value: MdObject; secret?: { key: string; value: string } }
  | { kind: 'delete'; type: string; fullName: string };

export type Outcome = { message: DeployMessage; changes: Change[] };

export type Plan = { manifestFile: string; outcomes: Outcome[] };

/** Types whose deploy and retrieve need the consumer-secret permissions. */
export const SECRET_TYPES = new Set(['ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings']);

const ECA = 'ExternalClientApplication';
const DESTRUCTIVE = ['destructiveChangesPre.xml', 'destructiveChanges.xml', 'destructiveChangesPost.xml'];

type Entry = { type: string; fullName: string; fileName: string; spec: TypeSpec; xml: string };

type Context = {
  services: EmulatorServices;
  apiVersion: number;
  keys: KeyIndex;
  /** ECA names deployed successfully so far in this deploy. */
  deployedApps: Set<string>;
};

export function planDeploy(services: EmulatorServices, zip: DeployFiles, endpointVersion: number): Plan {
  const manifestFile = `${zip.root}package.xml`;
  const manifestXml = zip.files.get(manifestFile);
  if (manifestXml === undefined)
    return { manifestFile, outcomes: [fail('', 'package.xml', manifestFile, errors.NO_PACKAGE_XML)] };
  let manifest: Manifest;
  try {
    manifest = parseManifest(manifestXml);
  } catch (e) {
    return { manifestFile, outcomes: [fail('', 'package.xml', manifestFile, (e as Error).message)] };
  }
  const ctx: Context = {
    services,
    apiVersion: apiVersionOf(manifest.version) ?? endpointVersion,
    keys: consumerKeyIndex(services.store),
    deployedApps: new Set(),
  };
  const outcomes: Outcome[] = [];
  const deleting = new Set<string>();
  for (const name of DESTRUCTIVE) {
    const xml = zip.files.get(`${zip.root}${name}`);
    if (xml === undefined) continue;
    try {
      for (const t of parseManifest(xml).types) for (const m of t.members) deleting.add(`${t.name}#${m}`);
    } catch {
      // Reported by planDeletes.
    }
  }
  const entries = collectEntries(zip, manifest, manifestFile, outcomes, deleting);
  // Headers first: sub-components may reference an app created by the same deploy.
  entries.sort((a, b) => Number(b.type === ECA) - Number(a.type === ECA));
  for (const entry of entries) outcomes.push(planComponent(ctx, entry));
  addGeneratedPolicies(ctx, outcomes);
  for (const name of DESTRUCTIVE) {
    const xml = zip.files.get(`${zip.root}${name}`);
    if (xml !== undefined) outcomes.push(...planDeletes(ctx, xml, `${zip.root}${name}`));
  }
  return { manifestFile, outcomes };
}

function fail(
  type: string,
  fullName: string,
  fileName: string,
  problem: string,
  problemType: 'Error' | 'Warning' = 'Error',
): Outcome {
  return {
    message: {
      componentType: type,
      fullName,
      fileName,
      changed: false,
      created: false,
      deleted: false,
      success: false,
      problem,
      problemType,
    },
    changes: [],
  };
}

/** The files package.xml selects, with a failure for each file or member that cannot be deployed. */
function collectEntries(
  zip: DeployFiles,
  manifest: Manifest,
  manifestFile: string,
  outcomes: Outcome[],
  deleting: Set<string>,
): Entry[] {
  const wanted = new Map<string, Set<string> | '*'>();
  for (const t of manifest.types) {
    const known = t.name === SETTINGS || COMPONENT_TYPES[t.name] !== undefined;
    if (!known) {
      for (const m of t.members) outcomes.push(fail(t.name, m, manifestFile, errors.unknownTypeInPackage(t.name)));
      continue;
    }
    const previous = wanted.get(t.name);
    if (t.members.includes('*') || previous === '*') wanted.set(t.name, '*');
    else wanted.set(t.name, new Set([...(previous ?? []), ...t.members]));
  }
  const entries: Entry[] = [];
  for (const [fileName, xml] of zip.files) {
    if (!fileName.startsWith(zip.root)) continue;
    const rel = fileName.slice(zip.root.length);
    if (rel === 'package.xml' || DESTRUCTIVE.includes(rel)) continue;
    const located = locate(rel);
    if (!located) {
      outcomes.push(fail('', rel, fileName, errors.unsupportedFile(fileName)));
      continue;
    }
    const members = wanted.get(located.type);
    // Files that package.xml does not name are not deployed, as in a real org.
    if (!members || (members !== '*' && !members.has(located.fullName))) continue;
    entries.push({ ...located, fileName, xml });
  }
  for (const [type, members] of wanted) {
    if (members === '*') continue;
    for (const m of members) {
      // A member that destructiveChanges deletes needs no file (SDR lists it in package.xml too).
      if (deleting.has(`${type}#${m}`)) continue;
      if (!entries.some((e) => e.type === type && e.fullName === m))
        outcomes.push(fail(type, m, manifestFile, errors.memberWithoutFile(type, m)));
    }
  }
  return entries;
}

/** The type of an mdapi path `dir/Name.suffix`. */
function locate(rel: string): { type: string; fullName: string; spec: TypeSpec } | undefined {
  const m = /^([^/]+)\/([^/]+)\.([^./]+)$/.exec(rel);
  if (!m) return undefined;
  const [, dir, fullName, suffix] = m;
  if (dir === 'settings' && suffix === 'settings') {
    const spec = SETTINGS_TYPES[fullName];
    return spec ? { type: SETTINGS, fullName, spec } : undefined;
  }
  const spec = typeBySuffix(suffix);
  return spec?.directory === dir ? { type: spec.name, fullName, spec } : undefined;
}

function planComponent(ctx: Context, entry: Entry): Outcome {
  const { type, fullName, fileName, spec } = entry;
  // Settings messages carry the settings type (`OauthOidcSettings`); SDR maps `*Settings` + `.settings` to Settings.
  const componentType = type === SETTINGS ? spec.name : type;
  const failed = (problem: string): Outcome => fail(componentType, fullName, fileName, problem);
  const { store } = ctx.services;
  const existing = store.component(type, fullName);

  if (
    existing?.manageableState === 'installed' ||
    isInstalledNamespace(ctx, existing?.namespacePrefix ?? namespaceOf(fullName))
  ) {
    return failed(
      errors.managedComponent(componentType, fullName, existing?.namespacePrefix ?? namespaceOf(fullName) ?? ''),
    );
  }
  if (SECRET_TYPES.has(type) && !store.state.permissions.consumerSecretsViaMetadata)
    return failed(errors.consumerSecretPermission(type));

  let parsed: { root: string; value: MdObject };
  try {
    parsed = parseMetadataXml(entry.xml);
  } catch (e) {
    return failed((e as Error).message);
  }
  if (parsed.root !== spec.name) return failed(errors.wrongRoot(parsed.root, spec.name));
  const { value, problems } = validateComponent(parsed.value, spec, ctx.apiVersion);
  if (problems.length) return failed(problems[0].problem);

  const app = text(value.externalClientApplication);
  if (type !== ECA && type in COMPONENT_TYPES && type.startsWith('ExtlClntApp')) {
    if (!app || (!store.component(ECA, app) && !ctx.deployedApps.has(app)))
      return failed(errors.missingExternalClientApp(type, app));
  }

  const secret = secretOf(value);
  let stored: MdObject;
  let change: Change;
  if (type === SETTINGS) {
    // Settings merge: an org always has its settings, and a settings file usually carries only the switches it
    // means to change, so only the elements sent replace the stored ones (components, by contrast, are replaced whole).
    stored = { ...(existing?.value ?? {}), ...value };
    change = { kind: 'put', type, fullName, value: stored };
  } else {
    stored = withDeepDefaults(withoutSecrets(value), spec.fields, ctx.apiVersion);
    const keyed = withConsumerKey(ctx, type, fullName, stored, existing?.value, app);
    if (typeof keyed === 'string') return failed(keyed);
    stored = keyed.value;
    change = { kind: 'put', type, fullName, value: stored };
    if (secret !== undefined && keyed.key) {
      const problem = checkSecret(store, keyed.key, secret);
      if (problem) return failed(problem);
      change.secret = { key: keyed.key, value: secret };
    }
  }
  if (type === ECA) ctx.deployedApps.add(fullName);
  const changed = existing ? JSON.stringify(existing.value) !== JSON.stringify(stored) : false;
  return {
    message: { componentType, fullName, fileName, changed, created: !existing, deleted: false, success: true },
    changes: [change],
  };
}

/**
 * Consumer key rules: kept when an update omits it, generated when a create omits it, never changed, never shared.
 * Returns the value with its key, or a problem.
 */
function withConsumerKey(
  ctx: Context,
  type: string,
  fullName: string,
  value: MdObject,
  previous: MdObject | undefined,
  app: string,
): { value: MdObject; key?: string } | string {
  const owner = keyOwner(type, fullName, app);
  if (type === 'ConnectedApp') {
    const config = value.oauthConfig;
    if (!config || typeof config !== 'object' || Array.isArray(config)) return { value };
    // Salesforce refuses any consumer key on an existing Connected App, even its own unchanged one.
    if (previous && text(config.consumerKey)) return errors.CONSUMER_KEY_PROVIDED;
    const resolved = resolveKey(
      ctx,
      text(config.consumerKey),
      text(child(previous?.oauthConfig).consumerKey),
      owner,
      fullName,
    );
    if ('problem' in resolved) return resolved.problem;
    return { value: { ...value, oauthConfig: { ...config, consumerKey: resolved.key } }, key: resolved.key };
  }
  if (type !== 'ExtlClntAppGlobalOauthSettings') return { value };
  const resolved = resolveKey(ctx, text(value.consumerKey), text(previous?.consumerKey), owner, app);
  if ('problem' in resolved) return resolved.problem;
  return { value: { ...value, consumerKey: resolved.key, ...pkceLock(ctx, value, previous) }, key: resolved.key };
}

/**
 * Behaviour `ecaPkceLock=on`: some orgs keep an ECA's `isPkceRequired` on once it is on, whatever a deploy says; the
 * deploy still succeeds and a read-back shows true.
 */
function pkceLock(ctx: Context, value: MdObject, previous: MdObject | undefined): MdObject {
  if (ctx.services.behaviours.ecaPkceLock !== 'on' || text(previous?.isPkceRequired) !== 'true') return {};
  return text(value.isPkceRequired) === 'true' ? {} : { isPkceRequired: 'true' };
}

function resolveKey(
  ctx: Context,
  sent: string,
  before: string,
  owner: string,
  appName: string,
): { key: string } | { problem: string } {
  if (before && sent && sent !== before) return { problem: errors.CONSUMER_KEY_IMMUTABLE };
  const key = sent || before || newConsumerKey(ctx.services.store, ctx.keys, appName);
  const problem = checkConsumerKey(ctx.keys, key, owner);
  if (problem) return { problem };
  ctx.keys.set(key, owner);
  return { key };
}

/** Salesforce generates an app's policies on deploy; the emulator does so when a new app arrives without them. */
function addGeneratedPolicies(ctx: Context, outcomes: Outcome[]): void {
  const { store } = ctx.services;
  const references = (type: string, app: string): boolean =>
    store.components(type).some((c) => text(c.value.externalClientApplication) === app) ||
    outcomes.some((o) =>
      o.changes.some((c) => c.kind === 'put' && c.type === type && text(c.value.externalClientApplication) === app),
    );
  for (const outcome of outcomes) {
    const { message } = outcome;
    if (!message.success || !message.created || message.componentType !== ECA) continue;
    const app = message.fullName;
    const header = outcome.changes[0]?.kind === 'put' ? outcome.changes[0].value : {};
    const label = text(header.label) || app;
    const hasOauth = outcomes.some(
      (o) =>
        o.message.success &&
        o.changes.some(
          (c) =>
            c.kind === 'put' &&
            c.type === 'ExtlClntAppGlobalOauthSettings' &&
            text(c.value.externalClientApplication) === app,
        ),
    );
    const generate: Array<[string, string, MdObject]> = [
      ['ExtlClntAppOauthConfigurablePolicies', `${app}_oauthPlcy`, { externalClientApplication: app, label }],
      [
        'ExtlClntAppConfigurablePolicies',
        `${app}_plcy`,
        { externalClientApplication: app, label, ...(hasOauth ? { isOauthPluginEnabled: 'true' } : {}) },
      ],
    ];
    for (const [type, fullName, value] of generate) {
      if (references(type, app) || store.component(type, fullName)) continue;
      outcome.changes.push({
        kind: 'put',
        type,
        fullName,
        value: withDeepDefaults(value, COMPONENT_TYPES[type].fields, ctx.apiVersion),
      });
    }
  }
}

function planDeletes(ctx: Context, xml: string, fileName: string): Outcome[] {
  let manifest: Manifest;
  try {
    manifest = parseManifest(xml);
  } catch (e) {
    return [fail('', fileName, fileName, (e as Error).message)];
  }
  const { store } = ctx.services;
  const out: Outcome[] = [];
  for (const t of manifest.types) {
    const spec = COMPONENT_TYPES[t.name];
    for (const fullName of t.members) {
      if (!spec) {
        out.push(fail(t.name, fullName, fileName, errors.unknownTypeInPackage(t.name)));
        continue;
      }
      const path = `${spec.directory}/${fullName}.${spec.suffix}`;
      const existing = store.component(t.name, fullName);
      if (!existing) {
        out.push(fail(t.name, fullName, path, errors.noComponentToDelete(t.name, fullName), 'Warning'));
      } else if (existing.manageableState === 'installed') {
        out.push(
          fail(t.name, fullName, path, errors.managedComponent(t.name, fullName, existing.namespacePrefix ?? '')),
        );
      } else if (SECRET_TYPES.has(t.name) && !store.state.permissions.consumerSecretsViaMetadata) {
        out.push(fail(t.name, fullName, path, errors.consumerSecretPermission(t.name)));
      } else {
        out.push({
          message: {
            componentType: t.name,
            fullName,
            fileName: path,
            changed: false,
            created: false,
            deleted: true,
            success: true,
            id: existing.id,
          },
          changes: [{ kind: 'delete', type: t.name, fullName }],
        });
      }
    }
  }
  return out;
}

/** A namespace that belongs to an installed managed package (its components cannot be created or changed here). */
function isInstalledNamespace(ctx: Context, namespace: string | null): boolean {
  return namespace !== null && ctx.services.store.state.packages.some((p) => p.namespace === namespace);
}
