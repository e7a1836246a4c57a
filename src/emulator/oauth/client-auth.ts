/*
 * Client authentication at the token, introspection endpoints: `client_id`/`client_secret` in the form, or an HTTP
 * Basic header (RFC 6749 §2.3.1: both parts form-urlencoded). Secrets are compared as hashes by the store.
 */
import { oauthClient, type OAuthClient } from '../clients.js';
import type { RequestContext } from '../http/context.js';
import type { OrgStore } from '../store/store.js';

export type PresentedClient = { clientId?: string; secret?: string };

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/** The client id and secret a request presents; a Basic header wins over the form. */
export function presentedClient(ctx: RequestContext, form: URLSearchParams): PresentedClient {
  const match = /^Basic\s+(.+)$/i.exec(String(ctx.req.headers.authorization ?? ''));
  if (match) {
    const decoded = Buffer.from(match[1].trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return {
        clientId: decodePart(decoded.slice(0, colon)),
        secret: decodePart(decoded.slice(colon + 1)) || undefined,
      };
  }
  // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- an empty client_secret is none
  return { clientId: form.get('client_id') ?? undefined, secret: form.get('client_secret') || undefined };
}

export function findClient(store: OrgStore, presented: PresentedClient): OAuthClient | undefined {
  return presented.clientId ? oauthClient(store, presented.clientId) : undefined;
}

/** Whether the presented secret is acceptable: required secrets must be sent, and any sent secret must be right. */
export function secretAccepted(
  store: OrgStore,
  client: OAuthClient,
  secret: string | undefined,
  required: boolean,
): boolean {
  if (secret === undefined) return !required;
  return store.checkConsumerSecret(client.clientId, secret);
}
