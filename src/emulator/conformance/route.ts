/*
 * GET /_emulator/conformance: the conformance report of a running emulator (JSON, `?clientId=` filters, repeatable;
 * `?includeSmokeTests=true` reports the plugin's own smoke tests too, see smoke-marker.ts);
 * DELETE resets the recording (for CI jobs that run several suites against one emulator).
 *
 * Loopback-only and without an access token: the emulator listens on 127.0.0.1 only, the report carries no token,
 * secret, code or verifier (nor a hash of one), and CI needs to read it after the client under test is done, when no
 * admin session may be at hand. A request from another address is refused anyway, as a second line of defence, and
 * so is a browser request from a web page (it carries an Origin header), so no page the developer visits can read or
 * reset it.
 */
import { sendJson, type RequestContext } from '../http/context.js';
import type { Router } from '../http/router.js';
import type { EmulatorServices } from '../services.js';
import { evaluate } from './requirements.js';

export const CONFORMANCE_PATH = '/_emulator/conformance';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function allowed(ctx: RequestContext): boolean {
  if (!LOOPBACK.has(ctx.req.socket.remoteAddress ?? '')) return false;
  return ctx.req.headers.origin === undefined;
}

function refuse(ctx: RequestContext): void {
  sendJson(ctx, 403, [
    { errorCode: 'FORBIDDEN', message: 'The conformance report is served to local, non-browser clients only.' },
  ]);
}

export function registerConformanceRoutes(router: Router, services: EmulatorServices): void {
  router.on('GET', CONFORMANCE_PATH, (ctx) => {
    if (!allowed(ctx)) return refuse(ctx);
    const clientIds = ctx.url.searchParams.getAll('clientId').filter(Boolean);
    const includeSmokeTests = ctx.url.searchParams.get('includeSmokeTests') === 'true';
    sendJson(
      ctx,
      200,
      evaluate(services.conformance.log, { now: services.store.nowIso(), clientIds, includeSmokeTests }),
    );
  });
  router.on('DELETE', CONFORMANCE_PATH, (ctx) => {
    if (!allowed(ctx)) return refuse(ctx);
    services.conformance.reset();
    sendJson(ctx, 200, { reset: true, since: services.conformance.log.since });
  });
}
