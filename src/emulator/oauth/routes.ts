import type { Router } from '../http/router.js';
import type { EmulatorServices } from '../services.js';

/** OAuth endpoints under `/services/oauth2`, the identity URL and `/secur/frontdoor.jsp`. */
export function registerOAuthRoutes(_router: Router, _services: EmulatorServices): void {}
