/*
 * Token-stage injected faults. The request-stage twin is `applyFault` in server.ts; importing it from there would make
 * an import cycle (server.ts imports these routes). Candidate for one shared module under http/.
 */
import type { FaultAction } from '../faults.js';
import { sleep } from '../faults.js';
import { sendJson, sendXml, type RequestContext } from '../http/context.js';
import { soapFault } from '../metadata/soap.js';

/** Applies a fault; returns false when the request should go on (a delay). */
export async function applyTokenFault(ctx: RequestContext, fault: FaultAction): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.ms);
      return false;
    case 'drop':
      ctx.req.socket.destroy();
      return true;
    case 'http':
      ctx.res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json;charset=UTF-8' });
      ctx.res.end(fault.body ?? JSON.stringify([{ errorCode: 'SERVER_UNAVAILABLE', message: 'Injected fault' }]));
      return true;
    case 'soapFault':
      sendXml(ctx, 500, soapFault(fault.code, fault.message));
      return true;
    case 'oauthError':
      sendJson(ctx, fault.status ?? 400, { error: fault.error, error_description: fault.description });
      return true;
  }
}
