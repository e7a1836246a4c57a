/*
 * The PKCE checks (RFC 7636), judged by OAuth error codes, never by wording; the server's descriptions are kept as
 * evidence. Every negative check uses its own fresh code, so the result does not depend on whether the server burns a
 * code on a failed exchange.
 *
 * - s256-flow: authorize with an S256 challenge, exchange with the verifier (and the secret of a confidential client):
 *   tokens = pass. Runs first: if the app cannot be authorized at all, nothing else can run.
 * - authorize-without-challenge: pass when the authorize request is refused with invalid_request (RFC 7636 §4.4.1), as
 *   Salesforce answers an app that requires PKCE. Salesforce delivers the ORG-WIDE Require PKCE refusal as the generic
 *   OAUTH_APPROVAL_ERROR_GENERIC error page instead (airbytehq/airbyte PR 85057): that passes too when the same request
 *   with a code_challenge got a code in this run, since the challenge is then the only difference. A server that
 *   issues a code anyway passes only if exchanging that code without a verifier is refused (PKCE enforced at the token
 *   endpoint instead); tokens = fail.
 * - wrong-verifier: pass on invalid_grant (RFC 7636 §4.6); tokens or another code = fail.
 * - missing-verifier: pass on invalid_grant or invalid_request (a missing parameter, RFC 6749 §5.2); tokens = fail.
 * - client-authentication: per isConsumerSecretOptional. Confidential: the correct exchange without the secret must be
 *   refused with invalid_client (RFC 6749 §5.2). Public: the S256 flow above, made without a secret, must succeed.
 * - plain-method: informational: what the server does with code_challenge_method=plain. Salesforce ignores the method
 *   and takes the challenge as an S256 hash, so it issues a code and refuses the exchange (invalid code verifier);
 *   another server may refuse it at authorize. Neither is a failure.
 * Exchanges that need the secret of a confidential client are not applicable when the secret is unknown.
 */
import { newPkcePair } from '../oauth/pkce.js';
import { secretEnvName } from '../oauth/secret.js';
import type { TokenResult } from '../oauth/token-client.js';
import { notApplicable, outcome, type CheckSpec, type Outcome } from './checks.js';
import type { Evidence } from './model.js';
import {
  authorize,
  authorizeEvidence,
  blockedAction,
  describe,
  exchange,
  isConfidential,
  tokenEvidence,
  type ProbeContext,
} from './probe.js';

type PkceState = {
  ctx: ProbeContext;
  s256?: TokenResult;
  /** Whether an authorize request of this app with an S256 challenge got a code in this run. */
  authorizedWithChallenge?: boolean;
};

/** Salesforce's generic approval error, how it reports the org-wide Require PKCE refusal (airbytehq/airbyte PR 85057). */
export const APPROVAL_ERROR_GENERIC = 'OAUTH_APPROVAL_ERROR_GENERIC';

const noSecret = (ctx: ProbeContext, what: string): Outcome =>
  notApplicable(
    `${what} needs the consumer secret of this confidential client, which is unknown: set ${secretEnvName(ctx.config.app)} (or answer the prompt).`,
  );

const canExchange = (ctx: ProbeContext): boolean => !isConfidential(ctx) || ctx.secret !== undefined;

/** A code for a fresh S256 pair; throws when the server does not give one. */
async function codeWithChallenge(state: PkceState): Promise<{ code: string; verifier: string; evidence: Evidence }> {
  const { ctx } = state;
  const pair = newPkcePair();
  const got = await authorize(ctx, { challenge: pair.challenge, method: 'S256' }, ctx.config.pkceScopeRequest);
  if (got.kind !== 'code') throw blockedAction(got, ctx);
  state.authorizedWithChallenge = true;
  return { code: got.code, verifier: pair.verifier, evidence: authorizeEvidence(got) };
}

const s256Flow: CheckSpec<PkceState> = {
  id: 's256-flow',
  title: 'The correct S256 flow succeeds',
  async run(state) {
    const { ctx } = state;
    const { code, verifier } = await codeWithChallenge(state);
    if (!canExchange(ctx)) return noSecret(ctx, 'The token exchange');
    const confidential = isConfidential(ctx);
    const result = await exchange(ctx, code, { verifier, withSecret: confidential, what: 'the S256 code exchange' });
    state.s256 = result;
    const how = confidential
      ? 'with the verifier and the client secret'
      : 'with the verifier and no secret (public client)';
    return result.ok
      ? outcome('pass', tokenEvidence(result), `Tokens issued for an S256 challenge, exchanged ${how}.`)
      : outcome('fail', tokenEvidence(result), `The exchange ${how} was refused: ${describe(tokenEvidence(result))}.`);
  },
};

const withoutChallenge: CheckSpec<PkceState> = {
  id: 'authorize-without-challenge',
  title: 'An authorize request without code_challenge is rejected',
  async run(state) {
    const { ctx } = state;
    const got = await authorize(ctx, {}, ctx.config.pkceScopeRequest);
    const evidence = authorizeEvidence(got);
    const flag = ctx.config.pkceRequired === false ? ' The app does not require PKCE (isPkceRequired is false).' : '';
    if (got.kind === 'error') {
      if (got.error === 'invalid_request')
        return outcome(
          'pass',
          evidence,
          'Refused at the authorization endpoint with invalid_request (RFC 7636 §4.4.1).',
        );
      if (got.error === APPROVAL_ERROR_GENERIC && state.authorizedWithChallenge) {
        return outcome(
          'pass',
          evidence,
          `Refused at the authorization endpoint with ${APPROVAL_ERROR_GENERIC}, while the same request with a code_challenge got a code: this is how Salesforce reports the org-wide Require PKCE setting.${flag}`,
        );
      }
      if (got.error === APPROVAL_ERROR_GENERIC) {
        return outcome(
          'fail',
          evidence,
          `Refused with the generic ${APPROVAL_ERROR_GENERIC}, and no request with a code_challenge got a code in this run: nothing shows the refusal is PKCE's.`,
        );
      }
      return outcome('fail', evidence, `Refused, but with ${got.error} instead of invalid_request (RFC 7636 §4.4.1).`);
    }
    if (got.kind === 'interaction')
      return outcome('error', evidence, `The server showed a ${got.page} page instead of answering.`);
    if (!canExchange(ctx)) {
      return notApplicable(
        `The server issued a code without a challenge; whether the token endpoint refuses it needs the consumer secret (set ${secretEnvName(ctx.config.app)}).${flag}`,
      );
    }
    const result = await exchange(ctx, got.code, {
      withSecret: isConfidential(ctx),
      what: 'the exchange of a code issued without a challenge',
    });
    return result.ok
      ? outcome(
          'fail',
          tokenEvidence(result),
          `The server issued a code without a code_challenge, and tokens for it without a verifier.${flag}`,
        )
      : outcome(
          'pass',
          tokenEvidence(result),
          `The server issued a code without a challenge, but refused to exchange it without a verifier (${describe(tokenEvidence(result))}): PKCE is enforced at the token endpoint.`,
        );
  },
};

const wrongVerifier: CheckSpec<PkceState> = {
  id: 'wrong-verifier',
  title: 'A token request with a wrong code_verifier is rejected with invalid_grant',
  async run(state) {
    const { ctx } = state;
    if (!canExchange(ctx)) return noSecret(ctx, 'This check');
    const { code } = await codeWithChallenge(state);
    const result = await exchange(ctx, code, {
      verifier: newPkcePair().verifier,
      withSecret: isConfidential(ctx),
      what: 'an exchange with a wrong verifier',
    });
    const evidence = tokenEvidence(result);
    if (result.ok)
      return outcome('fail', evidence, 'Tokens were issued for a verifier that does not match the challenge.');
    return result.error === 'invalid_grant'
      ? outcome('pass', evidence, 'Refused with invalid_grant (RFC 7636 §4.6).')
      : outcome('fail', evidence, `Refused, but with ${result.error} instead of invalid_grant (RFC 7636 §4.6).`);
  },
};

const missingVerifier: CheckSpec<PkceState> = {
  id: 'missing-verifier',
  title: 'A token request without code_verifier is rejected',
  async run(state) {
    const { ctx } = state;
    if (!canExchange(ctx)) return noSecret(ctx, 'This check');
    const { code } = await codeWithChallenge(state);
    const result = await exchange(ctx, code, {
      withSecret: isConfidential(ctx),
      what: 'an exchange without a verifier',
    });
    const evidence = tokenEvidence(result);
    if (result.ok)
      return outcome(
        'fail',
        evidence,
        'Tokens were issued without a verifier for a code that was bound to a challenge.',
      );
    return ['invalid_grant', 'invalid_request'].includes(result.error)
      ? outcome('pass', evidence, `Refused with ${result.error} (RFC 7636 §4.6, RFC 6749 §5.2).`)
      : outcome('fail', evidence, `Refused, but with ${result.error} instead of invalid_grant or invalid_request.`);
  },
};

const clientAuthentication: CheckSpec<PkceState> = {
  id: 'client-authentication',
  title: 'A confidential client needs its secret; a public client works without one',
  async run(state) {
    const { ctx } = state;
    const known = ctx.config.clientType !== null;
    const basis = known
      ? `isConsumerSecretOptional is ${String(ctx.config.clientType === 'public')}`
      : 'the app settings are unknown; assumed from whether a secret was given';
    if (!isConfidential(ctx)) {
      const s256 = state.s256;
      if (!s256) return notApplicable('The S256 flow did not run.');
      return s256.ok
        ? outcome(
            'pass',
            tokenEvidence(s256),
            `Public client (${basis}): the S256 flow above succeeded without a secret.`,
          )
        : outcome(
            'fail',
            tokenEvidence(s256),
            `Public client (${basis}), but the exchange without a secret was refused: ${describe(tokenEvidence(s256))}.`,
          );
    }
    const { code, verifier } = await codeWithChallenge(state);
    const result = await exchange(ctx, code, {
      verifier,
      withSecret: false,
      what: 'an exchange without the client secret',
    });
    const evidence = tokenEvidence(result);
    if (result.ok)
      return outcome(
        'fail',
        evidence,
        `Confidential client (${basis}), but tokens were issued without the client secret.`,
      );
    return result.error === 'invalid_client'
      ? outcome(
          'pass',
          evidence,
          `Confidential client (${basis}): refused without the secret with invalid_client (RFC 6749 §5.2).`,
        )
      : outcome(
          'fail',
          evidence,
          `Confidential client (${basis}): refused without the secret, but with ${result.error} instead of invalid_client.`,
        );
  },
};

const plainMethod: CheckSpec<PkceState> = {
  id: 'plain-method',
  title: 'What the server does with code_challenge_method=plain (informational)',
  async run({ ctx }) {
    const verifier = newPkcePair().verifier;
    const got = await authorize(ctx, { challenge: verifier, method: 'plain' }, ctx.config.pkceScopeRequest);
    const evidence = authorizeEvidence(got);
    if (got.kind === 'error')
      return outcome('info', evidence, `plain is refused at the authorization endpoint: ${describe(evidence)}.`);
    if (got.kind === 'interaction')
      return outcome('info', evidence, `The server showed a ${got.page} page for a plain challenge.`);
    if (!canExchange(ctx))
      return outcome(
        'info',
        evidence,
        'plain is accepted at the authorization endpoint; the exchange was not tried (no secret).',
      );
    const result = await exchange(ctx, got.code, {
      verifier,
      withSecret: isConfidential(ctx),
      what: 'the exchange of a plain challenge',
    });
    return result.ok
      ? outcome(
          'info',
          tokenEvidence(result),
          'plain is accepted: tokens were issued for a plain challenge (and revoked). RFC 7636 §4.2 asks clients to use S256.',
        )
      : outcome(
          'info',
          tokenEvidence(result),
          `A code was issued for a plain challenge, but the exchange was refused: ${describe(tokenEvidence(result))}. The server judges the challenge at the exchange, as an S256 hash (Salesforce ignores code_challenge_method).`,
        );
  },
};

export const PKCE_CHECKS = [
  s256Flow,
  withoutChallenge,
  wrongVerifier,
  missingVerifier,
  clientAuthentication,
  plainMethod,
];

export const pkceState = (ctx: ProbeContext): PkceState => ({ ctx });
