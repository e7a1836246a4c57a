/*
 * A small path router. Patterns are literal paths with `:name` segments and an optional trailing `*`; the first route
 * that matches method and path wins.
 */
import type { RequestContext } from './context.js';

export type Handler = (ctx: RequestContext) => Promise<void> | void;

type Route = { method: string; regex: RegExp; keys: string[]; handler: Handler };

export class Router {
  private readonly routes: Route[] = [];

  public on(methods: string | string[], pattern: string, handler: Handler): this {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        if (segment === '*') return '.*';
        if (segment.startsWith(':')) {
          keys.push(segment.slice(1));
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    for (const method of Array.isArray(methods) ? methods : [methods]) {
      this.routes.push({ method: method.toUpperCase(), regex: new RegExp(`^${source}/?$`), keys, handler });
    }
    return this;
  }

  /** Finds the handler for a request and fills `ctx.params`; undefined when nothing matches. */
  public match(ctx: RequestContext): Handler | undefined {
    for (const route of this.routes) {
      if (route.method !== '*' && route.method !== ctx.method) continue;
      const m = route.regex.exec(ctx.path);
      if (!m) continue;
      // eslint-disable-next-line no-param-reassign -- the router fills in the request's path parameters
      route.keys.forEach((key, i) => (ctx.params[key] = decodeURIComponent(m[i + 1])));
      return route.handler;
    }
    return undefined;
  }

  /** Whether any route serves this path with another method (for 405 versus 404). */
  public hasPath(ctx: RequestContext): boolean {
    return this.routes.some((r) => r.regex.test(ctx.path));
  }
}
