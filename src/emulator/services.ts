/*
 * What every endpoint module is given: the org, the fault rules, the latency model and the org's URLs.
 */
import type { OrgStore } from './store/store.js';
import type { Faults, LatencyModel } from './faults.js';
import type { UserRecord, AccessTokenRecord } from './store/state.js';
import type { ConformanceRecorder } from './conformance/recorder.js';
import type { Behaviours } from './behaviours.js';

/** The newest API version the emulator serves; `/services/data` lists 20.0 up to it. */
export const LATEST_API_VERSION = '66.0';

export type EmulatorServices = {
  store: OrgStore;
  faults: Faults;
  latency: LatencyModel;
  /** Records what each OAuth client does, for the conformance report. */
  conformance: ConformanceRecorder;
  /** Which of Salesforce's known behaviours this run shows (see behaviours.ts). */
  behaviours: Behaviours;
  /** `http://127.0.0.1:<port>`: the instance URL, login URL and My Domain at once. */
  instanceUrl(): string;
  /** Counts a request by kind (`oauth`, `rest`, `soap:<operation>`), for benchmarks. */
  count(kind: string): void;
};

/** The user and token behind a raw access token, or undefined when it is unknown or expired. */
export function authenticate(
  services: EmulatorServices,
  raw: string | undefined,
): { user: UserRecord; token: AccessTokenRecord } | undefined {
  if (!raw) return undefined;
  const token = services.store.accessToken(raw);
  if (!token) {
    services.conformance.unauthenticated(raw);
    return undefined;
  }
  const user = services.store.user(token.userId);
  if (!user?.isActive) return undefined;
  return { user, token };
}

export function identityUrl(services: EmulatorServices, userId: string): string {
  return `${services.instanceUrl()}/id/${services.store.state.org.id}/${userId}`;
}
