/*
 * The typed rows of the OAuth app inventory (`sf oauth app list`): what the JSON result carries. Values the org did not
 * let us read are `null` ("unknown"), never guessed. No field ever holds a token or a consumer secret.
 */

/** `untracked`: an app name seen in OauthToken that matches no Connected App or ECA label in the org's metadata. */
export type AppRowKind = 'ConnectedApp' | 'ExternalClientApplication' | 'untracked';

/** OAuth flows, as configured (see settings.ts for how "in use" is inferred). */
export type Flow = 'authorization-code' | 'code-credentials' | 'client-credentials' | 'jwt-bearer' | 'device';

export type ClientType = 'confidential' | 'public';

export type RefreshTokenPolicy = {
  type: 'infinite' | 'zero' | 'specific-lifetime' | 'specific-inactivity';
  /** With the two `specific-*` types. */
  period?: number;
  unit?: 'hours' | 'days' | 'months';
};

/** IP relaxation, normalized across Connected Apps (`BYPASS_2FACTOR`) and ECAs (`Bypass_2factor`). */
export type IpRelaxation = 'enforce' | 'bypass' | 'bypass-with-second-factor' | 'relax-for-refresh';

export type PermittedUsers = 'admin-approved' | 'self-authorized';

export type OwnerType = 'org' | 'salesforce' | 'package' | 'unknown';

export type AppOwner = {
  type: OwnerType;
  /** Managed package namespace. */
  namespace?: string;
  packageName?: string;
  publisher?: string;
};

export type TokenUsage = {
  /** OauthToken rows (one per user approval). */
  holders: number;
  /** Rows used within the activity window (`--days`). */
  activeHolders: number;
  /** Rows unused for more than 30 days, which Salesforce's 30-day idle timeout will expire. */
  staleHolders: number;
  /** ISO date-time of the most recent use, or null. */
  lastUsed: string | null;
};

/** `unknown`: no OauthToken row and only flows that OauthToken does not record (client credentials, JWT bearer). */
export type Activity = 'active' | 'dormant' | 'unknown';

export type Verdict = 'breaks' | 'vendor' | 'needs-action' | 'unknown' | 'untracked' | 'ready' | 'out-of-scope';

export type AppRow = {
  /** Developer name (API name); for untracked apps the OauthToken AppName. */
  name: string;
  label: string;
  kind: AppRowKind;
  owner: AppOwner;
  /** From `isConsumerSecretOptional`. */
  clientType: ClientType | null;
  /** Flows the app is configured for and, for the authorization code flow, inferred to use. */
  flows: Flow[];
  scopes: string[] | null;
  /** Can get refresh tokens (`RefreshToken`, `OfflineAccess` or `Full` scope). */
  refreshScope: boolean | null;
  pkceRequired: boolean | null;
  rtrEnabled: boolean | null;
  secretRequiredForRefresh: boolean | null;
  refreshTokenPolicy: RefreshTokenPolicy | null;
  ipRelaxation: IpRelaxation | null;
  permittedUsers: PermittedUsers | null;
  guestCodeCredentialFlow: boolean | null;
  /** Run-as user of the client credentials flow. */
  clientCredentialsUser: string | null;
  /** A certificate is set (JWT bearer flow). */
  certificate: boolean | null;
  /** The app's client id. A key is not a secret; it appears in JSON only, never in the human table or CSV. */
  consumerKey: string | null;
  usage: TokenUsage;
  activity: Activity;
  verdict: Verdict;
  /** Active and failing a break condition: breaks when Salesforce enforces PKCE and RTR. */
  breaksAtEnforcement: boolean;
  /**
   * `publisher-org`: an ECA installed from a managed package whose global OAuth settings (PKCE, rotation, consumer
   * key) live in the publisher's org, not in this one; absent when they are in this org's metadata. The admin's own
   * OAuth policies (refresh token policy, IP relaxation, permitted users) are still this org's and shown as read.
   */
  settingsIn?: 'publisher-org';
  /** Why the verdict: failing break conditions, scope and ownership notes. */
  reasons: string[];
  /** Posture findings that do not break at enforcement. */
  findings: string[];
};

export type OrgOAuthSettings = {
  /** OauthOidcSettings.isPkceRequired. */
  requirePkce: boolean | null;
  usernamePasswordFlowBlocked: boolean | null;
  userAgentFlowBlocked: boolean | null;
  codeCredentialFlowAllowed: boolean | null;
};

export type OrgHeader = {
  id: string | null;
  name: string | null;
  username: string | null;
  instanceUrl: string | null;
  environment: 'sandbox' | 'production' | null;
  apiVersion: string;
};

export type VerdictCounts = Record<Verdict, number>;

export type AppListResult = {
  org: OrgHeader;
  orgSettings: OrgOAuthSettings;
  /** Activity window in days. */
  days: number;
  summary: { apps: number; breaksAtEnforcement: number; verdicts: VerdictCounts };
  apps: AppRow[];
};
