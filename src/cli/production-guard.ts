/*
 * What a change command needs to know about the org (production or not, its own namespace), and the confirmation a
 * production org needs: a prompt, or --no-prompt in scripts. A --json run, or a run whose standard input is not a
 * terminal (a pipe, a CI job, `< /dev/null`), never prompts, since no one could answer: without --no-prompt it is
 * refused with an error that names --no-prompt, and nothing is changed.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.toggle');

export type OrgFacts = {
  /** True for a production org (Organization.IsSandbox false); also when the org could not be asked (to be safe). */
  isProduction: boolean;
  /** The org's own namespace prefix, if any. */
  namespace: string | null;
};

type OrganizationRow = {
  IsSandbox?: boolean | string;
  TrialExpirationDate?: string | null;
  NamespacePrefix?: string | null;
};

export async function orgFacts(conn: Connection): Promise<OrgFacts> {
  try {
    const row = await conn.singleRecordQuery<OrganizationRow>(
      'SELECT Id, IsSandbox, TrialExpirationDate, NamespacePrefix FROM Organization',
    );
    const sandbox = row.IsSandbox === true || row.IsSandbox === 'true';
    return { isProduction: !sandbox, namespace: row.NamespacePrefix ?? null };
  } catch {
    return { isProduction: true, namespace: null };
  }
}

export type ConfirmInputs = {
  isProduction: boolean;
  noPrompt: boolean;
  json: boolean;
  /** How the org is called in messages (username or alias). */
  orgName: string;
  /** What is about to happen, one sentence. */
  what: string;
  confirm: (message: string) => Promise<boolean>;
  /** Whether a person can answer a prompt; default: {@link canPrompt}. */
  interactive?: boolean;
};

/**
 * Whether a person can answer a prompt: standard input is a terminal. Without one, a prompt would wait on a pipe or
 * fail ("User force closed the prompt"), so callers act as --no-prompt where that is safe and refuse otherwise.
 */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY);
}

/** Resolves when the change may go ahead; throws an SfError otherwise. */
export async function confirmProductionChange(inputs: ConfirmInputs): Promise<void> {
  if (!inputs.isProduction || inputs.noPrompt) return;
  if (inputs.json) throw messages.createError('error.productionNeedsNoPrompt', [inputs.orgName]);
  if (!(inputs.interactive ?? canPrompt())) throw messages.createError('error.productionNoTerminal', [inputs.orgName]);
  const ok = await inputs.confirm(messages.getMessage('prompt.production', [inputs.orgName, inputs.what]));
  if (!ok) throw messages.createError('error.productionDeclined', [inputs.orgName]);
}
