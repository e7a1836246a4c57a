/*
 * Who owns the fix for each app: the org itself (org-built), Salesforce (first-party apps), the installed managed
 * package and its publisher (one Tooling query on InstalledSubscriberPackage for all packages), or unknown.
 */
import type { Connection } from '@salesforce/core';
import type { AppOwner } from './model.js';

export type InstalledPackage = { namespace: string; name: string | null; publisher: string | null };

/**
 * Salesforce's own OAuth clients as OauthToken names them. They are not in the org's metadata; Salesforce maintains
 * their settings. Only "Salesforce CLI" is confirmed against the emulator's first-party client; the others are the
 * names Setup shows for Salesforce's packaged apps (UNVERIFIED spellings: an unlisted name falls back to unknown).
 */
export const SALESFORCE_FIRST_PARTY = [
  'Salesforce CLI',
  'Salesforce for iOS',
  'Salesforce for Android',
  'Salesforce Mobile Apps',
  'Salesforce Authenticator',
  'Salesforce Files',
  'Salesforce Chatter',
  'Chatter Desktop',
  'Dataloader Partner',
  'Dataloader Bulk',
  'Ant Migration Tool',
  'Force.com IDE',
  'Salesforce Inbox',
  'Salesforce for Outlook',
] as const;

type PackageRecord = {
  SubscriberPackage?: { NamespacePrefix?: string | null; Name?: string | null } | null;
  SubscriberPackageVersion?: { PublisherName?: string | null } | null;
};

export const PACKAGES_QUERY =
  'SELECT SubscriberPackage.NamespacePrefix, SubscriberPackage.Name, SubscriberPackageVersion.PublisherName FROM InstalledSubscriberPackage';

/** Installed packages by namespace (lower case). */
export async function loadPackages(conn: Connection): Promise<Map<string, InstalledPackage>> {
  const result = await conn.tooling.query<PackageRecord>(PACKAGES_QUERY, { autoFetch: true, maxFetch: 50_000 });
  const out = new Map<string, InstalledPackage>();
  for (const r of result.records) {
    const namespace = r.SubscriberPackage?.NamespacePrefix;
    if (!namespace) continue;
    out.set(namespace.toLowerCase(), {
      namespace,
      name: r.SubscriberPackage?.Name ?? null,
      publisher: r.SubscriberPackageVersion?.PublisherName ?? null,
    });
  }
  return out;
}

/** The owner of an app in the org's metadata. */
export function metadataOwner(
  namespacePrefix: string | null,
  packages: Map<string, InstalledPackage> | undefined,
  orgNamespace: string | null,
): AppOwner {
  if (!namespacePrefix || namespacePrefix.toLowerCase() === orgNamespace?.toLowerCase()) return { type: 'org' };
  const pkg = packages?.get(namespacePrefix.toLowerCase());
  return {
    type: 'package',
    namespace: namespacePrefix,
    ...(pkg?.name ? { packageName: pkg.name } : {}),
    ...(pkg?.publisher ? { publisher: pkg.publisher } : {}),
  };
}

/** The owner of an app seen only in OauthToken. */
export function untrackedOwner(appName: string): AppOwner {
  const firstParty = SALESFORCE_FIRST_PARTY.some((n) => n.toLowerCase() === appName.toLowerCase());
  return firstParty ? { type: 'salesforce', publisher: 'Salesforce' } : { type: 'unknown' };
}

/** One line for tables and CSV: `org`, `Salesforce`, `mcconn (Marketing Cloud Connector, Northwind Software)`, `unknown`. */
export function describeOwner(owner: AppOwner): string {
  switch (owner.type) {
    case 'org':
      return 'org';
    case 'salesforce':
      return 'Salesforce';
    case 'package': {
      const detail = [owner.packageName, owner.publisher].filter(Boolean).join(', ');
      return detail ? `${owner.namespace ?? '?'} (${detail})` : `${owner.namespace ?? '?'} (package)`;
    }
    default:
      return 'unknown';
  }
}
