/*
 * grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer: a JWT signed with the key of the app's certificate.
 * The signature is verified when the certificate is a real X.509 certificate (PEM or base64 DER). Seed apps carry a
 * placeholder certificate, which has no public key: for those the signature cannot be checked and is not, so tests
 * can use unsigned assertions; every other claim is still checked. Decoding and the JWS signature check are `jose`'s
 * (RFC 7515/7519); the claims are checked here, against the emulator's clock and in Salesforce's order of errors.
 */
import { X509Certificate } from 'node:crypto';
import { compactVerify, decodeJwt, type JWTPayload } from 'jose';
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

/** The claims of a compact JWS, or undefined when it is not one (signed or not, it is decoded first). */
function decode(assertion: string): JWTPayload | undefined {
  try {
    return decodeJwt(assertion);
  } catch {
    return undefined;
  }
}

/** Whether the assertion is signed with RS256 by the certificate's key (the only algorithm Salesforce accepts). */
async function signedBy(assertion: string, certificate: X509Certificate): Promise<boolean> {
  try {
    await compactVerify(assertion, certificate.publicKey, { algorithms: ['RS256'] });
    return true;
  } catch {
    return false;
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
  const assertion = form.get('assertion') ?? '';
  const claims = decode(assertion);
  if (!claims) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  const { iss, sub, aud, exp } = claims;
  const client = typeof iss === 'string' ? findClient(store, { clientId: iss }) : undefined;
  if (!client) return sendOAuthError(ctx, ERRORS.clientIdInvalid);
  if (!client.jwtBearerEnabled) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  if (!audienceOk(aud, rt.services.instanceUrl())) return sendOAuthError(ctx, ERRORS.audienceInvalid);
  if (typeof exp !== 'number' || exp * 1000 <= store.clock()) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  const certificate = parseCertificate(certificateText(store, client));
  if (certificate && !(await signedBy(assertion, certificate))) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  const user = typeof sub === 'string' ? store.userByUsername(sub) : undefined;
  if (!user?.isActive) return sendOAuthError(ctx, ERRORS.assertionInvalid);
  const approved = client.adminApprovedOnly
    ? isPreAuthorized(client, user)
    : store.hasApproved(user.id, client.clientId);
  if (!approved) return sendOAuthError(ctx, ERRORS.userNotApproved);
  sendJson(ctx, 200, issueForUser(rt.services, client, user.id, withoutRefreshScopes(client.scopes), false));
};
