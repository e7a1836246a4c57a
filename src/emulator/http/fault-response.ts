/*
 * Writes the response of an injected fault. Shared by the request dispatcher and the endpoints that check faults at
 * their own stage (SOAP operations, token grants).
 */
import { sleep, type FaultAction } from '../faults.js';
import { soapFault } from '../metadata/soap.js';
import { sendJson, sendXml, type RequestContext } from './context.js';

/** Applies a fault; returns false when the request should go on (a delay). */
export async function applyFault(ctx: RequestContext, fault: FaultAction): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.ms);
      return false;
    case 'drop':
      ctx.req.socket.destroy();
      return true;
    case 'http':
      ctx.res.writeHead(fault.status, {
        'content-type': fault.contentType ?? 'application/json;charset=UTF-8',
        ...fault.headers,
      });
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
