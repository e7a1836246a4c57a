/*
 * One request as the endpoint modules see it: parsed URL, lazily read body, cookie and auth helpers, and response
 * writers that set Salesforce's content types.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RequestContext = {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path with repeated leading slashes folded (jsforce sometimes sends `//services/...`). */
  path: string;
  url: URL;
  params: Record<string, string>;
  body(): Promise<Buffer>;
  /** Form fields of a urlencoded body, merged over the query string for GET. */
  form(): Promise<URLSearchParams>;
  cookies(): Record<string, string>;
  /** The raw token of an `Authorization: Bearer` or `OAuth` header. */
  bearer(): string | undefined;
};

const MAX_BODY = 64 * 1024 * 1024;

export function createContext(req: IncomingMessage, res: ServerResponse, baseUrl: string): RequestContext {
  // Fold leading slashes first: `new URL('//services/x', base)` would read `services` as a host name.
  const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), baseUrl);
  const path = url.pathname;
  let bodyPromise: Promise<Buffer> | undefined;
  const body = (): Promise<Buffer> =>
    (bodyPromise ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          reject(new HttpError(413, 'request body too large'));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    }));
  return {
    req,
    res,
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    url,
    params: {},
    body,
    async form(): Promise<URLSearchParams> {
      const params = new URLSearchParams(url.search);
      const type = String(req.headers['content-type'] ?? '');
      if (type.includes('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams((await body()).toString('utf8'))) params.set(k, v);
      }
      return params;
    },
    cookies(): Record<string, string> {
      const out: Record<string, string> = {};
      for (const part of String(req.headers.cookie ?? '').split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
      }
      return out;
    },
    bearer(): string | undefined {
      const header = String(req.headers.authorization ?? '');
      const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header);
      return match ? match[1].trim() : undefined;
    },
  };
}

export class HttpError extends Error {
  public constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(
  ctx: RequestContext,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(payload);
  ctx.res.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'cache-control': 'no-cache,must-revalidate,max-age=0,no-store,private',
    ...headers,
  });
  ctx.res.end(body);
}

export function sendXml(ctx: RequestContext, status: number, xml: string): void {
  ctx.res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' });
  ctx.res.end(xml);
}

export function sendHtml(
  ctx: RequestContext,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  ctx.res.writeHead(status, { 'content-type': 'text/html;charset=UTF-8', ...headers });
  ctx.res.end(html);
}

export function redirect(ctx: RequestContext, location: string, headers: Record<string, string | string[]> = {}): void {
  ctx.res.writeHead(302, {
    location,
    'cache-control': 'no-cache,must-revalidate,max-age=0,no-store,private',
    ...headers,
  });
  ctx.res.end();
}
