/*
 * The retrieve job: submitted by `retrieve`, resolved against the org when due (a snapshot at that moment), reported
 * with its zip by `checkRetrieveStatus`.
 */
import JSZip from 'jszip';
import { KeyPrefix } from '../../store/ids.js';
import type { EmulatorServices } from '../../services.js';
import { advance, dueAt, isDone, jobTable, type JobTable, scheduleCompletion, type JobBase } from '../jobs.js';
import { bool, obj, str, strs } from '../args.js';
import { apiVersionOf, manifestFrom } from '../manifest.js';
import { toXml } from '../soap.js';
import { resolveRetrieve, type Retrieved, type RetrieveRequest } from './resolve.js';

export type RetrieveJob = JobBase & { request: RetrieveRequest; result?: Retrieved; zip?: Promise<string> };

const table = (services: EmulatorServices): JobTable<RetrieveJob> => jobTable<RetrieveJob>(services.store, 'retrieve');

export function readRetrieveRequest(args: Record<string, unknown>, endpointVersion: number): RetrieveRequest {
  const request = obj(args.request);
  const manifest = request.unpackaged !== undefined ? manifestFrom(request.unpackaged) : undefined;
  const apiVersion = apiVersionOf(str(request.apiVersion)) ?? apiVersionOf(manifest?.version) ?? endpointVersion;
  // specificFiles is accepted and ignored: the emulator always returns whole components.
  return {
    manifest,
    packageNames: strs(request.packageNames),
    singlePackage: bool(request.singlePackage, false),
    apiVersion,
  };
}

export function submitRetrieve(services: EmulatorServices, request: RetrieveRequest): RetrieveJob {
  const { store } = services;
  const job = table(services).add({
    id: store.nextId(KeyPrefix.RetrieveRequest),
    state: 'Queued',
    createdAt: store.clock(),
    dueAt: dueAt(services, componentCount(services, request)),
    hang: false,
    request,
  });
  scheduleCompletion(store, job, (j) => completeRetrieve(services, j));
  return job;
}

/** How many components the job will return: a `*` costs as many as the type holds, as on a real org. */
function componentCount(services: EmulatorServices, request: RetrieveRequest): number {
  let count = 0;
  for (const t of request.manifest?.types ?? []) {
    count += t.members.includes('*') ? Math.max(services.store.components(t.name).length, 1) : t.members.length;
  }
  for (const ns of request.packageNames) {
    count += Object.values(services.store.state.components).reduce(
      (n, byName) => n + Object.values(byName).filter((c) => c.namespacePrefix === ns).length,
      0,
    );
  }
  return count;
}

function completeRetrieve(services: EmulatorServices, job: RetrieveJob): void {
  const result = resolveRetrieve(services, job.request);
  job.result = result;
  job.state = 'Succeeded';
  const zip = new JSZip();
  for (const f of result.files) zip.file(f.path, f.content, { createFolders: false });
  job.zip = zip.generateAsync({ type: 'base64', compression: 'DEFLATE' });
}

export function findRetrieve(services: EmulatorServices, id: string): RetrieveJob | undefined {
  const job = table(services).get(id);
  if (job) advance(services.store, job, (j) => completeRetrieve(services, j));
  return job;
}

export async function retrieveResultXml(job: RetrieveJob, includeZip: boolean): Promise<string> {
  const done = isDone(job.state);
  if (!done || !job.result) return toXml({ done: false, id: job.id, status: job.state, success: false });
  return toXml({
    done: true,
    fileProperties: job.result.files.map((f) => f.props),
    id: job.id,
    messages: job.result.messages,
    status: job.state,
    success: true,
    zipFile: includeZip ? await job.zip : undefined,
  });
}
