/*
 * The client under every value of the behaviours it cannot tell apart in advance: PKCE that the org keeps on
 * (ecaPkceLock) and ECA certificates it does not return (ecaCertificateReadBack, ecaCertificateField). A toggle or a
 * restore never reports "changed"/"restored" for a value it did not set, and never deploys a form that can clear a
 * certificate it could not read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { coreConnection } from '../helpers/core.js';
import { behaviourVariants } from '../../src/emulator/behaviours.js';
import { applyToggle, planToggle, ToggleError } from '../../src/metadata/toggle.js';
import { findBackup } from '../../src/metadata/backup.js';
import { applyRestore, planRestore } from '../../src/metadata/restore.js';
import { richSeed, RICH_ECA } from './toggle-seed.js';

const GLOBAL = 'ExtlClntAppGlobalOauthSettings';

for (const variant of behaviourVariants(['ecaPkceLock'])) {
  describe(`PKCE off on an ECA (${variant.label})`, function () {
    this.timeout(60_000);
    const emu = useEmulator(() => ({ behaviours: variant.behaviours }));
    const locked = variant.behaviours.ecaPkceLock === 'on';
    beforeEach(() => {
      process.env.SF_OAUTH_BACKUP_DIR = mkdtempSync(path.join(tmpdir(), 'sf-oauth-locked-'));
    });
    afterEach(() => delete process.env.SF_OAUTH_BACKUP_DIR);

    it('toggle disable reports kept-on-by-salesforce when the org keeps PKCE on, and a restore of the backup likewise', async () => {
      const conn = await coreConnection(emu());
      const orgId = emu().store.state.org.id;
      const backup = { orgId, username: 'admin', operation: 'test' };
      const stored = (): unknown => emu().store.component(GLOBAL, 'Field_Service_App_glbloauth')?.value.isPkceRequired;

      const off = await applyToggle(
        conn,
        await planToggle(conn, { setting: 'pkce', value: false, apps: ['Field_Service_App'] }),
        { pollMs: 20, backup },
      );
      const row = off.result.apps[0];
      expect(off.failed).to.equal(false);
      if (locked) {
        expect(row).to.include({ status: 'kept-on-by-salesforce', before: true, after: true });
        expect(row.reason).to.match(/^Kept on by Salesforce/);
        expect(off.notApplied).to.deep.equal(['Field_Service_App']);
        expect(stored()).to.equal('true');
      } else {
        expect(row).to.include({ status: 'changed', before: true, after: false });
        expect(off.notApplied).to.deep.equal([]);
        expect(stored()).to.equal('false');
      }

      // Billing_Integration: PKCE on by a toggle, then the restore of its backup (PKCE off).
      const on = await applyToggle(
        conn,
        await planToggle(conn, { setting: 'pkce', value: true, apps: ['Billing_Integration'] }),
        { pollMs: 20, backup },
      );
      expect(on.result.apps[0].status).to.equal('changed');
      const saved = await findBackup(on.result.backupPath, orgId);
      const restored = await applyRestore(conn, await planRestore(conn, saved, { orgId }), { pollMs: 20, backup });
      const component = restored.result.components[0];
      expect(restored.failed).to.equal(false);
      if (locked) {
        expect(component).to.include({ status: 'kept-on-by-salesforce', before: 'true', after: 'true' });
        expect(restored.notRestored.map((c) => c.app)).to.deep.equal(['Billing_Integration']);
      } else {
        expect(component).to.include({ status: 'changed', after: 'false' });
        expect(restored.notRestored).to.deep.equal([]);
      }
    });
  });
}

for (const variant of behaviourVariants(['ecaCertificateReadBack', 'ecaCertificateField'])) {
  describe(`ECA certificates (${variant.label})`, function () {
    this.timeout(60_000);
    const emu = useEmulator(() => ({ seed: richSeed(), behaviours: variant.behaviours }));
    const b = variant.behaviours;
    const returned = b.ecaCertificateReadBack === 'returned';
    const provable = b.ecaCertificateField !== 'absent';
    beforeEach(() => {
      process.env.SF_OAUTH_BACKUP_DIR = mkdtempSync(path.join(tmpdir(), 'sf-oauth-cert-'));
    });
    afterEach(() => delete process.env.SF_OAUTH_BACKUP_DIR);

    it('never clears a certificate: an ECA with one changes only when the org returns it; one without changes only when that is proven', async () => {
      const conn = await coreConnection(emu());
      const backup = { orgId: emu().store.state.org.id, username: 'admin', operation: 'test' };
      const cert = (): unknown => emu().store.component(GLOBAL, `${RICH_ECA}_glbloauth`)?.value.certificate;

      const withCert = await planToggle(conn, { setting: 'pkce', value: true, apps: [RICH_ECA] }).then(
        (plan) => applyToggle(conn, plan, { pollMs: 20, backup }),
        (e: unknown) => e,
      );
      if (returned) {
        expect((withCert as Awaited<ReturnType<typeof applyToggle>>).result.apps[0].status).to.equal('changed');
      } else {
        expect(withCert).to.be.instanceOf(ToggleError);
        expect((withCert as ToggleError).items[0]).to.match(/certificate.*External Client App Manager/);
      }
      expect(cert()).to.equal('MIIBRICHECACERTIFICATE==');

      const without = await planToggle(conn, { setting: 'pkce', value: true, apps: ['Billing_Integration'] }).then(
        (plan) => applyToggle(conn, plan, { pollMs: 20, backup }),
        (e: unknown) => e,
      );
      if (provable) {
        expect((without as Awaited<ReturnType<typeof applyToggle>>).result.apps[0].status).to.equal('changed');
      } else {
        expect(without).to.be.instanceOf(ToggleError);
        expect((without as ToggleError).items[0]).to.match(
          /^Billing_Integration: Salesforce does not return its certificate.*cannot prove/,
        );
      }
    });
  });
}
