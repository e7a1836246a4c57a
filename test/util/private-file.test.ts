/*
 * The private, atomic file write every backup, smoke result, journal and trace goes through (write-file-atomic with
 * mode 0600), on the real file system.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { privateDir, writePrivateFile } from '../../src/util/private-file.js';

describe('private files', () => {
  const dir = (): string => mkdtempSync(path.join(tmpdir(), 'sf-oauth-private-'));
  const mode = (p: string): number => statSync(p).mode & 0o777;

  it('creates missing folders for the owner only and writes the file 0600', async () => {
    const root = dir();
    const file = path.join(root, 'a', 'b', 'result.json');
    await writePrivateFile(file, '{"ok":true}');
    expect(readFileSync(file, 'utf8')).to.equal('{"ok":true}');
    expect(mode(file)).to.equal(0o600);
    expect(mode(path.join(root, 'a', 'b'))).to.equal(0o700);
  });

  it('replaces a readable file with a private one and leaves no temporary file beside it', async () => {
    const root = dir();
    const file = path.join(root, 'journal.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    await writePrivateFile(file, 'new');
    expect(readFileSync(file, 'utf8')).to.equal('new');
    expect(mode(file)).to.equal(0o600);
    expect(readdirSync(root)).to.deep.equal(['journal.json']);
  });

  it('fails when the target cannot be replaced, and removes its temporary file', async () => {
    const root = dir();
    const target = path.join(root, 'taken');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'x');
    let error: unknown;
    try {
      await writePrivateFile(target, 'content');
    } catch (e) {
      error = e;
    }
    expect((error as NodeJS.ErrnoException)?.code).to.be.oneOf(['EISDIR', 'ENOTEMPTY', 'EEXIST']);
    expect(readdirSync(root)).to.deep.equal(['taken']);
  });

  it('ends with one whole write when several write the same file at once', async () => {
    const root = dir();
    const file = path.join(root, 'state.json');
    const contents = Array.from({ length: 8 }, (_, i) => JSON.stringify({ i, pad: String(i).repeat(20_000) }));
    await Promise.all(contents.map((c) => writePrivateFile(file, c)));
    expect(contents).to.include(readFileSync(file, 'utf8'));
    expect(readdirSync(root)).to.deep.equal(['state.json']);
  });

  it('tightens an existing folder to the owner only', async () => {
    const folder = path.join(dir(), 'backups');
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    await privateDir(folder);
    expect(mode(folder)).to.equal(0o700);
  });
});
