import { HttpError, type RequestContext } from '../http/context.js';
import { authenticate, type EmulatorServices } from '../services.js';
import type { AccessTokenRecord, UserRecord } from '../store/state.js';

/** The caller of a REST request; throws the 401 `INVALID_SESSION_ID` that makes jsforce refresh its token. */
export function restCaller(
  services: EmulatorServices,
  ctx: RequestContext,
): { user: UserRecord; token: AccessTokenRecord } {
  const auth = authenticate(services, ctx.bearer());
  if (!auth) throw new HttpError(401, 'Session expired or invalid');
  return auth;
}
