/*
 * Token usage per app from OauthToken, in three aggregate queries whatever the number of apps or tokens (record
 * queries on OauthToken stop at 2,500 rows; aggregates see every row): holders and last use, holders used within the
 * activity window, and holders unused for more than 30 days. The org evaluates the date literals, so the window
 * follows the org's clock, not this machine's.
 *
 * OauthToken's AppName is the app's label. Client-credentials and JWT bearer traffic does not appear in OauthToken.
 */
import type { Connection } from '@salesforce/core';
import type { TokenUsage } from './model.js';

/** Salesforce's idle refresh-token timeout: tokens unused for longer expire. */
export const IDLE_TIMEOUT_DAYS = 30;

export const EMPTY_USAGE: TokenUsage = { holders: 0, activeHolders: 0, staleHolders: 0, lastUsed: null };

type Aggregate = { AppName?: string | null; n?: number | null; lastUsed?: string | null };

export function usageQueries(days: number): { all: string; active: string; stale: string } {
  return {
    all: 'SELECT AppName, COUNT(Id) n, MAX(LastUsedDate) lastUsed FROM OauthToken GROUP BY AppName',
    active: `SELECT AppName, COUNT(Id) n FROM OauthToken WHERE LastUsedDate = LAST_N_DAYS:${days} GROUP BY AppName`,
    stale:
      `SELECT AppName, COUNT(Id) n FROM OauthToken WHERE LastUsedDate < LAST_N_DAYS:${IDLE_TIMEOUT_DAYS}` +
      ` OR (LastUsedDate = null AND CreatedDate < LAST_N_DAYS:${IDLE_TIMEOUT_DAYS}) GROUP BY AppName`,
  };
}

async function aggregate(conn: Connection, soql: string): Promise<Aggregate[]> {
  const result = await conn.query<Aggregate>(soql, { autoFetch: true, maxFetch: 100_000 });
  return result.records;
}

/** Usage keyed by OauthToken AppName (the app label). */
export async function loadUsage(conn: Connection, days: number): Promise<Map<string, TokenUsage>> {
  const q = usageQueries(days);
  const [all, active, stale] = await Promise.all([aggregate(conn, q.all), aggregate(conn, q.active), aggregate(conn, q.stale)]);
  const out = new Map<string, TokenUsage>();
  for (const row of all) {
    if (!row.AppName) continue;
    out.set(row.AppName, { ...EMPTY_USAGE, holders: Number(row.n ?? 0), lastUsed: row.lastUsed ?? null });
  }
  for (const [rows, key] of [
    [active, 'activeHolders'],
    [stale, 'staleHolders'],
  ] as const) {
    for (const row of rows) {
      const usage = row.AppName ? out.get(row.AppName) : undefined;
      if (usage) usage[key] = Number(row.n ?? 0);
    }
  }
  return out;
}
