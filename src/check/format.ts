/*
 * The checklist for people: grouped lines wrapped to a width (a 120-column terminal, a CI log), each check as
 * `status  title: detail` with its action on the next lines, instead of a table as wide as its longest detail. Pure: it
 * returns lines, and the command prints them.
 */
import { wrapText } from '../apps/table-layout.js';
import type { CheckItem, CheckStatus, OrgCheckResult } from './model.js';

/** Status words padded to one width, optionally coloured (the padding is computed on the plain word). */
export type Paint = (status: CheckStatus, word: string) => string;

const plain: Paint = (_status, word) => word;

function itemLines(c: CheckItem, indent: string, width: number, paint: Paint): string[] {
  const word = c.status.padEnd(5);
  const hang = `${indent}${' '.repeat(6)}`;
  const lines = wrapText(`${c.title}: ${c.detail}`, width, `${indent}${word} `, hang);
  if (lines.length) lines[0] = `${indent}${paint(c.status, word)} ${lines[0].slice(indent.length + word.length + 1)}`;
  if (c.action) lines.push(...wrapText(`Action: ${c.action}`, width, hang, `${hang}  `));
  return lines;
}

/** Access, how the org answers, then one block per app; `width` in characters. */
export function checklistLines(result: OrgCheckResult, width: number, paint: Paint = plain): string[] {
  const out: string[] = [];
  const section = (title: string, items: CheckItem[]): void => {
    if (!items.length) return;
    out.push(title);
    for (const c of items) out.push(...itemLines(c, '  ', width, paint));
  };
  section(
    'Access',
    result.checks.filter((c) => c.group === 'access'),
  );
  section(
    'How the org answers',
    result.checks.filter((c) => c.group === 'answers'),
  );
  const apps = [...new Set(result.checks.filter((c) => c.group === 'app').map((c) => c.app ?? ''))];
  if (apps.length) out.push('Apps');
  for (const app of apps) {
    out.push(`  ${app}`);
    for (const c of result.checks.filter((x) => x.group === 'app' && x.app === app))
      out.push(...itemLines(c, '    ', width, paint));
  }
  return out;
}
