import type { Router } from '../http/router.js';
import type { EmulatorServices } from '../services.js';
import { authorize, AUTHORIZE_PATH } from './authorize.js';
import { CONSENT_PATH, consentDecision } from './consent.js';
import { errorPage } from './error-page.js';
import { frontdoor, FRONTDOOR_PATH, singleAccess } from './frontdoor.js';
import { introspect } from './introspect.js';
import { LOGIN_PATH, loginForm, loginSubmit } from './login.js';
import { ERROR_PAGE_PATH } from './respond.js';
import { revoke } from './revoke.js';
import { createRuntime } from './runtime.js';
import { token } from './token.js';
import { identity, userinfo } from './userinfo.js';

/** OAuth endpoints under `/services/oauth2`, the identity URL, `/secur/frontdoor.jsp`, and the login and consent pages. */
export function registerOAuthRoutes(router: Router, services: EmulatorServices): void {
  const rt = createRuntime(services);
  router.on(['GET', 'POST'], '/services/oauth2/userinfo', userinfo(services));
  router.on(['GET', 'POST'], '/id/:orgId/:userId', identity(services));
  router.on(['GET', 'POST'], AUTHORIZE_PATH, authorize(rt));
  router.on('POST', '/services/oauth2/token', token(rt));
  router.on(['GET', 'POST'], '/services/oauth2/revoke', revoke(rt));
  router.on('POST', '/services/oauth2/introspect', introspect(rt));
  router.on(['GET', 'POST'], '/services/oauth2/singleaccess', singleAccess(rt));
  router.on('GET', FRONTDOOR_PATH, frontdoor(rt));
  router.on('GET', LOGIN_PATH, loginForm(rt));
  router.on('POST', LOGIN_PATH, loginSubmit(rt));
  router.on('POST', CONSENT_PATH, consentDecision(rt));
  router.on('GET', ERROR_PAGE_PATH, errorPage);
}
