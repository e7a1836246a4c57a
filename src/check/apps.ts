/*
 * Per-app checks, from the inventory rows (src/apps), the OauthToken rows, the catalog's files and the deploy-field table
 * (src/metadata/deploy-fields.ts): in scope or not and why; approval headroom of the smoke user (live approvals out of
 * five); whether a person must approve the app first; a confidential client without its secret in the environment;
 * managed-package apps (who must act); fields a deploy could not preserve; traffic from users other than the smoke user.
 */
import type { AppRow } from '../apps/model.js';
import { describeOwner } from '../apps/owners.js';
import { flagLocation, type CatalogApp } from '../apps/catalog.js';
import { deployable, type CertificateProof } from '../metadata/deploy-fields.js';
import { secretEnvName, secretFromEnv } from '../oauth/secret.js';
import { APPROVAL_LIMIT, peakApprovals } from '../smoke/headroom.js';
import { changeable, scopeOf } from '../apps/scope.js';
import type { TokenRow } from './answers.js';
import type { CheckItem } from './model.js';

export type AppCheckContext = {
  /** The smoke user's record id (null: unknown, headroom and consent are then warnings). */
  userId: string | null;
  /** OauthToken rows, or undefined when the org refused the query. */
  tokens?: TokenRow[];
  /** Activity window in days. */
  days: number;
  now: number;
  env: NodeJS.ProcessEnv;
  /** Apps checked in this run (for the generic SF_OAUTH_CLIENT_SECRET, which serves a single app only). */
  appsInRun: number;
  catalog?: Map<string, CatalogApp>;
  proof?: CertificateProof;
};

const sameApp = (row: AppRow, appName: string | null | undefined): boolean =>
  !!appName &&
  (appName === row.label ||
    appName.toLowerCase() === row.label.toLowerCase() ||
    appName.toLowerCase() === row.name.toLowerCase());

/** Every check of one app, in a fixed order. */
export function appChecks(row: AppRow, ctx: AppCheckContext): CheckItem[] {
  const item = (id: string, title: string, rest: Pick<CheckItem, 'status' | 'detail' | 'action'>): CheckItem => ({
    id: `app.${id}`,
    group: 'app',
    app: row.name,
    title,
    ...rest,
  });
  const out: CheckItem[] = [];
  const scope = scopeOf(row);
  const inScope = changeable(row) || (row.owner.type === 'package' && (scope.pkce || scope.rtr));

  // In scope or not, and why.
  const why = row.reasons
    .filter((r) => r.startsWith('not in scope'))
    .map((r) => r.replace(/^not in scope:\s*/, ''))
    .join('; ');
  out.push(
    item('scope', 'In scope', {
      status: 'pass',
      detail: inScope
        ? `In scope for ${[scope.pkce ? 'PKCE' : '', scope.rtr ? 'rotation' : ''].filter(Boolean).join(' and ')} (verdict ${row.verdict}).`
        : `Not in scope: ${why || (row.verdict === 'out-of-scope' ? 'no authorization code flow and no refresh tokens' : `verdict ${row.verdict}`)}.`,
    }),
  );
  if (!inScope && row.owner.type !== 'package') return out;

  // Who must act.
  if (row.owner.type === 'package') {
    out.push(
      item('owner', 'Who must act', {
        status: 'warn',
        detail: `Managed package ${describeOwner(row.owner)}: its OAuth settings are the vendor's to change.`,
        action: `Ask ${row.owner.publisher ?? 'the vendor'} for a version with PKCE and rotation on, or waive it in the rollout plan with the vendor's confirmation.`,
      }),
    );
    return out;
  }

  const mine = ctx.tokens?.filter((t) => sameApp(row, t.AppName) && ctx.userId && t.UserId === ctx.userId) ?? [];
  // Approval headroom of the smoke user.
  if (scope.pkce || scope.rtr) {
    if (!ctx.tokens || !ctx.userId) {
      out.push(
        item('headroom', 'Approval headroom', {
          status: 'warn',
          detail: 'Unknown: OauthToken or the user could not be read.',
          action: 'Check Setup > Connected Apps OAuth Usage for this user before smoke tests.',
        }),
      );
    } else {
      // The limit and what a smoke run holds at once are the smoke runner's (src/smoke/headroom.ts): the run is refused
      // when they do not fit, and the last free approval is a warning.
      const live = mine.length;
      const needed = Math.max(scope.pkce ? peakApprovals('pkce') : 0, scope.rtr ? peakApprovals('rtr') : 0);
      const free = APPROVAL_LIMIT - live;
      out.push(
        item('headroom', 'Approval headroom', {
          status: free < needed ? 'fail' : free === needed ? 'warn' : 'pass',
          detail:
            `The smoke user holds ${live} of ${APPROVAL_LIMIT} approvals for this app` +
            (free < needed
              ? `; a smoke test needs ${needed} more at once, and an approval beyond ${APPROVAL_LIMIT} revokes the oldest (maybe a live integration's token), so it would be refused.`
              : free === needed
                ? `; a smoke test takes the last free one${needed > 1 ? 's' : ''}.`
                : '.'),
          ...(free <= needed
            ? {
                action:
                  "Revoke stale approvals of this user for the app (Setup > Connected Apps OAuth Usage, or the user's Connected Apps settings), or run the smoke tests as another user (--target-org).",
              }
            : {}),
        }),
      );
    }
  }

  // A person must approve a self-authorized app first.
  if (scope.pkce && row.permittedUsers === 'self-authorized') {
    const approved = mine.length > 0;
    out.push(
      item('consent', 'Approved for the smoke user', {
        status: approved || !ctx.tokens ? (ctx.tokens ? 'pass' : 'warn') : 'warn',
        detail: !ctx.tokens
          ? 'Unknown: OauthToken could not be read.'
          : approved
            ? 'Self-authorized, and the smoke user holds an approval.'
            : 'Self-authorized and never approved by the smoke user: the first authorization shows a consent page, so smoke tests without a person stop there.',
        ...(approved
          ? {}
          : {
              action:
                "Sign in once as the smoke user and allow the app, or make it admin-approved and pre-authorize the user's profile or permission set.",
            }),
      }),
    );
  }

  // A confidential client needs its secret for the S256 flow to be proven.
  if (scope.pkce && row.clientType === 'confidential') {
    const secret = secretFromEnv(row.name, ctx.appsInRun, ctx.env);
    out.push(
      item('secret', 'Consumer secret available', {
        status: secret ? 'pass' : 'warn',
        detail: secret
          ? `Confidential client; its secret is in ${secret.from}.`
          : `Confidential client and no ${secretEnvName(row.name)} in the environment: smoke tests cannot prove the S256 flow, and a rollout rolls the app back.`,
        ...(secret
          ? {}
          : {
              action: `Set ${secretEnvName(row.name)} (or secretEnv in the rollout plan) from your secret store before smoke tests.`,
            }),
      }),
    );
  }

  // Fields a deploy could not preserve.
  const app = ctx.catalog?.get(`${row.kind}:${row.name}`);
  const location = app ? flagLocation(app) : undefined;
  if (location) {
    const verdict = deployable(location.file, row.name, ctx.proof);
    out.push(
      item('deploy-fields', 'A deploy keeps every field', {
        status: 'refusal' in verdict ? 'fail' : 'pass',
        detail:
          'refusal' in verdict
            ? `Will not be deployed: ${verdict.refusal}`
            : row.kind === 'ConnectedApp'
              ? 'Deployed without its consumer key and secret (Salesforce keeps them), every other field as read.'
              : 'Every field a deploy carries was read back.',
        ...('refusal' in verdict
          ? { action: 'Change PKCE and rotation for this app by hand, or exclude it from the rollout plan.' }
          : {}),
      }),
    );
  }

  // Traffic from users other than the smoke user: a live integration.
  if (ctx.tokens) {
    const since = ctx.now - ctx.days * 86_400_000;
    const others = ctx.tokens.filter(
      (t) =>
        sameApp(row, t.AppName) && t.UserId !== ctx.userId && t.LastUsedDate && Date.parse(t.LastUsedDate) >= since,
    );
    const users = new Set(others.map((t) => t.UserId)).size;
    out.push(
      item('other-traffic', 'Traffic from other users', {
        status: users ? 'warn' : 'pass',
        detail: users
          ? `${users} other user(s) used it within ${ctx.days} days: a live integration that PKCE and rotation will change.`
          : `No other user used it within ${ctx.days} days.`,
        ...(users
          ? {
              action:
                'Tell the integration owners before the change; check their clients with sf oauth emulator report first.',
            }
          : {}),
      }),
    );
  }
  return out;
}
