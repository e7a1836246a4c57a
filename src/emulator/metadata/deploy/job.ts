/*
 * The deploy job: submitted by `deploy`, completed (planned and applied in one synchronous step) when due, reported
 * by `checkDeployStatus`, stopped by `cancelDeploy`.
 */
import type { UserRecord } from '../../store/state.js';
import { KeyPrefix } from '../../store/ids.js';
import type { DeployFault } from '../../faults.js';
import type { EmulatorServices } from '../../services.js';
import {
  advance,
  dueAt,
  isDone,
  jobTable,
  type JobTable,
  scheduleCompletion,
  type AsyncState,
  type JobBase,
} from '../jobs.js';
import { bool, obj, str } from '../args.js';
import * as errors from '../errors.js';
import { planDeploy, type DeployMessage, type Outcome } from './plan.js';
import { applyChanges } from './apply.js';
import { readDeployZip, ZipError, type DeployFiles } from './zip.js';

export type DeployOptions = {
  checkOnly: boolean;
  rollbackOnError: boolean;
  ignoreWarnings: boolean;
  singlePackage: boolean;
};

export type DeployJob = JobBase & {
  user: UserRecord;
  options: DeployOptions;
  endpointVersion: number;
  /** The zip's files until the job completes; dropped then, as they may hold a consumer secret. */
  zip?: DeployFiles | { error: string };
  total: number;
  fault?: DeployFault;
  createdDate: string;
  startDate?: string;
  completedDate?: string;
  lastModifiedDate: string;
  canceledBy?: UserRecord;
  successes: DeployMessage[];
  failures: DeployMessage[];
  deployed: number;
  errors: number;
};

const table = (services: EmulatorServices): JobTable<DeployJob> => jobTable<DeployJob>(services.store, 'deploy');

export function deployOptions(raw: unknown): DeployOptions {
  const o = obj(raw);
  return {
    checkOnly: bool(o.checkOnly, false),
    rollbackOnError: bool(o.rollbackOnError, true),
    ignoreWarnings: bool(o.ignoreWarnings, false),
    singlePackage: bool(o.singlePackage, false),
  };
}

export async function submitDeploy(
  services: EmulatorServices,
  user: UserRecord,
  args: Record<string, unknown>,
  endpointVersion: number,
): Promise<DeployJob> {
  const { store } = services;
  let zip: NonNullable<DeployJob['zip']>;
  try {
    zip = await readDeployZip(str(args.ZipFile));
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    zip = { error: errors.BAD_ZIP };
  }
  const total =
    'files' in zip ? [...zip.files.keys()].filter((f) => f.includes('/') && !f.endsWith('package.xml')).length : 0;
  const fault = services.faults.takeDeployFault();
  const now = store.nowIso();
  const job = table(services).add({
    id: store.nextId(KeyPrefix.DeployRequest),
    state: 'Queued',
    createdAt: store.clock(),
    dueAt: dueAt(services, total),
    hang: fault?.outcome === 'hang',
    user,
    options: deployOptions(args.DeployOptions),
    endpointVersion,
    zip,
    total,
    fault,
    createdDate: now,
    lastModifiedDate: now,
    successes: [],
    failures: [],
    deployed: 0,
    errors: 0,
  });
  scheduleCompletion(store, job, (j) => completeDeploy(services, j));
  return job;
}

/** Plans and applies the deploy in one synchronous step, so its changes land at one moment. */
function completeDeploy(services: EmulatorServices, job: DeployJob): void {
  const { store } = services;
  const now = store.nowIso();
  job.startDate ??= now;
  job.completedDate = now;
  job.lastModifiedDate = now;
  const zip = job.zip;
  job.zip = undefined;
  if (!zip || 'error' in zip) {
    finish(job, 'Failed', [], [failure('', 'package.xml', 'package.xml', zip?.error ?? errors.BAD_ZIP)]);
    return;
  }
  const plan = planDeploy(services, zip, job.endpointVersion);
  const components = plan.outcomes.filter(
    (o) => o.message.fileName !== plan.manifestFile || o.message.componentType !== '',
  );
  if (job.fault?.outcome === 'fail') {
    const first = components[0]?.message;
    const problem = job.fault.message ?? errors.INJECTED_DEPLOY_FAILURE;
    finish(
      job,
      'Failed',
      [],
      [
        failure(
          first?.componentType ?? '',
          first?.fullName ?? 'package.xml',
          first?.fileName ?? plan.manifestFile,
          problem,
        ),
      ],
    );
    return;
  }
  const blocking = (o: Outcome): boolean =>
    !o.message.success && (o.message.problemType === 'Error' || !job.options.ignoreWarnings);
  const failed = plan.outcomes.filter(blocking);
  const succeeded = plan.outcomes.filter((o) => o.message.success);
  const warnings = plan.outcomes.filter((o) => !o.message.success && !blocking(o));
  const apply = !job.options.checkOnly && (failed.length === 0 || !job.options.rollbackOnError);
  if (apply) applyChanges(services, succeeded, job.user.id);
  const manifest: DeployMessage = {
    componentType: '',
    fullName: 'package.xml',
    fileName: plan.manifestFile,
    changed: true,
    created: false,
    deleted: false,
    success: true,
  };
  let state: AsyncState = 'Succeeded';
  if (failed.length) state = job.options.rollbackOnError || succeeded.length === 0 ? 'Failed' : 'SucceededPartial';
  // Ignored warnings (a missing component in destructiveChanges) stay in componentFailures but fail nothing.
  finish(
    job,
    state,
    [manifest, ...succeeded.map((o) => o.message)],
    [...failed, ...warnings].map((o) => o.message),
  );
  job.deployed = succeeded.length;
  job.errors = failed.length;
}

function failure(componentType: string, fullName: string, fileName: string, problem: string): DeployMessage {
  return {
    componentType,
    fullName,
    fileName,
    changed: false,
    created: false,
    deleted: false,
    success: false,
    problem,
    problemType: 'Error',
  };
}

function finish(job: DeployJob, state: AsyncState, successes: DeployMessage[], failures: DeployMessage[]): void {
  job.state = state;
  job.successes = successes;
  job.failures = failures;
  job.errors = failures.length;
  job.total = successes.filter((m) => m.componentType !== '').length + failures.length;
}

export function findDeploy(services: EmulatorServices, id: string): DeployJob | undefined {
  const job = table(services).get(id);
  if (job) {
    const before = job.state;
    advance(services.store, job, (j) => completeDeploy(services, j));
    if (before === 'Queued' && job.state === 'InProgress') job.startDate ??= services.store.nowIso();
  }
  return job;
}

/** Cancels a job still in progress (a hanging one included); a finished job keeps its result. */
export function cancelDeploy(services: EmulatorServices, job: DeployJob, user: UserRecord): void {
  if (isDone(job.state)) return;
  const now = services.store.nowIso();
  job.state = 'Canceled';
  job.canceledBy = user;
  job.completedDate = now;
  job.lastModifiedDate = now;
}
