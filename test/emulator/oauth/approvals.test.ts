/*
 * Five refresh-token approvals per user and app: a sixth revokes the oldest, whose refresh token then fails as a
 * revoked one does. Other users and other apps are not counted.
 */
import { expect } from 'chai';
import { APPROVALS_PER_USER_AND_APP } from '../../../src/emulator/store/store.js';
import { useEmulator } from '../../helpers/emulator.js';
import { app, expectError, OPS, token, tokensFor, userinfoStatus } from './helpers.js';

const refresh = (clientId: string, refreshToken: string, secret?: string): Record<string, string | undefined> => ({
  grant_type: 'refresh_token',
  client_id: clientId,
  refresh_token: refreshToken,
  client_secret: secret,
});

describe('oauth approvals per user and app', () => {
  const emu = useEmulator();

  it('a sixth approval of one app by one user revokes the oldest, whose refresh token then fails with invalid_grant', async () => {
    expect(APPROVALS_PER_USER_AND_APP).to.equal(5);
    const a = app(emu(), 'Acme_Mobile');
    const approvals: Array<Record<string, string>> = [];
    for (let i = 0; i < 5; i++) approvals.push(await tokensFor(emu(), 'Acme_Mobile'));
    const admin = emu().store.adminUser().id;
    expect(emu().store.approvalsOf(admin, a.clientId, 'Acme Mobile')).to.have.length(5);
    // The first still works with five.
    expect((await token(emu(), refresh(a.clientId, approvals[0].refresh_token))).status).to.equal(200);

    const sixth = await tokensFor(emu(), 'Acme_Mobile');
    expectError(
      await token(emu(), refresh(a.clientId, approvals[0].refresh_token)),
      'invalid_grant',
      'expired access/refresh token',
    );
    expect(await userinfoStatus(emu(), approvals[0].access_token)).to.equal(403);
    for (const kept of [...approvals.slice(1), sixth])
      expect((await token(emu(), refresh(a.clientId, kept.refresh_token))).status).to.equal(200);
    expect(emu().store.approvalsOf(admin, a.clientId, 'Acme Mobile')).to.have.length(5);

    // Another user of the same app (who already holds a seed approval) and another app of the same user are untouched.
    const ops = await tokensFor(emu(), 'Acme_Mobile', OPS);
    const other = await tokensFor(emu(), 'Field_Service_App');
    expect((await token(emu(), refresh(a.clientId, ops.refresh_token))).status).to.equal(200);
    expect(
      (await token(emu(), refresh(app(emu(), 'Field_Service_App').clientId, other.refresh_token))).status,
    ).to.equal(200);
    expect(
      emu().store.approvalsOf(emu().store.userByUsername(OPS)?.id ?? '', a.clientId, 'Acme Mobile'),
    ).to.have.length(2);
  });

  it('counts seed approvals (OauthToken rows the emulator holds no token for) and evicts them first when oldest', async () => {
    const a = app(emu(), 'Acme_Mobile');
    const ops = emu().store.userByUsername(OPS)?.id ?? '';
    const seedRow = emu().store.approvalsOf(ops, a.clientId, 'Acme Mobile')[0];
    expect(seedRow.clientId).to.equal('');
    for (let i = 0; i < 4; i++) await tokensFor(emu(), 'Acme_Mobile', OPS);
    expect(seedRow.revoked).to.equal(false);
    await tokensFor(emu(), 'Acme_Mobile', OPS);
    expect(seedRow.revoked).to.equal(true);
    expect(emu().store.approvalsOf(ops, a.clientId, 'Acme Mobile')).to.have.length(5);
  });
});
