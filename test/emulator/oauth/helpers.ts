/*
 * HTTP helpers for the OAuth endpoint tests: real requests with fetch and `redirect: 'manual'`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { oauthClients } from '../../../src/emulator/clients.js';
import type { OrgEmulator } from '../../../src/emulator/server.js';
import type { MdObject } from '../../../src/emulator/store/state.js';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import type { OrgSeed } from '../../../src/emulator/seed/types.js';

export const ADMIN = 'admin@acme.example.com.uat';
export const INTEGRATION = 'integration@acme.example.com.uat';
export const OPS = 'ops@acme.example.com.uat';
export const PARTNER = 'partner.user@acme-community.example.com';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export type App = { clientId: string; redirectUri: string; secret?: string };

/** A seed app's consumer key, first callback and seed secret. */
export function app(emu: OrgEmulator, name: string): App {
  const client = [...oauthClients(emu.store).values()].find((c) => c.appName === name);
  if (!client) throw new Error(`no app ${name}`);
  return { clientId: client.clientId, redirectUri: client.callbackUrls[0], secret: emu.consumerSecret(name) };
}

export function pkce(verifier = randomBytes(32).toString('base64url')): { verifier: string; challenge: string } {
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function postForm(
  url: string,
  params: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    redirect: 'manual',
  });
}

export async function token(
  emu: OrgEmulator,
  params: Record<string, string | undefined>,
  headers?: Record<string, string>,
): Promise<{ status: number; body: Record<string, string> }> {
  const res = await postForm(`${emu.url}/services/oauth2/token`, params, headers);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

export function expectError(
  res: { status: number; body: Record<string, string> },
  error: string,
  description: string,
): void {
  expect(res.status).to.equal(400);
  expect(res.body).to.deep.equal({ error, error_description: description });
}

export const sessionCookie = (res: Response): string | undefined =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('sid='));

/** A browser session through frontdoor.jsp with an API access token, as the plugin gets one headlessly. */
export async function signIn(emu: OrgEmulator, username?: string): Promise<string> {
  const res = await fetch(
    `${emu.url}/secur/frontdoor.jsp?sid=${encodeURIComponent(emu.accessTokenFor(username))}&retURL=%2F`,
    { redirect: 'manual' },
  );
  const cookie = sessionCookie(res);
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

export type AuthorizeParams = {
  app: App;
  challenge?: string;
  method?: string;
  scope?: string;
  state?: string;
  redirectUri?: string;
  responseType?: string;
  prompt?: string;
};

export function authorizePath(p: AuthorizeParams): string {
  const q = new URLSearchParams({
    response_type: p.responseType ?? 'code',
    client_id: p.app.clientId,
    redirect_uri: p.redirectUri ?? p.app.redirectUri,
  });
  if (p.challenge) q.set('code_challenge', p.challenge);
  if (p.method) q.set('code_challenge_method', p.method);
  if (p.scope) q.set('scope', p.scope);
  if (p.state) q.set('state', p.state);
  if (p.prompt) q.set('prompt', p.prompt);
  return `/services/oauth2/authorize?${q.toString()}`;
}

export async function get(emu: OrgEmulator, path: string, cookie?: string): Promise<Response> {
  return fetch(`${emu.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

export const location = (res: Response): URL =>
  new URL(res.headers.get('location') ?? 'about:blank', 'http://emulator.invalid');

export const consentHandle = (html: string): string | undefined => /name="consent" value="([^"]+)"/.exec(html)?.[1];

/** Authorizes as a user (frontdoor session; Allow on a consent page) and returns the callback URL with its parameters. */
export async function authorizeAs(emu: OrgEmulator, p: AuthorizeParams, username?: string): Promise<URL> {
  const cookie = await signIn(emu, username);
  const res = await get(emu, authorizePath(p), cookie);
  if (res.status === 302) return location(res);
  const handle = consentHandle(await res.text());
  if (!handle) throw new Error(`no consent page (HTTP ${res.status})`);
  const allowed = await postForm(
    `${emu.url}/setup/secur/RemoteAccessAuthorizationPage.apexp`,
    { consent: handle, decision: 'allow' },
    { cookie },
  );
  return location(allowed);
}

/** A code for the app and user; throws when the callback carries an error. */
export async function codeFor(emu: OrgEmulator, p: AuthorizeParams, username?: string): Promise<string> {
  const url = await authorizeAs(emu, p, username);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code: ${url.searchParams.get('error_description') ?? url.href}`);
  return code;
}

/** Tokens for the app (code exchange, with PKCE); the client secret is sent when the app has one and `secret` is not false. */
export async function tokensFor(
  emu: OrgEmulator,
  name: string,
  username?: string,
  sendSecret = true,
): Promise<Record<string, string>> {
  const a = app(emu, name);
  const { verifier, challenge } = pkce();
  const code = await codeFor(emu, { app: a, challenge }, username);
  const res = await token(emu, {
    grant_type: 'authorization_code',
    code,
    client_id: a.clientId,
    redirect_uri: a.redirectUri,
    code_verifier: verifier,
    client_secret: sendSecret ? a.secret : undefined,
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body;
}

/** Replaces one ConnectedApp's metadata as a deploy would. */
export function editConnectedApp(emu: OrgEmulator, name: string, edit: (value: MdObject) => void): void {
  const stored = emu.store.component('ConnectedApp', name);
  if (!stored) throw new Error(`no ConnectedApp ${name}`);
  const value = structuredClone(stored.value);
  edit(value);
  emu.store.putComponent('ConnectedApp', name, value, emu.store.adminUser().id);
}

/** The default org with known secrets and passwords, for tests that need them. */
export function seedWith(options: {
  secret?: string;
  passwords?: Record<string, string>;
  oauthSettings?: MdObject;
}): OrgSeed {
  return {
    ...DEFAULT_SEED,
    users: DEFAULT_SEED.users.map((u) => ({ ...u, password: options.passwords?.[u.username] })),
    apps: DEFAULT_SEED.apps.map((a) => ({ ...a, consumerSecret: options.secret })),
    oauthSettings: { ...DEFAULT_SEED.oauthSettings, ...options.oauthSettings },
  };
}

export async function userinfoStatus(emu: OrgEmulator, accessToken: string): Promise<number> {
  return (await fetch(`${emu.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } }))
    .status;
}
