import type { RequestContext } from '../../http/context.js';
import type { OAuthRuntime } from '../runtime.js';

/** When the request reached the token endpoint, before its body was read (`arrivalTime()` of in-flight.ts). */
export type TokenRequestMeta = { arrivedAt: number };

/** One grant type of the token endpoint; it writes the whole response. */
export type GrantHandler = (
  rt: OAuthRuntime,
  ctx: RequestContext,
  form: URLSearchParams,
  meta: TokenRequestMeta,
) => Promise<void>;
