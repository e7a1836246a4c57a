import { expect } from 'chai';
import { checkOrg } from '../../src/check/run.js';
import { oauthClients } from '../../src/emulator/clients.js';
import { FrontdoorSession } from '../../src/oauth/frontdoor.js';
import { newPkcePair } from '../../src/oauth/pkce.js';
import { ApprovalGuard } from '../../src/smoke/headroom.js';
import { coreConnection } from '../helpers/core.js';
import { useEmulator } from '../helpers/emulator.js';

describe('emulator pre-approval (sf oauth emulator start --pre-approve)', () => {
  const emu = useEmulator();

  async function authorizeBilling(): Promise<string> {
    const client = [...oauthClients(emu().store).values()].find((c) => c.appName === 'Billing_Integration');
    const session = await FrontdoorSession.open(emu().url, emu().accessTokenFor());
    const pkce = newPkcePair();
    const outcome = await session.authorize({
      clientId: client?.clientId ?? '',
      redirectUri: client?.callbackUrls[0] ?? '',
      codeChallenge: pkce.challenge,
      codeChallengeMethod: 'S256',
    });
    return outcome.kind === 'interaction' ? `interaction:${outcome.page}` : outcome.kind;
  }

  it('a self-authorized app shows the consent page until the admin approved it', async () => {
    expect(await authorizeBilling()).to.equal('interaction:consent');
  });

  it('after pre-approval the same request gets a code, and approving twice adds nothing', async () => {
    const added = emu().preApprove();
    expect(added).to.be.greaterThan(10);
    expect(emu().preApprove()).to.equal(0);
    expect(await authorizeBilling()).to.equal('code');
  });

  it("a self-authorized app's pre-approval is an OauthToken row: org check sees the consent, and it counts toward the five", async () => {
    const conn = await coreConnection(emu());
    const admin = emu().store.adminUser();
    const check = async (): Promise<{ consent?: string; headroom?: string }> => {
      const result = await checkOrg(conn, {
        accessToken: () => Promise.resolve(conn.accessToken ?? ''),
        env: {},
        apps: ['Billing_Integration'],
      });
      const of = (id: string): string | undefined => result.checks.find((c) => c.id === id)?.status;
      return { consent: of('app.consent'), headroom: result.checks.find((c) => c.id === 'app.headroom')?.detail };
    };
    const adminRows = async (): Promise<string[]> =>
      (
        await conn.query<{ AppName: string }>(`SELECT AppName FROM OauthToken WHERE UserId = '${admin.id}'`, {
          autoFetch: true,
        })
      ).records
        .map((r) => r.AppName)
        .sort();
    const guard = await ApprovalGuard.forUsername(conn, admin.username, 'another user');
    const billing = {
      app: 'Billing_Integration',
      appLabel: 'Billing Integration',
      pkceScopeRequest: 'api',
      refreshScopeRequest: 'refresh_token api',
    };

    const before = await adminRows();
    expect(before).not.to.include('Billing Integration');
    expect(await check()).to.deep.include({ consent: 'warn' });
    expect((await guard.headroom(billing, 'rtr')).approvals).to.have.length(0);

    emu().preApprove();
    emu().preApprove();
    const after = await adminRows();
    // One row per self-authorized app the admin held none of, however often it runs; admin-approved apps get none.
    expect(after.filter((a) => a === 'Billing Integration')).to.have.length(1);
    expect(after).to.include('Acme Mobile');
    expect(after).not.to.include('Field Service App');
    expect(after.filter((a) => a === 'Data Loader (legacy)')).to.have.length(1);
    const check2 = await check();
    expect(check2.consent).to.equal('pass');
    expect(check2.headroom).to.include('holds 1 of 5');
    expect((await guard.headroom(billing, 'rtr')).approvals).to.have.length(1);

    // Five more approvals of the app by the admin: the oldest, the pre-approval, is revoked, as the sixth would be.
    const client = [...oauthClients(emu().store).values()].find((c) => c.appName === 'Billing_Integration');
    const preApproval = emu().store.approvalsOf(admin.id, client?.clientId ?? '', 'Billing Integration')[0];
    for (let i = 0; i < 5; i++)
      emu().store.createGrant(client?.clientId ?? '', 'Billing Integration', admin.id, ['api', 'refresh_token']);
    expect(preApproval.revoked).to.equal(true);
    expect((await guard.headroom(billing, 'rtr')).approvals).to.have.length(5);
  });
});
