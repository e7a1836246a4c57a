/*
 * A real @salesforce/core Connection to a running emulator, authenticated the way `sf org login access-token` does.
 */
import { AuthInfo, Connection } from '@salesforce/core';
import type { OrgEmulator } from '../../src/emulator/server.js';

export async function coreConnection(emulator: OrgEmulator, username?: string): Promise<Connection> {
  const accessToken = emulator.accessTokenFor(username);
  const authInfo = await AuthInfo.create({ accessTokenOptions: { accessToken, instanceUrl: emulator.url, loginUrl: emulator.url } });
  return Connection.create({ authInfo });
}
