/*
 * A scripted "browser" for automated tests against the emulator: follows the authorize URL through the emulator's
 * login page (one click per user, no password) and its consent page, and returns the callback URL with the code.
 * Against a real org you would drive a real browser (or your app's own login) instead.
 */
export type Browser = (authorizeUrl: string) => Promise<string>;

const consentHandle = (html: string): string | undefined => /name="consent" value="([^"]+)"/.exec(html)?.[1];

export function headlessBrowser(username: string): Browser {
  return async (authorizeUrl: string): Promise<string> => {
    const origin = new URL(authorizeUrl).origin;
    let cookie = '';
    let next: { url: string; form?: Record<string, string> } = { url: authorizeUrl };
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(next.url, {
        method: next.form ? 'POST' : 'GET',
        body: next.form ? new URLSearchParams(next.form) : undefined,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(next.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        redirect: 'manual',
      });
      const sid = res.headers.getSetCookie().find((c) => c.startsWith('sid='));
      if (sid) cookie = sid.split(';')[0];
      const location = res.headers.get('location');
      if (location) {
        const target = new URL(location, origin);
        // Off the org: this is the app's callback.
        if (target.origin !== origin) return target.href;
        if (target.pathname === '/' && target.searchParams.has('startURL')) {
          next = { url: `${origin}/`, form: { username, startURL: target.searchParams.get('startURL') ?? '/' } };
        } else {
          next = { url: target.href };
        }
        continue;
      }
      const handle = consentHandle(await res.text());
      if (!handle) throw new Error(`The emulator answered HTTP ${res.status} without a redirect or a consent page.`);
      next = {
        url: `${origin}/setup/secur/RemoteAccessAuthorizationPage.apexp`,
        form: { consent: handle, decision: 'allow' },
      };
    }
    throw new Error('Too many redirects.');
  };
}
