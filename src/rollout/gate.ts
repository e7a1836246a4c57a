/*
 * The Require PKCE gate: the org-wide switch may go on only when every app of the org that uses an authorization code
 * flow (web server flow, Authorization Code and Credentials flow) has PKCE required AND a passing PKCE smoke test
 * recorded under its current settings (the stored run's settings last-modified time equals the org's). A smoke test
 * passes when no check failed or errored and the correct S256 flow itself succeeded (so a confidential app tested
 * without its secret is not proven). Apps out of scope are listed with the reason; a managed-package app with PKCE off
 * blocks, naming its package and vendor, unless the plan waives it with a reason; so does an ECA installed from a
 * package whose PKCE is set in the publisher's org (it cannot be checked here, and is never "out of scope" by default,
 * since its flows are unknown here). Apps authorized from another org
 * (untracked) cannot be checked here and are listed as such. Nothing here prints.
 */
import type { Connection } from '@salesforce/core';
import type { RetrieveCache } from '../apps/catalog.js';
import { buildInventory } from '../apps/inventory.js';
import type { AppRow, OrgOAuthSettings } from '../apps/model.js';
import { lastModifiedDates, type VerifyKind } from '../oauth/client-config.js';
import { DECIDING_CHECK, type AppRun } from '../smoke/model.js';
import { isCurrent, latestRun, resultsRoot, type StoredRun } from '../smoke/results-store.js';
import { scopeOf } from '../apps/scope.js';
import { packageText, type PlanWaiver } from './plan.js';

export type GateStatus = 'pass' | 'blocked' | 'waived' | 'out-of-scope' | 'unverifiable';

export type GateRow = {
  app: string;
  label: string;
  kind: AppRow['kind'];
  status: GateStatus;
  /** Why the status, in one sentence. */
  reason: string;
  pkceRequired: boolean | null;
  /** Managed package apps: namespace, package and vendor. */
  package?: { namespace?: string; name?: string; publisher?: string };
  /** The newest stored PKCE smoke test, if any. */
  smoke?: { verdict: string; at: string; current: boolean };
};

export type GateResult = {
  orgId: string;
  /** True when Require PKCE may go on. */
  passed: boolean;
  /** The org-wide setting as it is now. */
  requirePkce: boolean | null;
  blockers: GateRow[];
  apps: GateRow[];
  summary: Record<GateStatus, number>;
};

/**
 * Whether a smoke test of a kind proves the app: its verdict is pass and its deciding check (DECIDING_CHECK) passed.
 * Both are checked, not the verdict alone: runs stored before the `not-proven` verdict existed say `pass` for an app
 * whose deciding check could not be made (a confidential app tested without its secret).
 */
function proven(run: Pick<AppRun, 'verdict' | 'checks'>, kind: VerifyKind): boolean {
  return run.verdict === 'pass' && run.checks.some((c) => c.id === DECIDING_CHECK[kind] && c.verdict === 'pass');
}

/** Whether a PKCE smoke test proves the app works with PKCE: nothing failed or errored, and the S256 flow passed. */
export function pkceProven(run: Pick<AppRun, 'verdict' | 'checks'>): boolean {
  return proven(run, 'pkce');
}

/** Whether an RTR smoke test proves rotation works: nothing failed or errored, and the rotation check passed. */
export function rtrProven(run: Pick<AppRun, 'verdict' | 'checks'>): boolean {
  return proven(run, 'rtr');
}

/** Why a smoke test of a kind did not prove the app, in one sentence. */
export function notProvenReason(run: Pick<AppRun, 'verdict' | 'checks' | 'error'>, kind: VerifyKind): string {
  const bad = run.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'error');
  if (bad.length) return `${bad.map((c) => `${c.id} ${c.verdict}`).join(', ')}${run.error ? ` (${run.error})` : ''}`;
  const key = DECIDING_CHECK[kind];
  const decisive = run.checks.find((c) => c.id === key);
  return decisive ? `${key} was ${decisive.verdict}: ${decisive.note}` : `${key} did not run`;
}

function pkgOf(row: AppRow): GateRow['package'] {
  return { namespace: row.owner.namespace, name: row.owner.packageName, publisher: row.owner.publisher };
}

function outOfScopeReason(row: AppRow): string {
  if (row.verdict === 'out-of-scope' && row.reasons.length && !row.flows.length) return row.reasons.join('; ');
  const flows = row.flows.filter((f) => f !== 'authorization-code' && f !== 'code-credentials');
  const names: Record<string, string> = {
    'client-credentials': 'client credentials',
    'jwt-bearer': 'JWT bearer',
    device: 'device flow',
  };
  if (flows.length) return `no authorization code flow (${flows.map((f) => names[f] ?? f).join(' and ')} only)`;
  return row.reasons[0] ?? 'no authorization code flow';
}

export type GateInputs = {
  orgId: string;
  /** Activity window for the inventory (default 90). */
  days?: number;
  waivers?: PlanWaiver[];
  resultsDir?: string;
  /** A run's cache of retrieved files (apps/catalog.ts RetrieveCache): unchanged components are not retrieved again. */
  cache?: RetrieveCache;
};

/** Judges one inventory row (exported for tests). */
export function judge(
  row: AppRow,
  run: StoredRun | undefined,
  lastModified: string | null,
  waiver: PlanWaiver | undefined,
): GateRow {
  const base = { app: row.name, label: row.label, kind: row.kind, pkceRequired: row.pkceRequired };
  if (row.kind === 'untracked') {
    return {
      ...base,
      status: 'unverifiable',
      reason: row.reasons[0] ?? "not in this org's metadata: cannot be checked here",
    };
  }
  const smoke = run ? { verdict: run.verdict, at: run.time, current: isCurrent(run, lastModified) } : undefined;
  const block = (reason: string): GateRow => {
    const managed = row.owner.type === 'package' ? { package: pkgOf(row) } : {};
    if (waiver)
      return {
        ...base,
        ...managed,
        ...(smoke ? { smoke } : {}),
        status: 'waived',
        reason: `waived: ${waiver.reason} (would block: ${reason})`,
      };
    return { ...base, ...managed, ...(smoke ? { smoke } : {}), status: 'blocked', reason };
  };
  // Its flows and PKCE are unknown here (set in the publisher's org), so it is never "out of scope" by default.
  if (row.settingsIn === 'publisher-org') {
    return block(
      `managed package ${packageText(row)}: PKCE is set in the publisher's org, not in this one, so it cannot be checked here; ask the publisher, or waive it in the plan`,
    );
  }
  if (row.verdict === 'out-of-scope' || !scopeOf(row).pkce)
    return { ...base, status: 'out-of-scope', reason: outOfScopeReason(row) };
  if (row.owner.type === 'package' && row.pkceRequired !== true) {
    return block(`managed package ${packageText(row)} has PKCE off: only the vendor can turn it on`);
  }
  if (row.pkceRequired === null) return block('its OAuth settings could not be read');
  if (!row.pkceRequired) return block('PKCE is not required on the app');
  if (!run) return block('no PKCE smoke test recorded (run sf oauth pkce verify)');
  if (!smoke?.current) {
    return block(
      `the last PKCE smoke test (${run.time}) was made before its settings last changed${lastModified ? ` (${lastModified})` : ''}: test it again`,
    );
  }
  if (!pkceProven(run)) return block(`the last PKCE smoke test did not pass: ${notProvenReason(run, 'pkce')}`);
  return {
    ...base,
    ...(row.owner.type === 'package' ? { package: pkgOf(row) } : {}),
    smoke,
    status: 'pass',
    reason: `PKCE required; smoke test passed at ${run.time}`,
  };
}

export async function evaluateGate(
  conn: Connection,
  inputs: GateInputs,
): Promise<GateResult & { orgSettings: OrgOAuthSettings }> {
  const root = inputs.resultsDir ?? resultsRoot();
  const [inventory, modified] = await Promise.all([
    buildInventory(conn, { days: inputs.days ?? 90, cache: inputs.cache }),
    lastModifiedDates(conn),
  ]);
  const waivers = new Map((inputs.waivers ?? []).map((w) => [w.app.toLowerCase(), w]));
  const apps: GateRow[] = [];
  for (const row of [...inventory.result.apps].sort((a, b) => a.name.localeCompare(b.name))) {
    const run = row.kind === 'untracked' ? undefined : await latestRun(inputs.orgId, row.name, 'pkce', root);
    const component = run?.settingsComponent;
    const lastModified = component ? (modified.get(`${component.type}:${component.fullName}`) ?? null) : null;
    apps.push(judge(row, run, lastModified, waivers.get(row.name.toLowerCase())));
  }
  const summary: Record<GateStatus, number> = { pass: 0, blocked: 0, waived: 0, 'out-of-scope': 0, unverifiable: 0 };
  for (const a of apps) summary[a.status]++;
  const blockers = apps.filter((a) => a.status === 'blocked');
  return {
    orgId: inputs.orgId,
    passed: blockers.length === 0,
    requirePkce: inventory.result.orgSettings.requirePkce,
    blockers,
    apps,
    summary,
    orgSettings: inventory.result.orgSettings,
  };
}
