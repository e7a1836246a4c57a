/*
 * In-process rollouts against a real emulator: an sf authorization saved in the test HOME (so @salesforce/core can
 * refresh an expired session, as the CLI does), private journal, backup and results folders per test, and the consumer
 * secrets of the confidential apps in a private environment.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Lifecycle, Org } from '@salesforce/core';
import type { OrgEmulator } from '../../src/emulator/server.js';
import { saveCliAuthorization } from '../../src/emulator/sf-auth.js';
import { secretEnvName } from '../../src/oauth/secret.js';
import type { RolloutContext } from '../../src/rollout/run.js';

Lifecycle.getInstance().onWarning(() => Promise.resolve());

export const CONFIDENTIAL = [
  'Partner_Portal_Sync',
  'Data_Loader_Legacy',
  'Reporting_Portal',
  'Billing_Integration',
  'Support_Console',
];

/** Fresh SF_OAUTH_{ROLLOUT,BACKUP,RESULTS}_DIR folders, set in process.env (the core reads them from there). */
export function privateDirs(): { rollouts: string; backups: string; results: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'sf-oauth-rollout-'));
  const dirs = {
    rollouts: path.join(base, 'rollouts'),
    backups: path.join(base, 'backups'),
    results: path.join(base, 'results'),
  };
  process.env.SF_OAUTH_ROLLOUT_DIR = dirs.rollouts;
  process.env.SF_OAUTH_BACKUP_DIR = dirs.backups;
  process.env.SF_OAUTH_RESULTS_DIR = dirs.results;
  return dirs;
}

export function secretsEnv(emulator: OrgEmulator, apps = CONFIDENTIAL): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const app of apps) env[secretEnvName(app)] = emulator.consumerSecret(app);
  return env;
}

export async function rolloutContext(
  emulator: OrgEmulator,
  env: NodeJS.ProcessEnv,
  alias = 'emu',
): Promise<RolloutContext & { org: Org }> {
  await saveCliAuthorization(emulator, alias);
  const org = await Org.create({ aliasOrUsername: alias });
  const conn = org.getConnection();
  return {
    org,
    conn,
    orgId: org.getOrgId(),
    username: org.getUsername() ?? '',
    instanceUrl: conn.instanceUrl,
    accessToken: async (): Promise<string> => {
      await org.refreshAuth().catch(() => undefined);
      return org.getConnection().accessToken ?? '';
    },
    env,
    retryDelayMs: 20,
    pollMs: 20,
    timeoutMs: 20_000,
  };
}

/**
 * What an admin does once before a rollout: approve the self-authorized apps for the user the smoke tests sign in as
 * (on Salesforce: approve each app once in a browser, or pre-authorize it for the admin's profile).
 */
export function approveForAdmin(emulator: OrgEmulator): void {
  const admin = emulator.store.state.users.find((u) => u.username.startsWith('admin@'));
  if (!admin) throw new Error('no admin user in the seed');
  for (const c of [
    ...emulator.store.components('ConnectedApp'),
    ...emulator.store.components('ExtlClntAppGlobalOauthSettings'),
  ]) {
    const value = c.value as { oauthConfig?: { consumerKey?: unknown }; consumerKey?: unknown };
    const key = value.oauthConfig?.consumerKey ?? value.consumerKey;
    if (typeof key === 'string' && key) emulator.store.approve(admin.id, key);
  }
}

export const WAIVE_VENDORS = `
waive:
  - app: mcconn__Marketing_Cloud_Connector
    reason: Northwind confirmed their client sends PKCE (S256) since version 5
  - app: ptnrx__Partner_Analytics
    reason: Contoso confirmed their client sends PKCE (S256) since version 2
`;

/** The org's PKCE / RTR flags per app, read from the emulator's store (the truth the journal must agree with). */
export function orgFlags(emulator: OrgEmulator): Map<string, { pkce: boolean; rtr: boolean }> {
  const out = new Map<string, { pkce: boolean; rtr: boolean }>();
  for (const c of emulator.store.components('ConnectedApp')) {
    const o = (c.value as { oauthConfig?: Record<string, unknown> }).oauthConfig;
    if (o)
      out.set(c.fullName, {
        pkce: String(o.isPkceRequired) === 'true',
        rtr: String(o.isRefreshTokenRotationEnabled) === 'true',
      });
  }
  for (const c of emulator.store.components('ExtlClntAppGlobalOauthSettings')) {
    const v = c.value as Record<string, unknown>;
    out.set(String(v.externalClientApplication), {
      pkce: String(v.isPkceRequired) === 'true',
      rtr: String(v.isRefreshTokenRotationEnabled) === 'true',
    });
  }
  return out;
}

export function orgRequiresPkce(emulator: OrgEmulator): boolean {
  const s = emulator.store.components('Settings').find((c) => c.fullName === 'OauthOidc');
  return String((s?.value as Record<string, unknown> | undefined)?.isPkceRequired) === 'true';
}
