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

/** Table options that keep a table within {@link terminalWidth}: long cells wrap instead of widening every line. */
export function fitToWidth(): { overflow: 'wrap'; maxWidth: number } {
  return { overflow: 'wrap', maxWidth: terminalWidth() };
}
