/*
 * Scopes of an authorization: what the client asked for, limited to what the app allows.
 */
import type { OAuthClient } from '../clients.js';

/** Scopes that make the token endpoint issue a refresh token. */
const REFRESH_SCOPES = new Set(['refresh_token', 'offline_access', 'full']);

/** The granted scopes: the requested ones the app allows (all the app's scopes when none is requested). */
export function grantedScopes(client: OAuthClient, requested: string | null): string[] {
  const asked = (requested ?? '').split(/[\s+]+/).filter(Boolean);
  if (asked.length === 0) return [...client.scopes];
  const allowed = new Set(client.scopes);
  return [...new Set(asked.filter((s) => allowed.has(s)))];
}

export const allowsRefresh = (scopes: string[]): boolean => scopes.some((s) => REFRESH_SCOPES.has(s));
