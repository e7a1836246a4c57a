/*
 * The part of oidc-provider 9's API the test peer uses (the package ships no types, and @types/oidc-provider is not a
 * dependency of this project).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type Client = { grantTypeAllowed(grant: string): boolean };
  type Interaction = { uid: string };
  type Token = { isValid: boolean; consumed?: unknown };

  class Grant {
    public constructor(init: { accountId: string; clientId: string });
    public static find(id: string): Promise<Grant | undefined>;
    public addOIDCScope(scope: string): void;
    public save(): Promise<string>;
  }

  export default class Provider {
    public constructor(
      issuer: string,
      configuration: Record<string, unknown> & {
        issueRefreshToken?: (ctx: unknown, client: Client) => boolean | Promise<boolean>;
        interactions?: { url: (ctx: unknown, interaction: Interaction) => string };
        findAccount?: (ctx: unknown, sub: string) => { accountId: string; claims: () => Record<string, unknown> };
      },
    );
    public Grant: typeof Grant;
    public RefreshToken: { find(value: string): Promise<Token | undefined> };
    public AccessToken: { find(value: string): Promise<Token | undefined> };
    public callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    public interactionDetails(
      req: IncomingMessage,
      res: ServerResponse,
    ): Promise<{ uid: string; grantId?: string; params: Record<string, unknown> }>;
    public interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}
