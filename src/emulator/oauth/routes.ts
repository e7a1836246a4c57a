import type { Router } from '../http/router.js';
import type { EmulatorServices } from '../services.js';
import { identity, userinfo } from './userinfo.js';

/** OAuth endpoints under `/services/oauth2`, the identity URL and `/secur/frontdoor.jsp`. */
export function registerOAuthRoutes(router: Router, services: EmulatorServices): void {
  router.on(['GET', 'POST'], '/services/oauth2/userinfo', userinfo(services));
  router.on(['GET', 'POST'], '/id/:orgId/:userId', identity(services));
}
