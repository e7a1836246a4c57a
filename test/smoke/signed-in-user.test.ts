import { expect } from 'chai';
import { identityOf, sameId } from '../../src/smoke/signed-in-user.js';

describe('the user a token belongs to (identity URL)', () => {
  it('reads the org and user ids of https://<host>/id/<orgId>/<userId>, 15 or 18 characters, and nothing else', () => {
    expect(identityOf('https://login.salesforce.com/id/00D5g000004Zx1AEAS/0055g00000AbCdEAAV')).to.deep.equal({
      orgId: '00D5g000004Zx1AEAS',
      userId: '0055g00000AbCdEAAV',
    });
    expect(identityOf('https://acme.my.salesforce.com/id/00D5g000004Zx1A/0055g00000AbCdE/')).to.deep.equal({
      orgId: '00D5g000004Zx1A',
      userId: '0055g00000AbCdE',
    });
    expect(identityOf(undefined)).to.equal(undefined);
    expect(identityOf('not a url')).to.equal(undefined);
    expect(identityOf('https://idp.example.com/userinfo')).to.equal(undefined);
    expect(identityOf('https://login.salesforce.com/id/00D5g000004Zx1AEAS/0055g00000AbCdEAAV/extra')).to.equal(
      undefined,
    );
  });

  it('compares ids by their first 15 characters, case-sensitively', () => {
    expect(sameId('0055g00000AbCdEAAV', '0055g00000AbCdE')).to.equal(true);
    expect(sameId('0055g00000AbCdEAAV', '0055g00000abcdeAAV')).to.equal(false);
    expect(sameId('', '')).to.equal(false);
  });
});
