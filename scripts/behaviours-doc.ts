/*
 * Writes docs/salesforce-behaviours.md from the behaviours table (src/emulator/behaviours.ts): `npm run behaviours`.
 * `--check` exits 1 when the file on disk differs, for tests and CI.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { renderBehavioursDoc } from '../src/emulator/behaviours-doc.js';

const target = new URL('../docs/salesforce-behaviours.md', import.meta.url);
const wanted = renderBehavioursDoc();
if (process.argv.includes('--check')) {
  const actual = await readFile(target, 'utf8').catch(() => '');
  if (actual !== wanted) {
    process.stderr.write('docs/salesforce-behaviours.md is out of date: run npm run behaviours.\n');
    process.exit(1);
  }
} else {
  await writeFile(target, wanted);
}
