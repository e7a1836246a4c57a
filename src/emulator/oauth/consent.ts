/*
 * The "Allow Access?" page of self-authorized apps, and its form handler. The form carries only a random handle to
 * the pending authorization, bound to the session that saw the page (which also makes it a CSRF token).
 */
import type { OAuthClient } from '../clients.js';
import { sendHtml, type RequestContext } from '../http/context.js';
import type { UserRecord } from '../store/state.js';
import { ERRORS } from './errors.js';
import { redirectWithCode } from './issue-code.js';
import { escapeHtml, hidden, page } from './pages.js';
import type { AuthorizationRequest } from './request.js';
import { redirectError } from './respond.js';
import type { OAuthRuntime } from './runtime.js';
import { sessionUser } from './sessions.js';

export const CONSENT_PATH = '/setup/secur/RemoteAccessAuthorizationPage.apexp';

/** How long a consent page stays answerable (as long as the code it leads to would live). */
const CONSENT_TTL_MS = 15 * 60 * 1000;

export function showConsent(
  rt: OAuthRuntime,
  ctx: RequestContext,
  client: OAuthClient,
  request: AuthorizationRequest,
  signedIn: { user: UserRecord; sessionId: string },
): void {
  const handle = rt.consents.put({ request, userId: signedIn.user.id, sessionId: signedIn.sessionId }, CONSENT_TTL_MS);
  const scopes = request.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  const body =
    `<h1>Allow Access?</h1><p><strong>${escapeHtml(client.label)}</strong> is asking to access your data as ` +
    `${escapeHtml(signedIn.user.username)}:</p><ul>${scopes}</ul>` +
    `<form method="POST" action="${CONSENT_PATH}">${hidden('consent', handle)}` +
    '<button type="submit" name="decision" value="allow">Allow</button>' +
    '<button type="submit" name="decision" value="deny">Deny</button></form>';
  sendHtml(ctx, 200, page('Allow Access?', body));
}

export function consentDecision(rt: OAuthRuntime) {
  return async (ctx: RequestContext): Promise<void> => {
    const form = await ctx.form();
    const handle = form.get('consent') ?? undefined;
    const pending = rt.consents.get(handle);
    const signedIn = sessionUser(rt, ctx);
    if (!handle || !pending || signedIn?.sessionId !== pending.sessionId) {
      return sendHtml(
        ctx,
        400,
        page('Error', '<h1>This authorization request is no longer valid.</h1><p>Start the sign-in again.</p>'),
      );
    }
    rt.consents.delete(handle);
    const { request } = pending;
    if (form.get('decision') !== 'allow')
      return redirectError(ctx, request.redirectUri, ERRORS.accessDenied, request.state);
    rt.services.store.approve(pending.userId, request.clientId);
    redirectWithCode(rt, ctx, request, pending.userId);
  };
}
