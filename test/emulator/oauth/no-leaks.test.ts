import { expect } from 'chai';
import { useEmulator } from '../../helpers/emulator.js';
import {
  ADMIN,
  PARTNER,
  app,
  authorizePath,
  codeFor,
  get,
  pkce,
  postForm,
  seedWith,
  signIn,
  token,
} from './helpers.js';

const SECRET = 'PLANTEDSECRETc0nsumerVALUEzz9911';
const PASSWORD = 'PLANTEDPASSWORDvalue77';

describe('oauth endpoints never echo secrets, tokens, codes or verifiers', () => {
  const emu = useEmulator({
    seed: seedWith({ secret: SECRET, passwords: { [ADMIN]: PASSWORD, [PARTNER]: PASSWORD } }),
  });

  it('keeps them out of every error body, Location and page', async () => {
    const outputs: string[] = [];
    const record = async (res: Response): Promise<void> => {
      outputs.push(`${res.headers.get('location') ?? ''}\n${await res.text()}`);
    };
    const confidential = app(emu(), 'Partner_Portal_Sync');
    const pub = app(emu(), 'Field_Service_App');
    const { verifier, challenge } = pkce();
    const code = await codeFor(emu(), { app: pub, challenge });
    const accessToken = emu().accessTokenFor();
    const planted = [SECRET, PASSWORD, verifier, code, accessToken];

    const tokenUrl = `${emu().url}/services/oauth2/token`;
    await record(
      await postForm(tokenUrl, {
        grant_type: 'authorization_code',
        code,
        client_id: pub.clientId,
        redirect_uri: pub.redirectUri,
        code_verifier: `${verifier}x`,
      }),
    );
    await record(
      await postForm(tokenUrl, {
        grant_type: 'authorization_code',
        code,
        client_id: confidential.clientId,
        client_secret: SECRET,
        redirect_uri: 'x',
        code_verifier: verifier,
      }),
    );
    await record(
      await postForm(tokenUrl, {
        grant_type: 'authorization_code',
        code,
        client_id: confidential.clientId,
        client_secret: `${SECRET}x`,
      }),
    );
    await record(
      await postForm(tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: accessToken,
        client_id: pub.clientId,
        client_secret: SECRET,
      }),
    );
    await record(
      await postForm(tokenUrl, {
        grant_type: 'password',
        client_id: confidential.clientId,
        client_secret: SECRET,
        username: ADMIN,
        password: PASSWORD,
      }),
    );
    await record(await postForm(tokenUrl, { grant_type: SECRET, client_id: confidential.clientId }));
    await record(await postForm(`${emu().url}/services/oauth2/revoke`, { token: `${accessToken}x` }));
    await record(
      await postForm(`${emu().url}/services/oauth2/introspect`, {
        token: accessToken,
        client_id: confidential.clientId,
        client_secret: `${SECRET}x`,
      }),
    );
    await record(await postForm(`${emu().url}/`, { username: ADMIN, pw: `${PASSWORD}x` }));
    await record(await get(emu(), '/?startURL=%2Fservices%2Foauth2%2Fauthorize'));
    await record(await get(emu(), `/secur/frontdoor.jsp?sid=${encodeURIComponent(`${accessToken}x`)}&retURL=%2F`));
    const community = app(emu(), 'Community_Headless_Login');
    await record(
      await postForm(
        `${emu().url}/services/oauth2/authorize`,
        {
          response_type: 'code_credentials',
          client_id: community.clientId,
          redirect_uri: community.redirectUri,
          code_challenge: challenge,
        },
        {
          'auth-request-type': 'Named-User',
          authorization: `Basic ${Buffer.from(`${PARTNER}:${PASSWORD}x`).toString('base64')}`,
        },
      ),
    );
    const cookie = await signIn(emu());
    await record(await get(emu(), authorizePath({ app: app(emu(), 'Data_Loader_Legacy'), challenge }), cookie));

    expect(outputs).to.have.length(13);
    for (const output of outputs) for (const value of planted) expect(output).to.not.include(value);
  });
});

describe('oauth request log', () => {
  const events: string[] = [];
  const emu = useEmulator(() => ({ onRequest: (event): number => events.push(JSON.stringify(event)) }));

  it('never carries a code, token or verifier', async () => {
    const pub = app(emu(), 'Field_Service_App');
    const { verifier, challenge } = pkce();
    const code = await codeFor(emu(), { app: pub, challenge });
    const res = await token(emu(), {
      grant_type: 'authorization_code',
      code,
      client_id: pub.clientId,
      redirect_uri: pub.redirectUri,
      code_verifier: verifier,
    });
    expect(events.some((e) => e.includes('/services/oauth2/token'))).to.equal(true);
    for (const value of [code, verifier, res.body.access_token, res.body.refresh_token])
      expect(events.join('\n')).to.not.include(value);
  });
});
