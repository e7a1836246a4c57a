/*
 * The human table of `sf oauth app list`, laid out to fit a given width (a 120-column terminal, a CI log): one line
 * per app, the columns that decide always shown (name, PKCE, RTR, verdict), the others added in order of use while
 * they fit, and each app's reasons and findings as wrapped lines under the table rather than as a column hundreds of
 * characters wide. Pure: it returns text and column lists, and the command prints them.
 */
import { stripVTControlCharacters } from 'node:util';
import type { AppRow } from './model.js';

export type TableCells = Record<ColumnKey, string>;

export type ColumnKey =
  | 'name'
  | 'kind'
  | 'owner'
  | 'client'
  | 'flows'
  | 'pkce'
  | 'rtr'
  | 'refresh'
  | 'tokens'
  | 'lastUsed'
  | 'activity'
  | 'verdict';

type ColumnSpec = { key: ColumnKey; name: string; priority: number };

/** Display order; priority 0 is always shown, then 1, 2, ... while the table fits. */
const COLUMNS: ColumnSpec[] = [
  { key: 'name', name: 'Name', priority: 0 },
  { key: 'kind', name: 'Kind', priority: 2 },
  { key: 'owner', name: 'Owner', priority: 4 },
  { key: 'client', name: 'Client', priority: 5 },
  { key: 'flows', name: 'Flows', priority: 6 },
  { key: 'pkce', name: 'PKCE', priority: 0 },
  { key: 'rtr', name: 'RTR', priority: 0 },
  { key: 'refresh', name: 'Refresh Token', priority: 1 },
  { key: 'tokens', name: 'Tokens', priority: 7 },
  { key: 'lastUsed', name: 'Last Used', priority: 3 },
  { key: 'activity', name: 'Activity', priority: 8 },
  { key: 'verdict', name: 'Verdict', priority: 0 },
];

/** Padding on each side of a cell, as @oclif/table draws it. */
const PADDING = 1;

const visible = (text: string): number => stripVTControlCharacters(text).length;

/** Width of a bordered table: each column's widest cell plus padding, and one border more than columns. */
export function tableWidth(columns: Array<{ key: ColumnKey; name: string }>, rows: TableCells[]): number {
  const cells = columns.map((c) => Math.max(visible(c.name), ...rows.map((r) => visible(r[c.key]))) + 2 * PADDING);
  return cells.reduce((a, b) => a + b, 0) + columns.length + 1;
}

export type TableLayout = {
  columns: Array<{ key: ColumnKey; name: string }>;
  /** Names of the columns left out to fit the width (every field is in CSV and JSON). */
  omitted: string[];
};

/** The columns to show within `width`: the deciding ones always, then the others by priority while they fit. */
export function tableLayout(rows: TableCells[], width: number): TableLayout {
  const shown = new Set<ColumnKey>(COLUMNS.filter((c) => c.priority === 0).map((c) => c.key));
  const optional = COLUMNS.filter((c) => c.priority > 0).sort((a, b) => a.priority - b.priority);
  for (const column of optional) {
    const trial = COLUMNS.filter((c) => shown.has(c.key) || c.key === column.key);
    if (tableWidth(trial, rows) <= width) shown.add(column.key);
  }
  return {
    columns: COLUMNS.filter((c) => shown.has(c.key)).map(({ key, name }) => ({ key, name })),
    omitted: COLUMNS.filter((c) => !shown.has(c.key)).map((c) => c.name),
  };
}

/** Words of `text` in lines of at most `width` characters; the first line starts with `first`, the rest with `rest`. */
export function wrapText(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = empty ? line + word : `${line} ${word}`;
    if (!empty && visible(candidate) > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line = candidate;
    }
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines;
}

/** One wrapped paragraph per app that has reasons or findings: `  Name: reason; reason; note: finding`. */
export function reasonLines(rows: AppRow[], width: number): string[] {
  return rows.flatMap((row) => {
    const parts = [...row.reasons, ...row.findings.map((f) => `note: ${f}`)];
    return parts.length ? wrapText(`${row.name}: ${parts.join('; ')}`, width, '  ', '      ') : [];
  });
}
