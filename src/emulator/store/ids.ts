/*
 * Salesforce-shaped record ids: a 3-character key prefix, a 12-character body, and the 3-character case-safe suffix,
 * so clients that validate ids (sfdx-core, jsforce) accept them.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(block * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += ALPHABET.charAt(bits);
  }
  return suffix;
}

/** Builds an 18-character id from a key prefix (e.g. `005`) and a sequence number. */
export function makeId(prefix: string, seq: number, pod = '0'): string {
  let body = '';
  let n = seq;
  do {
    body = BASE62.charAt(n % 62) + body;
    n = Math.floor(n / 62);
  } while (n > 0);
  const id15 = (prefix + pod + body.padStart(11, '0')).slice(0, 15);
  return id15 + caseSafeSuffix(id15);
}

export const KeyPrefix = {
  Organization: '00D',
  User: '005',
  Profile: '00e',
  OauthToken: '0CR',
  ConnectedApplication: '0H4',
  ExternalClientApplication: '0xI',
  InstalledSubscriberPackage: '0A3',
  SubscriberPackage: '033',
  SubscriberPackageVersion: '04t',
  DeployRequest: '0Af',
  RetrieveRequest: '09S',
  Metadata: '0Ha',
} as const;
