/*
 * Saves an sf CLI authorization for a running emulator, so that every `sf` command (ours and the official ones) works
 * with `--target-org <alias>`. The authorization is what `sf org login web` would store: an access token plus a
 * refresh token of the first-party CLI client, so @salesforce/core can refresh it when the session expires.
 */
import { AuthInfo, StateAggregator } from '@salesforce/core';
import type { OrgEmulator } from './server.js';

export type SavedAuthorization = {
  username: string;
  alias?: string;
  orgId: string;
  instanceUrl: string;
  /** The other instance the username was authorized for before, and whether it still answered. */
  replaced?: { instanceUrl: string; answering: boolean };
};

/**
 * The sf CLI keys an authorization by username, so a second emulator of the same seed (same org id and username)
 * would take over the first one's login and aliases, and everything keyed by org id with them. Refused while the other
 * instance still answers.
 */
export class AuthorizationInUseError extends Error {
  public constructor(
    public readonly username: string,
    public readonly instanceUrl: string,
  ) {
    super(`The username ${username} is already authorized for ${instanceUrl}, which still answers.`);
    this.name = 'AuthorizationInUseError';
  }
}

export async function saveCliAuthorization(
  emulator: OrgEmulator,
  alias?: string,
  username?: string,
  /** Refuse (AuthorizationInUseError) when the username is authorized for another instance that still answers. */
  options: { refuseIfAnswering?: boolean } = {},
): Promise<SavedAuthorization> {
  const wanted = username ?? emulator.store.adminUser().username;
  const previous = await authorizedInstanceUrl(wanted);
  const replaced =
    previous && !sameOrigin(previous, emulator.url)
      ? { instanceUrl: previous, answering: await answers(previous) }
      : undefined;
  if (replaced?.answering && options.refuseIfAnswering) throw new AuthorizationInUseError(wanted, replaced.instanceUrl);
  const grant = emulator.authorizeCli(username);
  const authInfo = await AuthInfo.create({
    accessTokenOptions: { accessToken: grant.accessToken, instanceUrl: emulator.url, loginUrl: emulator.url },
  });
  await authInfo.save({ refreshToken: grant.refreshToken, clientId: emulator.cliClientId() });
  if (alias) {
    const state = await StateAggregator.getInstance();
    await state.aliases.setAndSave(alias, grant.username);
  }
  return {
    username: grant.username,
    alias,
    orgId: emulator.store.state.org.id,
    instanceUrl: emulator.url,
    replaced,
  };
}

/** The instance URL a username is authorized for in the sf CLI, if it is. */
async function authorizedInstanceUrl(username: string): Promise<string | undefined> {
  const state = await StateAggregator.getInstance();
  // read, not exists: exists only knows the files already read in this process.
  const fields = await state.orgs.read(username, false, false);
  return fields?.instanceUrl ?? undefined;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return a === b;
  }
}

/** Whether anything answers HTTP at the URL (any status): a stopped emulator's port refuses the connection. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3000), redirect: 'manual' });
    return true;
  } catch {
    return false;
  }
}
