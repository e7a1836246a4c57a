import { expect } from 'chai';
import { appVerdict, DECIDING_CHECK, type CheckResult, type Verdict } from '../../src/smoke/model.js';

function check(id: string, verdict: Verdict, extra: Partial<CheckResult> = {}): CheckResult {
  return { id, title: id, verdict, evidence: { at: 'none' }, note: `${id} ${verdict}`, ms: 0, ...extra };
}

describe('app verdict (smoke model)', () => {
  it('the deciding check is the S256 flow for PKCE and rotation for RTR', () => {
    expect(DECIDING_CHECK).to.deep.equal({ pkce: 's256-flow', rtr: 'rotation' });
  });

  it('pass: nothing failed or erred and the deciding check passed', () => {
    expect(appVerdict('pkce', [check('s256-flow', 'pass'), check('plain-method', 'info')])).to.equal('pass');
    expect(appVerdict('rtr', [check('rotation', 'pass'), check('chain-revoked', 'not-applicable')])).to.equal('pass');
  });

  it('fail wins over everything; error (a check, or the run) over pass and not proven', () => {
    expect(appVerdict('pkce', [check('s256-flow', 'pass'), check('wrong-verifier', 'fail')])).to.equal('fail');
    expect(appVerdict('pkce', [check('s256-flow', 'error'), check('wrong-verifier', 'fail')])).to.equal('fail');
    expect(appVerdict('pkce', [check('s256-flow', 'pass'), check('wrong-verifier', 'error')])).to.equal('error');
    expect(appVerdict('rtr', [check('rotation', 'not-applicable')], 'HTTP 503')).to.equal('error');
  });

  it('not-proven: other checks passed, but the deciding check could not be made or did not run', () => {
    // A confidential PKCE app tested without its consumer secret.
    const noSecret = [
      check('s256-flow', 'not-applicable'),
      check('authorize-without-challenge', 'pass'),
      check('wrong-verifier', 'not-applicable'),
      check('client-authentication', 'pass'),
      check('plain-method', 'info'),
    ];
    expect(appVerdict('pkce', noSecret)).to.equal('not-proven');
    expect(appVerdict('pkce', [check('wrong-verifier', 'pass')])).to.equal('not-proven');
    expect(appVerdict('rtr', [check('rotation', 'not-applicable'), check('reuse-rejected', 'pass')])).to.equal(
      'not-proven',
    );
    expect(appVerdict('pkce', [])).to.equal('not-proven');
    // The kind decides which check counts: an RTR run's S256 pass proves nothing about rotation.
    expect(appVerdict('rtr', [check('s256-flow', 'pass')])).to.equal('not-proven');
  });

  it('not-applicable only when the deciding check is marked out of scope (RTR on an app without refresh scope)', () => {
    const noRefreshScope = [
      check('rotation', 'not-applicable', { outOfScope: true }),
      check('new-token-works', 'not-applicable', { outOfScope: true }),
    ];
    expect(appVerdict('rtr', noRefreshScope)).to.equal('not-applicable');
    // Every check not applicable, but for want of a secret: still not proven.
    expect(
      appVerdict('rtr', [check('rotation', 'not-applicable'), check('new-token-works', 'not-applicable')]),
    ).to.equal('not-proven');
    // Another check out of scope does not make the app so.
    expect(
      appVerdict('rtr', [
        check('rotation', 'not-applicable'),
        check('chain-revoked', 'not-applicable', { outOfScope: true }),
      ]),
    ).to.equal('not-proven');
  });
});
