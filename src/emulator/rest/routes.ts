import type { Router } from '../http/router.js';
import { sendJson } from '../http/context.js';
import { identityUrl, LATEST_API_VERSION, type EmulatorServices } from '../services.js';
import { restCaller } from './auth.js';

/** REST API under `/services/data`. */
export function registerRestRoutes(router: Router, services: EmulatorServices): void {
  router.on('GET', '/services/data', (ctx) => sendJson(ctx, 200, apiVersions()));
  router.on('GET', '/services/data/:version', (ctx) => {
    const { user } = restCaller(services, ctx);
    sendJson(ctx, 200, versionResources(ctx.params.version, identityUrl(services, user.id)));
  });
  router.on('GET', '/services/data/:version/sobjects/User/:id', (ctx) => {
    restCaller(services, ctx);
    const user = services.store.user(ctx.params.id);
    if (!user) return sendJson(ctx, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    sendJson(ctx, 200, {
      attributes: { type: 'User', url: `/services/data/${ctx.params.version}/sobjects/User/${user.id}` },
      Id: user.id,
      Username: user.username,
      FirstName: user.firstName,
      LastName: user.lastName,
      Name: `${user.firstName} ${user.lastName}`,
      Email: user.email,
      Alias: user.alias,
      IsActive: user.isActive,
      UserType: user.userType,
    });
  });
}

export function apiVersions(): Array<{ label: string; url: string; version: string }> {
  const latest = Number(LATEST_API_VERSION);
  const out = [];
  for (let v = 20; v <= latest; v++) out.push({ label: `v${v}.0`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  return out;
}

function versionResources(version: string, identity: string): Record<string, string> {
  const base = `/services/data/${version}`;
  const names = ['sobjects', 'query', 'queryAll', 'tooling', 'search', 'limits', 'metadata', 'connect', 'composite'];
  return { ...Object.fromEntries(names.map((n) => [n, `${base}/${n}`])), identity };
}
