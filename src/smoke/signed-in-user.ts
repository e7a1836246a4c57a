/*
 * Whose approval a code exchange made. The approvals counted before a run (headroom.ts) are one user's: the target
 * org's user, or the --site-url user. With --browser a person signs in, and may sign in as someone else, whose
 * approvals were never counted: their sixth approval would revoke their oldest, maybe a live integration's token. So
 * every successful code exchange is checked: Salesforce's token response carries `id`, the identity URL
 * `https://<host>/id/<orgId>/<userId>`. A token of another user is revoked at once and the run stops, so that no
 * further approval is made. A token response without `id` (servers other than Salesforce) passes, except for a code
 * source where a person chooses who signs in.
 */
import type { Connection } from '@salesforce/core';
import type { TokenSuccess } from '../oauth/token-client.js';
import { soqlString, type SmokeUser } from './headroom.js';
import type { TokenLedger } from './ledger.js';
import { AuthorizeBlocked } from './probe.js';

/** The org and user of an identity URL (`…/id/<orgId>/<userId>`), or undefined when it is not one. */
export function identityOf(id: string | undefined): { orgId: string; userId: string } | undefined {
  if (!id) return undefined;
  let path: string;
  try {
    path = new URL(id).pathname;
  } catch {
    return undefined;
  }
  const match = /\/id\/([A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?)\/([A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?)\/?$/.exec(path);
  return match ? { orgId: match[1], userId: match[2] } : undefined;
}

/** Whether two record ids name the same record: the first 15 characters are the id, the 3 more only a checksum. */
export const sameId = (a: string, b: string): boolean => a.length >= 15 && a.slice(0, 15) === b.slice(0, 15);

/** The run signed in as another user than the one whose approvals were counted; the run stops. */
export class WrongUserSignedIn extends AuthorizeBlocked {
  public constructor(
    /** The user the token belongs to (username when the org could tell, else the user id), or undefined: unknown. */
    public readonly signedIn: string | undefined,
    public readonly counted: SmokeUser,
    public readonly app: string,
    /** Whether the approval the exchange made was confirmed revoked. */
    public readonly revoked: boolean,
  ) {
    const what = revoked
      ? 'was revoked at once'
      : 'could not be confirmed revoked: revoke it in Setup > Connected Apps OAuth Usage';
    super(
      signedIn
        ? `Stopped: the sign-in was as ${signedIn}, but the approvals counted before the run are ${counted.username}'s. ${signedIn}'s approvals of ${app} were never counted, so the approval this code exchange made ${what}, and no other one was made (approval limit).`
        : `Stopped: the token response of ${app} does not say which user signed in (no identity URL), so the approvals counted before the run (${counted.username}'s) may not be that user's. The approval this code exchange made ${what}, and no other one was made (approval limit).`,
      { at: 'token' },
      signedIn
        ? `Sign in as ${counted.username} when the browser opens, or run with --target-org set to an org authorized as ${signedIn}.`
        : `Run without --browser, so that the org's own session signs in as ${counted.username}.`,
    );
    this.name = 'WrongUserSignedIn';
  }
}

/** Checks each code exchange of a session against the counted user; after a mismatch, every later exchange stops too. */
export class SignInCheck {
  #stopped?: WrongUserSignedIn;

  public constructor(
    private readonly conn: Connection,
    private readonly counted: SmokeUser,
    private readonly ledger: TokenLedger,
    /** True when a person chooses who signs in (--browser): a token response without `id` stops the run too. */
    private readonly identityRequired: boolean,
  ) {}

  /** Why the session stopped, or undefined while every exchange was the counted user's. */
  public get stopped(): WrongUserSignedIn | undefined {
    return this.#stopped;
  }

  /** Called after a code exchange succeeded and its tokens are in the ledger; throws WrongUserSignedIn to stop. */
  public async afterExchange(app: string, tokens: TokenSuccess): Promise<void> {
    const identity = identityOf(tokens.id);
    if (!this.#stopped) {
      if (identity ? sameId(identity.userId, this.counted.id) : !this.identityRequired) return;
    }
    const cleanup = await this.ledger.revokeAll(app);
    // An exchange that finished after the session stopped (another app's, in parallel) is revoked and stops too.
    if (this.#stopped) throw this.#stopped;
    const signedIn = identity ? await this.usernameOf(identity.userId) : undefined;
    this.#stopped = new WrongUserSignedIn(signedIn, this.counted, app, cleanup.failed === 0);
    throw this.#stopped;
  }

  /** The user's username in the target org, or the id itself when the org does not know it (another org's user). */
  private async usernameOf(userId: string): Promise<string> {
    try {
      const result = await this.conn.query<{ Username?: string | null }>(
        `SELECT Username FROM User WHERE Id = ${soqlString(userId)}`,
      );
      return result.records[0]?.Username ?? `the user ${userId}`;
    } catch {
      return `the user ${userId}`;
    }
  }
}
