/*
 * Which apps PKCE and refresh token rotation concern, and which apps a selection names: decided here and nowhere else.
 * The readiness verdicts, the rollout plan's selectors (`needs-action`, `all-in-scope`), `pkce|rtr enable --all`,
 * `pkce|rtr verify --all`, the org checks and the Require PKCE gate all ask this module, and every command that takes
 * app names answers an unknown one with the same error and the same "did you mean" suggestions.
 *
 * The rule:
 * - PKCE protects the authorization code flow (RFC 7636 section 1; Salesforce: "Require Proof Key for Code Exchange
 *   (PKCE) Extension for Supported Authorization Flows"): an app is in PKCE scope when it uses the authorization code
 *   flow or the code-credentials (headless) flow, as `flowsInUse` (settings.ts) infers from its metadata and its
 *   OauthToken rows. Server-to-server apps (client credentials, JWT bearer) are not.
 * - Rotation concerns refresh tokens: an app is in rotation scope when it can get refresh tokens (a `RefreshToken`,
 *   `OfflineAccess` or `Full` scope). When its scopes could not be read, it is not in scope here (its verdict is
 *   `unknown` and someone must look at it), so `--all` never changes an app it cannot judge.
 * Nothing here reads the org or prints.
 */
import { distance as editDistance } from 'fastest-levenshtein';
import type { AppRow, Flow, TokenUsage } from './model.js';
import { flowsInUse, readAppSettings, type AppSettings } from './settings.js';
import { EMPTY_USAGE } from './usage.js';
import type { CatalogApp } from './catalog.js';
import { needsAction } from './readiness.js';

export type ScopeSetting = 'pkce' | 'rtr';

export type AppScope = { pkce: boolean; rtr: boolean };

/** The scope of an app from its flows in use and whether it can get refresh tokens. */
export function scopeOfFlows(flows: readonly Flow[] | null, refreshScope: boolean | null): AppScope {
  const f = flows ?? [];
  return { pkce: f.includes('authorization-code') || f.includes('code-credentials'), rtr: refreshScope === true };
}

/** The scope of an inventory row (its flows already account for the app's OauthToken rows). */
export function scopeOf(row: Pick<AppRow, 'flows' | 'refreshScope'>): AppScope {
  return scopeOfFlows(row.flows, row.refreshScope);
}

/** The scope of an app read from metadata, with its OauthToken usage when known (none otherwise). */
export function settingsScope(settings: AppSettings, usage: TokenUsage = EMPTY_USAGE): AppScope {
  if (!settings.hasOauth || !settings.enabled) return { pkce: false, rtr: false };
  return scopeOfFlows(flowsInUse(settings, usage), settings.refreshScope);
}

/** The scope of a catalog app, with usage keyed by OauthToken AppName (the app's label, matched ignoring case). */
export function catalogScope(app: CatalogApp, usage?: Map<string, TokenUsage>): AppScope {
  const settings = readAppSettings(app);
  return settingsScope(settings, usage ? usageOfLabel(settings.label, usage) : EMPTY_USAGE);
}

/** An app's usage by its label: exact, else ignoring case (OauthToken's AppName is the label). */
export function usageOfLabel(label: string, usage: Map<string, TokenUsage>): TokenUsage {
  const exact = usage.get(label);
  if (exact) return exact;
  const lower = label.toLowerCase();
  for (const [key, value] of usage) if (key.toLowerCase() === lower) return value;
  return EMPTY_USAGE;
}

/**
 * Why an app is not in scope for a setting, in one phrase (for `--all` and the org checks), or undefined when it is.
 */
export function outOfScopeReason(
  settings: AppSettings,
  setting: ScopeSetting,
  usage: TokenUsage = EMPTY_USAGE,
): string | undefined {
  if (!settings.hasOauth) return 'it has no OAuth settings';
  if (!settings.enabled) return 'the app or its OAuth plugin is off';
  const scope = settingsScope(settings, usage);
  if (setting === 'pkce') {
    if (scope.pkce) return undefined;
    const other = settings.clientCredentials ? 'client credentials' : settings.certificate ? 'JWT bearer' : undefined;
    return other ? `no authorization code flow (${other} only)` : 'no authorization code flow';
  }
  if (scope.rtr) return undefined;
  if (settings.refreshScope === null) return 'its OAuth scopes could not be read';
  return 'it cannot get refresh tokens (no RefreshToken, OfflineAccess or Full scope)';
}

/** An app the rollout may change: in this org's metadata, not from a managed package, OAuth on, in scope of something. */
export function changeable(row: AppRow): boolean {
  if (row.kind === 'untracked' || row.owner.type === 'package' || row.verdict === 'out-of-scope') return false;
  const s = scopeOf(row);
  return s.pkce || s.rtr;
}

/** `needs-action`: the org's own apps the inventory says need work; `all-in-scope`: every org-owned app in scope of PKCE or rotation. */
export const SELECTORS = ['needs-action', 'all-in-scope'] as const;
export type Selector = (typeof SELECTORS)[number];

export const isSelector = (entry: string): entry is Selector => (SELECTORS as readonly string[]).includes(entry);

/** The rows a selector picks. */
export function selectorRows(rows: AppRow[], selector: Selector): AppRow[] {
  return rows.filter((r) => changeable(r) && (selector === 'all-in-scope' || needsAction(r)));
}

/** Names that match no app, with up to five close matches; every command words it the same way (`unknownAppsText`). */
export class UnknownAppsError extends Error {
  public constructor(
    public readonly names: string[],
    public readonly suggestions: string[],
  ) {
    super(unknownAppsText(names, suggestions));
    this.name = 'UnknownAppsError';
  }
}

/** `No OAuth app named "X" in the org. Did you mean: A, B?` */
export function unknownAppsText(names: string[], suggestions: string[]): string {
  const named = names.map((n) => `"${n}"`).join(', ');
  return `No External Client App or Connected App named ${named} in the org.${suggestions.length ? ` Did you mean: ${suggestions.join(', ')}?` : ''}`;
}

/** The error for `names` that match none of `known` (developer names, with their labels as other keys). */
export function unknownApps(names: string[], known: Array<{ name: string; label?: string }>): UnknownAppsError {
  return new UnknownAppsError(
    names,
    closeMatches(
      names,
      known.map((k) => ({ name: k.name, keys: k.label ? [k.name, k.label] : [k.name] })),
    ),
  );
}

/** Up to five known apps (by name) close to the unknown names: edit distance to the name or label, or containment. */
export function closeMatches(unknown: string[], known: Array<{ name: string; keys: string[] }>): string[] {
  const scored: Array<{ name: string; score: number }> = [];
  for (const candidate of known) {
    let best = Infinity;
    for (const name of unknown) {
      for (const key of candidate.keys) {
        const a = name.toLowerCase();
        const b = key.toLowerCase();
        const limit = Math.max(2, Math.floor(Math.max(a.length, b.length) / 3));
        if (a.length >= 3 && (b.includes(a) || a.includes(b))) best = Math.min(best, 0.5);
        else if (Math.abs(a.length - b.length) <= limit) {
          const distance = editDistance(a, b);
          if (distance <= limit) best = Math.min(best, distance);
        }
      }
    }
    if (best < Infinity) scored.push({ name: candidate.name, score: best });
  }
  return [
    ...new Map(scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name)).map((s) => [s.name, s])).keys(),
  ].slice(0, 5);
}
