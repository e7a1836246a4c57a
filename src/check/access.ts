/*
 * Access checks: what this user may do in this org. The API version (rotation needs 60.0 or later), reading each metadata
 * type the plugin uses, deploying them (the user permissions the Metadata API asks for), and reading ECA global OAuth
 * settings (consumer keys). Read-only: lists and queries, never a deploy.
 */
import type { Connection } from '@salesforce/core';
import { NOTES } from '../apps/readiness.js';
import type { CheckItem } from './model.js';

/** `isRefreshTokenRotationEnabled` exists from API 60.0 on (ConnectedAppOauthConfig, ExtlClntAppGlobalOauthSettings). */
export const ROTATION_API_VERSION = 60;

/**
 * The metadata types the plugin lists, reads and deploys (inventory, toggles, backups, restore). The OAuth and OpenID
 * Connect Settings (Require PKCE) are a `Settings` member that is retrieved by name, not listed (a real org's describe
 * has no listable `Settings` type): `answers.org-oauth-settings` says whether it came back.
 */
export const METADATA_TYPES = [
  'ConnectedApp',
  'ExternalClientApplication',
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
] as const;

/**
 * User permissions that let a user deploy these types through the Metadata API: "Modify Metadata Through Metadata API
 * Functions" or "Modify All Data", plus "Customize Application" (Metadata API Developer Guide, "Metadata API Edit
 * Access" and "Modify Metadata Through Metadata API Functions Permission"; behaviours row permissions.metadata-deploy).
 */
export const DEPLOY_PERMISSIONS = [
  'PermissionsModifyAllData',
  'PermissionsModifyMetadata',
  'PermissionsCustomizeApplication',
] as const;

export const errorCode = (e: unknown): string => {
  const o = e as { errorCode?: string; name?: string; message?: string } | undefined;
  const code = o?.errorCode ?? (o?.name && o.name !== 'Error' ? o.name : undefined);
  const message = (o?.message ?? String(e)).split('\n')[0];
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
};

/** The org's newest API version from GET /services/data, or null when it did not say. */
export async function latestApiVersion(conn: Connection): Promise<string | null> {
  try {
    const versions = await conn.request<Array<{ version: string }>>(`${conn.instanceUrl}/services/data`);
    const numbers = (Array.isArray(versions) ? versions : [])
      .map((v) => Number(v.version))
      .filter((n) => Number.isFinite(n));
    return numbers.length ? Math.max(...numbers).toFixed(1) : null;
  } catch {
    return null;
  }
}

export function apiVersionCheck(sessionVersion: string, latest: string | null): CheckItem {
  const base = { id: 'access.api-version', group: 'access' as const, title: 'API version' };
  if (latest !== null && Number(latest) < ROTATION_API_VERSION) {
    return {
      ...base,
      status: 'fail',
      detail: `The org offers API ${latest} at most; refresh token rotation needs ${ROTATION_API_VERSION}.0 or later.`,
      action:
        'This org cannot take rotation settings through the Metadata API yet; wait for its next Salesforce release.',
    };
  }
  if (Number(sessionVersion) < ROTATION_API_VERSION) {
    return {
      ...base,
      status: 'fail',
      detail: `This session uses API ${sessionVersion}; refresh token rotation needs ${ROTATION_API_VERSION}.0 or later${latest ? ` (the org offers ${latest})` : ''}.`,
      action: `Run with --api-version ${latest ?? `${ROTATION_API_VERSION}.0`}, or unset the org-api-version config (sf config unset org-api-version).`,
    };
  }
  return {
    ...base,
    status: 'pass',
    detail: `API ${sessionVersion}${latest ? ` (the org offers up to ${latest})` : ''}.`,
  };
}

/** One listMetadata per type, side by side: the types this user cannot read. */
export async function metadataReadCheck(conn: Connection): Promise<CheckItem> {
  const outcomes = await Promise.all(
    METADATA_TYPES.map(async (type) => {
      try {
        await conn.metadata.list([{ type }]);
        return undefined;
      } catch (e) {
        return `${type} (${errorCode(e)})`;
      }
    }),
  );
  const refused = outcomes.filter((o): o is string => o !== undefined);
  const base = { id: 'access.metadata-read', group: 'access' as const, title: 'Read the metadata types we use' };
  if (!refused.length) return { ...base, status: 'pass', detail: `Listed ${METADATA_TYPES.join(', ')}.` };
  return {
    ...base,
    status: 'fail',
    detail: `The org refused: ${refused.join('; ')}.`,
    action:
      'Ask an admin for "View Setup and Configuration" and "Customize Application", or run as a user who has them.',
  };
}

type UserRow = { Id?: string; ProfileId?: string | null };
type PermissionRow = Partial<Record<(typeof DEPLOY_PERMISSIONS)[number], boolean | null>>;

/** This session's user id: from the auth info, else by user name. */
export async function currentUserId(conn: Connection): Promise<string | null> {
  const fromAuth = conn.getAuthInfoFields().userId;
  if (fromAuth) return fromAuth;
  const username = conn.getUsername();
  if (!username) return null;
  const result = await conn.query<UserRow>(
    `SELECT Id FROM User WHERE Username = '${username.replace(/['\\]/g, '\\$&')}'`,
  );
  return result.records[0]?.Id ?? null;
}

/** Whether the user holds the permissions a deploy of these types needs: profile and permission sets, two queries. */
export async function metadataDeployCheck(conn: Connection, userId: string | null): Promise<CheckItem> {
  const base = { id: 'access.metadata-deploy', group: 'access' as const, title: 'Deploy the metadata types we use' };
  if (!userId)
    return {
      ...base,
      status: 'warn',
      detail: 'The user of this session could not be identified.',
      action: 'Validate first: sf oauth pkce enable --dry-run (a check-only deploy).',
    };
  const fields = DEPLOY_PERMISSIONS.join(', ');
  try {
    const user = (await conn.query<UserRow>(`SELECT Id, ProfileId FROM User WHERE Id = '${userId}'`)).records[0];
    const rows: PermissionRow[] = [];
    if (user?.ProfileId)
      rows.push(
        ...(await conn.query<PermissionRow>(`SELECT ${fields} FROM Profile WHERE Id = '${user.ProfileId}'`)).records,
      );
    const sets = await conn.query<{ PermissionSet?: PermissionRow | null }>(
      `SELECT ${DEPLOY_PERMISSIONS.map((p) => `PermissionSet.${p}`).join(', ')} FROM PermissionSetAssignment WHERE AssigneeId = '${userId}'`,
    );
    rows.push(...sets.records.map((r) => r.PermissionSet ?? {}));
    const has = (p: (typeof DEPLOY_PERMISSIONS)[number]): boolean => rows.some((r) => r[p] === true);
    const modify = has('PermissionsModifyAllData') || has('PermissionsModifyMetadata');
    const customize = has('PermissionsCustomizeApplication') || has('PermissionsModifyAllData');
    if (modify && customize)
      return {
        ...base,
        status: 'pass',
        detail: 'The user may deploy them (Modify Metadata or Modify All Data, and Customize Application).',
      };
    const missing = [
      ...(modify ? [] : ['"Modify Metadata Through Metadata API Functions" (or "Modify All Data")']),
      ...(customize ? [] : ['"Customize Application"']),
    ];
    return {
      ...base,
      status: 'fail',
      detail: `The user lacks ${missing.join(' and ')}: toggles, restores and rollouts would be refused.`,
      action: 'Ask an admin for the missing permissions (a permission set), or run as a user who has them.',
    };
  } catch (e) {
    return {
      ...base,
      status: 'warn',
      detail: `The user's permissions could not be read (${errorCode(e)}).`,
      action:
        'Validate first: sf oauth pkce enable --dry-run (a check-only deploy) tells whether a deploy would be accepted.',
    };
  }
}

/** ECAs whose global OAuth settings (consumer key, PKCE and rotation flags) the org did not return. */
export function ecaSettingsCheck(unreadable: readonly string[], ecaCount: number): CheckItem {
  const base = {
    id: 'access.eca-global-settings',
    group: 'access' as const,
    title: 'Read ECA global OAuth settings (consumer keys)',
  };
  if (!ecaCount) return { ...base, status: 'pass', detail: 'The org has no External Client Apps.' };
  if (!unreadable.length)
    return { ...base, status: 'pass', detail: `Read for all ${ecaCount} External Client App(s).` };
  return {
    ...base,
    status: 'fail',
    detail: `Not returned for ${unreadable.length} of ${ecaCount} External Client App(s): ${unreadable.slice(0, 10).join(', ')}${unreadable.length > 10 ? ', ...' : ''}.`,
    action: `${NOTES.unreadable.replace(/^OAuth settings unreadable: needs/, 'Turn on')}.`,
  };
}
