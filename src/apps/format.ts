/*
 * Short text forms of row values, shared by the human table and the CSV export.
 */
import type { AppRow, AppRowKind, RefreshTokenPolicy } from './model.js';
import { describeOwner } from './owners.js';

export const yesNo = (value: boolean | null, yes = 'yes', no = 'no'): string =>
  value === null ? 'unknown' : value ? yes : no;

export function describePolicy(policy: RefreshTokenPolicy | null): string {
  if (!policy) return 'unknown';
  switch (policy.type) {
    case 'infinite':
      return 'valid until revoked';
    case 'zero':
      return 'expires immediately';
    case 'specific-lifetime':
      return `expires after ${policy.period ?? '?'} ${policy.unit ?? ''}`.trim();
    default:
      return `expires after ${policy.period ?? '?'} ${policy.unit ?? ''} idle`.trim();
  }
}

/** Compact form for the table: `forever`, `none`, `30 days idle`, `4 hours`. */
export function shortPolicy(policy: RefreshTokenPolicy | null): string {
  if (!policy) return 'unknown';
  if (policy.type === 'infinite') return 'forever';
  if (policy.type === 'zero') return 'none';
  const span = `${policy.period ?? '?'} ${policy.unit ?? ''}`.trim();
  return policy.type === 'specific-inactivity' ? `${span} idle` : span;
}

const SHORT_FLOWS: Record<string, string> = {
  'authorization-code': 'auth code',
  'code-credentials': 'code creds',
  'client-credentials': 'client creds',
  'jwt-bearer': 'JWT',
  device: 'device',
};

export function shortFlows(row: AppRow): string {
  if (row.kind === 'untracked') return '?';
  return row.flows.length ? row.flows.map((f) => SHORT_FLOWS[f] ?? f).join(', ') : 'none';
}

/**
 * A PKCE or rotation flag for the table: `on`, `off`, `unknown`, nothing for untracked apps, and `publisher's org` for
 * a packaged ECA whose settings live there (not unknown for lack of a permission).
 */
export function flagText(row: Pick<AppRow, 'kind' | 'settingsIn'>, value: boolean | null): string {
  if (row.kind === 'untracked') return '';
  if (row.settingsIn === 'publisher-org') return "publisher's org";
  return yesNo(value, 'on', 'off');
}

/** Compact owner: `org`, `Salesforce`, `mcconn: Northwind Software`, `unknown`. */
export function shortOwner(owner: AppRow['owner']): string {
  if (owner.type !== 'package') return describeOwner(owner);
  return owner.publisher ? `${owner.namespace ?? '?'}: ${owner.publisher}` : `${owner.namespace ?? '?'} (package)`;
}

export function describeKind(kind: AppRowKind): string {
  return kind === 'ConnectedApp' ? 'Connected App' : kind === 'ExternalClientApplication' ? 'ECA' : 'untracked';
}

/** `2 (1 stale)`, or `none`. */
export function describeTokens(row: AppRow): string {
  if (row.usage.holders === 0) return 'none';
  return row.usage.staleHolders ? `${row.usage.holders} (${row.usage.staleHolders} stale)` : String(row.usage.holders);
}

/** The date part of an ISO date-time. */
export const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : '');

export { describeOwner };
