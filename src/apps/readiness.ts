/*
 * Readiness for Salesforce's PKCE and refresh token rotation enforcement: every rule, and every sentence the inventory
 * shows about an app, is in the RULES and NOTES tables below. A failing break condition means the app does not meet
 * what Salesforce enforces (PKCE on authorization code flows unless the org already requires it, RTR on apps that
 * issue refresh tokens); if the app is also active it will break when enforcement comes. Everything else is a posture
 * finding (README, `sf oauth app list`).
 */
import type { Activity, AppOwner, AppRow, Flow, OrgOAuthSettings, TokenUsage, Verdict } from './model.js';
import type { AppSettings } from './settings.js';
import { IDLE_TIMEOUT_DAYS } from './usage.js';

export type Facts = {
  /** Undefined for untracked apps (not in the org's metadata). */
  settings?: AppSettings;
  flows: Flow[] | null;
  usage: TokenUsage;
  activity: Activity;
  owner: AppOwner;
  org: OrgOAuthSettings;
  days: number;
  /** The app's global OAuth settings are in the publisher's org (a packaged ECA): PKCE and rotation are not here. */
  publisherOrg?: boolean;
};

export type Rule = {
  id: string;
  /** `break`: fails Salesforce's requirement (decides the verdict); `posture`: a finding that does not break. */
  kind: 'break' | 'posture';
  fails: (f: Facts) => boolean;
  text: (f: Facts) => string;
};

/** Flows that use an authorization code, where PKCE applies. */
const CODE_FLOWS: readonly Flow[] = ['authorization-code', 'code-credentials'];
/** Flows where a user authorizes the app (self-authorization vs admin pre-approval applies). */
const USER_FLOWS: readonly Flow[] = ['authorization-code', 'code-credentials', 'device'];

const uses = (f: Facts, flows: readonly Flow[]): boolean => (f.flows ?? []).some((x) => flows.includes(x));

const lifetimeDays = (f: Facts): number | undefined => {
  const p = f.settings?.refreshTokenPolicy;
  if (!p?.period || (p.type !== 'specific-lifetime' && p.type !== 'specific-inactivity')) return undefined;
  return p.unit === 'hours' ? p.period / 24 : p.unit === 'months' ? p.period * 30 : p.period;
};

export const RULES: readonly Rule[] = [
  // Breaks: what Salesforce refuses once PKCE and RTR are enforced (rows enforce.* of src/emulator/behaviours.ts).
  {
    id: 'pkce-off',
    kind: 'break',
    // Under org-wide Require PKCE Salesforce already refuses every authorization without a challenge, so the app's
    // working clients already send one and the app's own flag changes nothing for them: a posture finding (below).
    fails: (f) => uses(f, CODE_FLOWS) && f.settings?.pkceRequired === false && f.org.requirePkce !== true,
    text: () => 'PKCE off',
  },
  {
    id: 'rtr-off',
    kind: 'break',
    // A "zero" refresh token policy expires refresh tokens at once: there is nothing to rotate.
    fails: (f) =>
      f.settings?.refreshScope === true &&
      f.settings.rtrEnabled === false &&
      f.settings.refreshTokenPolicy?.type !== 'zero',
    text: () => 'issues refresh tokens without RTR',
  },
  // Posture: worth fixing, but Salesforce's enforcement does not refuse it.
  {
    id: 'pkce-off-org-wide',
    kind: 'posture',
    fails: (f) => uses(f, CODE_FLOWS) && f.settings?.pkceRequired === false && f.org.requirePkce === true,
    text: () => 'PKCE off on the app (org-wide Require PKCE already enforces it)',
  },
  {
    id: 'refresh-forever',
    kind: 'posture',
    // RTR works with any policy: a rotated token stays valid until used or revoked. Not a break, a long exposure.
    fails: (f) => f.settings?.refreshScope === true && f.settings.refreshTokenPolicy?.type === 'infinite',
    text: () => 'refresh tokens valid until revoked',
  },
  {
    id: 'client-credentials-no-user',
    kind: 'posture',
    // The flow cannot issue a token without a run-as user today; PKCE and RTR enforcement do not change that.
    fails: (f) => (f.flows ?? []).includes('client-credentials') && !f.settings?.clientCredentialsUser,
    text: () => 'client credentials flow on without a run-as user (it cannot issue tokens)',
  },
  {
    id: 'self-authorized',
    kind: 'posture',
    fails: (f) => uses(f, USER_FLOWS) && f.settings?.permittedUsers === 'self-authorized',
    text: () => 'self-authorization instead of admin pre-approval',
  },
  {
    id: 'ip-bypass',
    kind: 'posture',
    fails: (f) => f.settings?.ipRelaxation === 'bypass',
    text: () => 'IP restrictions bypassed',
  },
  {
    id: 'ip-bypass-second-factor',
    kind: 'posture',
    fails: (f) => f.settings?.ipRelaxation === 'bypass-with-second-factor',
    text: () => 'IP restrictions bypassed with a second factor',
  },
  {
    id: 'ip-relax-refresh',
    kind: 'posture',
    fails: (f) => f.settings?.ipRelaxation === 'relax-for-refresh',
    text: () => 'IP restrictions relaxed for refresh tokens',
  },
  {
    id: 'guest-code-credential',
    kind: 'posture',
    fails: (f) => f.settings?.guestCodeCredentialFlow === true,
    text: () => 'guest code-credential flow on',
  },
  {
    id: 'long-refresh-lifetime',
    kind: 'posture',
    fails: (f) => f.settings?.refreshScope === true && (lifetimeDays(f) ?? 0) > IDLE_TIMEOUT_DAYS,
    text: (f) =>
      `refresh tokens live longer than ${IDLE_TIMEOUT_DAYS} days (${f.settings?.refreshTokenPolicy?.period ?? '?'} ${f.settings?.refreshTokenPolicy?.unit ?? ''})`,
  },
  {
    id: 'stale-tokens',
    kind: 'posture',
    fails: (f) => f.usage.staleHolders > 0,
    text: (f) =>
      `${f.usage.staleHolders} ${f.usage.staleHolders === 1 ? 'token' : 'tokens'} unused for over ${IDLE_TIMEOUT_DAYS} days: the idle timeout will expire ${f.usage.staleHolders === 1 ? 'it' : 'them'}`,
  },
];

/** Scope, ownership and availability notes that explain a verdict. */
export const NOTES = {
  vendor: (owner: AppOwner): string =>
    `managed package: vendor must change it (${[owner.namespace, owner.publisher ?? owner.packageName].filter(Boolean).join(', ')})`,
  dormant: (days: number): string => `dormant: no token use in ${days} days (fix it or retire it)`,
  notInScope: 'not in scope: no authorization code flow',
  disabled: 'not in scope: the app or its OAuth plugin is off',
  noOauth: 'not in scope: no OAuth settings',
  unreadable:
    'OAuth settings unreadable: needs the org permission "Allow Access to OAuth Consumer Secrets via Metadata API" and the user permission "View External Client Apps Consumer Secrets in Metadata"',
  untracked: "not in this org's metadata: authorized through another org's app; ask its owner",
  publisherOrg: (owner: AppOwner): string =>
    `PKCE and rotation are set in the publisher's org (namespace ${owner.namespace ?? '?'}${owner.publisher ? `, publisher ${owner.publisher}` : ''}${owner.packageName ? `, package ${owner.packageName}` : ''}), not in this one: ask the publisher; your OAuth policies for it are still yours`,
  firstParty: 'Salesforce first-party app: Salesforce maintains its settings',
} as const;

/** Verdict order for sorting and summaries: most urgent first. */
export const VERDICT_ORDER: readonly Verdict[] = [
  'breaks',
  'vendor',
  'needs-action',
  'unknown',
  'untracked',
  'ready',
  'out-of-scope',
];

/** Active within the window; dormant; or unknown when only unrecorded flows (client credentials, JWT) are configured. */
export function activityOf(usage: TokenUsage, flows: Flow[] | null): Activity {
  if (usage.activeHolders > 0) return 'active';
  const unrecorded: readonly Flow[] = ['client-credentials', 'jwt-bearer'];
  if (usage.holders === 0 && flows && flows.length > 0 && flows.every((x) => unrecorded.includes(x))) return 'unknown';
  return 'dormant';
}

export type Assessment = Pick<AppRow, 'verdict' | 'breaksAtEnforcement' | 'reasons' | 'findings'>;

export function assess(f: Facts): Assessment {
  const findings = RULES.filter((r) => r.kind === 'posture' && r.fails(f)).map((r) => r.text(f));
  const s = f.settings;
  if (!s) {
    const note = f.owner.type === 'salesforce' ? NOTES.firstParty : NOTES.untracked;
    return { verdict: 'untracked', breaksAtEnforcement: false, reasons: [note], findings };
  }
  if (!s.hasOauth) return { verdict: 'out-of-scope', breaksAtEnforcement: false, reasons: [NOTES.noOauth], findings };
  if (!s.enabled) return { verdict: 'out-of-scope', breaksAtEnforcement: false, reasons: [NOTES.disabled], findings };

  const failures = RULES.filter((r) => r.kind === 'break' && r.fails(f)).map((r) => r.text(f));
  if (f.publisherOrg) {
    // Nothing to read or change here, and no missing permission: the publisher owns PKCE and rotation.
    return {
      verdict: 'vendor',
      breaksAtEnforcement: false,
      reasons: [...failures, NOTES.publisherOrg(f.owner)],
      findings,
    };
  }
  const unreadable = !s.globalSettingsReadable || !s.scopesReadable;
  const reasons = [...failures];
  if (unreadable) reasons.push(NOTES.unreadable);
  let verdict: Verdict;
  if (failures.length > 0) {
    if (f.owner.type === 'package') {
      verdict = 'vendor';
      reasons.push(NOTES.vendor(f.owner));
    } else if (f.activity === 'active') {
      verdict = 'breaks';
    } else {
      verdict = 'needs-action';
      if (f.activity === 'dormant') reasons.push(NOTES.dormant(f.days));
    }
  } else if (unreadable) {
    verdict = 'unknown';
  } else if (!uses(f, USER_FLOWS) && s.refreshScope !== true) {
    verdict = 'out-of-scope';
    reasons.push(NOTES.notInScope);
  } else {
    verdict = 'ready';
  }
  return { verdict, breaksAtEnforcement: f.activity === 'active' && failures.length > 0, reasons, findings };
}

/**
 * What `--needs-action` keeps: apps that fail a break condition (whoever must fix them), apps whose settings could not
 * be read, and untracked apps in use within the window that Salesforce does not own (someone must find their owner).
 * Posture findings alone do not count.
 */
export function needsAction(row: Pick<AppRow, 'verdict' | 'activity' | 'owner'>): boolean {
  if (row.verdict === 'untracked') return row.activity === 'active' && row.owner.type !== 'salesforce';
  return (
    row.verdict === 'breaks' || row.verdict === 'vendor' || row.verdict === 'needs-action' || row.verdict === 'unknown'
  );
}

/** Apps that break at enforcement first, then by verdict, activity and name. */
export function compareRows(a: AppRow, b: AppRow): number {
  if (a.breaksAtEnforcement !== b.breaksAtEnforcement) return a.breaksAtEnforcement ? -1 : 1;
  const v = VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict);
  if (v !== 0) return v;
  const rank = (x: Activity): number => (x === 'active' ? 0 : x === 'unknown' ? 1 : 2);
  const act = rank(a.activity) - rank(b.activity);
  if (act !== 0) return act;
  return a.name.localeCompare(b.name);
}
