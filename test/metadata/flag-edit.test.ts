import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { FlagEditError, readLeaf, setLeaf } from '../../src/metadata/flag-edit.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'public');

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full, suffix);
    return name.endsWith(suffix) ? [full] : [];
  });
}

/** Line-level difference: lines only in `a`, lines only in `b` (as multisets). */
function lineDiff(a: string, b: string): { removed: string[]; added: string[] } {
  const count = (s: string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const l of s.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  const removed: string[] = [];
  const added: string[] = [];
  for (const [l, n] of ca) for (let i = 0; i < n - (cb.get(l) ?? 0); i++) removed.push(l);
  for (const [l, n] of cb) for (let i = 0; i < n - (ca.get(l) ?? 0); i++) added.push(l);
  return { removed, added };
}

const TARGETS = [
  { suffix: '.ecaGlblOauth-meta.xml', path: [] as string[] },
  { suffix: '.connectedApp-meta.xml', path: ['oauthConfig'] },
  { suffix: 'OauthOidc.settings-meta.xml', path: [] as string[] },
];

describe('one-element flag edit over every real fixture', () => {
  for (const target of TARGETS) {
    const elements = target.suffix.includes('settings')
      ? ['isPkceRequired']
      : ['isPkceRequired', 'isRefreshTokenRotationEnabled'];
    for (const file of files(FIXTURES, target.suffix)) {
      const original = readFileSync(file, 'utf8');
      const name = path.relative(FIXTURES, file);
      if (target.path.length && !original.includes(`<${target.path[0]}>`)) {
        it(`${name}: refuses to add a flag where the parent element is missing`, () => {
          expect(() => setLeaf(original, { path: target.path, element: 'isPkceRequired', value: 'true' })).to.throw(
            FlagEditError,
            /no <oauthConfig>/,
          );
        });
        continue;
      }
      for (const element of elements) {
        for (const value of ['true', 'false']) {
          it(`${name}: ${element}=${value} changes only that element`, () => {
            const before = readLeaf(original, target.path, element);
            const result = setLeaf(original, { path: target.path, element, value });
            expect(readLeaf(result.xml, target.path, element)).to.equal(value);
            if (before === value) {
              expect(result.changed).to.equal(false);
              expect(result.xml).to.equal(original);
              return;
            }
            expect(result.changed).to.equal(true);
            expect(result.previous).to.equal(before);
            const { removed, added } = lineDiff(original, result.xml);
            expect(added).to.have.length(1);
            expect(added[0].trim()).to.equal(`<${element}>${value}</${element}>`);
            expect(removed).to.have.length(before === undefined ? 0 : 1);
            // The untouched text around the edit is byte-identical.
            const restored = setLeaf(result.xml, { path: target.path, element, value: before ?? value });
            if (before !== undefined) expect(restored.xml).to.equal(original);
          });
        }
      }
    }
  }

  it('inserts a missing element in alphabetical place with its neighbours’ indentation', () => {
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">',
      '    <label>X</label>',
      '    <oauthConfig>',
      '        <callbackUrl>http://localhost/cb</callbackUrl>',
      '        <isConsumerSecretOptional>false</isConsumerSecretOptional>',
      '        <!-- a comment the admin wrote -->',
      '        <scopes>Api</scopes>',
      '    </oauthConfig>',
      '</ConnectedApp>',
      '',
    ].join('\n');
    const result = setLeaf(xml, { path: ['oauthConfig'], element: 'isPkceRequired', value: 'true' });
    expect(result.xml).to.equal(
      xml.replace('        <!-- a comment', '        <isPkceRequired>true</isPkceRequired>\n        <!-- a comment'),
    );
    const last = setLeaf(xml, { path: ['oauthConfig'], element: 'singleLogoutUrl', value: 'a&b' });
    expect(last.xml).to.include(
      '        <scopes>Api</scopes>\n        <singleLogoutUrl>a&amp;b</singleLogoutUrl>\n    </oauthConfig>',
    );
  });

  it('refuses text that is not well-formed', () => {
    expect(() => setLeaf('<A><b></A>', { path: [], element: 'x', value: '1' })).to.throw(
      FlagEditError,
      /not well-formed/,
    );
  });
});
