/*
 * The conformance recorder: the OAuth endpoints tell it what each client did, and it keeps counts and timestamps per
 * consumer key in the org state (persisted with it when a state file is used).
 *
 * To tell a retry from a first attempt it must recognize a refresh token it has seen before; for that it keeps SHA-256
 * hashes of refresh and access tokens, and the challenges of recent authorizations, IN MEMORY ONLY (bounded maps, never
 * persisted, never reported), the same way the token endpoint keeps its in-flight set. The persisted log holds counts,
 * timestamps and lengths only.
 */
import { oauthClient, type OAuthClient } from '../clients.js';
import type { FaultAction } from '../faults.js';
import { sha256 } from '../store/hash.js';
import type { RequestContext } from '../http/context.js';
import type { OrgStore } from '../store/store.js';
import { classifyVerifier, methodSent, wellFormedChallenge, type MethodSent } from './classify.js';
import { isSmokeUserAgent } from './smoke-marker.js';
import {
  DEFAULT_MIN_BACKOFF_MS,
  DEFAULT_RACE_WINDOW_MS,
  emptyLog,
  type ClientLog,
  type ConformanceLog,
  type ConformanceOptions,
  type EventName,
  type RotatedOutUse,
} from './types.js';

/** The busy answer of the token endpoint, injected or real. */
export const BUSY_DESCRIPTION = 'token request is already being processed';

const MEMORY_LIMIT = 10_000;
const ROTATED_OUT_SAMPLES = 50;
const CHALLENGES_PER_CLIENT = 1000;

/** A Map that forgets its oldest entries beyond a limit, telling `onForget` which. */
class BoundedMap<K, V> extends Map<K, V> {
  public constructor(
    private readonly limit: number,
    private readonly onForget?: (value: V) => void,
  ) {
    super();
  }

  public override set(key: K, value: V): this {
    if (this.has(key)) this.delete(key);
    super.set(key, value);
    while (this.size > this.limit) {
      const oldest = this.keys().next().value as K;
      this.onForget?.(this.get(oldest) as V);
      this.delete(oldest);
    }
    return this;
  }
}

/** What the recorder needs to know about an authorization request. */
export type AuthorizationObservation = {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  methodSent: MethodSent;
};

export function isPublicClient(client: OAuthClient): boolean {
  return client.consumerSecretOptional && !client.secretRequiredForRefresh;
}

export class ConformanceRecorder {
  public readonly raceWindowMs: number;
  public readonly minBackoffMs: number;
  /** Set on the views forRequest() makes for the smoke tests' requests. */
  private smokeTests = false;
  /** Refresh token hash -> when it was rotated out. */
  private readonly rotatedAt = new BoundedMap<string, number>(MEMORY_LIMIT, (at) => {
    this.unknownRotationsBefore = Math.max(this.unknownRotationsBefore, at);
  });
  /**
   * Every rotation this recorder cannot time happened by this instant: before it started (a restart with a state file
   * keeps the chains but not the in-memory hashes) or before the last rotation the bounded memory forgot.
   */
  private unknownRotationsBefore: number;
  /** Refresh token hash -> when it was answered with a terminal invalid_grant. */
  private readonly rejected = new BoundedMap<string, number>(MEMORY_LIMIT);
  /** Refresh token hash -> the injected error that the client should retry after a backoff. */
  private readonly pending = new BoundedMap<string, { clientId: string; at: number }>(MEMORY_LIMIT);
  /** Access token hash -> client, for expired tokens already answered with 401. */
  private readonly expired = new BoundedMap<string, string>(MEMORY_LIMIT);
  /** Access token hash -> client and expiry, for tokens issued in this run (the store prunes expired ones). */
  private readonly issued = new BoundedMap<string, { clientId: string; expiresAt: number }>(MEMORY_LIMIT);
  /** Client -> challenges of its recent authorizations (a repeated challenge means a reused verifier). */
  private readonly challenges = new Map<string, BoundedMap<string, true>>();

  public constructor(
    private readonly store: OrgStore,
    options: ConformanceOptions = {},
  ) {
    this.raceWindowMs = options.raceWindowMs ?? DEFAULT_RACE_WINDOW_MS;
    this.minBackoffMs = options.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS;
    this.unknownRotationsBefore = store.clock();
    // eslint-disable-next-line no-param-reassign -- the store's one hook for issued tokens is the recorder's to set
    store.onAccessTokenIssued = (record): void => {
      this.issued.set(record.hash, { clientId: record.clientId, expiresAt: record.expiresAt });
    };
  }

  /** The log, created on first use. */
  public get log(): ConformanceLog {
    return (this.store.state.conformance ??= emptyLog(this.store.nowIso()));
  }

  /**
   * The recorder for one request: the plugin's smoke tests (smoke-marker.ts) are recorded apart, in the log's `smoke`
   * part. A view shares this recorder's memory (its maps are read through the prototype), so a token rotated by a smoke
   * test is still recognized; only where its events are counted differs.
   */
  public forRequest(ctx: Pick<RequestContext, 'req'>): ConformanceRecorder {
    if (!isSmokeUserAgent(ctx.req.headers['user-agent'])) return this;
    const view = Object.create(this) as ConformanceRecorder;
    view.smokeTests = true;
    return view;
  }

  /** Forgets everything recorded so far. */
  public reset(): void {
    this.store.state.conformance = emptyLog(this.store.nowIso());
    this.rotatedAt.clear();
    this.unknownRotationsBefore = this.store.clock();
    this.rejected.clear();
    this.pending.clear();
    this.expired.clear();
    this.challenges.clear();
    this.store.touched();
  }

  // ---- authorize ------------------------------------------------------------------------------------------------

  /** An authorization request that got a code. */
  public authorized(request: AuthorizationObservation): void {
    const client = oauthClient(this.store, request.clientId);
    if (!client) return;
    const log = this.authorization(client, request);
    if (request.challenge) {
      let seen = this.challenges.get(client.clientId);
      if (!seen) this.challenges.set(client.clientId, (seen = new BoundedMap<string, true>(CHALLENGES_PER_CLIENT)));
      if (seen.has(request.challenge)) this.count(log, 'authorize.challengeReused');
      seen.set(request.challenge, true);
    }
    this.store.touched();
  }

  /** An authorization request refused for its PKCE parameters (no challenge where required, a bad method or challenge). */
  public authorizationRefused(client: OAuthClient, params: URLSearchParams, redirectUri: string): void {
    // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- an empty code_challenge is none
    const challenge = params.get('code_challenge') || undefined;
    this.authorization(client, {
      clientId: client.clientId,
      redirectUri,
      challenge,
      methodSent: methodSent(params.get('code_challenge_method')),
    });
    this.store.touched();
  }

  // ---- token endpoint -------------------------------------------------------------------------------------------

  /** How the client authenticated at the token endpoint (a secret sent or not), for the code exchange and refresh. */
  public clientAuthentication(
    client: OAuthClient,
    secret: string | undefined,
    grant: 'authorization_code' | 'refresh_token',
  ): void {
    const log = this.client(client);
    // A secret that is sent is validated even where it is optional, so a wrong one is refused ([official] §8 of the reference).
    const invalid = secret !== undefined && !this.store.checkConsumerSecret(client.clientId, secret);
    if (isPublicClient(client)) {
      this.count(log, 'secret.publicRequests');
      if (secret !== undefined) this.count(log, 'secret.publicSent');
      if (invalid) this.count(log, 'secret.publicInvalid');
    } else if (grant === 'authorization_code' || client.secretRequiredForRefresh) {
      this.count(log, 'secret.confidentialRequests');
      this.count(log, secret === undefined ? 'secret.confidentialMissing' : 'secret.confidentialSent');
      if (invalid) this.count(log, 'secret.confidentialInvalid');
    }
    if (invalid) this.count(log, 'secret.invalid');
    this.store.touched();
  }

  /** A code exchange; `code` is what the code was bound to, when the code is known and belongs to the client. */
  public codeExchange(
    client: OAuthClient,
    code: { challenge?: string; challengeMethod?: 'S256' | 'plain' } | undefined,
    verifier: string | null,
  ): void {
    const log = this.client(client);
    this.count(log, 'exchange.total');
    if (!code) return this.store.touched();
    if (!code.challenge) {
      if (verifier) this.count(log, 'exchange.verifierWithoutChallenge');
      return this.store.touched();
    }
    this.count(log, 'exchange.withChallenge');
    const verdict = classifyVerifier(code.challenge, code.challengeMethod, verifier);
    const relation: Record<typeof verdict.relation, EventName> = {
      ok: 'exchange.verifierMatched',
      missing: 'exchange.verifierMissing',
      hashed: 'exchange.verifierHashed',
      mismatch: 'exchange.verifierMismatch',
    };
    this.count(log, relation[verdict.relation]);
    if (verdict.relation === 'ok' || verdict.relation === 'mismatch') {
      this.count(log, 'exchange.verifierChecked');
      for (const problem of verdict.format)
        this.count(
          log,
          problem === 'short'
            ? 'exchange.verifierShort'
            : problem === 'long'
              ? 'exchange.verifierLong'
              : 'exchange.verifierCharset',
        );
      if (verdict.length !== undefined) {
        const lengths = (log.verifierLength ??= { min: verdict.length, max: verdict.length });
        lengths.min = Math.min(lengths.min, verdict.length);
        lengths.max = Math.max(lengths.max, verdict.length);
      }
    }
    this.store.touched();
  }

  /** Every refresh_token request, before faults: a retry of a token answered with an injected error is resolved here. */
  public refreshAttempt(clientId: string | undefined, raw: string | null): void {
    if (!clientId || !raw) return;
    const key = sha256(raw);
    const pending = this.pending.get(key);
    if (!pending) return;
    this.pending.delete(key);
    const client = oauthClient(this.store, pending.clientId);
    if (!client) return;
    const log = this.client(client);
    log.pendingRetries = Math.max(0, log.pendingRetries - 1);
    this.count(log, this.store.clock() - pending.at < this.minBackoffMs ? 'retry.tooSoon' : 'retry.afterBackoff');
    this.store.touched();
  }

  /** A token request answered by a fault rule (the rehearsal mode's injections among them). */
  public faultAnswered(clientId: string | undefined, grantType: string, raw: string | null, fault: FaultAction): void {
    const client = clientId ? oauthClient(this.store, clientId) : undefined;
    if (!client || grantType !== 'refresh_token' || !raw) return;
    const log = this.client(client);
    const busy = fault.kind === 'oauthError' && fault.description === BUSY_DESCRIPTION;
    const transient = fault.kind === 'drop' || (fault.kind === 'http' && (fault.status >= 500 || fault.status === 429));
    if (busy || transient) {
      this.count(log, busy ? 'injected.busy' : 'injected.transient');
      const key = sha256(raw);
      if (!this.pending.has(key)) log.pendingRetries++;
      this.pending.set(key, { clientId: client.clientId, at: this.store.clock() });
    } else if (fault.kind === 'oauthError' && fault.error === 'invalid_grant') {
      this.rejected.set(sha256(raw), this.store.clock());
      this.count(log, 'refresh.rejected');
    }
    this.store.touched();
  }

  /** A refresh request with a code_verifier (refused before its token is looked at). */
  public refreshWithVerifier(client: OAuthClient): void {
    this.count(this.client(client), 'refresh.verifierSent');
    this.store.touched();
  }

  /**
   * A refresh token presented by its client, classified before the grant changes anything: a retry of a rejected
   * token, a duplicate of a request in flight, a rotated-out token (a lost race shortly after its rotation, a dropped
   * rotated token later), an unknown or revoked token, or the current one.
   */
  public refreshPresented(client: OAuthClient, raw: string, inFlight: boolean): void {
    const log = this.client(client);
    const key = sha256(raw);
    const now = this.store.clock();
    this.count(log, 'refresh.total');
    const found = this.store.findRefreshToken(raw);
    if (this.rejected.has(key)) {
      this.count(log, 'refresh.retryAfterInvalidGrant');
    } else if (inFlight) {
      this.count(log, 'refresh.parallelInFlight');
    } else if (found?.grant.clientId !== client.clientId) {
      this.count(log, 'refresh.unknownToken');
    } else if (!found.current) {
      const rotatedAt = this.rotatedAt.get(key);
      // A rotation this process did not see happened before `unknownRotationsBefore`: only a lower bound is known, and
      // a presentation that late is no lost race. (One within the race window of a restart is counted as dropped too.)
      const use: RotatedOutUse =
        rotatedAt === undefined
          ? {
              at: this.store.nowIso(),
              rotatedBefore: new Date(this.unknownRotationsBefore).toISOString(),
              minMsAfterRotation: now - this.unknownRotationsBefore,
              race: false,
            }
          : { at: this.store.nowIso(), msAfterRotation: now - rotatedAt, race: now - rotatedAt <= this.raceWindowMs };
      this.count(log, use.race ? 'refresh.parallelLostRace' : 'refresh.staleRotatedOut');
      log.rotatedOutUses.push(use);
      if (log.rotatedOutUses.length > ROTATED_OUT_SAMPLES)
        log.rotatedOutUses.splice(0, log.rotatedOutUses.length - ROTATED_OUT_SAMPLES);
    } else {
      this.count(log, 'refresh.current');
    }
    this.store.touched();
  }

  /** A refresh answered with a terminal `invalid_grant` (expired, revoked or rotated-out token). */
  public refreshRejected(client: OAuthClient, raw: string): void {
    this.rejected.set(sha256(raw), this.store.clock());
    this.count(this.client(client), 'refresh.rejected');
    this.store.touched();
  }

  /** A successful refresh; with rotation, `raw` is now rotated out. */
  public refreshSucceeded(client: OAuthClient, raw: string, rotated: boolean): void {
    if (!rotated) return;
    this.rotatedAt.set(sha256(raw), this.store.clock());
    this.count(this.client(client), 'refresh.rotated');
    this.store.touched();
  }

  // ---- sessions -------------------------------------------------------------------------------------------------

  /** An access token that did not authenticate: counted when it is a known token past its session lifetime. */
  public unauthenticated(raw: string): void {
    const key = sha256(raw);
    const known = this.expired.get(key);
    if (known) {
      const client = oauthClient(this.store, known);
      if (client) this.count(this.client(client), 'session.expiredReused');
      return this.store.touched();
    }
    const record = this.issued.get(key) ?? this.store.state.accessTokens.find((t) => t.hash === key);
    if (!record || record.expiresAt > this.store.clock()) return;
    this.issued.delete(key);
    const client = oauthClient(this.store, record.clientId);
    if (!client) return;
    this.expired.set(key, client.clientId);
    this.count(this.client(client), 'session.expired');
    this.store.touched();
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  private client(client: OAuthClient): ClientLog {
    const now = this.store.nowIso();
    const clients = this.smokeTests ? (this.log.smoke ??= {}) : this.log.clients;
    const log = (clients[client.clientId] ??= {
      clientId: client.clientId,
      appName: client.appName,
      kind: client.kind,
      clientType: isPublicClient(client) ? 'public' : 'confidential',
      rotationEnabled: client.rotationEnabled,
      firstSeen: now,
      lastSeen: now,
      events: {},
      redirectUris: {},
      rotatedOutUses: [],
      pendingRetries: 0,
    });
    // The app's settings may have been deployed since: describe it as it is now.
    log.appName = client.appName;
    log.clientType = isPublicClient(client) ? 'public' : 'confidential';
    log.rotationEnabled = client.rotationEnabled;
    log.lastSeen = now;
    return log;
  }

  private count(log: ClientLog, event: EventName): void {
    const now = this.store.nowIso();
    // eslint-disable-next-line no-param-reassign -- a client's log is the recorder's own record, tallied in place
    const tally = (log.events[event] ??= { count: 0, first: now, last: now });
    tally.count++;
    tally.last = now;
  }

  private authorization(client: OAuthClient, request: AuthorizationObservation): ClientLog {
    const log = this.client(client);
    const now = this.store.nowIso();
    this.count(log, 'authorize.total');
    const uri = (log.redirectUris[request.redirectUri] ??= {
      count: 0,
      first: now,
      last: now,
      registered: client.callbackUrls.includes(request.redirectUri),
    });
    uri.count++;
    uri.last = now;
    if (!request.challenge) {
      this.count(log, 'authorize.noChallenge');
      return log;
    }
    this.count(log, 'authorize.challenge');
    const methodEvent: Record<MethodSent, EventName> = {
      absent: 'authorize.methodAbsent',
      S256: 'authorize.methodS256',
      plain: 'authorize.methodPlain',
      other: 'authorize.methodOther',
    };
    this.count(log, methodEvent[request.methodSent]);
    if ((request.methodSent === 'S256' || request.methodSent === 'absent') && !wellFormedChallenge(request.challenge)) {
      this.count(log, 'authorize.challengeMalformed');
    }
    return log;
  }
}
