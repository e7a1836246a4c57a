/*
 * Approval headroom: the smoke user already holds approvals of the app (one of them standing for a live integration's
 * token); the checks must never push the user past Salesforce's five approvals per user and app (the emulator revokes
 * the oldest on a sixth, as Salesforce does), and an app without headroom is refused with the reason, never failed.
 */
import { expect } from 'chai';
import type { Connection } from '@salesforce/core';
import type { OrgEmulator } from '../../src/emulator/server.js';
import { ApprovalGuard, APPROVAL_LIMIT, CHECK_APPROVALS, peakApprovals } from '../../src/smoke/headroom.js';
import { PKCE_CHECKS } from '../../src/smoke/pkce-checks.js';
import { RTR_CHECKS } from '../../src/smoke/rtr-checks.js';
import { coreConnection } from '../helpers/core.js';
import { useEmulator } from '../helpers/emulator.js';
import { app, token, tokensFor } from '../emulator/oauth/helpers.js';
import { verifyApps } from './harness.js';

const APP = 'Field_Service_App';
const LABEL = 'Field Service App';

/** Watches every new approval of the app by the user: the most held at once (before any eviction) and the evictions. */
function watchApprovals(
  emu: OrgEmulator,
  userId: string,
  clientId: string,
): { peak: () => number; evicted: string[]; created: () => number } {
  const store = emu.store;
  const original = store.createGrant.bind(store);
  let peak = 0;
  let created = 0;
  const evicted: string[] = [];
  store.createGrant = (...args: Parameters<typeof original>): ReturnType<typeof original> => {
    const result = original(...args);
    if (args[0] === clientId && args[2] === userId) {
      created++;
      peak = Math.max(peak, store.approvalsOf(userId, clientId, LABEL).length + result.evicted.length);
    }
    evicted.push(...result.evicted.map((g) => g.id));
    return result;
  };
  return { peak: () => peak, evicted, created: () => created };
}

/** `n` approvals of the app by the admin through the real OAuth flow; the first stands for an integration's token. */
async function holdApprovals(emu: OrgEmulator, n: number): Promise<string[]> {
  const refreshTokens: string[] = [];
  for (let i = 0; i < n; i++) refreshTokens.push((await tokensFor(emu, APP)).refresh_token);
  return refreshTokens;
}

async function stillWorks(emu: OrgEmulator, refreshToken: string): Promise<number> {
  return (
    await token(emu, { grant_type: 'refresh_token', client_id: app(emu, APP).clientId, refresh_token: refreshToken })
  ).status;
}

describe('approval headroom: the checks and what they hold', () => {
  it('names every PKCE and RTR check in order, and holds at most one approval at a time', () => {
    expect(CHECK_APPROVALS.pkce.map((c) => c.id)).to.deep.equal(PKCE_CHECKS.map((c) => c.id));
    expect(CHECK_APPROVALS.rtr.map((c) => c.id)).to.deep.equal(RTR_CHECKS.map((c) => c.id));
    expect(peakApprovals('pkce')).to.equal(1);
    expect(peakApprovals('rtr')).to.equal(1);
    expect(APPROVAL_LIMIT).to.equal(5);
  });
});

describe('approval headroom against the emulator', function () {
  this.timeout(60_000);
  const emulator = useEmulator();
  let conn: Connection;
  let guard: ApprovalGuard;
  let adminId: string;

  beforeEach(async () => {
    conn = await coreConnection(emulator());
    adminId = emulator().store.adminUser().id;
    guard = await ApprovalGuard.forUsername(conn, emulator().store.adminUser().username, 'another user');
  });

  it('rtr: with four approvals held, the run never holds more than five and the oldest approval still works', async () => {
    const emu = emulator();
    const [integration] = await holdApprovals(emu, 4);
    const watch = watchApprovals(emu, adminId, app(emu, APP).clientId);
    const h = await verifyApps(conn, 'rtr', [APP], { approvals: guard });
    expect(h.byApp(APP).verdict, JSON.stringify(h.byApp(APP).checks)).to.equal('pass');
    // rotation's chain is revoked before concurrent-refresh starts the second one: never two at once.
    expect(watch.created()).to.equal(2);
    expect(watch.peak()).to.equal(5);
    expect(watch.evicted).to.deep.equal([]);
    expect(await stillWorks(emu, integration)).to.equal(200);
    expect(emu.store.approvalsOf(adminId, app(emu, APP).clientId, LABEL)).to.have.length(4);
  });

  it('pkce: asking for `api` only makes no approval, so it runs even when the user holds five', async () => {
    const emu = emulator();
    const [integration] = await holdApprovals(emu, 5);
    const watch = watchApprovals(emu, adminId, app(emu, APP).clientId);
    const h = await verifyApps(conn, 'pkce', [APP], { approvals: guard });
    expect(h.byApp(APP).verdict, JSON.stringify(h.byApp(APP).checks)).to.equal('pass');
    expect(watch.created()).to.equal(0);
    expect(watch.evicted).to.deep.equal([]);
    expect(await stillWorks(emu, integration)).to.equal(200);
    expect(peakApprovals('pkce', { pkceScopeRequest: 'api', refreshScopeRequest: 'refresh_token api' })).to.equal(0);
    expect(
      peakApprovals('pkce', { pkceScopeRequest: undefined, refreshScopeRequest: 'refresh_token api' }),
      'the app default may bring a refresh token',
    ).to.equal(1);
  });

  it('with five approvals held, refuses the app with the reason and the action, makes no approval and fails nothing', async () => {
    const emu = emulator();
    const [integration] = await holdApprovals(emu, 5);
    const watch = watchApprovals(emu, adminId, app(emu, APP).clientId);
    const h = await verifyApps(conn, 'rtr', [APP, 'Ops_Dashboard_Local'], { approvals: guard });
    const run = h.byApp(APP);
    expect(run.verdict).to.equal('error');
    expect(run.checks.map((c) => c.verdict)).to.deep.equal(RTR_CHECKS.map(() => 'error'));
    expect(run.error).to.include(
      `admin@acme.example.com.uat already holds 5 of the 5 approvals Salesforce keeps per user for ${LABEL}`,
    );
    expect(run.error).to.include("a live integration's token");
    expect(run.action).to.include('another user').and.to.include('Connected Apps OAuth Usage');
    expect(run.checks[0].note).to.match(/^Not run: /);
    expect(watch.created()).to.equal(0);
    expect(await stillWorks(emu, integration)).to.equal(200);
    // Another app of the same user has its own five.
    expect(
      h.byApp('Ops_Dashboard_Local').checks.every((c) => c.verdict !== 'error'),
      JSON.stringify(h.byApp('Ops_Dashboard_Local')),
    ).to.equal(true);
  });

  it('counts seed approvals (rows whose tokens the emulator never saw) and ECA rows under the developer name', async () => {
    const emu = emulator();
    await holdApprovals(emu, 2);
    const headroom = await guard.headroom(
      { app: APP, appLabel: LABEL, refreshScopeRequest: 'refresh_token api' },
      'rtr',
    );
    expect(headroom.approvals).to.have.length(2);
    expect(headroom.appNames).to.deep.equal([LABEL, APP]);
    expect(headroom.ok).to.equal(true);
    const support = await guard.headroom(
      { app: 'Support_Console', appLabel: 'Support Console', refreshScopeRequest: 'refresh_token api' },
      'rtr',
    );
    expect(support.approvals).to.have.length(1);
    expect(support.approvals[0].createdDate).to.match(/^\d{4}-/);
  });

  it('stops before a check that would pass the limit when this run still holds approvals it could not revoke', async () => {
    const headroom = await guard.headroom(
      { app: APP, appLabel: LABEL, refreshScopeRequest: 'refresh_token api' },
      'rtr',
    );
    expect(() =>
      guard.beforeCheck(
        { ...headroom, approvals: Array.from({ length: 3 }, () => ({ createdDate: null, lastUsedDate: null })) },
        2,
        1,
      ),
    ).to.throw(/would pass the limit of 5 \(approval limit\)/);
    expect(() =>
      guard.beforeCheck(
        { ...headroom, approvals: Array.from({ length: 3 }, () => ({ createdDate: null, lastUsedDate: null })) },
        1,
        1,
      ),
    ).not.to.throw();
    expect(
      () =>
        guard.beforeCheck(
          { ...headroom, approvals: Array.from({ length: 5 }, () => ({ createdDate: null, lastUsedDate: null })) },
          0,
          0,
        ),
      'a check that creates none',
    ).not.to.throw();
  });
});
