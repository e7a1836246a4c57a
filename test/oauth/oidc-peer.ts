/*
 * An independent OAuth 2.0 server for the tests: panva's oidc-provider 9, set up like Salesforce where the standards
 * allow: endpoints on Salesforce's paths, PKCE required for every client, refresh tokens rotated on every use (reuse of
 * a rotated-out token revokes the grant), a public and a confidential client, and a headless login: the interaction
 * route signs in a fixed test account and grants the requested scopes without a page.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const PEER_SCOPES = ['openid', 'offline_access', 'api', 'web', 'refresh_token'];
export const PEER_ACCOUNT = 'peer-test-user';

type PeerAccount = { accountId: string; claims: () => { sub: string } };

export type OidcPeer = {
  url: string;
  provider: Provider;
  publicClient: { clientId: string; redirectUri: string };
  confidentialClient: { clientId: string; clientSecret: string; redirectUri: string };
  stop: () => Promise<void>;
};

export async function startOidcPeer(
  options: { confidentialSecret?: string; redirectUri?: string } = {},
): Promise<OidcPeer> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = options.redirectUri ?? 'http://localhost:7777/callback';
  const clientSecret = options.confidentialSecret ?? 'peer-confidential-secret-0123456789abcdef';

  const provider = new Provider(url, {
    clients: [
      {
        client_id: 'peer-public',
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      {
        client_id: 'peer-confidential',
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_post',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    routes: {
      authorization: '/services/oauth2/authorize',
      token: '/services/oauth2/token',
      revocation: '/services/oauth2/revoke',
      introspection: '/services/oauth2/introspect',
      userinfo: '/services/oauth2/userinfo',
    },
    scopes: PEER_SCOPES,
    pkce: { required: (): boolean => true },
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx, client): boolean => client.grantTypeAllowed('refresh_token'),
    features: { devInteractions: { enabled: false }, revocation: { enabled: true }, introspection: { enabled: true } },
    interactions: { url: (_ctx, interaction): string => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub): PeerAccount => ({ accountId: sub, claims: (): { sub: string } => ({ sub }) }),
    cookies: { keys: ['peer-cookie-key-for-tests-only'] },
  });

  const interaction = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    const clientId = String(details.params.client_id);
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: PEER_ACCOUNT, clientId });
    if (!grant) throw new Error('grant not found');
    const scope = typeof details.params.scope === 'string' ? details.params.scope : '';
    if (scope) grant.addOIDCScope(scope);
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: PEER_ACCOUNT }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  };

  const callback = provider.callback();
  handler = (req, res): void => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((e: Error) => {
        res.statusCode = 500;
        res.end(e.message);
      });
      return;
    }
    void callback(req, res);
  };

  return {
    url,
    provider,
    publicClient: { clientId: 'peer-public', redirectUri },
    confidentialClient: { clientId: 'peer-confidential', clientSecret, redirectUri },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
