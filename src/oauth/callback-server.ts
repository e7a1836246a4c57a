/*
 * The local end of `--browser`: an HTTP server on the app's registered loopback callback (http://localhost:PORT/path or
 * 127.0.0.1), waiting for the browser to come back with `?code=` or `?error=`. Each wait is keyed by its `state`: a
 * callback with an unknown state is answered 400 and ignored (RFC 6749 §10.12), so a forged redirect cannot inject a
 * code. Several apps on the same port share one server.
 */
import { createServer, type Server } from 'node:http';
import { readCallback, type AuthorizeOutcome } from './browser.js';

type Waiter = { resolve: (outcome: AuthorizeOutcome) => void; redirectUri: string };

const PAGE = (title: string, text: string): string =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

export class CallbackTimeoutError extends Error {}

/** Whether a callback URL can be served here: http on localhost, 127.0.0.1 or [::1] with an explicit port. */
export function isLoopbackCallback(redirectUri: string): boolean {
  try {
    const url = new URL(redirectUri);
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) && url.port !== '';
  } catch {
    return false;
  }
}

export class CallbackServer {
  private readonly waiters = new Map<string, Waiter>();

  private constructor(
    private readonly servers: Server[],
    public readonly port: number,
    public readonly path: string,
  ) {}

  /** Listens on the callback's port (127.0.0.1, and ::1 too for `localhost`). */
  public static async listen(redirectUri: string): Promise<CallbackServer> {
    const url = new URL(redirectUri);
    const port = Number(url.port);
    const hosts = url.hostname === 'localhost' ? ['127.0.0.1', '::1'] : [url.hostname.replace(/^\[|\]$/g, '')];
    const servers: Server[] = [];
    const instance = new CallbackServer(servers, port, url.pathname);
    for (const [i, host] of hosts.entries()) {
      const server = createServer((req, res) =>
        instance.handle(req.url ?? '/', req.headers.host ?? `localhost:${port}`, res),
      );
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve());
        });
        servers.push(server);
      } catch (e) {
        // ::1 may be unavailable (no IPv6); the IPv4 listener is the one that must work.
        if (i === 0) throw e;
      }
    }
    return instance;
  }

  /** Resolves with the outcome of the callback carrying `state`, or rejects after `timeoutMs`. */
  public wait(state: string, redirectUri: string, timeoutMs: number, signal?: AbortSignal): Promise<AuthorizeOutcome> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(state);
      };
      const timer = setTimeout(() => {
        done();
        reject(new CallbackTimeoutError(`No answer at ${redirectUri} within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      const onAbort = (): void => {
        done();
        reject(new CallbackTimeoutError('Cancelled while waiting for the browser.'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(state, {
        redirectUri,
        resolve: (outcome) => {
          done();
          resolve(outcome);
        },
      });
    });
  }

  public async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  private handle(rawUrl: string, host: string, res: import('node:http').ServerResponse): void {
    const url = new URL(rawUrl, `http://${host}`);
    const send = (status: number, title: string, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE(title, text));
    };
    if (url.pathname !== this.path) return send(404, 'Not found', 'This is not the callback path.');
    const state = url.searchParams.get('state') ?? '';
    const waiter = this.waiters.get(state);
    if (!state || !waiter)
      return send(
        400,
        'Unexpected answer',
        'The state parameter does not match a request of this run; the answer was ignored.',
      );
    const outcome = readCallback(new URL(`${waiter.redirectUri.split('?')[0]}${url.search}`), waiter.redirectUri) ?? {
      kind: 'interaction' as const,
      page: 'other' as const,
      status: 400,
    };
    send(200, 'Done', 'The sf CLI received the answer. You can close this window.');
    waiter.resolve(outcome);
  }
}
