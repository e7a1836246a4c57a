/*
 * THE table of Salesforce behaviours the emulator models and the client is written against: one row per behaviour, with
 * its evidence label and the test that pins it. When a real org proves a row wrong, change that row (and, for an
 * option, its default) here; docs/salesforce-behaviours.md is generated from this table (`npm run behaviours`) and a test
 * fails when the two disagree or a row names a test that does not exist.
 *
 * Evidence labels:
 * - `doc`: Salesforce documentation says so;
 * - `real`: seen in a real org's answer (a real client library's code that handles it, a captured answer);
 * - `reported`: a public bug report or third-party tool says so;
 * - `inference`: our reading where no source says it outright.
 *
 * Where evidence is thin the behaviour is an option (`OrgEmulator.start({ behaviours })`,
 * `sf oauth emulator start --behaviour name=value`) whose default is the most likely value; the client is tested under
 * every value.
 */

export type Evidence = 'doc' | 'real' | 'reported' | 'inference';

/** The emulator options that switch between behaviours Salesforce is known or suspected to show. */
export const BEHAVIOUR_OPTIONS = {
  /** How `/services/oauth2/revoke` answers an unknown or dead token. */
  revokeErrorEncoding: { values: ['form', 'json'], default: 'form' },
  /** How authorize answers an error it cannot send to a trusted callback (unknown client id, redirect mismatch). */
  untrustedAuthorizeError: { values: ['body', 'error-page'], default: 'body' },
  /** What `OauthToken.Id` holds. */
  oauthTokenId: { values: ['null', 'id'], default: 'null' },
  /** Whether SOQL aggregates (`COUNT(field)`, `GROUP BY`, `MAX()`) run on OauthToken. */
  oauthTokenAggregates: { values: ['refused', 'supported'], default: 'refused' },
  /** Whether an ECA's `certificate` comes back on retrieve. */
  ecaCertificateReadBack: { values: ['omitted', 'returned'], default: 'omitted' },
  /** Whether the `ExtlClntAppOauthSettings` sObject answers `ClientAssertionCertificate` (the ECA's certificate, or null). */
  ecaCertificateField: { values: ['queryable', 'absent'], default: 'queryable' },
  /** Whether the org keeps ECA `isPkceRequired` on whatever a deploy says. */
  ecaPkceLock: { values: ['off', 'on'], default: 'off' },
  /** How the org-wide Require PKCE refusal of an authorization without `code_challenge` is delivered. */
  orgPkceRefusal: { values: ['approval-error-generic', 'invalid-request'], default: 'approval-error-generic' },
  /** Where a `code_challenge` Salesforce cannot use (`code_challenge_method=plain`, not an S256 hash) is judged. */
  pkceChallengeCheck: { values: ['at-exchange', 'at-authorize'], default: 'at-exchange' },
} as const;

export type BehaviourName = keyof typeof BEHAVIOUR_OPTIONS;
export type Behaviours = { -readonly [K in BehaviourName]: (typeof BEHAVIOUR_OPTIONS)[K]['values'][number] };

export type BehaviourRow = {
  /** Stable id, `area.what`. */
  id: string;
  /** What Salesforce does, in one sentence. */
  behaviour: string;
  evidence: Evidence;
  /** The public source (issue, doc page, library code) or, for `inference`, the reasoning. */
  source: string;
  /** The emulator option that switches it, when evidence is thin. */
  option?: BehaviourName;
  /** The tests that pin it: `test/path.test.ts: title`, where title is a test's (or describe's) exact title. */
  pinnedBy: string[];
};

/** Every behaviour, grouped by area. Keep one row per behaviour; the generated doc keeps this order. */
export const BEHAVIOURS: readonly BehaviourRow[] = [
  // ---- answers in more than one encoding; transient trouble ------------------------------------------------------
  // ---- fields the API leaves empty or will not return ------------------------------------------------------------
  // ---- fields a deploy must not carry; apps that live in another org; settings Salesforce will not turn off ------
  // ---- approvals per user and app ---------------------------------------------------------------------------------
  // ---- concurrency; where PKCE and scope are judged --------------------------------------------------------------
  {
    id: 'refresh.in-flight-duplicate',
    behaviour:
      'A refresh of a token that already has a refresh being processed gets HTTP 400 invalid_grant / "token request is already being processed", at any speed and with or without rotation; the one being processed wins.',
    evidence: 'doc',
    source:
      'Release note rn_security_refresh_token_requests (release 250); error text from a load test in segmentio/action-destinations PR 2300; also SalesforceMobileSDK-iOS#3731, PostHog PR 66872',
    pinnedBy: [
      'test/emulator/oauth/refresh.test.ts: RTR on: of two refreshes of one token sent at once, exactly one wins, every time',
      'test/emulator/oauth/refresh.test.ts: RTR off: of two refreshes of one token sent at once, exactly one wins, every time',
      'test/emulator/oauth/refresh.test.ts: never calls a refresh sent after the previous answer a duplicate, and still revokes a chain on reuse',
    ],
  },
  {
    id: 'refresh.in-flight-duplicate-keeps-chain',
    behaviour: 'Under rotation, the refused duplicate neither revokes the chain nor the winner\'s new refresh token.',
    evidence: 'inference',
    source: 'No source says a duplicate counts as a reuse; the release note describes it as refused, not as a replay. Clients that retry after the error (segmentio PR 2300) keep working.',
    pinnedBy: ['test/emulator/oauth/refresh.test.ts: RTR on: of two refreshes of one token sent at once, exactly one wins, every time'],
  },
  // ---- what official sf CLI commands send and expect -------------------------------------------------------------
  // ---- what Salesforce enforces (conformance report, break rules) ------------------------------------------------
];

export class BehaviourOptionError extends Error {}

/** The defaults overridden by `partial`; unknown names or values throw a {@link BehaviourOptionError}. */
export function resolveBehaviours(partial: Partial<Record<string, string>> = {}): Behaviours {
  const resolved = Object.fromEntries(Object.entries(BEHAVIOUR_OPTIONS).map(([name, o]) => [name, o.default])) as Behaviours;
  for (const [name, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    const option = (BEHAVIOUR_OPTIONS as Record<string, { values: readonly string[] }>)[name];
    if (!option) throw new BehaviourOptionError(`Unknown behaviour "${name}". Known: ${Object.keys(BEHAVIOUR_OPTIONS).join(', ')}.`);
    if (!option.values.includes(value)) {
      throw new BehaviourOptionError(`Behaviour "${name}" takes ${option.values.join(' or ')}, not "${value}".`);
    }
    (resolved as Record<string, string>)[name] = value;
  }
  return resolved;
}

/** Parses `name=value` pairs, as `--behaviour` gives them. */
export function parseBehaviourPairs(pairs: readonly string[]): Behaviours {
  const partial: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new BehaviourOptionError(`"${pair}" is not name=value (for example ecaPkceLock=on).`);
    partial[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return resolveBehaviours(partial);
}

/** Every combination worth testing a client under: the defaults, then each non-default value of each option alone. */
export function behaviourVariants(names: readonly BehaviourName[]): Array<{ label: string; behaviours: Partial<Behaviours> }> {
  const variants: Array<{ label: string; behaviours: Partial<Behaviours> }> = [{ label: 'defaults', behaviours: {} }];
  for (const name of names) {
    for (const value of BEHAVIOUR_OPTIONS[name].values) {
      if (value !== BEHAVIOUR_OPTIONS[name].default) variants.push({ label: `${name}=${value}`, behaviours: { [name]: value } });
    }
  }
  return variants;
}
