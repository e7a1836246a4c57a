/*
 * The refresh token rotation checks (RFC 9700 §4.14.2, Salesforce RTR), judged by OAuth error codes:
 * - rotation: a refresh returns a refresh token, and it differs from the one presented.
 * - new-token-works: refreshing with that new token succeeds.
 * - reuse-rejected: refreshing again with the rotated-out token fails with invalid_grant.
 * - chain-revoked: after that reuse, the newest token fails too (invalid_grant): the chain was revoked.
 * - concurrent-refresh: two refreshes of one token at the same time: at most one succeeds; the other's answer is the
 *   evidence. When the server does not rotate, two successes that return no new token are not a fork: not applicable.
 * Apps that cannot get refresh tokens (no refresh scope in their metadata) are not applicable, marked out of scope; a
 * confidential client without its secret, or a server that issues no refresh token, is not applicable too, but that
 * leaves the app not proven (model.ts AppVerdict).
 */
import { newPkcePair } from '../oauth/pkce.js';
import { secretEnvName } from '../oauth/secret.js';
import type { TokenResult } from '../oauth/token-client.js';
import { notApplicable, outcome, outOfScope, type CheckSpec, type Outcome } from './checks.js';
import {
  authorize,
  blockedAction,
  describe,
  exchange,
  isConfidential,
  refreshWith,
  tokenEvidence,
  type ProbeContext,
} from './probe.js';

type RtrState = {
  ctx: ProbeContext;
  /** Why every check is not applicable, once known. */
  skip?: string;
  /** The skip is because the app cannot get refresh tokens per its metadata (nothing to rotate), not missing input. */
  outOfScope?: boolean;
  original?: string;
  rotated?: string;
  newest?: string;
  reuseRefused?: boolean;
  rotates?: boolean;
};

/** A fresh refresh token from an S256 authorization (undefined with the reason when none was issued). */
async function newChain(ctx: ProbeContext): Promise<{ refreshToken?: string; reason?: string }> {
  const pair = newPkcePair();
  const got = await authorize(ctx, { challenge: pair.challenge, method: 'S256' }, ctx.config.refreshScopeRequest);
  if (got.kind !== 'code') throw blockedAction(got, ctx);
  const result = await exchange(ctx, got.code, {
    verifier: pair.verifier,
    withSecret: isConfidential(ctx),
    what: 'the S256 code exchange',
  });
  if (!result.ok)
    return {
      reason: `The code exchange was refused (${describe(tokenEvidence(result))}), so there is no refresh token to test with.`,
    };
  if (!result.refreshToken)
    return {
      reason: `No refresh token was issued for scope "${ctx.config.refreshScopeRequest}": the app cannot get refresh tokens.`,
    };
  return { refreshToken: result.refreshToken };
}

function guard(state: RtrState): Outcome | undefined {
  if (!state.skip) return undefined;
  return state.outOfScope ? outOfScope(state.skip) : notApplicable(state.skip);
}

const rotation: CheckSpec<RtrState> = {
  id: 'rotation',
  title: 'A refresh returns a new refresh token that differs from the old one',
  async run(state) {
    const { ctx } = state;
    if (ctx.config.refreshScope === false) {
      state.skip = 'The app has no RefreshToken, OfflineAccess or Full scope: it cannot get refresh tokens.';
      state.outOfScope = true;
    } else if (isConfidential(ctx) && !ctx.secret)
      state.skip = `This confidential client's consumer secret is unknown: set ${secretEnvName(ctx.config.app)} (or answer the prompt).`;
    const skipped = guard(state);
    if (skipped) return skipped;
    const chain = await newChain(ctx);
    if (!chain.refreshToken) {
      state.skip = chain.reason;
      return notApplicable(chain.reason ?? '');
    }
    state.original = chain.refreshToken;
    const result = await refreshWith(ctx, chain.refreshToken, 'the first refresh');
    const evidence = tokenEvidence(result);
    if (!result.ok) return outcome('fail', evidence, `The first refresh was refused: ${describe(evidence)}.`);
    if (!result.refreshToken) {
      state.rotates = false;
      const flag =
        ctx.config.rtrEnabled === false
          ? ' The app does not rotate refresh tokens (isRefreshTokenRotationEnabled is false).'
          : '';
      return outcome('fail', evidence, `The refresh response had no refresh_token: the old token stays valid.${flag}`);
    }
    if (result.refreshToken === chain.refreshToken) {
      state.rotates = false;
      return outcome('fail', evidence, 'The refresh response returned the same refresh token.');
    }
    state.rotates = true;
    state.rotated = result.refreshToken;
    state.newest = result.refreshToken;
    return outcome('pass', evidence, 'A new refresh token, different from the one presented, was returned.');
  },
};

const newTokenWorks: CheckSpec<RtrState> = {
  id: 'new-token-works',
  title: 'The new refresh token works',
  async run(state) {
    const skipped = guard(state);
    if (skipped) return skipped;
    if (!state.rotated) return notApplicable('No new refresh token was issued, so there is none to try.');
    const result = await refreshWith(state.ctx, state.rotated, 'a refresh with the new token');
    const evidence = tokenEvidence(result);
    if (!result.ok) return outcome('fail', evidence, `The new refresh token was refused: ${describe(evidence)}.`);
    if (result.refreshToken) state.newest = result.refreshToken;
    return outcome('pass', evidence, 'The new refresh token was accepted.');
  },
};

const reuseRejected: CheckSpec<RtrState> = {
  id: 'reuse-rejected',
  title: 'Reusing the rotated-out refresh token fails with invalid_grant',
  async run(state) {
    const skipped = guard(state);
    if (skipped) return skipped;
    if (!state.original) return notApplicable('No refresh token was issued.');
    const result = await refreshWith(state.ctx, state.original, 'a refresh with the old token');
    const evidence = tokenEvidence(result);
    if (result.ok)
      return outcome(
        'fail',
        evidence,
        state.rotates
          ? 'The rotated-out refresh token was accepted again.'
          : 'The old refresh token still works: it was never rotated out.',
      );
    state.reuseRefused = true;
    return result.error === 'invalid_grant'
      ? outcome('pass', evidence, 'Refused with invalid_grant.')
      : outcome('fail', evidence, `Refused, but with ${result.error} instead of invalid_grant.`);
  },
};

const chainRevoked: CheckSpec<RtrState> = {
  id: 'chain-revoked',
  title: 'After that reuse, the newest refresh token is revoked too',
  async run(state) {
    const skipped = guard(state);
    if (skipped) return skipped;
    if (!state.newest || state.newest === state.original)
      return notApplicable(
        'There is no newer refresh token than the reused one (no rotation), so there is no chain to revoke.',
      );
    if (!state.reuseRefused) return notApplicable('The reuse was not refused, so no chain revocation was triggered.');
    const result = await refreshWith(state.ctx, state.newest, 'a refresh with the newest token after the reuse');
    const evidence = tokenEvidence(result);
    if (result.ok)
      return outcome(
        'fail',
        evidence,
        'The newest refresh token still works after the reuse of a rotated-out one: the chain was not revoked.',
      );
    return result.error === 'invalid_grant'
      ? outcome('pass', evidence, 'The newest token is refused with invalid_grant: the whole chain was revoked.')
      : outcome('fail', evidence, `The newest token is refused, but with ${result.error} instead of invalid_grant.`);
  },
};

const concurrent: CheckSpec<RtrState> = {
  id: 'concurrent-refresh',
  title: 'Two concurrent refreshes of one token: at most one succeeds',
  async run(state) {
    const skipped = guard(state);
    if (skipped) return skipped;
    const { ctx } = state;
    const chain = await newChain(ctx);
    if (!chain.refreshToken) return notApplicable(chain.reason ?? '');
    const token = chain.refreshToken;
    const [a, b] = await Promise.all([
      refreshWith(ctx, token, 'a concurrent refresh'),
      refreshWith(ctx, token, 'a concurrent refresh'),
    ]);
    const answers: TokenResult[] = [a, b];
    const ok = answers.filter((r) => r.ok);
    const refused = answers.find((r) => !r.ok);
    if (ok.length <= 1) {
      const evidence = refused ? tokenEvidence(refused) : tokenEvidence(a);
      return outcome(
        'pass',
        evidence,
        ok.length === 1
          ? `One refresh succeeded; the other got ${describe(evidence)}.`
          : `Neither refresh succeeded: ${describe(tokenEvidence(a))}; ${describe(tokenEvidence(b))}.`,
      );
    }
    const newTokens = ok.map((r) => (r.ok ? r.refreshToken : undefined)).filter((t) => t && t !== token);
    if (!newTokens.length && !state.rotates) {
      return notApplicable(
        'Both refreshes succeeded without returning a new refresh token: the server does not rotate, so nothing forked.',
      );
    }
    return outcome(
      'fail',
      tokenEvidence(b),
      `Both refreshes succeeded${newTokens.length === 2 ? ' with two different new refresh tokens: the chain forked' : ''}.`,
    );
  },
};

export const RTR_CHECKS = [rotation, newTokenWorks, reuseRejected, chainRevoked, concurrent];

export const rtrState = (ctx: ProbeContext): RtrState => ({ ctx });
