/*
 * The rollout plan: which apps (by developer name, or by selector) and how (options), read from YAML or JSON and
 * validated with messages that name the offending field. The JSON schema of this format is schemas/plan/rollout-plan.json.
 * A plan never holds a secret: it may name, per app, the environment variable that holds the app's consumer secret.
 * `starterPlan` writes a plan from the org's inventory. Nothing here prints.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { AppListResult, AppRow } from '../apps/model.js';
import { needsAction } from '../apps/readiness.js';
import {
  changeable,
  closeMatches,
  isSelector,
  scopeOf,
  SELECTORS,
  selectorRows,
  unknownAppsText,
} from '../apps/scope.js';

export const PLAN_VERSION = 1;

// Scope and selectors are decided in apps/scope.ts (one place for every command, the rollout and the gate).
export { changeable, scopeOf, SELECTORS, type AppScope, type Selector } from '../apps/scope.js';

export type PlanWaiver = {
  /** Developer name of an app the Require PKCE gate would block on (for example a managed-package app). */
  app: string;
  /** Why turning Require PKCE on is safe for it anyway (for example: the vendor confirmed its client sends PKCE). */
  reason: string;
};

export type PlanOptions = {
  /** Restore the backup of an app whose smoke test failed (default true). */
  rollbackOnSmokeFailure: boolean;
  /** Leave refresh token rotation alone (default false). */
  skipRtr: boolean;
  /** Turn the org-wide Require PKCE on at the end (default true). */
  requirePkce: boolean;
  /**
   * Apps smoke-tested at the same time (default 8). Each app's own checks still run one after another, within the
   * smoke user's approval headroom for that app. Salesforce's concurrent API request limit counts only requests of
   * 20 s or more (Salesforce Developer Limits and Allocations), which no smoke-test request is.
   */
  concurrency: number;
  /** Activity window of the audit, in days (default 90). */
  days: number;
  /** Attempts for an org call that failed for a transient reason (rate limit, HTTP 5xx, dropped connection) (default 3). */
  retries: number;
  /** Per app: the name of the environment variable that holds its consumer secret (default SF_OAUTH_CLIENT_SECRET_<APP>). */
  secretEnv: Record<string, string>;
};

export type RolloutPlan = {
  version: number;
  /** Developer names and selectors. */
  apps: string[];
  /** Developer names to leave out, whatever selected them. */
  exclude: string[];
  /** Apps the Require PKCE gate may let through, each with the reason. */
  waive: PlanWaiver[];
  options: PlanOptions;
};

export const DEFAULT_OPTIONS: PlanOptions = {
  rollbackOnSmokeFailure: true,
  skipRtr: false,
  requirePkce: true,
  concurrency: 8,
  days: 90,
  retries: 3,
  secretEnv: {},
};

export class PlanError extends Error {
  public constructor(
    message: string,
    public readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

const APP_NAME = /^[A-Za-z0-9_ .-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses plan text (YAML, of which JSON is a subset) and validates it. */
export function parsePlan(text: string, source = 'the plan'): RolloutPlan {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new PlanError(`${source} is neither valid YAML nor valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return validatePlan(raw, source);
}

export async function readPlan(file: string): Promise<{ plan: RolloutPlan; hash: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PlanError(`Cannot read the plan ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const plan = parsePlan(text, file);
  return { plan, hash: planHash(plan) };
}

/** A stable fingerprint of what a plan asks for (not of its formatting). */
export function planHash(plan: RolloutPlan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 16);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validatePlan(raw: unknown, source = 'the plan'): RolloutPlan {
  const problems: string[] = [];
  if (!isRecord(raw))
    throw new PlanError(`${source} must be a mapping with at least "apps".`, ['top level: not a mapping']);
  const known = new Set(['version', 'apps', 'exclude', 'waive', 'options', '$schema']);
  for (const key of Object.keys(raw))
    if (!known.has(key)) problems.push(`unknown field "${key}" (expected version, apps, exclude, waive, options)`);

  const version = raw.version ?? PLAN_VERSION;
  if (version !== PLAN_VERSION) problems.push(`version: must be ${PLAN_VERSION}`);

  const names = (field: string, value: unknown, required: boolean): string[] => {
    if (value === undefined) {
      if (required)
        problems.push(`${field}: required: a list of app developer names or selectors (${SELECTORS.join(', ')})`);
      return [];
    }
    if (!Array.isArray(value)) {
      problems.push(`${field}: must be a list`);
      return [];
    }
    const out: string[] = [];
    value.forEach((v, i) => {
      if (typeof v !== 'string' || !v.trim()) problems.push(`${field}[${i}]: must be a non-empty string`);
      else if (!APP_NAME.test(v.trim()))
        problems.push(`${field}[${i}]: "${v}" is not an app developer name or selector`);
      else out.push(v.trim());
    });
    return out;
  };
  const apps = names('apps', raw.apps, true);
  if (raw.apps !== undefined && Array.isArray(raw.apps) && !apps.length && !problems.some((p) => p.startsWith('apps')))
    problems.push('apps: must name at least one app or selector');
  const exclude = names('exclude', raw.exclude, false);

  const waive: PlanWaiver[] = [];
  if (raw.waive !== undefined) {
    if (!Array.isArray(raw.waive)) problems.push('waive: must be a list of {app, reason}');
    else
      raw.waive.forEach((w, i) => {
        if (!isRecord(w) || typeof w.app !== 'string' || !w.app.trim()) problems.push(`waive[${i}].app: required`);
        else if (typeof w.reason !== 'string' || w.reason.trim().length < 5)
          problems.push(`waive[${i}].reason: required: say why Require PKCE is safe for ${w.app}`);
        else waive.push({ app: w.app.trim(), reason: w.reason.trim() });
      });
  }

  const options: PlanOptions = { ...DEFAULT_OPTIONS, secretEnv: {} };
  if (raw.options !== undefined) {
    if (!isRecord(raw.options)) problems.push('options: must be a mapping');
    else {
      const o = raw.options;
      const bools = ['rollbackOnSmokeFailure', 'skipRtr', 'requirePkce'] as const;
      const ints = { concurrency: [1, 32], days: [1, 365], retries: [1, 10] } as const;
      for (const key of Object.keys(o)) {
        if (!(bools as readonly string[]).includes(key) && !(key in ints) && key !== 'secretEnv')
          problems.push(`options.${key}: unknown option`);
      }
      for (const key of bools) {
        if (o[key] === undefined) continue;
        if (typeof o[key] !== 'boolean') problems.push(`options.${key}: must be true or false`);
        else options[key] = o[key];
      }
      for (const [key, [min, max]] of Object.entries(ints) as Array<[keyof typeof ints, readonly [number, number]]>) {
        const v = o[key];
        if (v === undefined) continue;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
          problems.push(`options.${key}: must be a whole number from ${min} to ${max}`);
        else options[key] = v;
      }
      if (o.secretEnv !== undefined) {
        if (!isRecord(o.secretEnv))
          problems.push('options.secretEnv: must map app names to environment variable names');
        else
          for (const [app, env] of Object.entries(o.secretEnv)) {
            if (typeof env !== 'string' || !ENV_NAME.test(env))
              problems.push(
                `options.secretEnv.${app}: must be the name of an environment variable (not the secret itself)`,
              );
            else options.secretEnv[app] = env;
          }
      }
    }
  }
  if (problems.length)
    throw new PlanError(
      `${source} is not a valid rollout plan:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      problems,
    );
  return { version: PLAN_VERSION, apps, exclude, waive, options };
}

export type Selection = { apps: AppRow[]; problems: string[] };

/** The inventory rows a plan names. Problems: unknown names, managed or out-of-scope apps named explicitly. */
export function selectApps(plan: RolloutPlan, rows: AppRow[]): Selection {
  const problems: string[] = [];
  const chosen = new Map<string, AppRow>();
  const known = rows.filter((r) => r.kind !== 'untracked').map((r) => ({ name: r.name, keys: [r.name, r.label] }));
  const unknown = (name: string): string => unknownAppsText([name], closeMatches([name], known));
  const byName = (name: string): AppRow | undefined =>
    rows.find((r) => r.name === name) ?? rows.find((r) => r.name.toLowerCase() === name.toLowerCase());
  for (const entry of plan.apps) {
    if (isSelector(entry)) {
      for (const r of selectorRows(rows, entry)) chosen.set(r.name, r);
      continue;
    }
    const row = byName(entry);
    if (!row) problems.push(`${unknown(entry)} It is not a selector either (${SELECTORS.join(', ')}).`);
    else if (row.kind === 'untracked')
      problems.push(`"${row.name}" is not in this org's metadata: it cannot be changed here`);
    else if (row.owner.type === 'package')
      problems.push(
        `"${row.name}" is from managed package ${packageText(row)}: only the vendor can change it (list it under waive if Require PKCE is safe for it)`,
      );
    else if (!changeable(row))
      problems.push(
        `"${row.name}" is out of scope: ${row.reasons.join('; ') || 'no authorization code flow and no refresh tokens'}`,
      );
    else chosen.set(row.name, row);
  }
  for (const name of plan.exclude) {
    const row = byName(name);
    if (!row) problems.push(`exclude: ${unknown(name)}`);
    else chosen.delete(row.name);
  }
  for (const w of plan.waive) if (!byName(w.app)) problems.push(`waive: ${unknown(w.app)}`);
  return { apps: [...chosen.values()].sort((a, b) => a.name.localeCompare(b.name)), problems };
}

export function packageText(row: Pick<AppRow, 'owner'>): string {
  const o = row.owner;
  const parts = [o.packageName, o.publisher ? `by ${o.publisher}` : undefined].filter(Boolean).join(' ');
  return `"${o.namespace ?? '?'}"${parts ? ` (${parts})` : ''}`;
}

export type PlanFormat = 'yaml' | 'json';

/**
 * A starter plan from an inventory: the selector `needs-action` (or, when nothing needs action, `all-in-scope`), the
 * apps it picks as comments, and a commented waiver suggestion per app that would block the gate and that the rollout
 * cannot change (managed packages). Waivers are never filled in for the user.
 */
export function starterPlan(inventory: AppListResult, format: PlanFormat): { plan: RolloutPlan; text: string } {
  const rows = inventory.apps;
  const anyNeeds = rows.some((r) => changeable(r) && needsAction(r));
  const plan: RolloutPlan = {
    version: PLAN_VERSION,
    apps: [anyNeeds ? 'needs-action' : 'all-in-scope'],
    exclude: [],
    waive: [],
    options: { ...DEFAULT_OPTIONS, days: inventory.days, secretEnv: {} },
  };
  const selected = selectApps(plan, rows).apps;
  const vendor = rows.filter((r) => r.owner.type === 'package' && scopeOf(r).pkce && r.pkceRequired !== true);
  const confidential = selected.filter((r) => r.clientType !== 'public');
  if (format === 'json') {
    return { plan, text: JSON.stringify(plan, null, 2) + '\n' };
  }
  const lines = [
    `# sf oauth rollout plan for ${inventory.org.name ?? inventory.org.id ?? 'the org'} (${inventory.org.username ?? ''}), written ${new Date().toISOString()}`,
    '# Run it with: sf oauth rollout run --plan <this file> --target-org <org>',
    `# Selected now (${selected.length}): ${selected.map((r) => r.name).join(', ') || 'none'}`,
  ];
  if (confidential.length) {
    lines.push('# Confidential clients: the smoke tests need their consumer secrets in the environment:');
    for (const r of confidential)
      lines.push(
        `#   SF_OAUTH_CLIENT_SECRET_${r.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}  (or name another variable under options.secretEnv)`,
      );
  }
  if (vendor.length) {
    lines.push(
      '# These managed-package apps have PKCE off and block org-wide Require PKCE until their vendor fixes them.',
    );
    lines.push('# Once the vendor confirms their client sends PKCE, list them under "waive" with that reason:');
    for (const r of vendor) lines.push(`#   - app: ${r.name}   # ${packageText(r)}`);
  }
  lines.push(stringifyYaml(plan).trimEnd());
  return { plan, text: lines.join('\n') + '\n' };
}
