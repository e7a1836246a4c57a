/*
 * The client-side requirements of Salesforce's PKCE and Refresh Token Rotation enforcement (the partner requirements,
 * /work/shared/seeds/001) and two resilience rules of the rehearsal mode, each a verdict over the recorder's counts:
 * fail when any failing event was seen, pass when the requirement was exercised without one, else not exercised.
 */
import type { ClientKind } from '../clients.js';
import type { ClientLog, ConformanceLog, EventName, RotatedOutUse } from './types.js';

export type Verdict = 'pass' | 'fail' | 'not exercised';

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
  /** How many of them broke it. */
  failures: number;
  /** First and last time the requirement was exercised or broken (ISO 8601). */
  first?: string;
  last?: string;
  firstFailure?: string;
  lastFailure?: string;
  /** The underlying counts, by what was observed. */
  counts: Record<string, number>;
  /** One line: what to change, when the requirement fails. */
  fix?: string;
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
  notExercised: number;
  requirements: RequirementResult[];
  redirectUris: RedirectUriReport[];
  /** Shortest and longest code_verifier seen. */
  verifierLength?: { min: number; max: number };
  /** Presentations of rotated-out refresh tokens: when, and how long after the rotation. */
  rotatedOutUses: RotatedOutUse[];
};

export type ConformanceReport = {
  /** Marks the document, so a reader can tell it from another server's JSON. */
  kind: 'oauth-emulator-conformance-report';
  /** When recording started. */
  since: string;
  generatedAt: string;
  /** Whether no requirement of any reported client fails. */
  success: boolean;
  summary: { clients: number; failingClients: number; failedRequirements: number; passedRequirements: number };
  clients: ClientReport[];
};

type Rule = {
  id: RequirementId;
  area: RequirementArea;
  title: string;
  /** Events that exercise the requirement. */
  exercise: EventName[];
  /** Events that break it. */
  failures: EventName[];
  /** Counts shown with the verdict, by label. */
  counts: Record<string, EventName>;
  fix: string;
};

export const RULES: readonly Rule[] = [
  {
    id: 'pkce.challenge',
    area: 'PKCE',
    title: 'Send a code_challenge with every authorization request',
    exercise: ['authorize.total'],
    failures: ['authorize.noChallenge'],
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
    failures: ['authorize.methodAbsent', 'authorize.methodPlain', 'authorize.methodOther', 'authorize.challengeMalformed'],
    counts: {
      withChallenge: 'authorize.challenge',
      S256: 'authorize.methodS256',
      methodAbsent: 'authorize.methodAbsent',
      plain: 'authorize.methodPlain',
      otherMethod: 'authorize.methodOther',
      malformedChallenge: 'authorize.challengeMalformed',
    },
    fix: 'Always send code_challenge_method=S256 (never plain, never omitted: RFC 7636 reads a missing method as plain) with the 43-character unpadded base64url SHA-256 of the verifier.',
  },
  {
    id: 'pkce.verifier-format',
    area: 'PKCE',
    title: 'Use a fresh high-entropy code_verifier of 43-128 characters from A-Z a-z 0-9 - . _',
    exercise: ['exchange.verifierChecked'],
    failures: ['exchange.verifierShort', 'exchange.verifierLong', 'exchange.verifierCharset', 'authorize.challengeReused'],
    counts: {
      verifiers: 'exchange.verifierChecked',
      tooShort: 'exchange.verifierShort',
      tooLong: 'exchange.verifierLong',
      badCharacters: 'exchange.verifierCharset',
      reusedChallenge: 'authorize.challengeReused',
    },
    fix: "Generate the verifier as base64url of 32 random bytes (43 characters), a new one for every authorization; avoid '~', which Salesforce rejects.",
  },
  {
    id: 'pkce.verifier-not-hash',
    area: 'PKCE',
    title: 'Send the original code_verifier at the token endpoint, not its hash',
    exercise: ['exchange.verifierChecked', 'exchange.verifierHashed'],
    failures: ['exchange.verifierHashed'],
    counts: { exchanges: 'exchange.withChallenge', hashSentAsVerifier: 'exchange.verifierHashed' },
    fix: 'Keep the verifier from the authorize step and send it as code_verifier; only the challenge (its hash) goes into the authorize URL.',
  },
  {
    id: 'pkce.verifier-match',
    area: 'PKCE',
    title: "Send the login's own code_verifier with its code exchange, and never on refresh",
    exercise: ['exchange.withChallenge', 'refresh.verifierSent'],
    failures: ['exchange.verifierMissing', 'exchange.verifierMismatch', 'refresh.verifierSent'],
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
    failures: ['secret.publicSent'],
    counts: { requests: 'secret.publicRequests', secretSent: 'secret.publicSent', invalidSecret: 'secret.invalid' },
    fix: 'Remove the consumer secret from the public (mobile, desktop, browser or CLI) client: the code_verifier authenticates it, and a shipped secret is no secret.',
  },
  {
    id: 'secret.confidential',
    area: 'Client secret',
    title: 'Confidential clients send the client_secret with the code exchange (and on refresh where the app requires it)',
    exercise: ['secret.confidentialRequests'],
    failures: ['secret.confidentialMissing'],
    counts: {
      requests: 'secret.confidentialRequests',
      secretSent: 'secret.confidentialSent',
      secretMissing: 'secret.confidentialMissing',
      invalidSecret: 'secret.invalid',
    },
    fix: 'Send client_secret (form field or HTTP Basic) together with code_verifier in the code exchange, and on refresh when the app requires it.',
  },
  {
    id: 'rtr.store-rotated',
    area: 'Refresh token rotation',
    title: 'Store the refresh token returned by every refresh and use only the newest',
    exercise: ['refresh.rotated', 'refresh.staleRotatedOut'],
    failures: ['refresh.staleRotatedOut'],
    counts: { rotations: 'refresh.rotated', rotatedOutTokenUsed: 'refresh.staleRotatedOut' },
    fix: 'After each refresh, persist response.refresh_token (when present) before using the new access token; a rotated-out token revokes the whole chain.',
  },
  {
    id: 'rtr.parallel',
    area: 'Refresh token rotation',
    title: 'Refresh one token at a time, across threads and processes',
    exercise: ['refresh.total'],
    failures: ['refresh.parallelInFlight', 'refresh.parallelLostRace'],
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
    counts: { rejected: 'refresh.rejected', retriedAfterInvalidGrant: 'refresh.retryAfterInvalidGrant', unknownToken: 'refresh.unknownToken' },
    fix: "On invalid_grant (other than 'token request is already being processed'), re-read the stored token once; if it is unchanged, stop and have the user log in again.",
  },
  {
    id: 'retry.transient',
    area: 'Resilience',
    title: "Retry 'token request is already being processed' and transient errors after a backoff, keeping the token",
    exercise: ['injected.busy', 'injected.transient'],
    failures: ['retry.tooSoon'],
    counts: {
      busy: 'injected.busy',
      transient: 'injected.transient',
      retriedAfterBackoff: 'retry.afterBackoff',
      retriedTooSoon: 'retry.tooSoon',
    },
    fix: 'Retry busy and 5xx answers a few times with exponential backoff (from about 200 ms) after re-reading the stored token; never discard the refresh token for them.',
  },
  {
    id: 'session.expiry',
    area: 'Resilience',
    title: 'Refresh when the session expires (401 INVALID_SESSION_ID) instead of resending the expired access token',
    exercise: ['session.expired'],
    failures: ['session.expiredReused'],
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
    return { first: ts.map((t) => t.first).sort()[0], last: ts.map((t) => t.last).sort().at(-1) };
  };
  const counts: Record<string, number> = {};
  for (const [label, event] of Object.entries(rule.counts)) counts[label] = log.events[event]?.count ?? 0;
  let failures = sum(rule.failures);
  // An injected error whose token the client never presented again: it gave up a token it should have retried.
  if (rule.id === 'retry.transient') {
    counts.abandoned = log.pendingRetries;
    failures += log.pendingRetries;
  }
  const exercised = sum(rule.exercise);
  const verdict: Verdict = failures > 0 ? 'fail' : exercised > 0 ? 'pass' : 'not exercised';
  const all = span([...rule.exercise, ...rule.failures]);
  const failed = span(rule.failures);
  return {
    id: rule.id,
    area: rule.area,
    title: rule.title,
    verdict,
    exercised,
    failures,
    ...all,
    ...(failed.first ? { firstFailure: failed.first, lastFailure: failed.last } : {}),
    counts,
    ...(verdict === 'fail' ? { fix: rule.fix } : {}),
  };
}

export function evaluateClient(log: ClientLog): ClientReport {
  const requirements = RULES.map((rule) => evaluateRule(rule, log));
  const failed = requirements.filter((r) => r.verdict === 'fail').length;
  const passed = requirements.filter((r) => r.verdict === 'pass').length;
  return {
    clientId: log.clientId,
    appName: log.appName,
    kind: log.kind,
    clientType: log.clientType,
    rotationEnabled: log.rotationEnabled,
    verdict: failed ? 'fail' : passed ? 'pass' : 'not exercised',
    firstSeen: log.firstSeen,
    lastSeen: log.lastSeen,
    passed,
    failed,
    notExercised: requirements.length - passed - failed,
    requirements,
    redirectUris: Object.entries(log.redirectUris).map(([uri, r]) => ({ uri, count: r.count, first: r.first, last: r.last, registered: r.registered })),
    ...(log.verifierLength ? { verifierLength: { ...log.verifierLength } } : {}),
    rotatedOutUses: log.rotatedOutUses.map((u) => ({ ...u })),
  };
}

function summarize(base: Pick<ConformanceReport, 'since' | 'generatedAt'>, clients: ClientReport[]): ConformanceReport {
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
    },
    clients,
  };
}

/** Keeps only some clients of a report, by consumer key or app name. */
export function filterReport(report: ConformanceReport, clientIds: string[] | undefined): ConformanceReport {
  if (!clientIds?.length) return report;
  return summarize(report, report.clients.filter((c) => clientIds.includes(c.clientId) || clientIds.includes(c.appName)));
}

/** The report over a log; `clientIds` keeps only those clients (consumer keys or app names). */
export function evaluate(log: ConformanceLog, options: { now?: string; clientIds?: string[] } = {}): ConformanceReport {
  const clients = Object.values(log.clients)
    .map(evaluateClient)
    .sort((a, b) => a.appName.localeCompare(b.appName) || a.clientId.localeCompare(b.clientId));
  return filterReport(summarize({ since: log.since, generatedAt: options.now ?? new Date().toISOString() }, clients), options.clientIds);
}
