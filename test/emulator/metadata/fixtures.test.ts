/*
 * Every real metadata file in test/fixtures/public round-trips: deployed through SDR, retrieved back, each element
 * equal to what was deployed, apart from defaults the org adds, a generated consumer key, and the consumer secret
 * (never returned).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { useEmulator } from '../../helpers/emulator.js';
import { coreConnection } from '../../helpers/core.js';
import { parseMetadataXml, text, validateComponent } from '../../../src/emulator/metadata/codec.js';
import { SETTINGS_TYPES, typeBySuffix, type FieldSpec, type TypeSpec } from '../../../src/emulator/metadata/schema.js';
import type { MdObject } from '../../../src/emulator/store/state.js';
import { unreturned } from '../../../src/emulator/metadata/shape.js';
import { resolveBehaviours } from '../../../src/emulator/behaviours.js';
import { API_VERSION, deploySource, project, retrieveSource, SUFFIX, xml } from './sdr.js';

const ROOT = path.resolve('test/fixtures/public');

function findFixtures(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return findFixtures(p);
    return name.endsWith('-meta.xml') ? [p] : [];
  });
}

type Fixture = { file: string; folder: string; name: string; type: string; spec: TypeSpec };

function describeFixture(file: string): Fixture {
  const folder = path.basename(path.dirname(file));
  const base = path.basename(file, '-meta.xml');
  const dot = base.lastIndexOf('.');
  const name = base.slice(0, dot);
  const suffix = base.slice(dot + 1);
  if (folder === 'settings') return { file, folder, name, type: 'Settings', spec: SETTINGS_TYPES[name] };
  const spec = typeBySuffix(suffix);
  if (!spec) throw new Error(`no type for ${file}`);
  return { file, folder, name, type: spec.name, spec };
}

/**
 * Checks `retrieved` holds every deployed element unchanged; extra elements must be defaults (or a generated key).
 * `hidden`: elements the org keeps but does not return (an ECA's certificate, behaviour ecaCertificateReadBack).
 */
function expectRoundTrip(
  deployed: MdObject,
  retrieved: MdObject,
  fields: Record<string, FieldSpec>,
  where: string,
  hidden: string[] = [],
): void {
  for (const [name, value] of Object.entries(deployed)) {
    if (name === 'consumerSecret') continue;
    if (hidden.includes(name)) {
      expect(retrieved[name], `${where}.${name} is stored but never returned`).to.equal(undefined);
      continue;
    }
    const spec = fields[name];
    const back = retrieved[name];
    expect(back, `${where}.${name}`).to.not.equal(undefined);
    if (spec?.kind === 'complex') {
      const a = Array.isArray(value) ? value : [value];
      const b = Array.isArray(back) ? back : [back];
      expect(b.length, `${where}.${name} count`).to.equal(a.length);
      a.forEach((item, i) =>
        expectRoundTrip(item as MdObject, b[i] as MdObject, spec.fields, `${where}.${name}[${i}]`),
      );
    } else {
      expect(back, `${where}.${name}`).to.deep.equal(value);
    }
  }
  for (const name of Object.keys(retrieved)) {
    if (name in deployed || name === 'consumerKey') continue;
    const spec = fields[name];
    expect(
      spec && spec.kind !== 'complex' && spec.default !== undefined,
      `${where}.${name} added but not a default`,
    ).to.equal(true);
    expect(retrieved[name], `${where}.${name}`).to.equal((spec as { default: string }).default);
  }
}

const normalized = (content: string, spec: TypeSpec): MdObject =>
  validateComponent(parseMetadataXml(content).value, spec, 66).value;

describe('real metadata fixtures round-trip through deploy and retrieve', () => {
  const emu = useEmulator();
  const fixtures = findFixtures(ROOT).map(describeFixture);

  it('finds all 39 fixtures', () => {
    expect(fixtures).to.have.length(39);
  });

  for (const fixture of fixtures) {
    it(path.relative(ROOT, fixture.file), async () => {
      const conn = await coreConnection(emu());
      const content = readFileSync(fixture.file, 'utf8');
      const deployed = normalized(content, fixture.spec);
      const files: Record<string, string> = { [`${fixture.folder}/${fixture.name}`]: content };
      // A sub-component needs its app: add a minimal header when the fixture is not one.
      const app = text(deployed.externalClientApplication);
      if (app && fixture.type !== 'ExternalClientApplication') {
        files[`externalClientApps/${app}`] = xml(
          'ExternalClientApplication',
          `<distributionState>Local</distributionState><label>${app}</label>`,
        );
      }
      const result = await deploySource(conn, project(files));
      expect(result.response.status, JSON.stringify(result.response.details.componentFailures)).to.equal('Succeeded');

      const { files: retrieved, result: retrieveResult } = await retrieveSource(conn, [
        { fullName: fixture.name, type: fixture.type },
      ]);
      expect(retrieveResult.response.status).to.equal('Succeeded');
      const back = retrieved.get(`${fixture.folder}/${fixture.name}.${SUFFIX[fixture.folder]}-meta.xml`);
      expect(back, 'retrieved file').to.be.a('string');
      expect(back).to.not.include('<consumerSecret>');
      if (fixture.type === 'Settings') {
        // Settings merge into the org's: every element sent is there with its value.
        const got = normalized(back as string, fixture.spec);
        for (const [k, v] of Object.entries(deployed)) expect(got[k], k).to.deep.equal(v);
      } else {
        const hidden = unreturned(resolveBehaviours(), fixture.type);
        expectRoundTrip(deployed, normalized(back as string, fixture.spec), fixture.spec.fields, fixture.name, hidden);
        for (const name of hidden) {
          if (deployed[name] !== undefined)
            expect(emu().store.component(fixture.type, fixture.name)?.value[name], `${name} stored`).to.deep.equal(
              deployed[name],
            );
        }
      }
      expect(API_VERSION).to.equal('66.0');
    });
  }
});
