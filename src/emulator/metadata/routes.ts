/*
 * The Metadata API SOAP endpoint: parse the envelope, count the call, apply injected faults, authenticate the
 * SessionHeader, then dispatch on the operation (the first element of the Body).
 */
import type { Router } from '../http/router.js';
import { sendJson, sendXml, type RequestContext } from '../http/context.js';
import { sleep, type FaultAction } from '../faults.js';
import { authenticate, LATEST_API_VERSION, type EmulatorServices } from '../services.js';
import type { UserRecord } from '../store/state.js';
import { parseSoapRequest, soapFault, soapResponse, toXml, SoapParseError } from './soap.js';
import { bool, str, strs } from './args.js';
import * as errors from './errors.js';
import { describeMetadataXml } from './operations/describe.js';
import { listMetadataResults } from './operations/list.js';
import { readMetadataXml } from './operations/read.js';
import { cancelDeploy, findDeploy, submitDeploy } from './deploy/job.js';
import { deployResultXml } from './deploy/result.js';
import { findRetrieve, readRetrieveRequest, retrieveResultXml, submitRetrieve } from './retrieve/job.js';

type Call = { services: EmulatorServices; user: UserRecord; args: Record<string, unknown>; apiVersion: number };

/** Thrown by an operation to answer with a SOAP fault. */
class Fault extends Error {
  public constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const asyncResult = (id: string): string => toXml({ done: false, id, state: 'Queued' });

const operations: Record<string, (call: Call) => Promise<string | string[]> | string | string[]> = {
  describeMetadata: ({ services }) => describeMetadataXml(services),
  listMetadata: ({ services, args }) => listMetadataResults(services, args),
  readMetadata: ({ services, args, apiVersion }) => readMetadataXml(services, args, apiVersion),
  deploy: async ({ services, user, args, apiVersion }) =>
    asyncResult((await submitDeploy(services, user, args, apiVersion)).id),
  checkDeployStatus: ({ services, args }) => {
    const id = str(args.asyncProcessId);
    const job = findDeploy(services, id);
    if (!job) throw fault(errors.unknownAsyncId(id));
    return deployResultXml(job, bool(args.includeDetails, false));
  },
  cancelDeploy: ({ services, user, args }) => {
    const id = str(args.id);
    const job = findDeploy(services, id);
    if (!job) throw fault(errors.unknownAsyncId(id));
    cancelDeploy(services, job, user);
    return toXml({ done: true, id: job.id });
  },
  retrieve: ({ services, args, apiVersion }) =>
    asyncResult(submitRetrieve(services, readRetrieveRequest(args, apiVersion)).id),
  checkRetrieveStatus: async ({ services, args }) => {
    const id = str(args.asyncProcessId);
    const job = findRetrieve(services, id);
    if (!job) throw fault(errors.unknownAsyncId(id));
    return retrieveResultXml(job, bool(args.includeZip, true));
  },
  // Deprecated, still answered: the state of deploy or retrieve jobs by id.
  checkStatus: ({ services, args }) =>
    strs(args.asyncProcessId).map((id) => {
      const job = findDeploy(services, id) ?? findRetrieve(services, id);
      if (!job) throw fault(errors.unknownAsyncId(id));
      return toXml({ done: job.state !== 'Queued' && job.state !== 'InProgress', id: job.id, state: job.state });
    }),
};

const fault = (f: { code: string; message: string }): Fault => new Fault(f.code, f.message);

/** Metadata API SOAP endpoint (`/services/Soap/m/<version>`). */
export function registerMetadataRoutes(router: Router, services: EmulatorServices): void {
  const handler = (ctx: RequestContext): Promise<void> => handleSoap(ctx, services);
  router.on('POST', '/services/Soap/m/:version', handler);
  router.on('POST', '/services/Soap/m/:version/:orgId', handler);
}

async function handleSoap(ctx: RequestContext, services: EmulatorServices): Promise<void> {
  let request: ReturnType<typeof parseSoapRequest>;
  try {
    request = parseSoapRequest((await ctx.body()).toString('utf8'));
  } catch (e) {
    if (!(e instanceof SoapParseError)) throw e;
    const f = errors.malformedRequest(e.message);
    return sendXml(ctx, 500, soapFault(f.code, f.message));
  }
  const { operation, sessionId, args } = request;
  services.count(`soap:${operation}`);
  const injected = services.faults.take('soap', { method: ctx.method, path: ctx.path, soapOperation: operation });
  if (injected && (await applyInjected(ctx, injected))) return;
  const caller = authenticate(services, sessionId);
  if (!caller) return sendXml(ctx, 500, soapFault(errors.INVALID_SESSION.code, errors.INVALID_SESSION.message));
  const run = operations[operation];
  if (!run) {
    const f = errors.unknownOperation(operation);
    return sendXml(ctx, 500, soapFault(f.code, f.message));
  }
  const apiVersion = Number(ctx.params.version) || Number(LATEST_API_VERSION);
  try {
    const result = await run({ services, user: caller.user, args, apiVersion });
    sendXml(ctx, 200, soapResponse(operation, result));
  } catch (e) {
    if (!(e instanceof Fault)) throw e;
    sendXml(ctx, 500, soapFault(e.code, e.message));
  }
}

/** Applies an injected fault; false when the request goes on (a delay). */
async function applyInjected(ctx: RequestContext, action: FaultAction): Promise<boolean> {
  switch (action.kind) {
    case 'delay':
      await sleep(action.ms);
      return false;
    case 'drop':
      ctx.req.socket.destroy();
      return true;
    case 'soapFault':
      sendXml(ctx, 500, soapFault(action.code, action.message));
      return true;
    case 'http':
      ctx.res.writeHead(action.status, { 'content-type': action.contentType ?? 'text/xml;charset=UTF-8' });
      ctx.res.end(action.body ?? '');
      return true;
    case 'oauthError':
      sendJson(ctx, action.status ?? 400, { error: action.error, error_description: action.description });
      return true;
  }
}
