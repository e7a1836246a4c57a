/*
 * The emulated org's persistent state. Everything here may be written to a state file, so it holds no raw secret:
 * tokens and consumer secrets are kept as SHA-256 hashes, and the server compares hashes.
 */
import type { ConformanceLog } from '../conformance/types.js';

/** A metadata value as the Metadata API carries it: text leaves, nested complex values, repeated elements as arrays. */
export type MdValue = string | MdObject | MdValue[];
export type MdObject = { [element: string]: MdValue };

export type OrgInfo = {
  id: string;
  name: string;
  instanceName: string;
  isSandbox: boolean;
  organizationType: string;
  namespacePrefix: string | null;
  createdDate: string;
};

export type UserRecord = {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  alias: string;
  profileName: string;
  permissionSets: string[];
  isActive: boolean;
  userType: 'Standard' | 'PowerCustomerSuccess' | 'CspLitePortal' | 'Guest';
  /** SHA-256 of the password, for the headless code-credentials flow; absent users cannot log in with a password. */
  passwordHash?: string;
};

export type InstalledPackage = {
  id: string;
  subscriberPackageId: string;
  subscriberPackageVersionId: string;
  namespace: string;
  name: string;
  publisher: string;
  versionName: string;
  versionNumber: string;
};

export type StoredComponent = {
  id: string;
  fullName: string;
  namespacePrefix: string | null;
  manageableState: 'unmanaged' | 'installed';
  value: MdObject;
  createdDate: string;
  lastModifiedDate: string;
  lastModifiedById: string;
};

/** An approval of one app by one user: one OauthToken row, and the chain of refresh tokens it issued. */
export type Grant = {
  id: string;
  clientId: string;
  appName: string;
  userId: string;
  scopes: string[];
  createdDate: string;
  lastUsedDate: string;
  useCount: number;
  /** Hash of the refresh token that is valid now; absent for usage-only seed rows and revoked chains. */
  refreshHash?: string;
  /** Hashes of refresh tokens rotated out of this chain: presenting one revokes the chain. */
  retiredHashes: string[];
  /** When the chain's first refresh token was issued, for fixed-lifetime policies. */
  chainIssuedDate: string;
  revoked: boolean;
  /**
   * OauthToken.DeleteToken: a value `/services/oauth2/revoke` accepts to remove this approval. It revokes only, it
   * grants no access, so it is kept as is (absent in older state files and seed rows until first read).
   */
  deleteToken?: string;
};

export type AccessTokenRecord = {
  hash: string;
  userId: string;
  clientId: string;
  grantId?: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
};

/** A first-party Salesforce client that is not in the org's metadata (the sf CLI's PlatformCLI, for example). */
export type BuiltinClient = {
  clientId: string;
  appName: string;
  callbackUrls: string[];
  scopes: string[];
};

export type OrgPermissions = {
  /** Org permission "Allow Access to OAuth Consumer Secrets via Metadata API". */
  consumerSecretsViaMetadata: boolean;
};

export type OrgState = {
  version: 1;
  org: OrgInfo;
  users: UserRecord[];
  packages: InstalledPackage[];
  components: Record<string, Record<string, StoredComponent>>;
  /** consumerKey -> SHA-256 of the consumer secret. */
  consumerSecrets: Record<string, string>;
  builtinClients: BuiltinClient[];
  grants: Grant[];
  accessTokens: AccessTokenRecord[];
  /** `${userId}:${clientId}` of self-authorized apps that a user already approved on the consent page. */
  approvals: string[];
  permissions: OrgPermissions;
  /** Session lifetime of access tokens, in seconds (Salesforce's default session timeout is two hours). */
  sessionSeconds: number;
  counters: Record<string, number>;
  /** What each OAuth client did, for `sf oauth emulator report` (counts and timestamps only; absent in older files). */
  conformance?: ConformanceLog;
};
