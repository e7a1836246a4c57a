import { wrapText } from '../apps/table-layout.js';

/*
 * The width human output is laid out for. A terminal tells its own (process.stdout.columns). A pipe, a file or a CI
 * log has none: then COLUMNS when the caller set it, else 120, the width official sf commands' tables are read at,
 * so a CI log gets the same table as a terminal instead of one line per row as wide as its longest text.
 */
export const DEFAULT_WIDTH = 120;
const MIN_WIDTH = 40;

export function terminalWidth(
  stdout: { isTTY?: boolean; columns?: number } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (stdout.isTTY && stdout.columns && stdout.columns > 0) return Math.max(MIN_WIDTH, stdout.columns);
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? Math.max(MIN_WIDTH, fromEnv) : DEFAULT_WIDTH;
}

/**
 * Table options that keep a table within {@link terminalWidth}: long cells wrap instead of widening every line.
 *
 * Without a terminal, @oclif/table lays its rows out (with Ink) in a box as wide as process.stdout.columns, which a
 * pipe does not have, so Ink falls back to 80: a wrapped row wider than that is squeezed cell by cell and its borders
 * shift (`│ adm │`, a right-hand border missing). OCLIF_TABLE_COLUMN_OVERRIDE is @oclif/table's own setting for
 * that box's width; we set it to the width we lay the table out for, unless the caller set it.
 */
export function fitToWidth(
  stdout: { isTTY?: boolean; columns?: number } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): { overflow: 'wrap'; maxWidth: number } {
  const width = terminalWidth(stdout, env);
  // eslint-disable-next-line no-param-reassign -- the environment @oclif/table reads (process.env unless a test's)
  if (!stdout.isTTY && !env.OCLIF_TABLE_COLUMN_OVERRIDE) env.OCLIF_TABLE_COLUMN_OVERRIDE = String(width);
  return { overflow: 'wrap', maxWidth: width };
}

/**
 * Prose within {@link terminalWidth}, wrapped between words; `lead` is what the printer puts before the first line
 * (`Warning: ` from this.warn). A word longer than the width (a path, a URL) keeps a line of its own.
 */
export function wrapToWidth(text: string, lead = ''): string {
  return wrapText(text, terminalWidth() - lead.length).join('\n');
}

/** `text` in at most `max` characters, cut between words with `…` rather than mid-word. */
export function shortenWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(1, max - 1));
  // the cut ends a word when a space follows it; else back to the last space (unless that loses over half)
  const space = /\s/.test(text[cut.length]) ? cut.length : cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
