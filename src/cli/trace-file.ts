/*
 * `--trace-file` for any command: records the shape of every answer the command's Connection and our own OAuth HTTP
 * get while `work` runs (src/check/trace.ts), and writes it even when `work` fails, since a failing first run against a
 * real org is when the trace is most needed. Never a token, secret, code, session id, user name or record value.
 */
import type { Connection } from '@salesforce/core';
import { secretValuesFromEnv, TraceRecorder } from '../check/trace.js';

export async function withTraceFile<T>(
  conn: Connection,
  file: string | undefined,
  command: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!file) return work();
  const recorder = new TraceRecorder([conn.accessToken, conn.getUsername(), ...secretValuesFromEnv()])
    .watchConnection(conn)
    .watchOAuthHttp();
  try {
    return await work();
  } finally {
    recorder.detach();
    await recorder.write(file, command);
  }
}
