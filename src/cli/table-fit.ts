/*
 * Column widths for an @oclif/table table that must fit the width (see terminal.ts), chosen by us rather than by
 * @oclif/table. Left to itself it shrinks the widest column by the whole excess, then the next one down to three
 * characters, so a table of short names and one long detail comes out with `│ adm │` names and a detail four
 * characters wide. Here the columns that hold identifiers (names, ids, times) keep their width, and the prose columns
 * share what is left and wrap between words; only when the identifiers alone leave too little does every column give
 * way, the widest first, evenly.
 */
import { stripVTControlCharacters } from 'node:util';
import { fitToWidth } from './terminal.js';

export type FitColumn<K extends string> = { key: K; name: string; width?: number };

/** Padding on each side of a cell, as @oclif/table draws it. */
const PADDING = 2;
/** Narrowest a prose column is squeezed to (text and padding) before the identifier columns give way too. */
const MIN_PROSE = 24;

/** A cell's text as @oclif/table prints it: strings, numbers and booleans (our tables hold nothing else). */
const cellText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';

const longestLine = (value: unknown): number =>
  Math.max(
    ...cellText(value)
      .split('\n')
      .map((l) => stripVTControlCharacters(l).length),
  );

const longestWord = (value: unknown): number =>
  Math.max(
    0,
    ...cellText(value)
      .split(/\s+/)
      .map((w) => stripVTControlCharacters(w).length),
  );

/**
 * Widths for `columns` within `width` (borders included). `prose` names the columns that wrap (the widest when not
 * given). Headers never wrap (@oclif/table draws them one line high), so no column is narrower than its header.
 */
export function columnWidths<K extends string>(
  rows: Array<Partial<Record<K, unknown>>>,
  columns: Array<FitColumn<K>>,
  width: number,
  prose?: K[],
): number[] {
  const natural = columns.map((c) => Math.max(c.name.length, ...rows.map((r) => longestLine(r[c.key]))) + PADDING);
  const room = width - (columns.length + 1);
  if (sum(natural) <= room) return natural;
  const widest = columns.reduce((best, _, i) => (natural[i] > natural[best] ? i : best), 0);
  const wraps = new Set(prose ?? [columns[widest].key]);
  const isProse = columns.map((c) => wraps.has(c.key));
  // An identifier wraps only between its words (`2026-05-01 10:00:00Z`), never inside one (`pkce-verify:Acme_Mobile`).
  const floor = columns.map(
    (c, i) => Math.max(c.name.length, ...(isProse[i] ? [] : rows.map((r) => longestWord(r[c.key])))) + PADDING,
  );
  const proseAtLeast = natural.map((n, i) => (isProse[i] ? Math.min(n, Math.max(MIN_PROSE, floor[i])) : n));
  // The identifier columns keep their width when the prose still gets a readable share ...
  if (sum(proseAtLeast) <= room) return waterFill(natural, floor, isProse, room);
  // ... else they give way first, down to their longest word, and the prose columns share what is left.
  const identifiers = waterFill(
    proseAtLeast,
    floor,
    isProse.map((p) => !p),
    room,
  );
  return waterFill(
    natural.map((n, i) => (isProse[i] ? n : identifiers[i])),
    floor,
    isProse,
    room,
  );
}

const sum = (w: number[]): number => w.reduce((a, b) => a + b, 0);

/**
 * The largest cap such that the shrinking columns, each at min(natural, max(cap, floor)), fit `room` with the others
 * at their natural width; what the cap leaves over goes one character at a time to the capped columns.
 */
function waterFill(natural: number[], floor: number[], shrinking: boolean[], room: number): number[] {
  const at = (cap: number): number[] =>
    natural.map((n, i) => (shrinking[i] ? Math.min(n, Math.max(cap, floor[i])) : n));
  const total = (cap: number): number => at(cap).reduce((a, b) => a + b, 0);
  let cap = Math.max(...natural);
  while (cap > 1 && total(cap) > room) cap--;
  const widths = at(cap);
  let spare = room - total(cap);
  for (let i = 0; spare > 0 && i < widths.length; i++)
    if (shrinking[i] && widths[i] < natural[i]) {
      widths[i]++;
      spare--;
    }
  return widths;
}

/**
 * The table options for `this.table` that fit the terminal's width ({@link fitToWidth}): long cells wrap within the
 * widths chosen by {@link columnWidths}, each column given its width. `prose` names the columns that wrap.
 */
export function fitTable<R extends Record<string, unknown>, K extends keyof R & string>(
  options: { data: R[]; columns: Array<FitColumn<K>> },
  prose?: K[],
): { data: R[]; columns: Array<FitColumn<K>>; overflow: 'wrap'; maxWidth: number } {
  const { maxWidth: width } = fitToWidth();
  const widths = columnWidths(options.data, options.columns, width, prose);
  return {
    data: options.data,
    columns: options.columns.map((c, i) => ({ ...c, width: widths[i] })),
    overflow: 'wrap',
    maxWidth: width,
  };
}
