/*
 * A real @salesforce/core Connection to a running emulator, authenticated the way `sf org login access-token` does.
 */
import { AuthInfo, AuthRemover, Connection } from '@salesforce/core';
import type { OrgEmulator } from '../../src/emulator/server.js';

export async function coreConnection(emulator: OrgEmulator, username?: string): Promise<Connection> {
  const accessToken = emulator.accessTokenFor(username);
  const user = username ?? emulator.store.adminUser().username;
  // AuthInfo merges in any authorization saved for this username. One saved by another test file (through
  // saveCliAuthorization) belongs to another emulator, and its refresh token would be tried there: drop it.
  await (await AuthRemover.create()).removeAuth(user).catch(() => undefined);
  const authInfo = await AuthInfo.create({
    accessTokenOptions: { accessToken, instanceUrl: emulator.url, loginUrl: emulator.url },
  });
  return Connection.create({ authInfo });
}
