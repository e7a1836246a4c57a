/*
 * How the conformance recorder recognizes the plugin's own smoke tests (`sf oauth pkce verify`, `sf oauth rtr verify`,
 * and the rollout's tests): every request of the plugin's OAuth client carries the User-Agent `sf-oauth-smoke/<version>`
 * (set in src/oauth/http.ts, which keeps its own copy of the product name: the client core and the emulator import
 * nothing from each other; test/emulator/conformance/smoke-marker.test.ts pins the two together). Salesforce logs the
 * User-Agent too (Login History, the OAuth usage event logs), so the smoke runs can be told apart in a real org as well.
 *
 * Those runs make deliberate mistakes (no challenge, the plain method, a wrong verifier, a concurrent refresh) to see
 * that the server refuses them, so counting them against the app would report its failures where there are none. They
 * are recorded apart and left out of the report by default. Any client can send this header, so nothing is trusted
 * blindly: the report always says how many requests it left out, and `--include-smoke-tests` shows them.
 */

/** The product token of the smoke tests' User-Agent. */
export const SMOKE_USER_AGENT_PRODUCT = 'sf-oauth-smoke';

const SMOKE_USER_AGENT = new RegExp(`^${SMOKE_USER_AGENT_PRODUCT}/\\d+\\.\\d+\\.\\d+\\S*(\\s|$)`);

/** Whether a request's User-Agent is the smoke tests' (`sf-oauth-smoke/<semver>`, optionally followed by comments). */
export function isSmokeUserAgent(userAgent: string | string[] | undefined): boolean {
  return typeof userAgent === 'string' && SMOKE_USER_AGENT.test(userAgent);
}
