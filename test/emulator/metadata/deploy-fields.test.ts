/*
 * The emulator's side of "fields a deploy must not carry" and "settings Salesforce will not turn off": a provided
 * consumer key refused on an existing Connected App, an ECA certificate the org stores but does not return (and that a
 * deploy without it clears), the ExtlClntAppOauthSettings field that tells whether it exists, and the PKCE lock.
 */
import { expect } from 'chai';
import { useEmulator } from '../../helpers/emulator.js';
import { coreConnection } from '../../helpers/core.js';
import { consumerKeyFor } from '../../../src/emulator/seed/build.js';
import { richSeed, RICH_ECA } from '../../metadata/toggle-seed.js';
import { rawQuery } from '../rest/helpers.js';
import { deploySource, project, readRaw, retrieveSource, xml } from './sdr.js';

const GLOBAL = `${RICH_ECA}_glbloauth`;
const ca = (body: string): string =>
  xml(
    'ConnectedApp',
    `<contactEmail>dev@example.com</contactEmail><label>Acme Mobile</label><oauthConfig><callbackUrl>https://app.example.com/cb</callbackUrl>${body}<scopes>Api</scopes></oauthConfig>`,
  );

describe('emulator: a Connected App deploy must not carry its consumer key', () => {
  const emu = useEmulator();

  it('refuses a deploy that provides the consumer key of an existing Connected App, even its own unchanged key', async () => {
    const conn = await coreConnection(emu());
    const key = consumerKeyFor(emu().store.state.org.name, 'Acme_Mobile');
    const own = await deploySource(
      conn,
      project({
        'connectedApps/Acme_Mobile': ca(`<consumerKey>${key}</consumerKey><isPkceRequired>false</isPkceRequired>`),
      }),
    );
    expect(own.response.status).to.equal('Failed');
    expect((own.getFileResponses()[0] as { error: string }).error).to.equal('You cannot provide a Consumer Key');
    const without = await deploySource(
      conn,
      project({ 'connectedApps/Acme_Mobile': ca('<isPkceRequired>false</isPkceRequired>') }),
    );
    expect(without.response.status).to.equal('Succeeded');
    expect(emu().store.component('ConnectedApp', 'Acme_Mobile')?.value.oauthConfig).to.deep.include({
      consumerKey: key,
    });
    // A new app may bring its own key.
    const created = await deploySource(
      conn,
      project({ 'connectedApps/Keyed_App': ca('<consumerKey>3MVG9OWNKEYFORNEWAPP</consumerKey>') }),
    );
    expect(created.response.status).to.equal('Succeeded');
  });
});

describe('emulator: an ECA certificate the org does not return (ecaCertificateReadBack=omitted, the default)', () => {
  const emu = useEmulator(() => ({ seed: richSeed() }));

  it('retrieve and readMetadata leave the certificate out, and a deploy of the retrieved file clears it', async () => {
    const conn = await coreConnection(emu());
    expect(emu().store.component('ExtlClntAppGlobalOauthSettings', GLOBAL)?.value.certificate).to.equal(
      'MIIBRICHECACERTIFICATE==',
    );
    const retrieved = await retrieveSource(conn, [{ type: 'ExtlClntAppGlobalOauthSettings', fullName: GLOBAL }]);
    const file = retrieved.files.get(`extlClntAppGlobalOauthSets/${GLOBAL}.ecaGlblOauth-meta.xml`) ?? '';
    expect(file).to.include('<isPkceRequired>').and.not.include('certificate');
    const [read] = await readRaw(conn, 'ExtlClntAppGlobalOauthSettings', [GLOBAL]);
    expect(read).to.have.property('isPkceRequired');
    expect(read).not.to.have.property('certificate');

    const result = await deploySource(conn, project({ [`extlClntAppGlobalOauthSets/${GLOBAL}`]: file }));
    expect(result.response.status).to.equal('Succeeded');
    expect(emu().store.component('ExtlClntAppGlobalOauthSettings', GLOBAL)?.value.certificate).to.equal(undefined);
  });

  it('ExtlClntAppOauthSettings.ClientAssertionCertificate says which ECAs have a certificate', async () => {
    const soql =
      'SELECT ClientAssertionCertificate, ExternalClientApplication.DeveloperName FROM ExtlClntAppOauthSettings';
    const { status, body } = await rawQuery(emu(), soql);
    expect(status).to.equal(200);
    const records = (
      body as {
        records: Array<{
          ClientAssertionCertificate: string | null;
          ExternalClientApplication: { DeveloperName: string };
        }>;
      }
    ).records;
    const byApp = new Map(
      records.map((r) => [r.ExternalClientApplication.DeveloperName, r.ClientAssertionCertificate]),
    );
    expect(byApp.get(RICH_ECA)).to.equal('MIIBRICHECACERTIFICATE==');
    expect(byApp.get('Billing_Integration')).to.equal(null);
  });
});

describe('emulator: an org whose ExtlClntAppOauthSettings has no ClientAssertionCertificate (ecaCertificateField=absent)', () => {
  const emu = useEmulator(() => ({ behaviours: { ecaCertificateField: 'absent' } }));

  it('answers a query of the field with INVALID_FIELD', async () => {
    const { status, body } = await rawQuery(emu(), 'SELECT ClientAssertionCertificate FROM ExtlClntAppOauthSettings');
    expect(status).to.equal(400);
    expect(JSON.stringify(body)).to.include('INVALID_FIELD');
  });
});

describe('emulator: an org that returns ECA certificates (ecaCertificateReadBack=returned)', () => {
  const emu = useEmulator(() => ({ seed: richSeed(), behaviours: { ecaCertificateReadBack: 'returned' } }));

  it('returns the certificate, so redeploying the retrieved file keeps it', async () => {
    const conn = await coreConnection(emu());
    const retrieved = await retrieveSource(conn, [{ type: 'ExtlClntAppGlobalOauthSettings', fullName: GLOBAL }]);
    const file = retrieved.files.get(`extlClntAppGlobalOauthSets/${GLOBAL}.ecaGlblOauth-meta.xml`) ?? '';
    expect(file).to.include('<certificate>MIIBRICHECACERTIFICATE==</certificate>');
    await deploySource(conn, project({ [`extlClntAppGlobalOauthSets/${GLOBAL}`]: file }));
    expect(emu().store.component('ExtlClntAppGlobalOauthSettings', GLOBAL)?.value.certificate).to.equal(
      'MIIBRICHECACERTIFICATE==',
    );
  });
});

for (const lock of ['off', 'on'] as const) {
  describe(`emulator: ECA PKCE under ecaPkceLock=${lock}`, () => {
    const emu = useEmulator(() => ({ behaviours: { ecaPkceLock: lock } }));

    it(
      lock === 'on'
        ? 'a deploy turning PKCE off succeeds and the org keeps it on'
        : 'a deploy turning PKCE off turns it off',
      async () => {
        const conn = await coreConnection(emu());
        const name = 'Field_Service_App_glbloauth';
        expect(emu().store.component('ExtlClntAppGlobalOauthSettings', name)?.value.isPkceRequired).to.equal('true');
        const retrieved = await retrieveSource(conn, [{ type: 'ExtlClntAppGlobalOauthSettings', fullName: name }]);
        const file = (retrieved.files.get(`extlClntAppGlobalOauthSets/${name}.ecaGlblOauth-meta.xml`) ?? '').replace(
          '<isPkceRequired>true</isPkceRequired>',
          '<isPkceRequired>false</isPkceRequired>',
        );
        const result = await deploySource(conn, project({ [`extlClntAppGlobalOauthSets/${name}`]: file }));
        expect(result.response.status).to.equal('Succeeded');
        expect(emu().store.component('ExtlClntAppGlobalOauthSettings', name)?.value.isPkceRequired).to.equal(
          lock === 'on' ? 'true' : 'false',
        );
        // Turning it on is never blocked.
        const off = 'Billing_Integration_glbloauth';
        const billing =
          (await retrieveSource(conn, [{ type: 'ExtlClntAppGlobalOauthSettings', fullName: off }])).files.get(
            `extlClntAppGlobalOauthSets/${off}.ecaGlblOauth-meta.xml`,
          ) ?? '';
        await deploySource(
          conn,
          project({
            [`extlClntAppGlobalOauthSets/${off}`]: billing.replace(
              '<isPkceRequired>false</isPkceRequired>',
              '<isPkceRequired>true</isPkceRequired>',
            ),
          }),
        );
        expect(emu().store.component('ExtlClntAppGlobalOauthSettings', off)?.value.isPkceRequired).to.equal('true');
      },
    );
  });
}
