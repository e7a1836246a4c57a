/*
 * Deploys metadata files through SDR (as `sf project deploy start` does), from a private temporary source-format project.
 * rollbackOnError is always on, so a failure leaves the org as it was. Progress is reported through a callback, never
 * printed here.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Connection } from '@salesforce/core';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import type { RetrievedFile } from './retrieve.js';
import { stripped } from './deploy-fields.js';

export type DeployProgress = { status: string; deployed: number; total: number; errors: number };

export type ComponentFailure = { type: string; fullName: string; problem: string };

export type DeployOutcome = {
  id?: string;
  success: boolean;
  checkOnly: boolean;
  status: string;
  componentsDeployed: number;
  failures: ComponentFailure[];
};

const WAIT_MINUTES = 60;

/** Where SDR expects a component's source file: `force-app/main/default/<directory>/<name>.<suffix>-meta.xml`. */
export function sourcePath(registry: RegistryAccess, type: string, fullName: string): string {
  if (type === 'Settings') return path.join('settings', `${fullName}.settings-meta.xml`);
  const entry = registry.getTypeByName(type);
  return path.join(entry.directoryName ?? type, `${fullName}.${entry.suffix ?? type}-meta.xml`);
}

export async function deployFiles(
  conn: Connection,
  files: RetrievedFile[],
  options: { checkOnly?: boolean; onProgress?: (p: DeployProgress) => void; pollMs?: number } = {},
): Promise<DeployOutcome> {
  // SDR (some 350 modules) loads on first use, not with every command that might deploy: `--help` stays fast.
  const { ComponentSet, RegistryAccess, RequestStatus } = await import('@salesforce/source-deploy-retrieve');
  const registry = new RegistryAccess();
  const dir = await mkdtemp(path.join(tmpdir(), 'sf-oauth-deploy-'));
  try {
    const root = path.join(dir, 'force-app', 'main', 'default');
    for (const file of files) {
      const target = path.join(root, sourcePath(registry, file.type, file.fullName));
      await mkdir(path.dirname(target), { recursive: true });
      // Never a field a deploy must not carry (a Connected App's consumer key, a consumer secret), whoever built the file.
      await writeFile(target, stripped(file), { mode: 0o600 });
    }
    const set = ComponentSet.fromSource(root);
    set.apiVersion = conn.getApiVersion();
    const op = await set.deploy({
      usernameOrConnection: conn,
      apiOptions: { checkOnly: options.checkOnly ?? false, rollbackOnError: true, singlePackage: true },
    });
    op.onUpdate((r) =>
      options.onProgress?.({
        status: String(r.status),
        deployed: r.numberComponentsDeployed,
        total: r.numberComponentsTotal,
        errors: r.numberComponentErrors,
      }),
    );
    const result = await op.pollStatus(options.pollMs ?? 250, WAIT_MINUTES * 60);
    const response = result.response;
    const failures = toArray(response.details?.componentFailures).map((f) => ({
      type: String(f.componentType ?? ''),
      fullName: String(f.fullName ?? ''),
      problem: String(f.problem ?? ''),
    }));
    return {
      id: response.id,
      success: response.success && response.status === RequestStatus.Succeeded,
      checkOnly: options.checkOnly ?? false,
      status: String(response.status),
      componentsDeployed: response.numberComponentsDeployed,
      failures,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
