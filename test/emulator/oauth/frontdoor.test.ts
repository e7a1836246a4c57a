import { Org } from '@salesforce/core';
import { expect } from 'chai';
import { coreConnection } from '../../helpers/core.js';
import { useEmulator } from '../../helpers/emulator.js';
import { app, authorizePath, get, location, OPS, pkce, sessionCookie, token } from './helpers.js';

describe('oauth frontdoor and single access', () => {
  const emu = useEmulator();

  it('turns an access token into a session cookie and redirects to retURL; the session then gets a code headlessly', async () => {
    const a = app(emu(), 'Field_Service_App');
    const { verifier, challenge } = pkce();
    const retURL = authorizePath({ app: a, challenge, state: 'fd' });
    const res = await get(
      emu(),
      `/secur/frontdoor.jsp?sid=${encodeURIComponent(emu().accessTokenFor())}&retURL=${encodeURIComponent(retURL)}`,
    );
    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.equal(retURL);
    const setCookie = res.headers.getSetCookie()[0];
    expect(setCookie)
      .to.match(/^sid=/)
      .and.to.match(/HttpOnly/)
      .and.to.match(/Path=\//);
    const cookie = sessionCookie(res)!;
    const callback = location(await get(emu(), retURL, cookie));
    expect(callback.searchParams.get('state')).to.equal('fd');
    const tokens = await token(emu(), {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
      code_verifier: verifier,
    });
    expect(tokens.status).to.equal(200);
  });

  it('sends an invalid sid to the login page, and never redirects to another host', async () => {
    const bad = await get(emu(), '/secur/frontdoor.jsp?sid=00Dxx!nope&retURL=%2Fhome');
    expect(bad.status).to.equal(302);
    expect(location(bad).pathname).to.equal('/');
    expect(location(bad).searchParams.get('startURL')).to.equal('/home');
    expect(bad.headers.getSetCookie()).to.have.length(0);
    const offsite = await get(
      emu(),
      `/secur/frontdoor.jsp?sid=${encodeURIComponent(emu().accessTokenFor())}&retURL=${encodeURIComponent('https://evil.example.com/')}`,
    );
    expect(offsite.headers.get('location')).to.equal('/');
  });

  it('does not let an inactive user in', async () => {
    const user = emu().store.userByUsername(OPS)!;
    const accessToken = emu().accessTokenFor(OPS);
    user.isActive = false;
    const res = await get(emu(), `/secur/frontdoor.jsp?sid=${encodeURIComponent(accessToken)}&retURL=%2F`);
    expect(res.headers.getSetCookie()).to.have.length(0);
  });

  it('hands out a one-time frontdoor URL from /services/oauth2/singleaccess', async () => {
    const res = await fetch(`${emu().url}/services/oauth2/singleaccess`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu().accessTokenFor()}` },
    });
    expect(res.status).to.equal(200);
    const { frontdoor_uri: uri } = (await res.json()) as { frontdoor_uri: string };
    expect(uri).to.match(new RegExp(`^${emu().url}/secur/frontdoor\\.jsp\\?otp=`));
    const first = await fetch(`${uri}&retURL=%2Fsetup`, { redirect: 'manual' });
    expect(first.headers.get('location')).to.equal('/setup');
    expect(sessionCookie(first)).to.be.a('string');
    const second = await fetch(`${uri}&retURL=%2Fsetup`, { redirect: 'manual' });
    expect(location(second).pathname).to.equal('/');
    expect(second.headers.getSetCookie()).to.have.length(0);
  });

  it('answers single access with GET and a redirect_uri, as sf org open asks, and lands there once', async () => {
    const res = await fetch(
      `${emu().url}/services/oauth2/singleaccess?redirect_uri=${encodeURIComponent('/lightning/setup/SetupOneHome/home')}`,
      {
        headers: { authorization: `Bearer ${emu().accessTokenFor()}` },
      },
    );
    expect(res.status).to.equal(200);
    const { frontdoor_uri: uri } = (await res.json()) as { frontdoor_uri: string };
    const first = await fetch(uri, { redirect: 'manual' });
    expect(first.headers.get('location')).to.equal('/lightning/setup/SetupOneHome/home');
    expect(sessionCookie(first)).to.be.a('string');
    expect((await fetch(uri, { redirect: 'manual' })).headers.getSetCookie()).to.have.length(0);
    // Only a relative path is a landing place.
    const away = await fetch(
      `${emu().url}/services/oauth2/singleaccess?redirect_uri=${encodeURIComponent('https://evil.example.com/')}`,
      {
        headers: { authorization: `Bearer ${emu().accessTokenFor()}` },
      },
    );
    const landed = await fetch(((await away.json()) as { frontdoor_uri: string }).frontdoor_uri, {
      redirect: 'manual',
    });
    expect(landed.headers.get('location')).to.equal('/');
  });

  it('answers 403 to single access with an expired or unknown token, GET or POST', async () => {
    const accessToken = emu().accessTokenFor();
    emu().store.expireAllAccessTokens();
    for (const method of ['GET', 'POST']) {
      for (const bearer of [accessToken, 'nope']) {
        const res = await fetch(`${emu().url}/services/oauth2/singleaccess`, {
          method,
          headers: { authorization: `Bearer ${bearer}` },
        });
        expect(res.status, `${method}`).to.equal(403);
        expect(await res.json()).to.deep.equal([
          { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
        ]);
      }
    }
  });

  it('gives sf org open (sfdx-core Org.getFrontDoorUrl) a one-time URL that lands on the page it asked for', async () => {
    const org = await Org.create({ connection: await coreConnection(emu()) });
    const uri = await org.getFrontDoorUrl('/lightning/setup/ConnectedApplication/home');
    expect(uri).to.match(new RegExp(`^${emu().url}/secur/frontdoor\\.jsp\\?otp=`));
    expect((await fetch(uri, { redirect: 'manual' })).headers.get('location')).to.equal(
      '/lightning/setup/ConnectedApplication/home',
    );
  });
});
