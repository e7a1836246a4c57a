/*
 * SOAP envelopes as jsforce reads them (src/soap.ts there): prefixed `soapenv:` Envelope and Body, no attributes on
 * Body, `<opResponse><result>…</result></opResponse>`, faults as HTTP 500 with `sf:`-prefixed codes.
 */
import { XMLParser } from 'fast-xml-parser';

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Wraps the inner XML of `<result>` elements in `<operationResponse>`. */
export function soapResponse(operation: string, results: string | string[]): string {
  const items = Array.isArray(results) ? results : [results];
  return `${ENVELOPE_OPEN}<${operation}Response>${items.map((r) => `<result>${r}</result>`).join('')}</${operation}Response>${ENVELOPE_CLOSE}`;
}

/*
 * The `sf` prefix is declared on the Envelope: an attribute on `faultcode` would make xml2js read it as an object
 * (jsforce's errorCode) and would defeat jsforce's `<faultcode>sf:INVALID_SESSION_ID</faultcode>` test that triggers
 * a token refresh.
 */
const FAULT_ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body>';

export function soapFault(code: string, message: string): string {
  return (
    `${FAULT_ENVELOPE_OPEN}<soapenv:Fault><faultcode>sf:${escapeXml(code)}</faultcode>` +
    `<faultstring>${escapeXml(code)}: ${escapeXml(message)}</faultstring></soapenv:Fault>${ENVELOPE_CLOSE}`
  );
}

/** Serializes a plain value as SOAP child elements (arrays repeat the element; null/undefined are skipped). */
export function toXml(value: Record<string, unknown>): string {
  let out = '';
  for (const [name, v] of Object.entries(value)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined || item === null) continue;
      if (typeof item === 'object') out += `<${name}>${toXml(item as Record<string, unknown>)}</${name}>`;
      else out += `<${name}>${escapeXml(String(item))}</${name}>`;
    }
  }
  return out;
}

const requestParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

export type SoapRequest = {
  operation: string;
  sessionId?: string;
  /** The operation element's content, with repeated elements as arrays and leaves as strings. */
  args: Record<string, unknown>;
};

export class SoapParseError extends Error {}

export function parseSoapRequest(xml: string): SoapRequest {
  let doc: Record<string, unknown>;
  try {
    doc = requestParser.parse(xml) as Record<string, unknown>;
  } catch (e) {
    throw new SoapParseError((e as Error).message);
  }
  const envelope = doc.Envelope as Record<string, unknown> | undefined;
  const body = envelope?.Body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') throw new SoapParseError('No SOAP Body');
  const operation = Object.keys(body)[0];
  if (!operation) throw new SoapParseError('Empty SOAP Body');
  const header = (envelope?.Header ?? {}) as Record<string, unknown>;
  const sessionHeader = header.SessionHeader as Record<string, unknown> | undefined;
  const sessionId = typeof sessionHeader?.sessionId === 'string' ? sessionHeader.sessionId : undefined;
  const args = body[operation];
  return { operation, sessionId, args: args && typeof args === 'object' ? (args as Record<string, unknown>) : {} };
}
