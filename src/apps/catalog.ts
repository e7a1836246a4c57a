/*
 * The org's OAuth apps as metadata: every Connected App and External Client App with the files that hold its settings,
 * read with a constant number of API calls whatever the number of apps: two listMetadata calls (three types each, which
 * also reveal managed-package components that a `*` retrieve leaves out) and one retrieve of all members by name.
 */
import type { Connection } from '@salesforce/core';
import { XMLParser } from 'fast-xml-parser';
import { retrieveMembers, type MemberSpec, type RetrievedFile, type RetrieveOutcome } from '../metadata/retrieve.js';
import { retrieveZip } from '../metadata/zip-retrieve.js';

export type AppKind = 'ConnectedApp' | 'ExternalClientApplication';

/** The ECA component types that carry an `externalClientApplication` link to their app. */
export const ECA_PART_TYPES = [
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
] as const;

export type EcaPartType = (typeof ECA_PART_TYPES)[number];

export type CatalogApp = {
  name: string;
  kind: AppKind;
  namespacePrefix: string | null;
  /** ConnectedApp file, or ExternalClientApplication header file. */
  header: RetrievedFile;
  /** ECA parts by type (absent for Connected Apps). */
  parts: Partial<Record<EcaPartType, RetrievedFile>>;
};

export type Catalog = {
  apps: CatalogApp[];
  /** OauthOidc settings file, when the org returned it. */
  oauthSettings?: RetrievedFile;
  messages: string[];
  /** Developer names of every Connected App and ECA the org lists (also those not retrieved), to suggest close matches. */
  listedApps?: string[];
};

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, removeNSPrefix: true });

type FileProps = { fullName: string; type: string; namespacePrefix?: string; lastModifiedDate?: string };

/**
 * Files one run has already retrieved, each under its type, name and the `lastModifiedDate` listMetadata gave when it
 * was read. A later catalog of the same run retrieves only what listMetadata shows as changed since (or not read yet):
 * listMetadata is called every time, so a component changed by anyone in between is read again. FileProperties
 * .lastModifiedDate is the component's last change (Metadata API Developer Guide, FileProperties).
 * Defences, for an org whose dates do not move (behaviour listMetadataDates=frozen): a missing or epoch date is never
 * trusted; what this run deploys is forgotten (`forget`), so its own changes are always read again; and a component
 * this run surely changed (`changed`) that lists the same date as before turns the cache off for the rest of the run.
 * Keep one per run (a rollout's), in memory only.
 */
export class RetrieveCache {
  /** Members served from the cache and retrieved (read by the tests that pin the cache). */
  public readonly counts = { hits: 0, misses: 0 };
  private readonly files = new Map<string, { key: string; file: RetrievedFile }>();
  private readonly watched = new Map<string, string>();
  private trusted = true;

  /** False once the org showed that its dates do not follow changes: every later catalog is retrieved in full. */
  public get enabled(): boolean {
    return this.trusted;
  }

  private static key(p: FileProps): string | undefined {
    const when = p.lastModifiedDate ? Date.parse(p.lastModifiedDate) : NaN;
    return Number.isFinite(when) && when > 0 ? String(when) : undefined;
  }

  public get(p: FileProps): RetrievedFile | undefined {
    const name = `${p.type}:${p.fullName}`;
    const key = RetrieveCache.key(p);
    const before = this.watched.get(name);
    if (before !== undefined) {
      this.watched.delete(name);
      if (key === before) this.distrust();
    }
    const entry = this.trusted && key ? this.files.get(name) : undefined;
    if (entry?.key === key && entry) {
      this.counts.hits++;
      return entry.file;
    }
    this.counts.misses++;
    return undefined;
  }

  public put(p: FileProps, file: RetrievedFile): void {
    const key = RetrieveCache.key(p);
    if (this.trusted && key) this.files.set(`${p.type}:${p.fullName}`, { key, file });
  }

  /** A deploy of this run was sent with this component: what the cache held of it is no longer known to be current. */
  public forget(type: string, fullName: string): void {
    this.files.delete(`${type}:${fullName}`);
  }

  /**
   * This run changed the component (a read-back showed the new value): its date must move. `listedDate` is the date
   * listMetadata gave before the change, when known (else the cached one).
   */
  public changed(type: string, fullName: string, listedDate?: string): void {
    const name = `${type}:${fullName}`;
    const before = listedDate ? RetrieveCache.key({ type, fullName, lastModifiedDate: listedDate }) : this.dateOf(name);
    this.files.delete(name);
    if (before !== undefined) this.watched.set(name, before);
  }

  private dateOf(name: string): string | undefined {
    return this.files.get(name)?.key;
  }

  private distrust(): void {
    this.trusted = false;
    this.files.clear();
  }
}

async function listAll(conn: Connection): Promise<FileProps[]> {
  const groups = [
    ['ConnectedApp', 'ExternalClientApplication', 'ExtlClntAppGlobalOauthSettings'],
    ['ExtlClntAppOauthSettings', 'ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies'],
  ];
  const results = await Promise.all(groups.map((types) => conn.metadata.list(types.map((type) => ({ type })))));
  return results
    .flatMap((r) => (Array.isArray(r) ? r : r ? [r] : []))
    .map((p) => ({
      fullName: p.fullName,
      type: p.type,
      // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- an org without a namespace answers ''
      namespacePrefix: p.namespacePrefix || undefined,
      lastModifiedDate: p.lastModifiedDate || undefined,
    }));
}

/** Reads the `externalClientApplication` element of an ECA part file. */
export function linkedApp(xml: string): string | undefined {
  const doc = parser.parse(xml) as Record<string, Record<string, unknown>>;
  const root = Object.values(doc).find((v) => v && typeof v === 'object');
  const link = root?.externalClientApplication;
  return typeof link === 'string' ? link : undefined;
}

/**
 * How the catalog retrieves the listed members (with their namespace, so a retriever may use `*` for the org's own
 * components). The default reads the retrieve's zip in memory (metadata/zip-retrieve.ts), which skips SDR's conversion
 * and disk writes: about 6 s saved on 5,500 files. `sdrRetriever` goes through SDR instead.
 */
export type CatalogMember = MemberSpec & { namespacePrefix?: string | null; wildcard?: boolean };
export type CatalogRetriever = (conn: Connection, members: CatalogMember[]) => Promise<RetrieveOutcome>;

export type CatalogOptions = {
  retrieve?: CatalogRetriever;
  /**
   * Only these apps (developer names, any case): their components are retrieved by name instead of every app's, so a
   * change to 200 apps of a 1,500-app org does not read all 1,500.
   */
  apps?: string[];
  /** A run's cache of retrieved files: only components listMetadata shows as changed since are retrieved again. */
  cache?: RetrieveCache;
  /** Whether to read the org-wide OAuth settings (Settings:OauthOidc) too (default true; only the inventory uses them). */
  orgSettings?: boolean;
};

export const sdrRetriever: CatalogRetriever = (conn, members) =>
  retrieveMembers(
    conn,
    members.map(({ type, fullName }) => ({ type, fullName })),
  );

/**
 * One retrieve per metadata type, all at once: an org processes retrieve jobs side by side, so the wall time is that of
 * the largest type rather than the sum, and the number of calls still does not grow with the number of apps.
 */
async function retrieveByType(
  conn: Connection,
  members: Array<CatalogMember & { props?: FileProps }>,
  retrieve: CatalogRetriever,
  cache?: RetrieveCache,
): Promise<RetrieveOutcome> {
  const cached: RetrievedFile[] = [];
  const byType = new Map<string, CatalogMember[]>();
  for (const { props, ...m } of members) {
    const hit = props && cache?.get(props);
    if (hit) cached.push(hit);
    else byType.set(m.type, [...(byType.get(m.type) ?? []), m]);
  }
  const outcomes = await Promise.all([...byType.values()].map((group) => retrieve(conn, group)));
  if (cache) {
    const props = new Map(members.flatMap((m) => (m.props ? [[`${m.type}:${m.fullName}`, m.props] as const] : [])));
    for (const file of outcomes.flatMap((o) => o.files)) {
      const p = props.get(`${file.type}:${file.fullName}`);
      if (p) cache.put(p, file);
    }
  }
  return {
    files: [...cached, ...outcomes.flatMap((o) => o.files)],
    messages: outcomes.flatMap((o) => o.messages),
    status: outcomes.find((o) => o.status !== 'Succeeded')?.status ?? 'Succeeded',
  };
}

export async function loadCatalog(conn: Connection, options: CatalogRetriever | CatalogOptions = {}): Promise<Catalog> {
  const {
    retrieve = retrieveZip,
    apps: only,
    cache,
    orgSettings = true,
  } = typeof options === 'function' ? { retrieve: options } : options;
  const listed = await listAll(conn);
  const toMember = (p: FileProps, wildcard: boolean): CatalogMember & { props: FileProps } => ({
    type: p.type,
    fullName: p.fullName,
    namespacePrefix: p.namespacePrefix ?? null,
    // A `*` retrieve reads every member of the type: only when none of them is served from the cache.
    wildcard: wildcard && !cache,
    props: p,
  });
  // The org-wide settings have no listMetadata date here: read each time they are wanted, never cached.
  const settings: CatalogMember[] = orgSettings ? [{ type: 'Settings', fullName: 'OauthOidc' }] : [];
  let retrieved: RetrieveOutcome;
  if (!only) {
    retrieved = await retrieveByType(conn, [...listed.map((p) => toMember(p, true)), ...settings], retrieve, cache);
  } else {
    const wanted = new Set(only.map((n) => n.toLowerCase()));
    const headers = listed.filter(
      (p) =>
        (p.type === 'ConnectedApp' || p.type === 'ExternalClientApplication') && wanted.has(p.fullName.toLowerCase()),
    );
    const ecas = headers.filter((p) => p.type === 'ExternalClientApplication').map((p) => p.fullName.toLowerCase());
    // ECA parts are usually named after their app (`<App>_glbloauth`, `<App>GlblOAuth`); the links are checked below.
    const isPart = (p: FileProps): boolean => (ECA_PART_TYPES as readonly string[]).includes(p.type);
    const parts = listed.filter((p) => isPart(p) && ecas.some((app) => p.fullName.toLowerCase().startsWith(app)));
    retrieved = await retrieveByType(
      conn,
      [...[...headers, ...parts].map((p) => toMember(p, false)), ...settings],
      retrieve,
      cache,
    );
    const linked = new Set(
      retrieved.files
        .filter((f) => f.type === 'ExtlClntAppGlobalOauthSettings')
        .map((f) => (linkedApp(f.xml) ?? '').toLowerCase()),
    );
    if (ecas.some((app) => !linked.has(app))) {
      // Some app's settings have other names: read every remaining part to find them.
      const seen = new Set(parts.map((p) => `${p.type}:${p.fullName}`));
      const rest = listed
        .filter((p) => isPart(p) && !seen.has(`${p.type}:${p.fullName}`))
        .map((p) => toMember(p, false));
      const more = await retrieveByType(conn, rest, retrieve, cache);
      retrieved = {
        files: [...retrieved.files, ...more.files],
        messages: [...retrieved.messages, ...more.messages],
        status: more.status === 'Succeeded' ? retrieved.status : more.status,
      };
    }
  }
  const namespaces = new Map(listed.map((p) => [`${p.type}:${p.fullName}`, p.namespacePrefix ?? null]));

  const apps = new Map<string, CatalogApp>();
  for (const file of retrieved.files) {
    if (file.type !== 'ConnectedApp' && file.type !== 'ExternalClientApplication') continue;
    apps.set(`${file.type}:${file.fullName}`, {
      name: file.fullName,
      kind: file.type,
      namespacePrefix: namespaces.get(`${file.type}:${file.fullName}`) ?? null,
      header: file,
      parts: {},
    });
  }
  for (const file of retrieved.files) {
    if (!(ECA_PART_TYPES as readonly string[]).includes(file.type)) continue;
    const app = apps.get(`ExternalClientApplication:${linkedApp(file.xml) ?? ''}`);
    if (app) app.parts[file.type as EcaPartType] = file;
  }
  return {
    apps: [...apps.values()].sort((a, b) => a.name.localeCompare(b.name)),
    oauthSettings: retrieved.files.find((f) => f.type === 'Settings' && f.fullName === 'OauthOidc'),
    messages: retrieved.messages,
    listedApps: listed
      .filter((p) => p.type === 'ConnectedApp' || p.type === 'ExternalClientApplication')
      .map((p) => p.fullName),
  };
}

/**
 * Where an app's PKCE and rotation flags live: the Connected App's `<oauthConfig>`, or the root of the ECA's global
 * OAuth settings. Undefined when the app has no OAuth settings (a Connected App without oauthConfig, or an ECA whose
 * global settings were not returned, e.g. for lack of permission).
 */
export function flagLocation(app: CatalogApp): { file: RetrievedFile; path: string[] } | undefined {
  if (app.kind === 'ConnectedApp')
    return app.header.xml.includes('<oauthConfig>') ? { file: app.header, path: ['oauthConfig'] } : undefined;
  const global = app.parts.ExtlClntAppGlobalOauthSettings;
  return global ? { file: global, path: [] } : undefined;
}
