/*
 * /services/oauth2/revoke (POST form `token=` or GET `?token=`): a refresh token revokes its chain and the chain's
 * access tokens; an OauthToken DeleteToken revokes that approval the same way; an access token revokes itself. No
 * client authentication, as on Salesforce. An unknown or dead token is answered HTTP 400 `unsupported_token_type`,
 * form-encoded unless behaviour revokeErrorEncoding=json.
 */
import type { RequestContext } from '../http/context.js';
import { ERRORS } from './errors.js';
import { sendRevokeError } from './respond.js';
import type { OAuthRuntime } from './runtime.js';

export function revoke(rt: OAuthRuntime) {
  return async (ctx: RequestContext): Promise<void> => {
    const store = rt.services.store;
    const raw = (await ctx.form()).get('token') ?? '';
    const found = raw ? store.findRefreshToken(raw) : undefined;
    let revoked = false;
    if (found && !found.grant.revoked) {
      store.revokeGrant(found.grant);
      revoked = true;
    } else if (raw) {
      // An OauthToken row's DeleteToken removes that approval (object reference, OauthToken: "send a request to the
      // revoke OAuth token endpoint with the DeleteToken as the parameter").
      const approval = store.grantByDeleteToken(raw);
      if (approval) store.revokeGrant(approval);
      revoked = approval !== undefined || store.revokeAccessToken(raw);
    }
    if (!revoked) return sendRevokeError(ctx, rt.services, ERRORS.tokenTypeUnsupported);
    ctx.res.writeHead(200, {
      'content-length': '0',
      'cache-control': 'no-cache,must-revalidate,max-age=0,no-store,private',
    });
    ctx.res.end();
  };
}
