/*
 * Scopes of an authorization: what the client asked for, limited to what the app allows.
 */
import type { OAuthClient } from '../clients.js';

/**
 * Scopes that make the token endpoint issue a refresh token. Not `full`: "full doesn't return a refresh token. You must
 * explicitly request the refresh_token scope" (Salesforce help, OAuth tokens and scopes; behaviours row scope.full).
 */
const REFRESH_SCOPES = new Set(['refresh_token', 'offline_access']);

/**
 * The granted scopes: the requested ones (all the app's scopes when none is requested), or undefined when one of them
 * is not allowed by the app: Salesforce then fails the whole authorization with invalid_scope (behaviours row
 * scope.not-allowed), it does not drop the scope.
 */
export function grantedScopes(client: OAuthClient, requested: string | null): string[] | undefined {
  const asked = (requested ?? '').split(/[\s+]+/).filter(Boolean);
  if (asked.length === 0) return client.scopes.length > 0 ? [...client.scopes] : undefined;
  const allowed = new Set(client.scopes);
  return asked.every((s) => allowed.has(s)) ? [...new Set(asked)] : undefined;
}

export const allowsRefresh = (scopes: string[]): boolean => scopes.some((s) => REFRESH_SCOPES.has(s));
