import { expect } from 'chai';
import { oauthClients } from '../../src/emulator/clients.js';
import { FrontdoorSession } from '../../src/oauth/frontdoor.js';
import { newPkcePair } from '../../src/oauth/pkce.js';
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
});
