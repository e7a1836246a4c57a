/*
 * Helpers for the conformance tests: the example clients wired to a test emulator, and the report's verdicts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BadlyBehavedClient, type Flaw } from '../../../examples/badly-behaved-client.js';
import { headlessBrowser } from '../../../examples/headless-browser.js';
import { FileTokenStore } from '../../../examples/token-store.js';
import { WellBehavedClient } from '../../../examples/well-behaved-client.js';
import { oauthClients } from '../../../src/emulator/clients.js';
import type { ConformanceReport, RequirementId, Verdict } from '../../../src/emulator/conformance/requirements.js';
import type { OrgEmulator } from '../../../src/emulator/server.js';

export const ADMIN = 'admin@acme.example.com.uat';
/** Public Connected App, PKCE required, rotation on. */
export const PUBLIC_APP = 'Ops_Dashboard_Local';
/** Public External Client App, PKCE required, rotation on. */
export const PUBLIC_ECA = 'Field_Service_App';
/** Confidential Connected App, PKCE required, rotation off. */
export const CONFIDENTIAL_APP = 'Reporting_Portal';
export const SOQL = 'SELECT Id FROM Organization';

export const browser = headlessBrowser(ADMIN);
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const tempStore = (name = 'tokens.json'): FileTokenStore =>
  new FileTokenStore(path.join(mkdtempSync(path.join(tmpdir(), 'oauth-conformance-')), name));

export type AppInfo = { clientId: string; redirectUri: string; secret?: string; confidential: boolean };

export function appInfo(emu: OrgEmulator, name: string): AppInfo {
  const client = [...oauthClients(emu.store).values()].find((c) => c.appName === name);
  if (!client) throw new Error(`no app ${name}`);
  return {
    clientId: client.clientId,
    redirectUri: client.callbackUrls[0],
    secret: emu.consumerSecret(name),
    confidential: !(client.consumerSecretOptional && !client.secretRequiredForRefresh),
  };
}

export function goodClient(emu: OrgEmulator, name: string, store = tempStore()): WellBehavedClient {
  const a = appInfo(emu, name);
  return new WellBehavedClient({
    loginUrl: emu.url,
    clientId: a.clientId,
    redirectUri: a.redirectUri,
    clientSecret: a.confidential ? a.secret : undefined,
    store,
  });
}

export function badClient(emu: OrgEmulator, name: string, flaws: Flaw[], store = tempStore()): BadlyBehavedClient {
  const a = appInfo(emu, name);
  return new BadlyBehavedClient({
    loginUrl: emu.url,
    clientId: a.clientId,
    redirectUri: a.redirectUri,
    clientSecret: a.secret,
    confidential: a.confidential,
    store,
    flaws,
  });
}

/** Login, a call, a refresh, a pause longer than the race window, another refresh and call; stops at the first error. */
export async function ordinaryDay(
  client: WellBehavedClient | BadlyBehavedClient,
  pauseMs = 150,
): Promise<Error | undefined> {
  try {
    await client.login(browser);
    await client.query(SOQL);
    await client.refresh();
    await sleep(pauseMs);
    await client.refresh();
    await client.query(SOQL);
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

export function verdicts(report: ConformanceReport, appName: string): Record<RequirementId, Verdict> {
  const client = report.clients.find((c) => c.appName === appName);
  if (!client) throw new Error(`no activity of ${appName} in the report`);
  return Object.fromEntries(client.requirements.map((r) => [r.id, r.verdict])) as Record<RequirementId, Verdict>;
}

export const failing = (report: ConformanceReport, appName: string): string[] =>
  Object.entries(verdicts(report, appName))
    .filter(([, v]) => v === 'fail')
    .map(([id]) => id);

export const passing = (report: ConformanceReport, appName: string): string[] =>
  Object.entries(verdicts(report, appName))
    .filter(([, v]) => v === 'pass')
    .map(([id]) => id);

export const advised = (report: ConformanceReport, appName: string): string[] =>
  Object.entries(verdicts(report, appName))
    .filter(([, v]) => v === 'advice')
    .map(([id]) => id);
