import { OAuth2 } from '@jsforce/jsforce-node';
import { expect } from 'chai';
import { useEmulator } from '../../helpers/emulator.js';
import { app, get, location, sessionCookie } from './helpers.js';

describe('oauth interoperability with jsforce OAuth2 (useVerifier)', () => {
  const emu = useEmulator();

  it('completes the web server flow with PKCE through frontdoor, then refreshes with rotation', async () => {
    const a = app(emu(), 'Field_Service_App');
    const oauth2 = new OAuth2({
      loginUrl: emu().url,
      clientId: a.clientId,
      redirectUri: a.redirectUri,
      useVerifier: true,
    });
    const authorizeUrl = new URL(oauth2.getAuthorizationUrl({ state: 'jsf', scope: 'api refresh_token' }));
    expect(authorizeUrl.searchParams.get('code_challenge')).to.be.a('string');
    expect(authorizeUrl.searchParams.has('code_challenge_method')).to.equal(false);

    const retURL = `${authorizeUrl.pathname}${authorizeUrl.search}`;
    const door = await get(
      emu(),
      `/secur/frontdoor.jsp?sid=${encodeURIComponent(emu().accessTokenFor())}&retURL=${encodeURIComponent(retURL)}`,
    );
    const callback = location(await get(emu(), door.headers.get('location')!, sessionCookie(door)));
    expect(callback.searchParams.get('state')).to.equal('jsf');

    const tokens = (await oauth2.requestToken(callback.searchParams.get('code')!)) as {
      access_token: string;
      refresh_token: string;
      instance_url: string;
    };
    expect(tokens.instance_url).to.equal(emu().url);
    expect(tokens.refresh_token).to.match(/^5Aep/);

    // The useVerifier instance sends its verifier on refresh too, which Salesforce rejects.
    let error: Error | undefined;
    try {
      await oauth2.refreshToken(tokens.refresh_token);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).to.equal('invalid_grant');
    expect(error?.message).to.equal('unexpected code verifier');

    const plain = new OAuth2({ loginUrl: emu().url, clientId: a.clientId, redirectUri: a.redirectUri });
    const refreshed = (await plain.refreshToken(tokens.refresh_token)) as { refresh_token: string };
    expect(refreshed.refresh_token).to.match(/^5Aep/).and.to.not.equal(tokens.refresh_token);
  });
});
