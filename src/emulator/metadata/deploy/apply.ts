/*
 * Makes a deploy's changes, all in one synchronous step (no await), so OAuth sees either none or all of them.
 * Consumer secrets go to the store as hashes only.
 */
import type { EmulatorServices } from '../../services.js';
import type { Outcome } from './plan.js';

export function applyChanges(services: EmulatorServices, outcomes: Outcome[], userId: string): void {
  const { store } = services;
  for (const outcome of outcomes) {
    for (const change of outcome.changes) {
      if (change.kind === 'delete') {
        store.deleteComponent(change.type, change.fullName);
        continue;
      }
      const stored = store.putComponent(change.type, change.fullName, change.value, userId);
      if (change.secret) store.setConsumerSecret(change.secret.key, change.secret.value);
      if (outcome.message.fullName === change.fullName && !outcome.message.id) outcome.message.id = stored.id;
    }
  }
}
