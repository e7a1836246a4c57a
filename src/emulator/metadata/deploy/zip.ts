/*
 * The deploy zip, read once when the deploy is submitted, so the job can complete synchronously (and so atomically)
 * later. SDR sends mdapi format with the manifest at the root (singlePackage); other clients wrap everything in one
 * folder such as `unpackaged/`.
 */
import JSZip from 'jszip';

export type DeployFiles = {
  /** The folder holding package.xml (`` or `unpackaged/`). */
  root: string;
  /** Every file, by its path in the zip, as UTF-8 text. */
  files: Map<string, string>;
};

export class ZipError extends Error {}

export async function readDeployZip(base64: string): Promise<DeployFiles> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(Buffer.from(base64, 'base64'));
  } catch (e) {
    throw new ZipError((e as Error).message);
  }
  const files = new Map<string, string>();
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    files.set(entry.name.replace(/^\.\//, ''), await entry.async('string'));
  }
  return { root: rootOf([...files.keys()]), files };
}

/** The folder of package.xml: the zip root, or the one top-level folder that holds it. */
function rootOf(paths: string[]): string {
  if (paths.includes('package.xml')) return '';
  const nested = paths.filter((p) => /^[^/]+\/package\.xml$/.test(p));
  return nested.length === 1 ? nested[0].slice(0, -'package.xml'.length) : '';
}
