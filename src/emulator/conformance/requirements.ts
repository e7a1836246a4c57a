/*
 * The client-side requirements of Salesforce's PKCE and Refresh Token Rotation enforcement (the partner requirements,
 * /work/shared/seeds/001) and two resilience rules of the rehearsal mode, each a verdict over the recorder's counts.
 *
 * Each requirement's observations are split by what Salesforce does with them (the rows of "what Salesforce enforces"
 * in src/emulator/behaviours.ts give the evidence):
 * - a *failure* is something Salesforce refuses, or that breaks the client under rotation;
 * - *advice* is a deviation from the RFCs or the partner guide that Salesforce tolerates (the official sf CLI omits
 *   `code_challenge_method` and sends a 171-character verifier, and logs in to every org).
 * Verdict: fail when any failure was seen, else advice when any advice was, else pass when exercised, else not
 * exercised. Only failures make a report unsuccessful.
 */
import type { ClientKind } from '../clients.js';
import type { ClientLog, ConformanceLog, EventName, RotatedOutUse } from './types.js';

export type Verdict = 'pass' | 'fail' | 'advice' | 'not exercised';

export const REQUIREMENT_IDS = [
  'pkce.challenge',
  'pkce.s256',
  'pkce.verifier-format',
  'pkce.verifier-not-hash',
  'pkce.verifier-match',
  'secret.public',
  'secret.confidential',
  'rtr.store-rotated',
  'rtr.parallel',
  'rtr.stop-on-invalid-grant',
  'retry.transient',
  'session.expiry',
] as const;

export type RequirementId = (typeof REQUIREMENT_IDS)[number];

export type RequirementArea = 'PKCE' | 'Client secret' | 'Refresh token rotation' | 'Resilience';

export type RequirementResult = {
  id: RequirementId;
  area: RequirementArea;
  title: string;
  verdict: Verdict;
  /** How many requests exercised the requirement. */
  exercised: number;
  /** How many of them Salesforce refuses, or break under rotation. */
  failures: number;
  /** How many of them deviate from the RFCs or the partner guide in a way Salesforce tolerates. */
  advisories: number;
  /** First and last time the requirement was exercised, broken or advised on (ISO 8601). */
  first?: string;
  last?: string;
  firstFailure?: string;
  lastFailure?: string;
  firstAdvice?: string;
  lastAdvice?: string;
  /** The underlying counts, by what was observed. */
  counts: Record<string, number>;
  /** One line: what to change, when the requirement fails. */
  fix?: string;
  /** One line: what to change, and why it still works on Salesforce, when there is advice. */
  advice?: string;
};

export type RedirectUriReport = { uri: string; count: number; first: string; last: string; registered: boolean };

export type ClientReport = {
  clientId: string;
  appName: string;
  kind: ClientKind;
  clientType: 'public' | 'confidential';
  rotationEnabled: boolean;
  verdict: Verdict;
  firstSeen: string;
  lastSeen: string;
  passed: number;
  failed: number;
  /** Requirements whose verdict is advice (none failing among their observations). */
  advised: number;
  notExercised: number;
  requirements: RequirementResult[];
  redirectUris: RedirectUriReport[];
  /** Shortest and longest code_verifier seen. */
  verifierLength?: { min: number; max: number };
  /** Presentations of rotated-out refresh tokens: when, and how long after the rotation (or a bound, after a restart). */
  rotatedOutUses: RotatedOutUse[];
  /** Set when this is the record of the plugin's own smoke tests against the app (smoke-marker.ts), reported on request. */
  smokeTests?: true;
};

/** The plugin's own smoke tests (smoke-marker.ts): how much of them there is, and whether the report includes them. */
export type SmokeTestsReport = {
  included: boolean;
  /** Authorization, code exchange and refresh requests they made. */
  requests: number;
  /** Apps they were made against. */
  apps: number;
};

export type ConformanceReport = {
  /** Marks the document, so a reader can tell it from another server's JSON. */
  kind: 'oauth-emulator-conformance-report';
  /** When recording started. */
  since: string;
  generatedAt: string;
  /** Whether no requirement of any reported client fails (advice does not count). */
  success: boolean;
  summary: {
    clients: number;
    failingClients: number;
    failedRequirements: number;
    passedRequirements: number;
    /** Requirements with advice only, and the clients that have any (and no failure). */
    advisedRequirements: number;
    advisedClients: number;
  };
  clients: ClientReport[];
  smokeTests: SmokeTestsReport;
};

type Rule = {
  id: RequirementId;
  area: RequirementArea;
  title: string;
  /** Events that exercise the requirement. */
  exercise: EventName[];
  /** Events Salesforce refuses, or that break the client under rotation. */
  failures: EventName[];
  /** Deviations Salesforce tolerates (see the file header). */
  advice: EventName[];
  /** Counts shown with the verdict, by label. */
  counts: Record<string, EventName>;
  fix: string;
  /** The line shown for advice; every rule with advice events has one. */
  adviceFix?: string;
};

export const RULES: readonly Rule[] = [
  {
    id: 'pkce.challenge',
    area: 'PKCE',
    title: 'Send a code_challenge with every authorization request',
    exercise: ['authorize.total'],
    failures: ['authorize.noChallenge'],
    advice: [],
    counts: {
      authorizations: 'authorize.total',
      withChallenge: 'authorize.challenge',
      withoutChallenge: 'authorize.noChallenge',
      verifierWithoutChallenge: 'exchange.verifierWithoutChallenge',
    },
    fix: 'Create a fresh code_verifier for each login and add code_challenge=BASE64URL(SHA256(verifier)) and code_challenge_method=S256 to the authorize URL.',
  },
  {
    id: 'pkce.s256',
    area: 'PKCE',
    title: 'Send code_challenge_method=S256 with a BASE64URL(SHA-256) challenge',
    exercise: ['authorize.challenge'],
    failures: ['authorize.methodPlain', 'authorize.methodOther', 'authorize.challengeMalformed'],
    advice: ['authorize.methodAbsent'],
    counts: {
      withChallenge: 'authorize.challenge',
      S256: 'authorize.methodS256',
      methodAbsent: 'authorize.methodAbsent',
      plain: 'authorize.methodPlain',
      otherMethod: 'authorize.methodOther',
      malformedChallenge: 'authorize.challengeMalformed',
    },
    fix: 'Send code_challenge_method=S256 (never plain or another method) with the 43-character unpadded base64url SHA-256 of the verifier: Salesforce compares the SHA-256 of the verifier with the challenge, so nothing else can match.',
    adviceFix:
      'Send code_challenge_method=S256 explicitly: Salesforce reads an absent method as S256 (the sf CLI and jsforce omit it and work), but RFC 7636 reads it as plain, so other servers and proxies may not.',
  },
  {
    id: 'pkce.verifier-format',
    area: 'PKCE',
    title: 'Use a fresh high-entropy code_verifier of 43-128 characters from A-Z a-z 0-9 - . _',
    exercise: ['exchange.verifierChecked'],
    failures: ['exchange.verifierCharset'],
    advice: ['exchange.verifierShort', 'exchange.verifierLong', 'authorize.challengeReused'],
    counts: {
      verifiers: 'exchange.verifierChecked',
      tooShort: 'exchange.verifierShort',
      tooLong: 'exchange.verifierLong',
      badCharacters: 'exchange.verifierCharset',
      reusedChallenge: 'authorize.challengeReused',
    },
    fix: "Build the verifier from base64url characters only (A-Z a-z 0-9 - _): Salesforce rejects a '~' (and anything outside A-Z a-z 0-9 - . _) with invalid code verifier although RFC 7636 allows '~'.",
    adviceFix:
      'Generate the verifier as base64url of 32 random bytes (43 characters), a new one for every authorization: RFC 7636 asks for 43-128 characters and a fresh verifier; Salesforce accepts longer ones (the sf CLI sends 171) and cannot tell a reused one.',
  },
  {
    id: 'pkce.verifier-not-hash',
    area: 'PKCE',
    title: 'Send the original code_verifier at the token endpoint, not its hash',
    exercise: ['exchange.verifierChecked', 'exchange.verifierHashed'],
    failures: ['exchange.verifierHashed'],
    advice: [],
    counts: { exchanges: 'exchange.withChallenge', hashSentAsVerifier: 'exchange.verifierHashed' },
    fix: 'Keep the verifier from the authorize step and send it as code_verifier; only the challenge (its hash) goes into the authorize URL.',
  },
  {
    id: 'pkce.verifier-match',
    area: 'PKCE',
    title: "Send the login's own code_verifier with its code exchange, and never on refresh",
    exercise: ['exchange.withChallenge', 'refresh.verifierSent'],
    failures: ['exchange.verifierMissing', 'exchange.verifierMismatch', 'refresh.verifierSent'],
    advice: [],
    counts: {
      exchanges: 'exchange.withChallenge',
      matched: 'exchange.verifierMatched',
      missing: 'exchange.verifierMissing',
      mismatched: 'exchange.verifierMismatch',
      sentOnRefresh: 'refresh.verifierSent',
    },
    fix: 'Keep each verifier with its login attempt (keyed by state) and send it with that code; do not send code_verifier on refresh (for example from a reused jsforce OAuth2 created with useVerifier).',
  },
  {
    id: 'secret.public',
    area: 'Client secret',
    title: 'Public clients send no client_secret',
    exercise: ['secret.publicRequests'],
    failures: ['secret.publicInvalid'],
    advice: ['secret.publicSent'],
    counts: {
      requests: 'secret.publicRequests',
      secretSent: 'secret.publicSent',
      invalidSecret: 'secret.publicInvalid',
    },
    fix: 'Send no client_secret from the public client, or the right one: Salesforce validates a secret that is sent even where it is optional, and refuses a wrong one.',
    adviceFix:
      'Remove the consumer secret from the public (mobile, desktop, browser or CLI) client, as the partner requirements ask: Salesforce accepts the right secret, but the code_verifier authenticates the client and a shipped secret is no secret.',
  },
  {
    id: 'secret.confidential',
    area: 'Client secret',
    title:
      'Confidential clients send the client_secret with the code exchange (and on refresh where the app requires it)',
    exercise: ['secret.confidentialRequests'],
    failures: ['secret.confidentialMissing', 'secret.confidentialInvalid'],
    advice: [],
    counts: {
      requests: 'secret.confidentialRequests',
      secretSent: 'secret.confidentialSent',
      secretMissing: 'secret.confidentialMissing',
      invalidSecret: 'secret.confidentialInvalid',
    },
    fix: 'Send client_secret (form field or HTTP Basic) together with code_verifier in the code exchange, and on refresh when the app requires it.',
  },
  {
    id: 'rtr.store-rotated',
    area: 'Refresh token rotation',
    title: 'Store the refresh token returned by every refresh and use only the newest',
    exercise: ['refresh.rotated', 'refresh.staleRotatedOut'],
    failures: ['refresh.staleRotatedOut'],
    advice: [],
    counts: { rotations: 'refresh.rotated', rotatedOutTokenUsed: 'refresh.staleRotatedOut' },
    fix: 'After each refresh, persist response.refresh_token (when present) before using the new access token; a rotated-out token revokes the whole chain.',
  },
  {
    id: 'rtr.parallel',
    area: 'Refresh token rotation',
    title: 'Refresh one token at a time, across threads and processes',
    exercise: ['refresh.total'],
    failures: ['refresh.parallelInFlight', 'refresh.parallelLostRace'],
    advice: [],
    counts: {
      refreshes: 'refresh.total',
      withCurrentToken: 'refresh.current',
      duplicateInFlight: 'refresh.parallelInFlight',
      lostRaceRotatedOut: 'refresh.parallelLostRace',
    },
    fix: 'Single-flight refreshes per user and app, under a cross-process lock; inside it re-read the stored token and adopt it when another process already rotated it.',
  },
  {
    id: 'rtr.stop-on-invalid-grant',
    area: 'Refresh token rotation',
    title: 'Treat a rejected refresh token as terminal: re-authenticate, do not retry it',
    exercise: ['refresh.rejected'],
    failures: ['refresh.retryAfterInvalidGrant'],
    advice: [],
    counts: {
      rejected: 'refresh.rejected',
      retriedAfterInvalidGrant: 'refresh.retryAfterInvalidGrant',
      unknownToken: 'refresh.unknownToken',
    },
    fix: "On invalid_grant (other than 'token request is already being processed'), re-read the stored token once; if it is unchanged, stop and have the user log in again.",
  },
  {
    id: 'retry.transient',
    area: 'Resilience',
    title: "Retry 'token request is already being processed' and transient errors after a backoff, keeping the token",
    exercise: ['injected.busy', 'injected.transient'],
    // Giving up a token after a busy or 5xx answer ends the user's session (counted as `abandoned` below); retrying
    // too soon only meets the same answer again.
    failures: [],
    advice: ['retry.tooSoon'],
    counts: {
      busy: 'injected.busy',
      transient: 'injected.transient',
      retriedAfterBackoff: 'retry.afterBackoff',
      retriedTooSoon: 'retry.tooSoon',
    },
    fix: 'Retry busy and 5xx answers a few times with exponential backoff (from about 200 ms) after re-reading the stored token; never discard the refresh token for them: it is still valid, and a new login is the only way back.',
    adviceFix:
      'Wait before retrying a busy or 5xx answer (exponential backoff from about 200 ms): an immediate retry meets the same answer while the first request is still being processed.',
  },
  {
    id: 'session.expiry',
    area: 'Resilience',
    title: 'Refresh when the session expires (401 INVALID_SESSION_ID) instead of resending the expired access token',
    exercise: ['session.expired'],
    failures: ['session.expiredReused'],
    advice: [],
    counts: { expiredSessions: 'session.expired', expiredTokenResent: 'session.expiredReused' },
    fix: 'On 401 INVALID_SESSION_ID refresh once, then repeat the call with the new access token; never resend the expired one.',
  },
];

function evaluateRule(rule: Rule, log: ClientLog): RequirementResult {
  const tallies = (names: EventName[]): Array<{ count: number; first: string; last: string }> =>
    names.map((n) => log.events[n]).filter((t): t is NonNullable<typeof t> => t !== undefined && t.count > 0);
  const sum = (names: EventName[]): number => tallies(names).reduce((n, t) => n + t.count, 0);
  const span = (names: EventName[]): { first?: string; last?: string } => {
    const ts = tallies(names);
    if (!ts.length) return {};
    return {
      first: ts.map((t) => t.first).sort()[0],
      last: ts
        .map((t) => t.last)
        .sort()
        .at(-1),
    };
  };
  const counts: Record<string, number> = {};
  for (const [label, event] of Object.entries(rule.counts)) counts[label] = log.events[event]?.count ?? 0;
  let failures = sum(rule.failures);
  // An injected error whose token the client never presented again: it gave up a token it should have retried.
  if (rule.id === 'retry.transient') {
    counts.abandoned = log.pendingRetries;
    failures += log.pendingRetries;
  }
  const advisories = sum(rule.advice);
  const exercised = sum(rule.exercise);
  const verdict: Verdict = failures > 0 ? 'fail' : advisories > 0 ? 'advice' : exercised > 0 ? 'pass' : 'not exercised';
  const all = span([...rule.exercise, ...rule.failures, ...rule.advice]);
  const failed = span(rule.failures);
  const advised = span(rule.advice);
  return {
    id: rule.id,
    area: rule.area,
    title: rule.title,
    verdict,
    exercised,
    failures,
    advisories,
    ...all,
    ...(failed.first ? { firstFailure: failed.first, lastFailure: failed.last } : {}),
    ...(advised.first ? { firstAdvice: advised.first, lastAdvice: advised.last } : {}),
    counts,
    ...(failures > 0 ? { fix: rule.fix } : {}),
    ...(advisories > 0 ? { advice: rule.adviceFix ?? rule.fix } : {}),
  };
}

export function evaluateClient(log: ClientLog): ClientReport {
  const requirements = RULES.map((rule) => evaluateRule(rule, log));
  const count = (verdict: Verdict): number => requirements.filter((r) => r.verdict === verdict).length;
  const failed = count('fail');
  const advised = count('advice');
  const passed = count('pass');
  return {
    clientId: log.clientId,
    appName: log.appName,
    kind: log.kind,
    clientType: log.clientType,
    rotationEnabled: log.rotationEnabled,
    verdict: failed ? 'fail' : advised ? 'advice' : passed ? 'pass' : 'not exercised',
    firstSeen: log.firstSeen,
    lastSeen: log.lastSeen,
    passed,
    failed,
    advised,
    notExercised: requirements.length - passed - failed - advised,
    requirements,
    redirectUris: Object.entries(log.redirectUris).map(([uri, r]) => ({
      uri,
      count: r.count,
      first: r.first,
      last: r.last,
      registered: r.registered,
    })),
    ...(log.verifierLength ? { verifierLength: { ...log.verifierLength } } : {}),
    rotatedOutUses: log.rotatedOutUses.map((u) => ({ ...u })),
  };
}

function summarize(
  base: Pick<ConformanceReport, 'since' | 'generatedAt' | 'smokeTests'>,
  clients: ClientReport[],
): ConformanceReport {
  const failedRequirements = clients.reduce((n, c) => n + c.failed, 0);
  return {
    kind: 'oauth-emulator-conformance-report',
    since: base.since,
    generatedAt: base.generatedAt,
    success: failedRequirements === 0,
    summary: {
      clients: clients.length,
      failingClients: clients.filter((c) => c.verdict === 'fail').length,
      failedRequirements,
      passedRequirements: clients.reduce((n, c) => n + c.passed, 0),
      advisedRequirements: clients.reduce((n, c) => n + c.advised, 0),
      advisedClients: clients.filter((c) => c.verdict === 'advice').length,
    },
    clients,
    smokeTests: base.smokeTests,
  };
}

/** Keeps only some clients of a report, by consumer key or app name. */
export function filterReport(report: ConformanceReport, clientIds: string[] | undefined): ConformanceReport {
  if (!clientIds?.length) return report;
  return summarize(
    report,
    report.clients.filter((c) => clientIds.includes(c.clientId) || clientIds.includes(c.appName)),
  );
}

const REQUEST_EVENTS = ['authorize.total', 'exchange.total', 'refresh.total'] as const;

const requestsOf = (logs: ClientLog[]): number =>
  logs.reduce((n, log) => n + REQUEST_EVENTS.reduce((m, e) => m + (log.events[e]?.count ?? 0), 0), 0);

const byName = (a: ClientReport, b: ClientReport): number =>
  a.appName.localeCompare(b.appName) ||
  a.clientId.localeCompare(b.clientId) ||
  (a.smokeTests ? 1 : 0) - (b.smokeTests ? 1 : 0);

/**
 * The report over a log; `clientIds` keeps only those clients (consumer keys or app names). The plugin's own smoke
 * tests are left out (only counted) unless `includeSmokeTests`: then each app they tested is a client of its own,
 * marked `smokeTests`, beside the app's other traffic.
 */
export function evaluate(
  log: ConformanceLog,
  options: { now?: string; clientIds?: string[]; includeSmokeTests?: boolean } = {},
): ConformanceReport {
  const smoke = Object.values(log.smoke ?? {});
  const included = options.includeSmokeTests ?? false;
  const clients = [
    ...Object.values(log.clients).map(evaluateClient),
    ...(included ? smoke.map((l): ClientReport => ({ ...evaluateClient(l), smokeTests: true })) : []),
  ].sort(byName);
  const smokeTests = { included, requests: requestsOf(smoke), apps: smoke.length };
  return filterReport(
    summarize({ since: log.since, generatedAt: options.now ?? new Date().toISOString(), smokeTests }, clients),
    options.clientIds,
  );
}
