/*
 * Command outcomes for apps we must not or cannot change here, in-process: a packaged ECA whose settings live in the
 * publisher's org (pkce enable refused naming namespace and publisher; require-pkce blocked on it) and an ECA whose
 * certificate the org does not return (pkce enable refused with the Setup path). Each exits 1 and changes nothing.
 */
import { expect } from 'chai';
import { AuthRemover } from '@salesforce/core';
import { useEmulator } from '../../helpers/emulator.js';
import { runJson } from '../../helpers/in-process.js';
import { saveCliAuthorization } from '../../../src/emulator/sf-auth.js';
import PkceEnable from '../../../src/commands/oauth/pkce/enable.js';
import OrgRequirePkce from '../../../src/commands/oauth/org/require-pkce.js';
import type { GateRow } from '../../../src/rollout/gate.js';
import { PACKAGED_ECA, packagedEcaSeed } from '../../apps/packaged-eca-seed.js';
import { richConnectedApp, richEca, RICH_ECA } from '../../metadata/toggle-seed.js';
import { privateDirs } from '../../rollout/helpers.js';

type ErrorJson = {
  name?: string;
  message?: string;
  actions?: string[];
  data?: { apps?: string[]; blockers?: GateRow[] };
};

describe('commands on apps that cannot be changed here', function () {
  this.timeout(120_000);
  const seed = packagedEcaSeed();
  const emu = useEmulator(() => ({ seed: { ...seed, apps: [...seed.apps, richConnectedApp, richEca] } }));
  let alias = '';
  let username = '';

  beforeEach(async () => {
    privateDirs();
    alias = `otherorg${Date.now()}`;
    username = (await saveCliAuthorization(emu(), alias)).username;
  });
  afterEach(async () => {
    await (await AuthRemover.create()).removeAuth(username);
  });

  it('pkce enable refuses a packaged ECA naming namespace and publisher, and an ECA whose certificate is not returned with the Setup path; exit 1, no deploy', async () => {
    const deploys = (): number => emu().stats.byKind['soap:deploy'] ?? 0;
    const packaged = await runJson<ErrorJson>(PkceEnable, ['-o', alias, '--app', PACKAGED_ECA, '--no-prompt']);
    expect(packaged.exitCode).to.equal(1);
    expect(packaged.json.name).to.equal('RefusedAppsError');
    expect(packaged.json.message)
      .to.include("set in the publisher's org")
      .and.include('pubx')
      .and.include('Fabrikam Publishing');
    expect(packaged.json.actions?.join(' ')).to.include('ask the publisher');
    const certificate = await runJson<ErrorJson>(PkceEnable, ['-o', alias, '--app', RICH_ECA, '--no-prompt']);
    expect(certificate.exitCode).to.equal(1);
    expect(certificate.json.message).to.include('certificate').and.include(`External Client App Manager > ${RICH_ECA}`);
    expect(deploys()).to.equal(0);
    expect(
      emu().store.component('ExtlClntAppGlobalOauthSettings', `${RICH_ECA}_glbloauth`)?.value.certificate,
    ).to.equal('MIIBRICHECACERTIFICATE==');
  });

  it("org require-pkce is blocked by the packaged ECA, naming its package and the publisher's org; exit 1", async () => {
    const { json, exitCode } = await runJson<ErrorJson>(OrgRequirePkce, ['-o', alias, '--dry-run']);
    expect(exitCode).to.equal(1);
    const row = json.data?.blockers?.find((b) => b.app === PACKAGED_ECA);
    expect(row?.status).to.equal('blocked');
    expect(row?.reason).to.include("PKCE is set in the publisher's org").and.include('Fabrikam Publishing');
  });
});
