/*
 * Shared by the benchmarks: an isolated HOME (set when this module loads, before @salesforce/core is imported by the
 * benchmark), child processes with a time limit, emulator request counts, and the figures table.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SF_BIN = process.env.SF_BIN ?? path.join(ROOT, 'node_modules', '.bin', 'sf');
const TIMEOUT_MS = 15 * 60_000;

const home = mkdtempSync(path.join(tmpdir(), 'sf-oauth-bench-home-'));
export const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  HOME: home,
  USERPROFILE: home,
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_LOG_FILE: 'true',
  SF_DISABLE_TELEMETRY: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  SF_DISABLE_DNS_CHECK: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_USE_PROGRESS_BAR: 'false',
};
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'SF_CONTENT_TYPE']) delete childEnv[name];
Object.assign(process.env, childEnv);
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete process.env[name];

export type Stats = { requests: number; byKind: Record<string, number> };
export type Figures = { label: string; ms: number; requests: number; byKind: Record<string, number>; note: string };

export function snapshot(stats: Stats): Stats {
  return { requests: stats.requests, byKind: { ...stats.byKind } };
}

export function diff(before: Stats, after: Stats): Stats {
  const byKind: Record<string, number> = {};
  for (const [kind, n] of Object.entries(after.byKind)) {
    const d = n - (before.byKind[kind] ?? 0);
    if (d > 0) byKind[kind] = d;
  }
  return { requests: after.requests - before.requests, byKind };
}

/** Runs a command to completion (killed after 15 minutes) in the isolated environment. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = childEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A throwaway sfdx project for the official commands. */
export function sfProject(apiVersion: string): string {
  const project = mkdtempSync(path.join(tmpdir(), 'sf-oauth-bench-project-'));
  mkdirSync(path.join(project, 'force-app'));
  writeFileSync(
    path.join(project, 'sfdx-project.json'),
    JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: apiVersion }),
  );
  return project;
}

const KINDS = [
  'soap:listMetadata',
  'soap:retrieve',
  'soap:checkRetrieveStatus',
  'soap:deploy',
  'soap:checkDeployStatus',
  'rest:query',
  'rest:tooling:query',
  'rest:queryMore',
  'oauth',
];

export function kinds(byKind: Record<string, number>): string {
  return KINDS.filter((k) => byKind[k])
    .map((k) => `${k.replace(/^(soap|rest):/, '')}=${byKind[k]}`)
    .join(' ');
}

export function printFigures(figures: Figures[]): void {
  console.log('');
  console.log('| Run | Wall time | Requests | By kind | Notes |');
  console.log('|---|---:|---:|---|---|');
  for (const f of figures)
    console.log(`| ${f.label} | ${(f.ms / 1000).toFixed(1)} s | ${f.requests} | ${kinds(f.byKind)} | ${f.note} |`);
}
