import { expect } from 'chai';
import { Faults } from '../../../src/emulator/faults.js';
import { rehearsalOptions, STRICT_REHEARSAL } from '../../../src/emulator/conformance/rehearsal.js';
import { useEmulator } from '../../helpers/emulator.js';
import {
  PUBLIC_APP,
  SOQL,
  advised,
  badClient,
  browser,
  failing,
  goodClient,
  sleep,
  tempStore,
  verdicts,
} from './helpers.js';

describe('rehearsal mode options', () => {
  it('the strict preset, overridden by explicit values (0 switches an injection off)', () => {
    expect(rehearsalOptions(false, {})).to.equal(undefined);
    expect(rehearsalOptions(true, {})).to.deep.equal(STRICT_REHEARSAL);
    expect(rehearsalOptions(true, { busyEvery: 0, sessionSeconds: 2 })).to.deep.equal({
      ...STRICT_REHEARSAL,
      busyEvery: 0,
      sessionSeconds: 2,
    });
    expect(rehearsalOptions(false, { transientEvery: 4 })).to.deep.equal({ transientEvery: 4 });
  });

  it('a fault rule with `every` fires on every Nth matching request', () => {
    const faults = new Faults();
    faults.add({ match: { grantType: 'refresh_token' }, action: { kind: 'drop' }, every: 3 });
    const fired = Array.from(
      { length: 7 },
      () =>
        faults.take('token', { method: 'POST', path: '/services/oauth2/token', grantType: 'refresh_token' }) !==
        undefined,
    );
    expect(fired).to.deep.equal([false, false, true, false, false, true, false]);
  });
});

describe('rehearsal mode: injected busy and transient refresh errors, short sessions', function () {
  this.timeout(60_000);
  const emu = useEmulator({ rehearsal: { sessionSeconds: 1, busyEvery: 2, transientEvery: 3 } });

  /** Logs in, refreshes four times, lets the session expire and calls the API again. */
  const rehearse = async (
    client: ReturnType<typeof goodClient> | ReturnType<typeof badClient>,
  ): Promise<Error | undefined> => {
    try {
      await client.login(browser);
      for (let i = 0; i < 4; i++) await client.refresh();
      await sleep(1100);
      await client.query(SOQL);
      return undefined;
    } catch (e) {
      return e as Error;
    }
  };

  it('a client with backoff and retries passes, having met busy, transient and expired-session answers', async () => {
    expect(await rehearse(goodClient(emu(), PUBLIC_APP))).to.equal(undefined);
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal([]);
    expect(verdicts(report, PUBLIC_APP)['retry.transient']).to.equal('pass');
    expect(verdicts(report, PUBLIC_APP)['session.expiry']).to.equal('pass');
    const counts = report.clients[0].requirements.find((r) => r.id === 'retry.transient')?.counts;
    expect(counts?.busy).to.be.greaterThan(0);
    expect(counts?.transient).to.be.greaterThan(0);
    expect(counts?.retriedAfterBackoff).to.equal((counts?.busy ?? 0) + (counts?.transient ?? 0));
  });

  it('a client that retries at once gets advice on retry.transient and fails nothing', async () => {
    expect(await rehearse(badClient(emu(), PUBLIC_APP, ['no-backoff']))).to.equal(undefined);
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal([]);
    expect(advised(report, PUBLIC_APP)).to.deep.equal(['retry.transient']);
    expect(report.success).to.equal(true);
    expect(
      report.clients[0].requirements.find((r) => r.id === 'retry.transient')?.counts.retriedTooSoon,
    ).to.be.greaterThan(0);
  });

  it('a client that gives up a refresh token on a busy answer fails retry.transient (abandoned) and nothing else', async () => {
    const error = await rehearse(badClient(emu(), PUBLIC_APP, []));
    expect(error?.message).to.include('token request is already being processed');
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal(['retry.transient']);
    expect(report.clients[0].requirements.find((r) => r.id === 'retry.transient')?.counts.abandoned).to.equal(1);
  });

  it('a client that resends its expired access token fails session.expiry and nothing else', async () => {
    const client = badClient(emu(), PUBLIC_APP, ['resend-expired-token']);
    await client.login(browser);
    await sleep(1100);
    await client.query(SOQL).catch(() => undefined);
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal(['session.expiry']);
    expect(report.clients[0].requirements.find((r) => r.id === 'session.expiry')?.counts).to.include({
      expiredSessions: 1,
      expiredTokenResent: 3,
    });
  });
});

describe('rehearsal mode: a slow token endpoint makes parallel refreshes overlap', () => {
  const emu = useEmulator({ rehearsal: { tokenMs: 60 } });

  it('the duplicate gets "token request is already being processed" and fails rtr.parallel only', async () => {
    const store = tempStore();
    const first = badClient(emu(), PUBLIC_APP, [], store);
    await first.login(browser);
    const results = await Promise.allSettled([first.refresh(), badClient(emu(), PUBLIC_APP, [], store).refresh()]);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).to.deep.equal([
      'Error: Refresh failed: token request is already being processed',
    ]);
    const report = emu().conformanceReport();
    expect(failing(report, PUBLIC_APP)).to.deep.equal(['rtr.parallel']);
    expect(report.clients[0].requirements.find((r) => r.id === 'rtr.parallel')?.counts.duplicateInFlight).to.equal(1);
  });
});
