/*
 * Whether External Client Apps have a certificate (JWT bearer flow) when the Metadata API does not say: one query of
 * the ExtlClntAppOauthSettings sObject, whose ClientAssertionCertificate field we read as that certificate (field in an
 * org's describe; its meaning is our inference, see the behaviours table). Apps the query does not answer for, or a
 * failed query, stay unknown, and deploy-fields.ts refuses to deploy their global OAuth settings.
 */
import type { Connection } from '@salesforce/core';
import type { CertificateProof } from './deploy-fields.js';

type Row = {
  ClientAssertionCertificate?: string | null;
  ExternalClientApplication?: { DeveloperName?: string; NamespacePrefix?: string | null } | null;
};

export const CERTIFICATE_QUERY =
  'SELECT ClientAssertionCertificate, ExternalClientApplication.DeveloperName, ExternalClientApplication.NamespacePrefix FROM ExtlClntAppOauthSettings';

/** App developer name (with `ns__`) -> `none` | `present`; empty when the org does not answer. Never throws. */
export async function loadCertificateProof(conn: Connection): Promise<CertificateProof> {
  const out = new Map<string, 'none' | 'present'>();
  try {
    const result = await conn.query<Row>(CERTIFICATE_QUERY, { autoFetch: true, maxFetch: 50_000 });
    for (const r of result.records) {
      const name = r.ExternalClientApplication?.DeveloperName;
      if (!name) continue;
      const ns = r.ExternalClientApplication?.NamespacePrefix;
      const app = ns ? `${ns}__${name}` : name;
      // Several OAuth settings rows for one app: any certificate counts.
      if (out.get(app) !== 'present') out.set(app, r.ClientAssertionCertificate?.trim() ? 'present' : 'none');
    }
  } catch {
    // Unknown for every app: their global settings will not be deployed.
  }
  return out;
}
