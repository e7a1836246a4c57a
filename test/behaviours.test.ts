/*
 * The behaviours table is the one place each Salesforce behaviour is decided: every row names its evidence and tests that
 * exist, every option is documented, and docs/salesforce-behaviours.md is generated from it.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  BEHAVIOURS,
  BEHAVIOUR_OPTIONS,
  BehaviourOptionError,
  behaviourVariants,
  parseBehaviourPairs,
  resolveBehaviours,
} from '../src/emulator/behaviours.js';
import { renderBehavioursDoc } from '../src/emulator/behaviours-doc.js';

const root = new URL('../', import.meta.url);

describe('behaviours table', () => {
  it('gives every row an evidence label, a source and at least one pinning test that exists', () => {
    const ids = new Set<string>();
    for (const row of BEHAVIOURS) {
      expect(ids.has(row.id), `duplicate id ${row.id}`).to.equal(false);
      ids.add(row.id);
      expect(['doc', 'real', 'reported', 'inference']).to.include(row.evidence);
      expect(row.source.length, row.id).to.be.greaterThan(3);
      expect(row.pinnedBy.length, `${row.id} is pinned by no test`).to.be.greaterThan(0);
      for (const pin of row.pinnedBy) {
        const at = pin.indexOf(': ');
        expect(at, `${row.id}: "${pin}" is not "file: title"`).to.be.greaterThan(0);
        const file = pin.slice(0, at);
        const title = pin.slice(at + 2);
        const text = readFileSync(new URL(file, root), 'utf8');
        expect(
          text.includes(`'${title}'`) || text.includes(`"${title}"`) || text.includes(`\`${title}\``),
          `${row.id}: no test titled "${title}" in ${file}`,
        ).to.equal(true);
      }
    }
  });

  it('ties every option to at least one row', () => {
    for (const name of Object.keys(BEHAVIOUR_OPTIONS)) {
      expect(
        BEHAVIOURS.some((r) => r.option === name),
        `option ${name} has no row`,
      ).to.equal(true);
    }
  });

  it('keeps docs/salesforce-behaviours.md generated from the table', () => {
    const doc = readFileSync(new URL('docs/salesforce-behaviours.md', root), 'utf8');
    expect(doc, 'run npm run behaviours').to.equal(renderBehavioursDoc());
  });

  it('parses name=value pairs and refuses unknown names and values with the known ones', () => {
    expect(parseBehaviourPairs(['ecaPkceLock=on']).ecaPkceLock).to.equal('on');
    expect(resolveBehaviours().ecaPkceLock).to.equal(BEHAVIOUR_OPTIONS.ecaPkceLock.default);
    expect(() => parseBehaviourPairs(['nope=1'])).to.throw(BehaviourOptionError, /Known: /);
    expect(() => parseBehaviourPairs(['ecaPkceLock=maybe'])).to.throw(BehaviourOptionError, /off or on/);
    expect(() => parseBehaviourPairs(['ecaPkceLock'])).to.throw(BehaviourOptionError, /name=value/);
  });

  it('lists the defaults and each other value alone as variants', () => {
    const variants = behaviourVariants(['ecaPkceLock', 'oauthTokenId']);
    expect(variants.map((v) => v.label)).to.deep.equal(['defaults', 'ecaPkceLock=on', 'oauthTokenId=id']);
  });
});
