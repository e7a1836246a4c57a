/*
 * The seed format: a JSON document that describes an org to start from (`sf oauth emulator start --seed FILE`).
 * Documented in docs/emulator-seed.md; the default org in default.ts is written in it.
 */
import type { BuiltinClient, MdObject, OrgInfo, OrgPermissions, UserRecord } from '../store/state.js';

export type SeedUser = Omit<UserRecord, 'id' | 'passwordHash' | 'permissionSets' | 'isActive' | 'userType'> & {
  permissionSets?: string[];
  isActive?: boolean;
  userType?: UserRecord['userType'];
  /** For the headless code-credentials flow only. Give it in a seed file you keep private, or leave it out. */
  password?: string;
};

export type SeedPackage = {
  namespace: string;
  name: string;
  publisher: string;
  versionName?: string;
  versionNumber?: string;
};

type SeedAppBase = {
  /** Developer name. A `ns__` prefix marks an app installed from the managed package with that namespace. */
  name: string;
  /** Omit to have a random secret generated (readable from the library API, never printed). */
  consumerSecret?: string;
};

export type SeedConnectedApp = SeedAppBase & { kind: 'ConnectedApp'; metadata: MdObject };

export type SeedExternalClientApp = SeedAppBase & {
  kind: 'ExternalClientApplication';
  header: MdObject;
  /**
   * The global OAuth settings (consumer key, callback, PKCE, rotation). Omit it for an ECA installed from a managed
   * package (`ns__` name, `ns` in `packages`): its global settings live in the publisher's org, not in this one, so
   * only the subscriber's own policies (`oauthPolicies`, `policies`) are here.
   */
  globalOauth?: MdObject;
  oauthSettings?: MdObject;
  oauthPolicies?: MdObject;
  policies?: MdObject;
};

export type SeedApp = SeedConnectedApp | SeedExternalClientApp;

/** An OauthToken usage row: an approval that exists before the emulator starts. */
export type SeedToken = {
  /** App name as OauthToken shows it; may name an app that is not in the metadata (authorized elsewhere). */
  app: string;
  username: string;
  createdDaysAgo: number;
  lastUsedDaysAgo: number;
  useCount: number;
  scopes?: string[];
};

export type OrgSeed = {
  org: Partial<OrgInfo> & { name: string };
  users: SeedUser[];
  packages?: SeedPackage[];
  apps: SeedApp[];
  /** OauthOidc settings elements (`isPkceRequired`, `blockOAuthUnPwFlow`, ...). */
  oauthSettings?: MdObject;
  oauthTokens?: SeedToken[];
  builtinClients?: BuiltinClient[];
  permissions?: Partial<OrgPermissions>;
  sessionSeconds?: number;
};
