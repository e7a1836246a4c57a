/*
 * The one classifier of OAuth/HTTP answers (src/oauth/answer.ts), over every encoding Salesforce uses.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import {
  classifyAnswer,
  parseBody,
  parseQuery,
  retryAfterMs,
  retryDelay,
  send,
  TransientAnswer,
} from '../../src/oauth/answer.js';
import { TransportError } from '../../src/oauth/http.js';

const headers = (h: Record<string, string>): Headers => new Headers(h);

describe('answer classifier', () => {
  it('parses an OAuth error in JSON, form-urlencoded, an HTML error page and a redirect query alike', () => {
    const json = parseBody('{"error":"invalid_grant","error_description":"expired access/refresh token"}');
    const form = parseBody('error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported');
    const html = parseBody(
      '<html><head><title>Remote Access Error</title></head><body><h1>Remote Access Error</h1><p>error=invalid_client_id</p><p>error_description=client identifier invalid</p></body></html>',
    );
    const query = parseQuery(
      new URL(
        'https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration',
      ),
    );
    expect(json).to.deep.equal({
      encoding: 'json',
      fields: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
    expect(form).to.deep.equal({
      encoding: 'form',
      fields: { error: 'unsupported_token_type', error_description: 'this token type is not supported' },
    });
    expect(html.encoding).to.equal('html');
    expect(html.fields).to.include({
      error: 'invalid_client_id',
      error_description: 'client identifier invalid',
      title: 'Remote Access Error',
    });
    expect(query).to.deep.equal({
      encoding: 'query',
      fields: { error: 'redirect_uri_mismatch', error_description: 'redirect_uri must match configuration' },
    });
  });

  it('reads a form body whatever its content type, and a REST error array', () => {
    const form = classifyAnswer(
      400,
      'error=invalid_client_id&error_description=client%20identifier%20invalid',
      headers({ 'content-type': 'text/html;charset=UTF-8' }),
    );
    expect(form).to.deep.equal({
      kind: 'oauth-error',
      status: 400,
      encoding: 'form',
      error: 'invalid_client_id',
      errorDescription: 'client identifier invalid',
    });
    const rest = classifyAnswer(401, '[{"errorCode":"INVALID_SESSION_ID","message":"Session expired or invalid"}]');
    expect(rest).to.deep.equal({ kind: 'session-expired', status: 401, reason: 'HTTP 401 INVALID_SESSION_ID' });
  });

  it('classifies 429 and 5xx as transient whatever the body says, with Retry-After', () => {
    const limited = classifyAnswer(
      429,
      '{"error":"rate_limit_exceeded","error_description":"too many requests"}',
      headers({ 'retry-after': '3' }),
    );
    expect(limited).to.deep.include({ kind: 'transient', status: 429, retryAfterMs: 3000 });
    expect(classifyAnswer(503, '<html><body>We are down for maintenance.</body></html>').kind).to.equal('transient');
    expect(classifyAnswer(500, '{"error":"server_error"}').kind).to.equal('transient');
    expect(classifyAnswer(502, '').kind).to.equal('transient');
    expect(classifyAnswer(501, '').kind).to.equal('other');
  });

  it('classifies an outage page served with 200 and unknown_error "retry your request" as transient', () => {
    expect(
      classifyAnswer(
        200,
        '<html><title>Maintenance</title><body>We are down for maintenance. Sorry for the inconvenience.</body></html>',
      ).kind,
    ).to.equal('transient');
    expect(classifyAnswer(400, '{"error":"unknown_error","error_description":"retry your request"}').kind).to.equal(
      'transient',
    );
  });

  it('keeps real OAuth errors, successes and pages apart', () => {
    expect(classifyAnswer(400, '{"error":"invalid_grant","error_description":"invalid code verifier"}')).to.deep.equal({
      kind: 'oauth-error',
      status: 400,
      encoding: 'json',
      error: 'invalid_grant',
      errorDescription: 'invalid code verifier',
    });
    expect(classifyAnswer(200, '{"access_token":"x","instance_url":"https://i"}')).to.deep.include({
      kind: 'success',
      encoding: 'json',
    });
    expect(classifyAnswer(200, '')).to.deep.include({ kind: 'success', encoding: 'empty' });
    expect(
      classifyAnswer(200, '<html><body><form><input name="pw" type="password"> Log In</form></body></html>'),
    ).to.deep.include({ kind: 'success', encoding: 'html' });
    expect(classifyAnswer(404, 'Not Found')).to.deep.include({ kind: 'other', encoding: 'text' });
  });

  it('honours Retry-After in seconds or as a date, and bounds the backoff', () => {
    expect(retryAfterMs('0')).to.equal(0);
    expect(retryAfterMs('120')).to.equal(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).to.equal(10_000);
    expect(retryAfterMs('soon')).to.equal(undefined);
    const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3].map((a) => retryDelay(a, policy))).to.deep.equal([100, 200, 400]);
    expect(retryDelay(4, policy), 'no fifth attempt').to.equal(undefined);
    expect(retryDelay(1, policy, 700), 'Retry-After wins over backoff').to.equal(700);
    expect(retryDelay(1, policy, 5000), 'a Retry-After beyond the longest wait gives up').to.equal(undefined);
  });

  it('retries a refused connection even for a request that must not be sent twice, but never one that timed out', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await send(
      `http://127.0.0.1:${port}/services/oauth2/token`,
      { method: 'POST' },
      { retry: { baseDelayMs: 1 } },
      { idempotent: false },
    ).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(TransientAnswer);
    expect(refused).to.deep.include({ status: undefined, attempts: 4 });
    expect((refused as Error).message).to.include('connection was refused');

    let seen = 0;
    const silent: Server = createServer(() => {
      seen++;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/secur/frontdoor.jsp`;
      const timedOut = await send(url, {}, { timeoutMs: 100, retry: { baseDelayMs: 1 } }, { idempotent: true }).catch(
        (e: unknown) => e,
      );
      expect(timedOut).to.be.instanceOf(TransportError).and.not.be.instanceOf(TransientAnswer);
      expect((timedOut as Error).message).to.include('no answer before the timeout');
      expect(seen).to.equal(1);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('an abort ends the wait for Retry-After and sends nothing more', async () => {
    const controller = new AbortController();
    let seen = 0;
    // An hour's Retry-After: only the abort can end this wait before the test's timeout.
    const busy: Server = createServer((_req, res) => {
      seen++;
      res.writeHead(503, { 'retry-after': '3600', 'content-type': 'text/plain' });
      res.end('Service Unavailable');
      res.on('finish', () => setTimeout(() => controller.abort(), 50));
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(busy.address() as AddressInfo).port}/services/oauth2/token`;
      const aborted = await send(
        url,
        { method: 'POST' },
        { signal: controller.signal, retry: { maxDelayMs: 2 * 3600_000 } },
        { idempotent: false },
      ).catch((e: unknown) => e);
      expect(aborted).to.be.instanceOf(TransportError);
      expect(seen).to.equal(1);
    } finally {
      busy.closeAllConnections();
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});
