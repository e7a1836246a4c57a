/*
 * Browser sessions of the emulated org: a random cookie value mapped in memory to a user. The cookie never holds an
 * access token, so a leaked cookie jar reveals nothing that works against the API.
 */
import type { RequestContext } from '../http/context.js';
import type { UserRecord } from '../store/state.js';
import type { OAuthRuntime } from './runtime.js';

export const SESSION_COOKIE = 'sid';

/** Starts a session for a user; returns the Set-Cookie header value. */
export function startSession(rt: OAuthRuntime, userId: string): string {
  const seconds = rt.services.store.state.sessionSeconds;
  const raw = rt.sessions.put({ userId }, seconds * 1000);
  return `${SESSION_COOKIE}=${raw}; Path=/; HttpOnly; SameSite=Lax`;
}

/** The signed-in active user of this request, if any. */
export function sessionUser(
  rt: OAuthRuntime,
  ctx: RequestContext,
): { user: UserRecord; sessionId: string } | undefined {
  const sessionId = ctx.cookies()[SESSION_COOKIE];
  const session = rt.sessions.get(sessionId);
  if (!session || !sessionId) return undefined;
  const user = rt.services.store.user(session.userId);
  return user?.isActive ? { user, sessionId } : undefined;
}
