/*
 * A rollout's cache of retrieved files (apps/catalog.ts RetrieveCache), under every way an org may report
 * listMetadata's lastModifiedDate (behaviour listMetadataDates): a later phase retrieves only what changed since the run
 * read it, a change made by someone else in between is read again, and an org whose dates never move is found out by
 * the run's own first change, so no phase ever plans a deploy from a stale copy.
 */
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { behaviourVariants } from '../../src/emulator/behaviours.js';
import { loadCatalog, RetrieveCache, flagLocation } from '../../src/apps/catalog.js';
import { readLeaf } from '../../src/metadata/flag-edit.js';
import { applyToggle, planToggle } from '../../src/metadata/toggle.js';
import { parsePlan } from '../../src/rollout/plan.js';
import { runRollout } from '../../src/rollout/run.js';
import { toMarkdown } from '../../src/rollout/summary.js';
import {
  approveForAdmin,
  orgFlags,
  orgRequiresPkce,
  privateDirs,
  rolloutContext,
  secretsEnv,
  WAIVE_VENDORS,
} from './helpers.js';

const FULL = parsePlan(`apps: [all-in-scope]\n${WAIVE_VENDORS}`);

for (const variant of behaviourVariants(['listMetadataDates'])) {
  const frozen = variant.behaviours.listMetadataDates === 'frozen';

  describe(`a rollout's cache of retrieved files (${variant.label})`, function () {
    this.timeout(120_000);
    const emu = useEmulator(() => ({ behaviours: variant.behaviours }));

    beforeEach(() => {
      privateDirs();
      approveForAdmin(emu());
    });

    it('a whole rollout ends with PKCE and rotation on for every app, the cache serving only what did not change', async () => {
      const cache = new RetrieveCache();
      const ctx = { ...(await rolloutContext(emu(), secretsEnv(emu()))), catalogCache: cache };
      const result = await runRollout(ctx, { plan: FULL, planFile: 'plan.yaml' });
      expect(result.status, toMarkdown(result)).to.equal('completed');
      expect(orgRequiresPkce(emu())).to.equal(true);
      for (const app of result.apps) {
        expect(orgFlags(emu()).get(app), app).to.deep.equal({ pkce: true, rtr: true });
      }
      if (frozen) {
        // The PKCE change did not move the dates: the cache turned itself off, and later phases read everything.
        expect(cache.enabled).to.equal(false);
      } else {
        expect(cache.enabled).to.equal(true);
        expect(cache.counts.hits).to.be.greaterThan(cache.counts.misses);
      }
    });

    it('a change made by someone else between two reads is read again where dates move (a known limit where they never do)', async () => {
      const { conn, orgId, username, instanceUrl } = await rolloutContext(emu(), secretsEnv(emu()));
      const cache = new RetrieveCache();
      const pkceOf = async (app: string): Promise<string | undefined> => {
        const catalog = await loadCatalog(conn, { apps: [app], cache, orgSettings: false });
        const found = catalog.apps.find((a) => a.name === app);
        const loc = found && flagLocation(found);
        return loc ? readLeaf(loc.file.xml, loc.path, 'isPkceRequired') : undefined;
      };
      expect(await pkceOf('Partner_Portal_Sync')).to.equal('false');
      const misses = cache.counts.misses;
      // Another admin turns PKCE on (a deploy the run's cache is not told about).
      const plan = await planToggle(conn, { setting: 'pkce', value: true, apps: ['Partner_Portal_Sync'] });
      const outcome = await applyToggle(conn, plan, {
        backup: { orgId, username, instanceUrl, operation: 'another admin turns PKCE on' },
      });
      expect(outcome.failed).to.equal(false);
      const again = await pkceOf('Partner_Portal_Sync');
      if (frozen) {
        expect(again, "the stale copy: what the run's own defences are for").to.equal('false');
      } else {
        expect(again).to.equal('true');
        expect(cache.counts.misses).to.be.greaterThan(misses);
      }
    });
  });
}
