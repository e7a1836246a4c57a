/*
 * Saves an sf CLI authorization for a running emulator, so that every `sf` command (ours and the official ones) works
 * with `--target-org <alias>`. The authorization is what `sf org login web` would store: an access token plus a
 * refresh token of the first-party CLI client, so @salesforce/core can refresh it when the session expires.
 */
import { AuthInfo, StateAggregator } from '@salesforce/core';
import type { OrgEmulator } from './server.js';

export type SavedAuthorization = { username: string; alias?: string; orgId: string; instanceUrl: string };

export async function saveCliAuthorization(
  emulator: OrgEmulator,
  alias?: string,
  username?: string,
): Promise<SavedAuthorization> {
  const grant = emulator.authorizeCli(username);
  const authInfo = await AuthInfo.create({
    accessTokenOptions: { accessToken: grant.accessToken, instanceUrl: emulator.url, loginUrl: emulator.url },
  });
  await authInfo.save({ refreshToken: grant.refreshToken, clientId: emulator.cliClientId() });
  if (alias) {
    const state = await StateAggregator.getInstance();
    await state.aliases.setAndSave(alias, grant.username);
  }
  return { username: grant.username, alias, orgId: emulator.store.state.org.id, instanceUrl: emulator.url };
}
