/*
 * REST API errors as Salesforce sends them: an HTTP 4xx with a JSON array of {message, errorCode}. Query problems are
 * always 4xx, because jsforce retries a failing GET on 5xx for about 15 seconds.
 */
import { sendJson, type RequestContext } from '../http/context.js';

export class RestError extends Error {
  public constructor(
    public readonly errorCode: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
  }
}

export function malformed(message: string): RestError {
  return new RestError('MALFORMED_QUERY', message);
}

export function invalidType(name: string): RestError {
  return new RestError(
    'INVALID_TYPE',
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

export function noSuchColumn(column: string, entity: string): RestError {
  return new RestError(
    'INVALID_FIELD',
    `No such column '${column}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

export function unknownRelationship(name: string): RestError {
  return new RestError(
    'INVALID_FIELD',
    `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

export function notFound(): RestError {
  return new RestError('NOT_FOUND', 'The requested resource does not exist', 404);
}

export function sendRestError(ctx: RequestContext, error: RestError): void {
  sendJson(ctx, error.status, [{ message: error.message, errorCode: error.errorCode }]);
}
