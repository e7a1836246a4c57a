import { expect } from 'chai';
import { challengeOf, newPkcePair } from '../../src/oauth/pkce.js';

describe('PKCE pairs', () => {
  it('matches the RFC 7636 appendix B example', () => {
    expect(challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).to.equal(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes fresh 43-character base64url verifiers with their S256 challenge', () => {
    const a = newPkcePair();
    const b = newPkcePair();
    expect(a.verifier).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(a.verifier).not.to.equal(b.verifier);
    expect(a.challenge).to.equal(challengeOf(a.verifier));
    expect(a.method).to.equal('S256');
  });
});
