/*
 * The org's login page (`/`, as on a My Domain). Emulator-only convenience: it lists the active internal users to
 * sign in as with one click, without a password; users that have a password (custom seeds) may also sign in with it.
 * The page never echoes what was typed.
 */
import { redirect, sendHtml, type RequestContext } from '../http/context.js';
import { sha256 } from '../store/hash.js';
import type { UserRecord } from '../store/state.js';
import { escapeHtml, hidden, page } from './pages.js';
import type { OAuthRuntime } from './runtime.js';
import { sessionUser, startSession } from './sessions.js';

export const LOGIN_PATH = '/';

/** Only same-origin relative URLs: `/x`, never `//host` or `/\host`. */
export function safeRelative(url: string | null | undefined): string | undefined {
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : undefined;
}

export function loginUrl(startUrl?: string): string {
  const safe = safeRelative(startUrl);
  return safe ? `${LOGIN_PATH}?ec=302&startURL=${encodeURIComponent(safe)}` : LOGIN_PATH;
}

const oneClickUsers = (rt: OAuthRuntime): UserRecord[] =>
  rt.services.store.state.users.filter((u) => u.isActive && u.userType === 'Standard');

function loginPage(rt: OAuthRuntime, startUrl: string | undefined, failed: boolean): string {
  const start = startUrl ? hidden('startURL', startUrl) : '';
  const users = oneClickUsers(rt)
    .map(
      (u) =>
        `<form method="POST" action="${LOGIN_PATH}">${start}${hidden('username', u.username)}` +
        `<button type="submit">Sign in as ${escapeHtml(`${u.firstName} ${u.lastName}`)} (${escapeHtml(u.username)}, ${escapeHtml(u.profileName)})</button></form>`,
    )
    .join('');
  const error = failed
    ? '<p role="alert">Please check your username and password. If you still can\'t log in, contact your Salesforce administrator.</p>'
    : '';
  return page(
    'Login | Salesforce',
    `<h1>Log in to ${escapeHtml(rt.services.store.state.org.name)}</h1>${error}<h2>Sign in as</h2>${users}` +
      `<h2>Username and password</h2><form method="POST" action="${LOGIN_PATH}">${start}` +
      '<label>Username <input name="username" autocomplete="username"></label> ' +
      '<label>Password <input name="pw" type="password" autocomplete="current-password"></label> ' +
      '<button type="submit">Log In</button></form>',
  );
}

export function loginForm(rt: OAuthRuntime) {
  return (ctx: RequestContext): void => {
    const startUrl = safeRelative(ctx.url.searchParams.get('startURL'));
    const signedIn = sessionUser(rt, ctx);
    if (signedIn && !startUrl) {
      return sendHtml(ctx, 200, page('Home', `<h1>Signed in as ${escapeHtml(signedIn.user.username)}</h1>`));
    }
    sendHtml(ctx, 200, loginPage(rt, startUrl, false));
  };
}

export function loginSubmit(rt: OAuthRuntime) {
  return async (ctx: RequestContext): Promise<void> => {
    const form = await ctx.form();
    const startUrl = safeRelative(form.get('startURL'));
    const user = rt.services.store.userByUsername(form.get('username') ?? '');
    const ok = form.has('pw')
      ? Boolean(user?.isActive && user.passwordHash && user.passwordHash === sha256(form.get('pw') ?? ''))
      : Boolean(user && oneClickUsers(rt).includes(user));
    if (!ok || !user) return sendHtml(ctx, 200, loginPage(rt, startUrl, true));
    redirect(ctx, startUrl ?? LOGIN_PATH, { 'set-cookie': startSession(rt, user.id) });
  };
}
