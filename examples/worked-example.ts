/*
 * The worked example of the README's "For integration owners": an emulator, a well-behaved client and a badly-behaved
 * one (it omits code_challenge_method, which Salesforce accepts, and drops the rotated refresh token, which breaks it
 * under rotation), and the report: a failure with its fix for the dropped token, advice for the omitted method.
 *
 *   npx tsx examples/worked-example.ts
 *
 * With your own client you would run `sf oauth emulator start`, point the client's login URL at it, run your tests,
 * and read `sf oauth emulator report --url http://127.0.0.1:6545`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { oauthClients } from '../src/emulator/clients.js';
import { formatHuman } from '../src/emulator/conformance/format.js';
import type { ConformanceReport } from '../src/emulator/conformance/requirements.js';
import { OrgEmulator } from '../src/emulator/server.js';
import { BadlyBehavedClient } from './badly-behaved-client.js';
import { headlessBrowser } from './headless-browser.js';
import { FileTokenStore } from './token-store.js';
import { WellBehavedClient } from './well-behaved-client.js';

const ADMIN = 'admin@acme.example.com.uat';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runWorkedExample(log: (line: string) => void = () => {}): Promise<ConformanceReport> {
  // Short sessions (2 s) so that the access tokens expire during the run, as they would after hours in production.
  const emulator = await OrgEmulator.start({ port: 0, rehearsal: { sessionSeconds: 2 } });
  const dir = mkdtempSync(path.join(tmpdir(), 'oauth-worked-example-'));
  const app = (name: string): { clientId: string; redirectUri: string } => {
    const client = [...oauthClients(emulator.store).values()].find((c) => c.appName === name);
    if (!client) throw new Error(`no app ${name}`);
    return { clientId: client.clientId, redirectUri: client.callbackUrls[0] };
  };
  try {
    const browser = headlessBrowser(ADMIN);
    // Both apps are public clients with PKCE and refresh token rotation on.
    const good = new WellBehavedClient({
      loginUrl: emulator.url,
      ...app('Ops_Dashboard_Local'),
      store: new FileTokenStore(path.join(dir, 'good.json')),
    });
    const bad = new BadlyBehavedClient({
      loginUrl: emulator.url,
      ...app('Field_Service_App'),
      confidential: false,
      store: new FileTokenStore(path.join(dir, 'bad.json')),
      flaws: ['omit-method', 'drop-rotated-token'],
    });
    for (const [name, client] of [
      ['well-behaved', good],
      ['badly-behaved', bad],
    ] as const) {
      await client.login(browser);
      await client.query('SELECT Id FROM Organization');
      await client.refresh();
      log(`${name} client: logged in, queried, refreshed`);
    }
    await sleep(2100);
    for (const [name, client] of [
      ['well-behaved', good],
      ['badly-behaved', bad],
    ] as const) {
      try {
        await client.query('SELECT Id FROM Organization');
        log(`${name} client: session expired, refreshed, queried again`);
      } catch (e) {
        log(`${name} client: ${(e as Error).message}`);
      }
    }
    return emulator.conformanceReport();
  } finally {
    await emulator.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runWorkedExample((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`\n${formatHuman(report)}`);
  process.exitCode = report.success ? 0 : 1;
}
