/*
 * The inventory as CSV (RFC 4180) for spreadsheet triage: one line per app, a header line, CRLF line ends. Cells that a
 * spreadsheet would run as a formula (starting with = + - @ or a tab/CR) get a leading apostrophe. The consumer key is
 * left out, as in the human table.
 */
import type { AppRow } from './model.js';
import { day, describeKind, describeOwner, describePolicy, yesNo } from './format.js';

type Column = { header: string; value: (row: AppRow) => string | number | boolean | null };

const flag = (value: boolean | null): string => (value === null ? '' : String(value));

export const CSV_COLUMNS: readonly Column[] = [
  { header: 'Name', value: (r) => r.name },
  { header: 'Label', value: (r) => r.label },
  { header: 'Kind', value: (r) => describeKind(r.kind) },
  { header: 'Owner', value: (r) => describeOwner(r.owner) },
  { header: 'Owner Type', value: (r) => r.owner.type },
  { header: 'Namespace', value: (r) => r.owner.namespace ?? '' },
  { header: 'Publisher', value: (r) => r.owner.publisher ?? '' },
  { header: 'Client Type', value: (r) => r.clientType ?? '' },
  { header: 'Flows', value: (r) => r.flows.join('; ') },
  { header: 'Scopes', value: (r) => (r.scopes ?? []).join('; ') },
  { header: 'Refresh Scope', value: (r) => flag(r.refreshScope) },
  { header: 'PKCE Required', value: (r) => flag(r.pkceRequired) },
  { header: 'RTR Enabled', value: (r) => flag(r.rtrEnabled) },
  { header: 'Secret Required For Refresh', value: (r) => flag(r.secretRequiredForRefresh) },
  { header: 'Refresh Token Policy', value: (r) => (r.refreshTokenPolicy ? describePolicy(r.refreshTokenPolicy) : '') },
  { header: 'IP Relaxation', value: (r) => r.ipRelaxation ?? '' },
  { header: 'Permitted Users', value: (r) => r.permittedUsers ?? '' },
  { header: 'Guest Code Credential Flow', value: (r) => flag(r.guestCodeCredentialFlow) },
  { header: 'Client Credentials User', value: (r) => r.clientCredentialsUser ?? '' },
  { header: 'Certificate', value: (r) => (r.certificate === null ? '' : yesNo(r.certificate)) },
  { header: 'Token Holders', value: (r) => r.usage.holders },
  { header: 'Active Holders', value: (r) => r.usage.activeHolders },
  { header: 'Stale Holders', value: (r) => r.usage.staleHolders },
  { header: 'Last Used', value: (r) => day(r.usage.lastUsed) },
  { header: 'Activity', value: (r) => r.activity },
  { header: 'Verdict', value: (r) => r.verdict },
  { header: 'Breaks At Enforcement', value: (r) => r.breaksAtEnforcement },
  { header: 'Reasons', value: (r) => r.reasons.join('; ') },
  { header: 'Findings', value: (r) => r.findings.join('; ') },
];

export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly AppRow[]): string {
  const lines = [CSV_COLUMNS.map((c) => csvCell(c.header)).join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}
