/*
 * Identity endpoints: `/services/oauth2/userinfo` (OpenID Connect claims) and the identity URL `/id/<orgId>/<userId>`,
 * both with a Bearer access token. @salesforce/core calls userinfo after every login.
 */
import type { UserRecord } from '../store/state.js';
import { sendJson, type RequestContext } from '../http/context.js';
import { authenticate, identityUrl, LATEST_API_VERSION, type EmulatorServices } from '../services.js';

function claims(services: EmulatorServices, user: UserRecord): Record<string, unknown> {
  const org = services.store.state.org;
  const base = services.instanceUrl();
  const v = LATEST_API_VERSION;
  return {
    sub: identityUrl(services, user.id),
    user_id: user.id,
    organization_id: org.id,
    preferred_username: user.username,
    nickname: user.alias,
    name: `${user.firstName} ${user.lastName}`,
    given_name: user.firstName,
    family_name: user.lastName,
    email: user.email,
    email_verified: true,
    zoneinfo: 'America/Los_Angeles',
    locale: 'en_US',
    language: 'en_US',
    active: user.isActive,
    user_type: user.userType === 'Standard' ? 'STANDARD' : user.userType.toUpperCase(),
    is_app_installed: true,
    urls: {
      enterprise: `${base}/services/Soap/c/${v}/${org.id}`,
      metadata: `${base}/services/Soap/m/${v}/${org.id}`,
      partner: `${base}/services/Soap/u/${v}/${org.id}`,
      rest: `${base}/services/data/v${v}/`,
      sobjects: `${base}/services/data/v${v}/sobjects/`,
      query: `${base}/services/data/v${v}/query/`,
      tooling_rest: `${base}/services/data/v${v}/tooling/`,
      profile: `${base}/${user.id}`,
      custom_domain: base,
    },
    updated_at: org.createdDate,
  };
}

function unauthorized(ctx: RequestContext): void {
  // Salesforce answers a bad token at the identity endpoints with a plain 403 text body.
  ctx.res.writeHead(403, { 'content-type': 'text/plain;charset=UTF-8' });
  ctx.res.end('Bad_OAuth_Token');
}

export function userinfo(services: EmulatorServices) {
  return (ctx: RequestContext): void => {
    const auth = authenticate(services, ctx.bearer());
    if (!auth) return unauthorized(ctx);
    sendJson(ctx, 200, claims(services, auth.user));
  };
}

export function identity(services: EmulatorServices) {
  return (ctx: RequestContext): void => {
    const auth = authenticate(services, ctx.bearer() ?? ctx.url.searchParams.get('oauth_token') ?? undefined);
    if (!auth) return unauthorized(ctx);
    if (
      ctx.params.orgId.slice(0, 15) !== services.store.state.org.id.slice(0, 15) ||
      ctx.params.userId.slice(0, 15) !== auth.user.id.slice(0, 15)
    ) {
      ctx.res.writeHead(403, { 'content-type': 'text/plain;charset=UTF-8' });
      ctx.res.end('Forbidden');
      return;
    }
    const c = claims(services, auth.user);
    sendJson(ctx, 200, {
      id: c.sub,
      asserted_user: true,
      user_id: auth.user.id,
      organization_id: c.organization_id,
      username: auth.user.username,
      nick_name: auth.user.alias,
      display_name: c.name,
      email: auth.user.email,
      first_name: auth.user.firstName,
      last_name: auth.user.lastName,
      active: auth.user.isActive,
      user_type: c.user_type,
      language: 'en_US',
      locale: 'en_US',
      utcOffset: -28_800_000,
      urls: c.urls,
      is_app_installed: true,
      last_modified_date: c.updated_at,
    });
  };
}
