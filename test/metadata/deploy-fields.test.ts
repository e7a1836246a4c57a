/*
 * The table of fields a deploy must not carry (deploy-fields.ts) over every public fixture, byte for byte, and the
 * consumer-key read-back against the emulator.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { coreConnection } from '../helpers/core.js';
import type { MdObject } from '../../src/emulator/store/state.js';
import { changedFields, deployable, unreadFields } from '../../src/metadata/deploy-fields.js';
import { applyToggle, planToggle } from '../../src/metadata/toggle.js';

const FIXTURES = [
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'public'),
  '/work/shared/fixtures/public',
].filter((d) => {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
});

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full, suffix);
    return name.endsWith(suffix) ? [full] : [];
  });
}

const all = (suffix: string): string[] => FIXTURES.flatMap((d) => files(d, suffix));

/** The file without the lines that hold `element`, also when its tag spans lines (`<consumerKey\n>…`). */
const withoutLine = (xml: string, element: string): string =>
  xml.replace(new RegExp(`^[ \\t]*<${element}[\\s>][\\s\\S]*?</${element}>[ \\t]*\\r?\\n`, 'gm'), '');

describe('fields a deploy must not carry, over every public fixture', () => {
  it('strips the consumer key of every public Connected App fixture and nothing else', () => {
    const cas = all('.connectedApp-meta.xml');
    expect(cas.length).to.be.greaterThan(5);
    let keyed = 0;
    for (const file of cas) {
      const xml = readFileSync(file, 'utf8');
      const out = deployable({ type: 'ConnectedApp', xml }, 'App');
      if (!('xml' in out)) throw new Error(`${file}: refused`);
      expect(out.xml, file).not.to.match(/<consumerKey>/);
      expect(out.xml, file).to.equal(withoutLine(withoutLine(xml, 'consumerKey'), 'consumerSecret'));
      if (xml.includes('<consumerKey>')) keyed++;
      expect(unreadFields({ type: 'ConnectedApp', xml }), file).to.deep.equal([]);
    }
    expect(keyed, 'fixtures with a consumer key').to.be.greaterThan(3);
  });

  it('deploys an ECA global settings fixture unchanged when it carries its certificate or the app is proven to have none, else refuses', () => {
    const ecas = all('.ecaGlblOauth-meta.xml');
    expect(ecas.length).to.be.greaterThan(3);
    for (const file of ecas) {
      const xml = readFileSync(file, 'utf8');
      const hasCertificate = xml.includes('<certificate>');
      expect(unreadFields({ type: 'ExtlClntAppGlobalOauthSettings', xml }), file).to.deep.equal(
        hasCertificate ? [] : ['certificate'],
      );
      const unknown = deployable({ type: 'ExtlClntAppGlobalOauthSettings', xml }, 'App');
      const proven = deployable({ type: 'ExtlClntAppGlobalOauthSettings', xml }, 'App', new Map([['App', 'none']]));
      const present = deployable({ type: 'ExtlClntAppGlobalOauthSettings', xml }, 'App', new Map([['App', 'present']]));
      if (hasCertificate) {
        for (const out of [unknown, proven, present])
          expect('xml' in out ? out.xml : out.refusal, file).to.equal(withoutLine(xml, 'consumerSecret'));
      } else {
        expect('refusal' in unknown && unknown.refusal, file).to.match(
          /cannot prove it has none.*External Client App Manager > App/,
        );
        expect('refusal' in present && present.refusal, file).to.match(/^it has a certificate/);
        expect('xml' in proven && proven.xml, file).to.equal(withoutLine(xml, 'consumerSecret'));
      }
    }
  });

  it('names a consumer key that differs between two reads', () => {
    const a = '<ConnectedApp><oauthConfig><consumerKey>K1</consumerKey></oauthConfig></ConnectedApp>';
    expect(changedFields('ConnectedApp', a, a)).to.deep.equal([]);
    expect(changedFields('ConnectedApp', a, a.replace('K1', 'K2'))).to.deep.equal([
      'consumerKey changed from K1 to K2',
    ]);
  });
});

describe('consumer key read-back against the emulator', function () {
  this.timeout(60_000);
  const emu = useEmulator();

  it('a consumer key that reads back changed fails the app', async () => {
    process.env.SF_OAUTH_BACKUP_DIR = mkdtempSync(path.join(tmpdir(), 'sf-oauth-key-'));
    try {
      const conn = await coreConnection(emu());
      const plan = await planToggle(conn, { setting: 'pkce', value: true, apps: ['Partner_Portal_Sync'] });
      expect(plan.changes[0].edited.xml).not.to.include('<consumerKey>');
      const outcome = await applyToggle(conn, plan, {
        pollMs: 20,
        backup: { orgId: emu().store.state.org.id, username: 'admin', operation: 'test' },
        // As if the org had given the app a new key during the deploy: the read-back must catch it.
        onDeployed: () => {
          const stored = emu().store.component('ConnectedApp', 'Partner_Portal_Sync');
          (stored?.value.oauthConfig as MdObject).consumerKey = '3MVG9ROTATEDKEY';
        },
      });
      expect(outcome.notApplied).to.deep.equal(['Partner_Portal_Sync']);
      expect(outcome.result.apps[0]).to.include({ status: 'failed', after: true });
      expect(outcome.result.apps[0].reason).to.match(/consumerKey changed from 3MVG9\w+ to 3MVG9ROTATEDKEY/);
    } finally {
      delete process.env.SF_OAUTH_BACKUP_DIR;
    }
  });
});
