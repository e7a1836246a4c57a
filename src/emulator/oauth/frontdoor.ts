/*
 * Browser sessions from API sessions: `/secur/frontdoor.jsp?sid=<access token>&retURL=/x` (the classic way, used by
 * `sf org open`) and `?otp=<one-time value>` from POST /services/oauth2/singleaccess (the newer single-access flow).
 * A valid value sets the `sid` session cookie and redirects to the relative retURL; anything else goes to login.
 */
import { redirect, sendJson, type RequestContext } from '../http/context.js';
import { authenticate } from '../services.js';
import { loginUrl, safeRelative, LOGIN_PATH } from './login.js';
import type { OAuthRuntime } from './runtime.js';
import { startSession } from './sessions.js';

export const FRONTDOOR_PATH = '/secur/frontdoor.jsp';

/** How long a single-access value may wait to be used. Salesforce documents no figure; one minute is our choice. */
const OTP_TTL_MS = 60 * 1000;

export function frontdoor(rt: OAuthRuntime) {
  return (ctx: RequestContext): void => {
    const query = ctx.url.searchParams;
    const target = safeRelative(query.get('retURL') ?? query.get('startURL'));
    const sid = query.get('sid');
    const userId = sid ? authenticate(rt.services, sid)?.user.id : rt.otps.take(query.get('otp') ?? undefined)?.userId;
    const user = userId ? rt.services.store.user(userId) : undefined;
    if (!user?.isActive) return redirect(ctx, loginUrl(target));
    redirect(ctx, target ?? LOGIN_PATH, { 'set-cookie': startSession(rt, user.id) });
  };
}

export function singleAccess(rt: OAuthRuntime) {
  return (ctx: RequestContext): void => {
    const auth = authenticate(rt.services, ctx.bearer());
    if (!auth) return sendJson(ctx, 401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    const otp = rt.otps.put({ userId: auth.user.id }, OTP_TTL_MS);
    sendJson(ctx, 200, { frontdoor_uri: `${rt.services.instanceUrl()}${FRONTDOOR_PATH}?otp=${encodeURIComponent(otp)}` });
  };
}
