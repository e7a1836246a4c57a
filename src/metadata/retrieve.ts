/*
 * Retrieves metadata through SDR (the library `sf project retrieve start` uses) into a private temporary folder and
 * returns the files' text, keyed by type and full name. The folder is removed before returning, so nothing retrieved
 * stays on disk unless a caller writes it (backups do, deliberately).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Connection } from '@salesforce/core';

export type MemberSpec = { type: string; fullName: string };

export type RetrievedFile = { type: string; fullName: string; xml: string };

export type RetrieveOutcome = {
  files: RetrievedFile[];
  /** Messages the org returned (for example a member that does not exist, or a missing permission). */
  messages: string[];
  status: string;
};

export class RetrieveError extends Error {
  public constructor(
    message: string,
    public readonly messages: string[] = [],
  ) {
    super(message);
  }
}

const WAIT_MINUTES = 30;

export async function retrieveMembers(conn: Connection, members: MemberSpec[], pollMs = 250): Promise<RetrieveOutcome> {
  // SDR (some 350 modules) loads on first use, not with every command that might retrieve: `--help` stays fast.
  const { ComponentSet, ComponentStatus, RequestStatus } = await import('@salesforce/source-deploy-retrieve');
  const dir = await mkdtemp(path.join(tmpdir(), 'sf-oauth-retrieve-'));
  try {
    const set = new ComponentSet(members);
    set.apiVersion = conn.getApiVersion();
    const op = await set.retrieve({ usernameOrConnection: conn, output: path.join(dir, 'force-app'), merge: false });
    const result = await op.pollStatus(pollMs, WAIT_MINUTES * 60);
    const response = result.response;
    const messages = toArray(response.messages).map((m) => (typeof m === 'string' ? m : `${m.fileName}: ${m.problem}`));
    if (response.status === RequestStatus.Failed)
      throw new RetrieveError(`The retrieve failed: ${messages.join('; ') || 'no detail'}`, messages);
    const files: RetrievedFile[] = [];
    for (const fileResponse of result.getFileResponses()) {
      if (fileResponse.state === ComponentStatus.Failed || !fileResponse.filePath?.endsWith('-meta.xml')) continue;
      files.push({
        type: fileResponse.type,
        fullName: fileResponse.fullName,
        xml: await readFile(fileResponse.filePath, 'utf8'),
      });
    }
    return { files, messages, status: String(response.status) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
