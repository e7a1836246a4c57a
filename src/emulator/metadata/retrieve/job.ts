/*
 * The retrieve job: submitted by `retrieve`, resolved against the org when due (a snapshot at that moment), reported
 * with its zip by `checkRetrieveStatus`.
 */
import JSZip from 'jszip';
import { KeyPrefix } from '../../store/ids.js';
import type { EmulatorServices } from '../../services.js';
import { advance, dueAt, isDone, jobTable, scheduleCompletion, type JobBase } from '../jobs.js';
import { bool, obj, str, strs } from '../args.js';
import { apiVersionOf, manifestFrom } from '../manifest.js';
import { toXml } from '../soap.js';
import { resolveRetrieve, type Retrieved, type RetrieveRequest } from './resolve.js';

export type RetrieveJob = JobBase & { request: RetrieveRequest; result?: Retrieved; zip?: Promise<string> };

const table = (services: EmulatorServices) => jobTable<RetrieveJob>(services.store, 'retrieve');

export function readRetrieveRequest(args: Record<string, unknown>, endpointVersion: number): RetrieveRequest {
  const request = obj(args.request);
  const manifest = request.unpackaged !== undefined ? manifestFrom(request.unpackaged) : undefined;
  const apiVersion = apiVersionOf(str(request.apiVersion)) ?? apiVersionOf(manifest?.version) ?? endpointVersion;
  // specificFiles is accepted and ignored: the emulator always returns whole components.
  return { manifest, packageNames: strs(request.packageNames), singlePackage: bool(request.singlePackage, false), apiVersion };
}

export function submitRetrieve(services: EmulatorServices, request: RetrieveRequest): RetrieveJob {
  const { store } = services;
  const members = request.manifest?.types.reduce((n, t) => n + t.members.length, 0) ?? 0;
  const job = table(services).add({
    id: store.nextId(KeyPrefix.RetrieveRequest),
    state: 'Queued',
    createdAt: store.clock(),
    dueAt: dueAt(services, members + request.packageNames.length),
    hang: false,
    request,
  });
  scheduleCompletion(store, job, (j) => completeRetrieve(services, j));
  return job;
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
