import type { Router } from '../http/router.js';
import { sendJson } from '../http/context.js';
import { LATEST_API_VERSION, type EmulatorServices } from '../services.js';

/** REST API under `/services/data`. */
export function registerRestRoutes(router: Router, _services: EmulatorServices): void {
  router.on('GET', '/services/data', (ctx) => sendJson(ctx, 200, apiVersions()));
}

export function apiVersions(): Array<{ label: string; url: string; version: string }> {
  const latest = Number(LATEST_API_VERSION);
  const out = [];
  for (let v = 20; v <= latest; v++) out.push({ label: `v${v}.0`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  return out;
}
