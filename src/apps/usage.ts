/*
 * Token usage per app from OauthToken, counted here from the rows themselves. OauthToken.Id is "always null" and the
 * object reference documents no aggregate but `COUNT()` (object reference, OauthToken), so nothing here uses
 * `COUNT(Id)`, `GROUP BY` or `MAX()`: the rows are read (`AppName, UserId, LastUsedDate, CreatedDate`) and counted on
 * this side.
 *
 * A record query on OauthToken stops at 2,500 rows (500 per batch). The rows are therefore read in keyset pages
 * ordered by AppName (a documented Sort field): a page that hits the cap keeps the apps before its last one, the last
 * app is read alone, and the next page starts after it. An app with more than 2,500 rows alone is counted with
 * `COUNT()` queries filtered by AppName, the recipe the object reference gives. Rows without an AppName name no app
 * and are left out.
 *
 * The activity window and the idle timeout are measured from this machine's clock (`now`), with the same thresholds
 * for rows and for `COUNT()` filters. OauthToken's AppName is the app's label. Client-credentials and JWT bearer
 * traffic does not appear in OauthToken.
 */
import type { Connection } from '@salesforce/core';
import type { TokenUsage } from './model.js';

/** Salesforce's idle refresh-token timeout: tokens unused for longer expire. */
export const IDLE_TIMEOUT_DAYS = 30;

/** Rows one OauthToken query returns through query() and queryMore() together (object reference, OauthToken). */
export const OAUTH_TOKEN_ROW_CAP = 2500;

/** Keyset pages read before the figures are reported as partial (each page is at most 2,500 rows). */
const MAX_PAGES = 200;

const DAY_MS = 86_400_000;

export const EMPTY_USAGE: TokenUsage = { holders: 0, activeHolders: 0, staleHolders: 0, lastUsed: null };

/** One OauthToken row as read; any field may be null or absent on a real org. */
export type TokenRow = {
  AppName?: string | null;
  UserId?: string | null;
  LastUsedDate?: string | null;
  CreatedDate?: string | null;
};

export type UsageReport = {
  /** Usage keyed by OauthToken AppName (the app label). */
  byApp: Map<string, TokenUsage>;
  /** False when the page budget ran out: apps after `readUpTo` (in AppName order) are missing. */
  complete: boolean;
  readUpTo?: string;
  /** Queries made (record queries and COUNT() queries). */
  queries: number;
};

export const TOKEN_FIELDS = 'AppName, UserId, LastUsedDate, CreatedDate';

/** A SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A SOQL datetime literal (`2026-06-17T12:00:00Z`). */
export function soqlDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The instants that split active from idle rows, in epoch ms, on whole seconds: SOQL datetime literals have no
 * fractions, and rows and `COUNT()` filters must use the same thresholds.
 */
export function usageWindow(days: number, now: number): { activeSince: number; staleBefore: number } {
  const second = Math.floor(now / 1000) * 1000;
  return { activeSince: second - days * DAY_MS, staleBefore: second - IDLE_TIMEOUT_DAYS * DAY_MS };
}

const time = (iso: string | null | undefined): number | undefined => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

/** Adds rows to per-app usage: a row without LastUsedDate is stale once it was created before the idle cut-off. */
export function addRows(
  byApp: Map<string, TokenUsage>,
  rows: TokenRow[],
  window: { activeSince: number; staleBefore: number },
): void {
  for (const row of rows) {
    if (!row.AppName) continue;
    let usage = byApp.get(row.AppName);
    if (!usage) byApp.set(row.AppName, (usage = { ...EMPTY_USAGE }));
    usage.holders++;
    const used = time(row.LastUsedDate);
    if (used !== undefined && used >= window.activeSince) usage.activeHolders++;
    const idleSince = used ?? time(row.CreatedDate);
    if (idleSince !== undefined && idleSince < window.staleBefore) usage.staleHolders++;
    if (used !== undefined && (usage.lastUsed === null || used > Date.parse(usage.lastUsed)))
      usage.lastUsed = row.LastUsedDate as string;
  }
}

type Page = { rows: TokenRow[]; capped: boolean };

class UsageReader {
  public queries = 0;

  public constructor(
    private readonly conn: Connection,
    private readonly window: { activeSince: number; staleBefore: number },
  ) {}

  /** Every row a query returns, and whether the 2,500-row cap may have cut it short. */
  public async read(where: string, order = ''): Promise<Page> {
    this.queries++;
    const result = await this.conn.query<TokenRow>(`SELECT ${TOKEN_FIELDS} FROM OauthToken WHERE ${where}${order}`, {
      autoFetch: true,
      maxFetch: 4 * OAUTH_TOKEN_ROW_CAP,
    });
    const rows = result.records;
    return { rows, capped: rows.length >= OAUTH_TOKEN_ROW_CAP || (result.totalSize ?? 0) > rows.length };
  }

  public async count(where: string): Promise<number> {
    this.queries++;
    return (await this.conn.query(`SELECT COUNT() FROM OauthToken WHERE ${where}`)).totalSize;
  }

  /** One app's usage: its rows when they fit under the cap, else `COUNT()` queries and its latest use. */
  public async app(appName: string, byApp: Map<string, TokenUsage>): Promise<void> {
    const where = `AppName = ${soqlString(appName)}`;
    const page = await this.read(where);
    if (!page.capped) {
      addRows(byApp, page.rows, this.window);
      return;
    }
    const active = `LastUsedDate >= ${soqlDateTime(this.window.activeSince)}`;
    const cutoff = soqlDateTime(this.window.staleBefore);
    const stale = `(LastUsedDate < ${cutoff} OR (LastUsedDate = null AND CreatedDate < ${cutoff}))`;
    const [holders, activeHolders, staleHolders] = await Promise.all([
      this.count(where),
      this.count(`${where} AND ${active}`),
      this.count(`${where} AND ${stale}`),
    ]);
    this.queries++;
    const latest = await this.conn.query<TokenRow>(
      `SELECT LastUsedDate FROM OauthToken WHERE ${where} AND LastUsedDate != null ORDER BY LastUsedDate DESC LIMIT 1`,
    );
    byApp.set(appName, { holders, activeHolders, staleHolders, lastUsed: latest.records[0]?.LastUsedDate ?? null });
  }
}

/** Usage keyed by OauthToken AppName (the app label), from every OauthToken row the caller can see. */
export async function loadUsage(conn: Connection, days: number, now: number = Date.now()): Promise<UsageReport> {
  const window = usageWindow(days, now);
  const reader = new UsageReader(conn, window);
  const byApp = new Map<string, TokenUsage>();
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const where = after === undefined ? 'AppName != null' : `AppName > ${soqlString(after)}`;
    const got = await reader.read(where, ' ORDER BY AppName');
    if (!got.capped) {
      addRows(byApp, got.rows, window);
      return { byApp, complete: true, queries: reader.queries };
    }
    // The last app of a capped page may go on past the cap: keep the apps before it, then read it alone. AppName
    // comparisons in SOQL ignore case, so "the same app" does too.
    const last = String(got.rows[got.rows.length - 1].AppName);
    const fold = last.toLowerCase();
    addRows(
      byApp,
      got.rows.filter((r) => r.AppName?.toLowerCase() !== fold),
      window,
    );
    await reader.app(last, byApp);
    after = last;
  }
  return { byApp, complete: false, readUpTo: after, queries: reader.queries };
}
