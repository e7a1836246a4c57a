/*
 * DeployResult as checkDeployStatus returns it. Every componentSuccesses entry carries componentType (empty for
 * package.xml), or SDR throws "Missing componentType in deploy message".
 */
import { toXml } from '../soap.js';
import { isDone } from '../jobs.js';
import type { DeployJob } from './job.js';
import type { DeployMessage } from './plan.js';

const userName = (u: { firstName: string; lastName: string }): string => `${u.firstName} ${u.lastName}`.trim();

function message(m: DeployMessage, createdDate: string): Record<string, unknown> {
  return {
    changed: m.changed,
    componentType: m.componentType,
    created: m.created,
    createdDate,
    deleted: m.deleted,
    fileName: m.fileName,
    fullName: m.fullName,
    id: m.id,
    problem: m.problem,
    problemType: m.problemType,
    success: m.success,
  };
}

export function deployResultXml(job: DeployJob, includeDetails: boolean): string {
  const done = isDone(job.state);
  const when = job.completedDate ?? job.lastModifiedDate;
  const details =
    includeDetails && done
      ? {
          componentFailures: job.failures.map((m) => message(m, when)),
          componentSuccesses: job.successes.map((m) => message(m, when)),
          runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 },
        }
      : { runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 } };
  return toXml({
    canceledBy: job.canceledBy?.id,
    canceledByName: job.canceledBy ? userName(job.canceledBy) : undefined,
    checkOnly: job.options.checkOnly,
    completedDate: done ? job.completedDate : undefined,
    createdBy: job.user.id,
    createdByName: userName(job.user),
    createdDate: job.createdDate,
    details,
    done,
    id: job.id,
    ignoreWarnings: job.options.ignoreWarnings,
    lastModifiedDate: job.lastModifiedDate,
    numberComponentErrors: done ? job.errors : 0,
    numberComponentsDeployed: done ? job.deployed : 0,
    numberComponentsTotal: job.total,
    numberTestErrors: 0,
    numberTestsCompleted: 0,
    numberTestsTotal: 0,
    rollbackOnError: job.options.rollbackOnError,
    runTestsEnabled: false,
    startDate: job.startDate,
    stateDetail: job.state === 'InProgress' ? 'Processing' : undefined,
    status: job.state,
    success: job.state === 'Succeeded' || job.state === 'SucceededPartial',
  });
}
