/*
 * ExtlClntAppOauthSettings as the data API shows it: one row per ECA OAuth settings component. Its
 * `ClientAssertionCertificate` is read here as the certificate that verifies the app's JWT bearer assertions, i.e. the
 * global OAuth settings' `certificate`, which a retrieve may never return (behaviour `ecaCertificateReadBack`). The
 * field names are an org's describe (kunalsingh74644/VersionCtrlNov `.sfdx/typings/lwc/sobjects/ExtlClntAppOauthSettings.d.ts`);
 * what the field holds is our reading, so it is an option (`ecaCertificateField`): `absent` answers as an org without
 * the field.
 */
import { text } from '../../metadata/codec.js';
import { noSuchColumn } from '../errors.js';
import { auditFields, field, idField, ref, rekey, type ObjectDef, type Row } from './types.js';

const localName = (fullName: string): string => fullName.replace(/^[A-Za-z0-9]+__/, '');

export const ExtlClntAppOauthSettings: ObjectDef = {
  name: 'ExtlClntAppOauthSettings',
  label: 'External Client App OAuth Settings',
  labelPlural: 'External Client App OAuth Settings',
  keyPrefix: '0xO',
  apis: ['rest', 'tooling'],
  minVersion: 59,
  fields: [
    idField('External Client App OAuth Settings ID'),
    field('DeveloperName', 'string', { nillable: false }),
    field('MasterLabel', 'string', { label: 'Label', nillable: false }),
    field('NamespacePrefix', 'string'),
    ref('ExternalClientApplicationId', 'ExternalClientApplication'),
    field('ClientAssertionCertificate', 'textarea'),
    ...auditFields(),
  ],
  rows(ctx) {
    const { store, behaviours } = ctx.services;
    if (behaviours.ecaCertificateField === 'absent')
      throw noSuchColumn('ClientAssertionCertificate', 'ExtlClntAppOauthSettings');
    const appIds = new Map(store.components('ExternalClientApplication').map((c) => [c.fullName, rekey(c.id, '0xI')]));
    const certificates = new Map<string, string>();
    for (const g of store.components('ExtlClntAppGlobalOauthSettings'))
      certificates.set(text(g.value.externalClientApplication), text(g.value.certificate));
    return store.components('ExtlClntAppOauthSettings').map((c): Row => {
      const app = text(c.value.externalClientApplication);
      return {
        Id: rekey(c.id, '0xO'),
        DeveloperName: localName(c.fullName),
        MasterLabel: text(c.value.label) || localName(c.fullName),
        NamespacePrefix: c.namespacePrefix,
        ExternalClientApplicationId: appIds.get(app) ?? null,
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- an empty certificate is none
        ClientAssertionCertificate: certificates.get(app) || null,
        CreatedDate: c.createdDate,
        CreatedById: c.lastModifiedById,
        LastModifiedDate: c.lastModifiedDate,
        LastModifiedById: c.lastModifiedById,
      };
    });
  },
};
