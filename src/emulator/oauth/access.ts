/*
 * Who may use an app: admin-approved apps admit users whose profile or permission set is listed; self-authorized
 * apps admit everyone (after consent).
 */
import type { OAuthClient } from '../clients.js';
import type { UserRecord } from '../store/state.js';

export function isPreAuthorized(client: OAuthClient, user: UserRecord): boolean {
  if (client.permittedProfiles.includes(user.profileName)) return true;
  return user.permissionSets.some((p) => client.permittedPermissionSets.includes(p));
}

/** Whether the user may get tokens for the app without a consent page. */
export function mayUseWithoutConsent(client: OAuthClient, user: UserRecord, approved: boolean): boolean {
  if (client.adminApprovedOnly) return isPreAuthorized(client, user);
  // The sf CLI's first-party app is installed by Salesforce itself: the emulator skips its consent page.
  return approved || client.kind === 'FirstParty';
}
