/*
 * grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer: a JWT signed with the key of the app's certificate.
 * The signature is verified when the certificate is a real X.509 certificate (PEM or base64 DER). Seed apps carry a
 * placeholder certificate, which has no public key: for those the signature cannot be checked and is not, so tests
 * can use unsigned assertions; every other claim is still checked.
 */
import { X509Certificate, verify } from 'node:crypto';
import type { OAuthClient } from '../../clients.js';
import { sendJson } from '../../http/context.js';
import { child, text } from '../../metadata/codec.js';
import type { OrgStore } from '../../store/store.js';
import { isPreAuthorized } from '../access.js';
import { findClient } from '../client-auth.js';
import { ERRORS } from '../errors.js';
import { sendOAuthError } from '../respond.js';
import { issueForUser, withoutRefreshScopes, working } from '../tokens.js';
import type { GrantHandler } from './types.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Audiences Salesforce accepts besides the org's own URL. */
const LOGIN_HOSTS = ['https://login.salesforce.com', 'https://test.salesforce.com'];

type Claims = { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown };
type Jwt = { header: { alg?: unknown }; claims: Claims; signingInput: string; signature: Buffer };

function decode(assertion: string): Jwt | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Jwt['header'];
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Claims;
    if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object') return undefined;
    return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

/** The certificate text of a Connected App or External Client App. */
function certificateText(store: OrgStore, client: OAuthClient): string {
  if (client.kind === 'ConnectedApp')
    return text(child(store.component('ConnectedApp', client.appName)?.value.oauthConfig).certificate);
  const global = store
    .components('ExtlClntAppGlobalOauthSettings')
    .find((c) => text(c.value.externalClientApplication) === client.appName);
  return global ? text(global.value.certificate) : '';
}

/** The parsed certificate, or undefined when the text is not a real certificate (a placeholder). */
function parseCertificate(value: string): X509Certificate | undefined {
  try {
    return new X509Certificate(
      value.includes('BEGIN CERTIFICATE') ? value : Buffer.from(value.replace(/\s+/g, ''), 'base64'),
    );
  } catch {
    return undefined;
  }
}

const normalize = (url: string): string => url.replace(/\/+$/, '');

function audienceOk(aud: unknown, instanceUrl: string): boolean {
  const accepted = new Set([instanceUrl, ...LOGIN_HOSTS].map(normalize));
  const values = Array.isArray(aud) ? aud : [aud];
  return values.some((v) => typeof v === 'string' && accepted.has(normalize(v)));
}

export const jwtBearer: GrantHandler = async (rt, ctx, form) => {
  await working(rt);
  const store = rt.services.store;
  const jwt = decode(form.get('assertion') ?? '');
  if (!jwt) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  const { iss, sub, aud, exp } = jwt.claims;
  const client = typeof iss === 'string' ? findClient(store, { clientId: iss }) : undefined;
  if (!client) return sendOAuthError(ctx, ERRORS.clientIdInvalid);
  if (!client.jwtBearerEnabled) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  if (!audienceOk(aud, rt.services.instanceUrl())) return sendOAuthError(ctx, ERRORS.audienceInvalid);
  if (typeof exp !== 'number' || exp * 1000 <= store.clock()) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  const certificate = parseCertificate(certificateText(store, client));
  if (certificate) {
    const signed =
      jwt.header.alg === 'RS256' &&
      verify('sha256', Buffer.from(jwt.signingInput), certificate.publicKey, jwt.signature);
    if (!signed) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  }
  const user = typeof sub === 'string' ? store.userByUsername(sub) : undefined;
  if (!user?.isActive) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  const approved = client.adminApprovedOnly
    ? isPreAuthorized(client, user)
    : store.hasApproved(user.id, client.clientId);
  if (!approved) return sendOAuthError(ctx, ERRORS.userNotApproved);
  sendJson(ctx, 200, issueForUser(rt.services, client, user.id, withoutRefreshScopes(client.scopes), false));
};
