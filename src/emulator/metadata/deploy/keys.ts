/*
 * Consumer keys across the org: one owner per key (a Connected App, or an External Client App through its global
 * OAuth settings), so a deploy can refuse a key another app holds.
 */
import type { OrgStore } from '../../store/store.js';
import { randomAlnum } from '../../store/hash.js';
import { consumerKeyFor } from '../../seed/build.js';
import { child, text } from '../codec.js';
import * as errors from '../errors.js';

/** consumer key -> owner (`ConnectedApp:<name>`, `ECA:<app>`, `Builtin:<client>`). */
export type KeyIndex = Map<string, string>;

export function keyOwner(type: string, fullName: string, app: string): string {
  return type === 'ConnectedApp' ? `ConnectedApp:${fullName}` : `ECA:${app}`;
}

export function consumerKeyIndex(store: OrgStore): KeyIndex {
  const index: KeyIndex = new Map();
  for (const b of store.state.builtinClients) index.set(b.clientId, `Builtin:${b.clientId}`);
  for (const c of store.components('ConnectedApp')) {
    const key = text(child(c.value.oauthConfig).consumerKey);
    if (key) index.set(key, keyOwner('ConnectedApp', c.fullName, ''));
  }
  for (const c of store.components('ExtlClntAppGlobalOauthSettings')) {
    const key = text(c.value.consumerKey);
    if (key)
      index.set(key, keyOwner('ExtlClntAppGlobalOauthSettings', c.fullName, text(c.value.externalClientApplication)));
  }
  return index;
}

export function checkConsumerKey(index: KeyIndex, key: string, owner: string): string | undefined {
  const holder = index.get(key);
  return holder && holder !== owner ? errors.CONSUMER_KEY_TAKEN : undefined;
}

/** The key an org generates for a new app: the seed's stable derivation, or a random `3MVG9…` if that one is taken. */
export function newConsumerKey(store: OrgStore, index: KeyIndex, appName: string): string {
  const derived = consumerKeyFor(store.state.org.name, appName);
  return index.has(derived) ? `3MVG9${randomAlnum(80)}` : derived;
}

/** A secret another app already uses is refused (compared by hash; the secret itself is never kept or echoed). */
export function checkSecret(store: OrgStore, key: string, secret: string): string | undefined {
  for (const other of Object.keys(store.state.consumerSecrets)) {
    if (other !== key && store.checkConsumerSecret(other, secret)) return errors.CONSUMER_SECRET_TAKEN;
  }
  return undefined;
}
