import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { coreConnection } from '../helpers/core.js';
import { oauthClient } from '../../src/emulator/clients.js';
import { consumerKeyFor } from '../../src/emulator/seed/build.js';
import type { OrgEmulator } from '../../src/emulator/server.js';
import {
  backupRoot,
  BackupError,
  findBackup,
  listBackups,
  readBackup,
  withoutConsumerSecret,
  writeBackup,
  type BackupEntry,
} from '../../src/metadata/backup.js';
import { applyToggle, planToggle } from '../../src/metadata/toggle.js';
import { applyRestore, planRestore, RestoreError } from '../../src/metadata/restore.js';
import { PLANTED_SECRET_CA, RICH_CA, richSeed } from './toggle-seed.js';

const CA = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>App</label>
    <oauthConfig>
        <callbackUrl>https://x.example.com/cb</callbackUrl>
        <consumerKey>KEY</consumerKey>
        <consumerSecret>S3CRET-VALUE</consumerSecret>
        <isPkceRequired>false</isPkceRequired>
    </oauthConfig>
</ConnectedApp>
`;

function useBackupDir(): () => string {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-backups-'));
    process.env.SF_OAUTH_BACKUP_DIR = dir;
  });
  afterEach(() => {
    delete process.env.SF_OAUTH_BACKUP_DIR;
  });
  return () => dir;
}

const entry = (overrides: Partial<BackupEntry> = {}): BackupEntry => ({
  type: 'ConnectedApp',
  fullName: 'My_App',
  app: 'My_App',
  kind: 'ConnectedApp',
  element: 'isPkceRequired',
  value: 'false',
  xml: CA,
  ...overrides,
});

describe('backups: consumer secrets removed', () => {
  it('removes a nested secret with its line and leaves every other byte', () => {
    const out = withoutConsumerSecret(CA);
    expect(out).to.equal(CA.replace('        <consumerSecret>S3CRET-VALUE</consumerSecret>\n', ''));
  });

  it('removes a secret at the root (ECA global settings), one on a shared line, several, and CRLF lines', () => {
    const eca =
      '<?xml version="1.0"?>\r\n<ExtlClntAppGlobalOauthSettings>\r\n  <consumerKey>K</consumerKey>\r\n  <consumerSecret>A</consumerSecret>\r\n  <label>L</label>\r\n</ExtlClntAppGlobalOauthSettings>\r\n';
    expect(withoutConsumerSecret(eca)).to.equal(eca.replace('  <consumerSecret>A</consumerSecret>\r\n', ''));
    const oneLine =
      '<ConnectedApp><oauthConfig><consumerSecret>A</consumerSecret><consumerSecret>B</consumerSecret><x>1</x></oauthConfig></ConnectedApp>';
    expect(withoutConsumerSecret(oneLine)).to.equal('<ConnectedApp><oauthConfig><x>1</x></oauthConfig></ConnectedApp>');
    expect(withoutConsumerSecret('not xml <consumerSecret>A</consumerSecret>')).not.to.include('A</');
    expect(withoutConsumerSecret('<a><b>1</b></a>')).to.equal('<a><b>1</b></a>');
  });
});

describe('backups: files on disk', () => {
  const dir = useBackupDir();

  it('writes private folders and files, without secrets, with a manifest written last', async () => {
    const backup = await writeBackup({ orgId: '00DORG', username: 'me@example.com', operation: 'oauth pkce enable' }, [
      entry(),
      entry({
        type: 'ExtlClntAppGlobalOauthSettings',
        fullName: 'E_glbloauth',
        app: 'E',
        kind: 'ExternalClientApplication',
        value: null,
        xml: CA,
      }),
    ]);
    expect(backup.path.startsWith(path.join(dir(), '00DORG') + path.sep)).to.equal(true);
    expect(backupRoot()).to.equal(path.resolve(dir()));
    for (const d of [dir(), path.join(dir(), '00DORG'), backup.path, path.join(backup.path, 'ConnectedApp')]) {
      expect(statSync(d).mode & 0o777, d).to.equal(0o700);
    }
    const files = ['manifest.json', 'ConnectedApp/My_App.xml', 'ExtlClntAppGlobalOauthSettings/E_glbloauth.xml'];
    for (const f of files) {
      const full = path.join(backup.path, f);
      expect(statSync(full).mode & 0o777, f).to.equal(0o600);
      expect(readFileSync(full, 'utf8'), f).not.to.include('S3CRET');
    }
    // No temporary files left behind.
    expect(readdirSync(backup.path).sort()).to.deep.equal([
      'ConnectedApp',
      'ExtlClntAppGlobalOauthSettings',
      'manifest.json',
    ]);
    const manifest = JSON.parse(readFileSync(path.join(backup.path, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).to.include({
      format: 1,
      orgId: '00DORG',
      username: 'me@example.com',
      operation: 'oauth pkce enable',
    });
    expect(manifest.components).to.deep.equal([
      {
        type: 'ConnectedApp',
        fullName: 'My_App',
        app: 'My_App',
        kind: 'ConnectedApp',
        element: 'isPkceRequired',
        value: 'false',
        file: 'ConnectedApp/My_App.xml',
      },
      {
        type: 'ExtlClntAppGlobalOauthSettings',
        fullName: 'E_glbloauth',
        app: 'E',
        kind: 'ExternalClientApplication',
        element: 'isPkceRequired',
        value: null,
        file: 'ExtlClntAppGlobalOauthSettings/E_glbloauth.xml',
        // The file has no certificate: the backup says it could not hold one the org may have.
        unread: ['certificate'],
      },
    ]);
  });

  it('lists complete backups newest first, finds them by id, path or as the newest, and ignores interrupted ones', async () => {
    const t = Date.parse('2026-05-01T10:00:00Z');
    const a = await writeBackup({ orgId: '00DA', username: 'a', operation: 'x' }, [entry()], new Date(t));
    const b = await writeBackup({ orgId: '00DA', username: 'a', operation: 'y' }, [entry()], new Date(t + 1000));
    const same = await writeBackup({ orgId: '00DA', username: 'a', operation: 'z' }, [entry()], new Date(t + 1000));
    const other = await writeBackup({ orgId: '00DB', username: 'b', operation: 'x' }, [entry()], new Date(t + 2000));
    expect(same.id).to.equal(`${b.id}-2`);
    mkdirSync(path.join(dir(), '00DA', 'interrupted'));
    writeFileSync(path.join(dir(), '00DA', 'interrupted', 'x.xml'), '<x/>');
    expect((await listBackups()).map((x) => x.id)).to.deep.equal([other.id, same.id, b.id, a.id]);
    expect((await listBackups('00DA')).map((x) => x.id)).to.deep.equal([same.id, b.id, a.id]);
    expect((await findBackup(undefined, '00DA')).id).to.equal(same.id);
    expect((await findBackup(a.id, '00DA')).path).to.equal(a.path);
    expect((await findBackup(other.path, '00DA')).manifest.orgId).to.equal('00DB');
    let error: unknown;
    try {
      await findBackup(undefined, '00DNONE');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(BackupError);
    try {
      await readBackup(path.join(dir(), '00DA', 'interrupted'));
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.include('no manifest.json');
  });
});

describe('backups: restore against the emulator', function () {
  this.timeout(60_000);
  useBackupDir();
  const emu = useEmulator(() => ({ seed: richSeed() }));
  const pkce = (e: OrgEmulator, app: string): boolean | undefined =>
    oauthClient(e.store, consumerKeyFor(e.store.state.org.name, app))?.pkceRequired;
  const meta = (e: OrgEmulator, operation: string): { orgId: string; username: string; operation: string } => ({
    orgId: e.store.state.org.id,
    username: e.store.adminUser().username,
    operation,
  });

  it('restores the old values from the backup, backs up what it replaces, and then has nothing to restore', async () => {
    const conn = await coreConnection(emu());
    const plan = await planToggle(conn, {
      setting: 'pkce',
      value: true,
      apps: ['Partner_Portal_Sync', 'Billing_Integration', RICH_CA],
    });
    const toggled = await applyToggle(conn, plan, { pollMs: 20, backup: meta(emu(), 'oauth pkce enable') });
    expect([
      pkce(emu(), 'Partner_Portal_Sync'),
      pkce(emu(), 'Billing_Integration'),
      pkce(emu(), RICH_CA),
    ]).to.deep.equal([true, true, true]);
    const backup = await readBackup(toggled.result.backupPath ?? '');
    expect(backup.manifest.components.map((c) => [c.app, c.value])).to.deep.equal([
      ['Billing_Integration', 'false'],
      ['Partner_Portal_Sync', 'false'],
      [RICH_CA, 'false'],
    ]);

    const restorePlan = await planRestore(conn, backup, { orgId: emu().store.state.org.id });
    const restored = await applyRestore(conn, restorePlan, { pollMs: 20, backup: meta(emu(), 'oauth backup restore') });
    expect(restored.failed).to.equal(false);
    expect(restored.result.components.map((c) => [c.app, c.before, c.after, c.status])).to.deep.equal([
      ['Billing_Integration', 'true', 'false', 'changed'],
      ['Partner_Portal_Sync', 'true', 'false', 'changed'],
      [RICH_CA, 'true', 'false', 'changed'],
    ]);
    expect([
      pkce(emu(), 'Partner_Portal_Sync'),
      pkce(emu(), 'Billing_Integration'),
      pkce(emu(), RICH_CA),
    ]).to.deep.equal([false, false, false]);
    // The restore kept the secret the org had.
    expect(
      emu().store.checkConsumerSecret(consumerKeyFor(emu().store.state.org.name, RICH_CA), PLANTED_SECRET_CA),
    ).to.equal(true);
    const pre = await readBackup(restored.result.preRestoreBackupPath ?? '');
    expect(pre.manifest.operation).to.equal('oauth backup restore');
    expect(pre.manifest.components.map((c) => c.value)).to.deep.equal(['true', 'true', 'true']);

    const deploysBefore = emu().stats.byKind['soap:deploy'] ?? 0;
    const again = await applyRestore(conn, await planRestore(conn, backup, { orgId: emu().store.state.org.id }), {
      pollMs: 20,
      backup: meta(emu(), 'r'),
    });
    expect(again.result.components.map((c) => c.status)).to.deep.equal(['unchanged', 'unchanged', 'unchanged']);
    expect(emu().stats.byKind['soap:deploy'] ?? 0).to.equal(deploysBefore);
  });

  it('restores only the apps asked for, and a dry run changes nothing', async () => {
    const conn = await coreConnection(emu());
    const plan = await planToggle(conn, { setting: 'rtr', value: true, apps: ['Acme_Mobile', 'Support_Console'] });
    const toggled = await applyToggle(conn, plan, { pollMs: 20, backup: meta(emu(), 'oauth rtr enable') });
    const backup = await readBackup(toggled.result.backupPath ?? '');
    const dry = await applyRestore(
      conn,
      await planRestore(conn, backup, { orgId: emu().store.state.org.id, apps: ['support_console'] }),
      { dryRun: true, pollMs: 20 },
    );
    expect(dry.result.components.map((c) => [c.app, c.status, c.after])).to.deep.equal([
      ['Support_Console', 'changed', 'false'],
    ]);
    expect(dry.deploy?.checkOnly).to.equal(true);
    const key = (app: string): string => consumerKeyFor(emu().store.state.org.name, app);
    expect(oauthClient(emu().store, key('Support_Console'))?.rotationEnabled).to.equal(true);
    await applyRestore(
      conn,
      await planRestore(conn, backup, { orgId: emu().store.state.org.id, apps: ['Support_Console'] }),
      { pollMs: 20, backup: meta(emu(), 'r') },
    );
    expect(oauthClient(emu().store, key('Support_Console'))?.rotationEnabled).to.equal(false);
    expect(oauthClient(emu().store, key('Acme_Mobile'))?.rotationEnabled).to.equal(true);
  });

  it('refuses a backup of another org, and an app the backup does not hold', async () => {
    const conn = await coreConnection(emu());
    const backup = await writeBackup({ orgId: '00DOTHERORG0000AAA', username: 'x', operation: 'oauth pkce enable' }, [
      entry({ fullName: 'Partner_Portal_Sync', app: 'Partner_Portal_Sync' }),
    ]);
    let error: RestoreError | undefined;
    try {
      await planRestore(conn, backup, { orgId: emu().store.state.org.id });
    } catch (e) {
      error = e as RestoreError;
    }
    expect(error?.code).to.equal('orgMismatch');
    expect(error?.message).to.include('00DOTHERORG0000AAA').and.include(emu().store.state.org.id);
    const own = await writeBackup(meta(emu(), 'x'), [
      entry({ fullName: 'Partner_Portal_Sync', app: 'Partner_Portal_Sync' }),
    ]);
    try {
      await planRestore(conn, own, { orgId: emu().store.state.org.id, apps: ['Nope'] });
    } catch (e) {
      error = e as RestoreError;
    }
    expect(error?.code).to.equal('unknownApps');
    expect(pkce(emu(), 'Partner_Portal_Sync')).to.equal(false);
  });
});
