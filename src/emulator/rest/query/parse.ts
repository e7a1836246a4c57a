/*
 * SOQL text to the parse tree of @jetstreamapp/soql-parser-js, with its errors turned into MALFORMED_QUERY.
 */
import { parseQuery, type Query } from '@jetstreamapp/soql-parser-js';
import { malformed } from '../errors.js';

export function parseSoql(soql: string): Query {
  if (!soql.trim()) throw malformed('The query string is empty');
  try {
    return parseQuery(soql);
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
    throw malformed(`\n${soql}\n^\nERROR at Row:1:Column:1\n${first || 'unexpected token'}`);
  }
}
