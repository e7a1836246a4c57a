import type { RequestContext } from '../../http/context.js';
import type { OAuthRuntime } from '../runtime.js';

/** One grant type of the token endpoint; it writes the whole response. */
export type GrantHandler = (rt: OAuthRuntime, ctx: RequestContext, form: URLSearchParams) => Promise<void>;
