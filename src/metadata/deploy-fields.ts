/*
 * THE table of fields a deploy must not carry or may clear, one list per metadata type, used by every deploy this
 * plugin makes (toggles, restores, and the rollout through both) and by backups. A deploy is declarative: what a file
 * omits is reset, so a field the org does not return cannot be kept by a retrieve-edit-deploy round trip.
 *
 * - ConnectedApp `oauthConfig/consumerKey`: Salesforce refuses a deploy that provides it for an existing app ("You
 *   cannot provide a Consumer Key": SFDO-Tooling/CumulusCI#2943, trailheadapps/ready-to-fly#29; forcedotcom/cli#336
 *   names the workaround, leaving it out). Stripped before the deploy; read back afterwards to prove it unchanged.
 * - `consumerSecret` (both types): write-only, and never leaves this machine (an omitted secret is kept by the org).
 * - ExtlClntAppGlobalOauthSettings `certificate` (JWT bearer): reported as never returned by any API, while a deploy
 *   without it clears it (find_string 58181229918; emulator behaviour `ecaCertificateReadBack`). When the retrieved
 *   file lacks it we must prove the app has none (certificate-proof.ts) or refuse the app with the manual path.
 */
import type { RetrievedFile } from './retrieve.js';
import { readLeaf, removeLeaf } from './flag-edit.js';

export type FieldRule = {
  /** Parent elements below the root. */
  path: string[];
  element: string;
  /** `strip`: never deployed. `must-be-read`: the deploy must carry it as the org holds it, or not happen. */
  rule: 'strip' | 'must-be-read';
  /** After a deploy, the value must read back as it was before. */
  verifyUnchanged?: boolean;
};

export const DEPLOY_FIELDS: Readonly<Record<string, readonly FieldRule[]>> = {
  ConnectedApp: [
    { path: ['oauthConfig'], element: 'consumerKey', rule: 'strip', verifyUnchanged: true },
    { path: ['oauthConfig'], element: 'consumerSecret', rule: 'strip' },
  ],
  ExtlClntAppGlobalOauthSettings: [
    { path: [], element: 'consumerSecret', rule: 'strip' },
    { path: [], element: 'certificate', rule: 'must-be-read' },
  ],
};

/** What we know of an app's certificate when the retrieved file has none: `none` (proven) or `present`. */
export type CertificateProof = ReadonlyMap<string, 'none' | 'present'>;

/** The manual path for an ECA setting we may not deploy. */
export const ECA_SETUP_PATH =
  'Setup > External Client Apps > External Client App Manager > <app> > Edit Settings > OAuth Settings';

export type Deployable = { xml: string } | { refusal: string };

const rulesOf = (type: string): readonly FieldRule[] => DEPLOY_FIELDS[type] ?? [];

const present = (xml: string, r: FieldRule): boolean => {
  try {
    return Boolean(readLeaf(xml, r.path, r.element)?.trim());
  } catch {
    return false;
  }
};

/** The `must-be-read` fields a file lacks: the org may hold values the file cannot restore. */
export function unreadFields(file: Pick<RetrievedFile, 'type' | 'xml'>): string[] {
  return rulesOf(file.type)
    .filter((r) => r.rule === 'must-be-read' && !present(file.xml, r))
    .map((r) => r.element);
}

/**
 * The file as it may be deployed for `app` (stripped fields removed, everything else byte for byte), or why it may
 * not be deployed at all: a `must-be-read` field is absent and the proof does not say the app has none.
 */
export function deployable(
  file: Pick<RetrievedFile, 'type' | 'xml'>,
  app: string,
  proof: CertificateProof = new Map(),
): Deployable {
  for (const element of unreadFields(file)) {
    const known = proof.get(app);
    if (element === 'certificate' && known === 'none') continue;
    const why =
      known === 'present'
        ? 'it has a certificate (JWT bearer flow) that the Metadata API does not return, and a deploy without it would remove it'
        : 'Salesforce does not return its certificate (JWT bearer flow), so we cannot prove it has none, and a deploy without it would remove it';
    return { refusal: `${why}. Change it by hand in ${ECA_SETUP_PATH.replace('<app>', app)}.` };
  }
  return { xml: stripped(file) };
}

/** The file without its `strip` fields; every deploy goes through this (deploy.ts), whoever prepared the file. */
export function stripped(file: Pick<RetrievedFile, 'type' | 'xml'>): string {
  let xml = file.xml;
  for (const r of rulesOf(file.type)) if (r.rule === 'strip') xml = removeLeaf(xml, r.path, r.element);
  return xml;
}

/** Problems with a read-back: `verifyUnchanged` fields whose value differs from the one before the deploy. */
export function changedFields(type: string, before: string, after: string): string[] {
  const problems: string[] = [];
  for (const r of rulesOf(type)) {
    if (!r.verifyUnchanged) continue;
    const was = readLeaf(before, r.path, r.element);
    const now = readLeaf(after, r.path, r.element);
    if (was !== now) problems.push(`${r.element} changed from ${was ?? '(none)'} to ${now ?? '(none)'}`);
  }
  return problems;
}
