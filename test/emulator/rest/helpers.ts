/*
 * Shared helpers of the REST tests: a fixed clock (date literals depend on "today"), raw HTTP calls for status
 * checks, and the error a jsforce call rejected with.
 */
import type { OrgEmulator } from '../../../src/emulator/server.js';

/** 2026-06-17T12:00:00Z, a Wednesday. */
export const NOW = Date.UTC(2026, 5, 17, 12, 0, 0);
export const fixedClock = (): number => NOW;
export const DAY = 86_400_000;

export type RawResponse = { status: number; body: unknown };

export async function rawGet(
  emu: OrgEmulator,
  path: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await fetch(`${emu.url}${path}`, {
    headers: { authorization: `Bearer ${token ?? emu.accessTokenFor()}`, ...headers },
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export async function rawQuery(emu: OrgEmulator, soql: string, tooling = false): Promise<RawResponse> {
  return rawGet(emu, `/services/data/v66.0${tooling ? '/tooling' : ''}/query?q=${encodeURIComponent(soql)}`);
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: PromiseLike<unknown>): Promise<Error & { errorCode?: string; name: string }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { errorCode?: string };
  }
  throw new Error('expected the call to fail');
}
