/*
 * The answer-shape trace and the Markdown report never hold a value: unit tests of the shape readers and the scrubber,
 * then a real check against the emulator with a consumer secret planted in the environment and the access token
 * planted in an error answer, asserting that neither (nor the user name or org id) reaches the trace or the report.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  bodyShape,
  scrubDescription,
  secretValuesFromEnv,
  tracePath,
  TraceRecorder,
  type TraceFile,
} from '../../src/check/trace.js';
import { renderReport } from '../../src/check/report.js';
import { checkOrg } from '../../src/check/run.js';
import { useEmulator } from '../helpers/emulator.js';
import { coreConnection } from '../helpers/core.js';

describe('trace: answer shapes without values', () => {
  it('keeps the path, masks record and org ids, drops the query string', () => {
    expect(
      tracePath('https://x.my.salesforce.com/services/data/v66.0/sobjects/User/005xx000001Sv6eAAC?fields=Name'),
    ).to.equal('/services/data/v66.0/sobjects/User/{id}');
    expect(tracePath('https://x/services/Soap/m/66.0/00Dxx0000001gPL')).to.equal('/services/Soap/m/66.0/{id}');
    expect(tracePath('https://x/secur/frontdoor.jsp?sid=00Dxx!AQ4AQK.secret')).to.equal('/secur/frontdoor.jsp');
  });

  it('reads field names present and null from JSON, keys and OAuth errors from form bodies, element names and faults from XML', () => {
    const json = bodyShape(
      'application/json',
      JSON.stringify({
        totalSize: 1,
        done: true,
        records: [{ Id: null, AppName: 'Billing', User: { Username: 'a@b.example' } }],
      }),
    );
    expect(json.present).to.deep.equal(['done', 'records[].AppName', 'records[].User.Username', 'totalSize']);
    expect(json.nulls).to.deep.equal(['records[].Id']);
    expect(JSON.stringify(json)).not.to.include('Billing').and.not.to.include('a@b.example');

    const form = bodyShape(
      'application/x-www-form-urlencoded',
      'error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported',
    );
    expect(form).to.deep.equal({
      present: ['error', 'error_description'],
      errors: [{ code: 'unsupported_token_type', description: 'this token type is not supported' }],
    });

    const rest = bodyShape(
      'application/json',
      JSON.stringify([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]),
    );
    expect(rest.errors).to.deep.equal([{ code: 'INVALID_SESSION_ID', description: 'Session expired or invalid' }]);

    const soap = bodyShape(
      'text/xml',
      '<soapenv:Envelope><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>',
    );
    expect(soap.errors).to.deep.equal([
      { code: 'INVALID_SESSION_ID', description: 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader' },
    ]);
    expect(soap.present).to.include.members(['Envelope', 'Body', 'Fault', 'faultcode', 'faultstring']);
    expect(bodyShape('text/html', '<html>secret page</html>')).to.deep.equal({});
  });

  it('scrubs values from error descriptions and keeps field and object names', () => {
    const text = scrubDescription(
      "\nSELECT Id FROM OauthToken WHERE UserId = '005xx000001Sv6eAAC' AND AppName = 'Billing Integration'\n ^\nERROR at Row:1:Column:8\nNo such column 'PermissionsModifyAllData' on entity 'Profile'. token 00Dxx0000001gPL!AQ4AQKx9d2.abcdefghijklmnop for ada.admin@acme.example.com",
    );
    expect(text).to.include("'PermissionsModifyAllData'").and.include("'Profile'").and.include('OauthToken');
    expect(text)
      .not.to.include('005xx000001Sv6eAAC')
      .and.not.to.include('Billing Integration')
      .and.not.to.include('ada.admin')
      .and.not.to.include('AQ4AQK');
  });

  it('reads consumer secrets from SF_OAUTH_CLIENT_SECRET* variables only', () => {
    expect(
      secretValuesFromEnv({
        SF_OAUTH_CLIENT_SECRET_X: 's1',
        SF_OAUTH_CLIENT_SECRET: 's2',
        OTHER: 'x',
        SF_OAUTH_CLIENT_SECRET_EMPTY: '',
      }),
    ).to.deep.equal(['s1', 's2']);
  });
});

describe('trace and report: a planted secret never reaches them', function () {
  this.timeout(60_000);
  const emu = useEmulator();

  it('records every answer shape of a check, and neither the trace nor the report holds the secret, the token, the user or the org id', async () => {
    const emulator = emu();
    const secret = emulator.consumerSecret('Partner_Portal_Sync');
    expect(secret, 'the seed gives Partner_Portal_Sync a test secret').to.be.a('string');
    const env = { SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC: secret as string };
    const conn = await coreConnection(emulator);
    const token = conn.accessToken as string;
    const username = conn.getUsername() as string;
    // singleaccess is refused, so the session goes through frontdoor.jsp?sid=<token>; and one Tooling answer is an
    // error whose description carries the token, the secret and an e-mail address, as a careless server might.
    emulator.faults.add({
      match: { path: '/services/oauth2/singleaccess' },
      action: {
        kind: 'http',
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify([{ errorCode: 'INSUFFICIENT_ACCESS', message: 'no' }]),
      },
    });
    emulator.faults.add({
      match: { path: /\/tooling\/query$/ },
      action: {
        kind: 'http',
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify([
          { errorCode: 'INVALID_TYPE', message: `sObject type unknown for ${token} ${secret as string} ${username}` },
        ]),
      },
    });

    const recorder = new TraceRecorder([token, username, ...secretValuesFromEnv(env)])
      .watchConnection(conn)
      .watchOAuthHttp();
    const result = await checkOrg(conn, { accessToken: () => Promise.resolve(token), env });
    recorder.detach();
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-trace-'));
    const file = path.join(dir, 'trace.json');
    await recorder.write(file, 'oauth org check');
    const text = readFileSync(file, 'utf8');
    const trace = JSON.parse(text) as TraceFile;
    const report = renderReport(result, { sensitive: [token, username, ...secretValuesFromEnv(env)] });

    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(result.checks.find((c) => c.id === 'app.secret' && c.app === 'Partner_Portal_Sync')?.status).to.equal(
      'pass',
    );
    expect(result.checks.find((c) => c.id === 'answers.browser-session')?.detail).to.include('frontdoor.jsp');
    for (const [name, output] of [
      ['trace', text],
      ['report', report],
    ] as const) {
      for (const value of [secret as string, token, username, emulator.store.state.org.id, emulator.url])
        expect(output, `${name} holds ${value.slice(0, 6)}…`).not.to.include(value);
      expect(output, `${name} names the org`).not.to.include(emulator.store.state.org.name);
      expect(output, name).not.to.match(/@acme\.example\.com/);
    }
    // The shapes a user's first real run would send us.
    const endpoints = new Set(
      trace.entries.map((e) => `${e.source} ${e.method} ${e.endpoint} ${e.status ?? e.failure ?? ''}`),
    );
    expect([...endpoints]).to.include.members([
      'oauth POST /services/oauth2/singleaccess 403',
      'oauth GET /secur/frontdoor.jsp 302',
      'api GET /services/data 200',
      'api GET /services/data/v66.0/query 200',
      'api GET /services/data/v66.0/tooling/query 400',
      'api POST /services/Soap/m/66.0 200',
    ]);
    const tokens = trace.entries.find(
      (e) =>
        e.endpoint.endsWith('/query') &&
        e.present?.includes('records[].AppName') &&
        e.present.includes('records[].UserId') &&
        !e.present.includes('records[].CreatedDate'),
    );
    expect(tokens?.nulls).to.deep.equal(['records[].Id']);
    const tooling = trace.entries.find((e) => e.endpoint.endsWith('/tooling/query'));
    expect(tooling?.errors?.[0].code).to.equal('INVALID_TYPE');
    expect(tooling?.errors?.[0].description).to.match(/^sObject type unknown for/);
    expect(report)
      .to.include('# sf oauth org check')
      .and.include('| Partner_Portal_Sync | Consumer secret available | pass |');
  });
});
