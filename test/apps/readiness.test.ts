import { expect } from 'chai';
import type { CatalogApp } from '../../src/apps/catalog.js';
import { csvCell } from '../../src/apps/csv.js';
import { closeMatches } from '../../src/apps/inventory.js';
import type { OrgOAuthSettings, TokenUsage } from '../../src/apps/model.js';
import { readOrgSettings } from '../../src/apps/org-settings.js';
import { activityOf, assess, needsAction, RULES, type Facts } from '../../src/apps/readiness.js';
import {
  connectedAppRefreshPolicy,
  ecaRefreshPolicy,
  flowsInUse,
  ipRelaxation,
  readAppSettings,
  type AppSettings,
} from '../../src/apps/settings.js';
import { EMPTY_USAGE } from '../../src/apps/usage.js';

const ORG: OrgOAuthSettings = {
  requirePkce: false,
  usernamePasswordFlowBlocked: true,
  userAgentFlowBlocked: false,
  codeCredentialFlowAllowed: false,
};
const ACTIVE: TokenUsage = { holders: 1, activeHolders: 1, staleHolders: 0, lastUsed: '2026-01-01T00:00:00.000Z' };

function connectedApp(
  config: string,
  policy = '<ipRelaxation>ENFORCE</ipRelaxation><refreshTokenPolicy>infinite</refreshTokenPolicy>',
): CatalogApp {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>My App</label>
    <oauthConfig>
        <callbackUrl>https://example.com/cb</callbackUrl>
        ${config}
    </oauthConfig>
    <oauthPolicy>${policy}</oauthPolicy>
</ConnectedApp>`;
  return {
    name: 'My_App',
    kind: 'ConnectedApp',
    namespacePrefix: null,
    header: { type: 'ConnectedApp', fullName: 'My_App', xml },
    parts: {},
  };
}

function facts(settings: AppSettings, usage: TokenUsage = ACTIVE): Facts {
  const flows = flowsInUse(settings, usage);
  return { settings, flows, usage, activity: activityOf(usage, flows), owner: { type: 'org' }, org: ORG, days: 90 };
}

describe('app settings from metadata', () => {
  it('reads a Connected App: client type, scopes, flags, policy, IP relaxation, admin approval', () => {
    const s = readAppSettings(
      connectedApp(
        '<consumerKey>KEY</consumerKey><isAdminApproved>true</isAdminApproved><isConsumerSecretOptional>true</isConsumerSecretOptional><isPkceRequired>true</isPkceRequired><isRefreshTokenRotationEnabled>false</isRefreshTokenRotationEnabled><isSecretRequiredForRefreshToken>false</isSecretRequiredForRefreshToken><scopes>Api</scopes><scopes>OfflineAccess</scopes>',
        '<ipRelaxation>BYPASS_2FACTOR</ipRelaxation><refreshTokenPolicy>specific_lifetime:4:HOURS</refreshTokenPolicy>',
      ),
    );
    expect(s).to.include({
      label: 'My App',
      clientType: 'public',
      refreshScope: true,
      pkceRequired: true,
      rtrEnabled: false,
      secretRequiredForRefresh: false,
      permittedUsers: 'admin-approved',
      ipRelaxation: 'bypass-with-second-factor',
      consumerKey: 'KEY',
    });
    expect(s.scopes).to.deep.equal(['Api', 'OfflineAccess']);
    expect(s.refreshTokenPolicy).to.deep.equal({ type: 'specific-lifetime', period: 4, unit: 'hours' });
  });

  it('takes documented defaults for absent elements (PKCE and RTR off, secret required, confidential)', () => {
    const s = readAppSettings(connectedApp('<scopes>Api</scopes>'));
    expect(s).to.include({
      clientType: 'confidential',
      pkceRequired: false,
      rtrEnabled: false,
      secretRequiredForRefresh: true,
      refreshScope: false,
      permittedUsers: 'self-authorized',
    });
  });

  it('parses refresh token policies and IP relaxation of both kinds', () => {
    expect(connectedAppRefreshPolicy('specific_inactivity:30:DAYS')).to.deep.equal({
      type: 'specific-inactivity',
      period: 30,
      unit: 'days',
    });
    expect(connectedAppRefreshPolicy('zero')).to.deep.equal({ type: 'zero' });
    expect(connectedAppRefreshPolicy(undefined)).to.deep.equal({ type: 'infinite' });
    expect(ecaRefreshPolicy('SpecificLifetime', '2', 'Months')).to.deep.equal({
      type: 'specific-lifetime',
      period: 2,
      unit: 'months',
    });
    expect(ecaRefreshPolicy('Infinite', undefined, undefined)).to.deep.equal({ type: 'infinite' });
    expect(ipRelaxation('Enforce_RelaxRefresh')).to.equal('relax-for-refresh');
    expect(ipRelaxation('Bypass')).to.equal('bypass');
  });

  it('reads the org-wide settings, unknown when the file is missing', () => {
    const xml =
      '<OauthOidcSettings xmlns="http://soap.sforce.com/2006/04/metadata"><blockOAuthUnPwFlow>true</blockOAuthUnPwFlow><isPkceRequired>true</isPkceRequired></OauthOidcSettings>';
    expect(readOrgSettings({ type: 'Settings', fullName: 'OauthOidc', xml })).to.deep.equal({
      requirePkce: true,
      usernamePasswordFlowBlocked: true,
      userAgentFlowBlocked: false,
      codeCredentialFlowAllowed: false,
    });
    expect(readOrgSettings(undefined).requirePkce).to.equal(null);
  });
});

describe('flows in use', () => {
  it('a certificate app with no refresh scope and no OauthToken usage is not an authorization code app', () => {
    const s = readAppSettings(connectedApp('<certificate>MIIB</certificate><scopes>Api</scopes>'));
    expect(flowsInUse(s, EMPTY_USAGE)).to.deep.equal(['jwt-bearer']);
  });

  it('the same app with OauthToken approvals, or a refresh scope, uses the authorization code flow too', () => {
    const s = readAppSettings(connectedApp('<certificate>MIIB</certificate><scopes>Api</scopes>'));
    expect(flowsInUse(s, ACTIVE)).to.deep.equal(['authorization-code', 'jwt-bearer']);
    const r = readAppSettings(
      connectedApp(
        '<isClientCredentialEnabled>true</isClientCredentialEnabled><oauthClientCredentialUser>u@x</oauthClientCredentialUser><scopes>RefreshToken</scopes>',
      ),
    );
    expect(flowsInUse(r, EMPTY_USAGE)).to.deep.equal(['authorization-code', 'client-credentials']);
  });

  it('an app with only a callback URL uses the authorization code flow', () => {
    expect(flowsInUse(readAppSettings(connectedApp('<scopes>Api</scopes>')), EMPTY_USAGE)).to.deep.equal([
      'authorization-code',
    ]);
  });
});

describe('readiness rules', () => {
  const ids = (f: Facts, kind: 'break' | 'posture'): string[] =>
    RULES.filter((r) => r.kind === kind && r.fails(f)).map((r) => r.id);

  it('every rule has a unique id and a wording', () => {
    expect(new Set(RULES.map((r) => r.id)).size).to.equal(RULES.length);
  });

  it('break conditions: PKCE off on a code flow, RTR off with refresh scope; nothing else breaks', () => {
    const f = facts(readAppSettings(connectedApp('<scopes>RefreshToken</scopes>')));
    expect(ids(f, 'break')).to.deep.equal(['pkce-off', 'rtr-off']);
    expect(assess(f)).to.deep.include({
      verdict: 'breaks',
      breaksAtEnforcement: true,
      reasons: ['PKCE off', 'issues refresh tokens without RTR'],
    });
    // A "zero" policy expires refresh tokens at once: nothing to rotate.
    const zero = facts(
      readAppSettings(
        connectedApp(
          '<isPkceRequired>true</isPkceRequired><scopes>RefreshToken</scopes>',
          '<refreshTokenPolicy>zero</refreshTokenPolicy>',
        ),
      ),
    );
    expect(ids(zero, 'break')).to.deep.equal([]);
  });

  it('a refresh token valid until revoked is a posture finding, not a break', () => {
    const s = readAppSettings(
      connectedApp(
        '<isPkceRequired>true</isPkceRequired><isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled><scopes>RefreshToken</scopes>',
        '<refreshTokenPolicy>infinite</refreshTokenPolicy>',
      ),
    );
    const a = assess(facts(s));
    expect(a).to.deep.include({ verdict: 'ready', breaksAtEnforcement: false, reasons: [] });
    expect(a.findings).to.include('refresh tokens valid until revoked');
  });

  it('client credentials without a run-as user is a posture finding: the flow cannot work, enforcement changes nothing', () => {
    const cc = facts(
      readAppSettings(connectedApp('<isClientCredentialEnabled>true</isClientCredentialEnabled><scopes>Api</scopes>')),
      EMPTY_USAGE,
    );
    expect(ids(cc, 'break')).to.deep.equal([]);
    expect(ids(cc, 'posture')).to.include('client-credentials-no-user');
    const a = assess(cc);
    expect(a.breaksAtEnforcement).to.equal(false);
    expect(a.findings).to.include('client credentials flow on without a run-as user (it cannot issue tokens)');
  });

  it('a compliant app is ready; a 90-day idle lifetime is a posture finding', () => {
    const s = readAppSettings(
      connectedApp(
        '<isAdminApproved>true</isAdminApproved><isPkceRequired>true</isPkceRequired><isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled><scopes>RefreshToken</scopes>',
        '<ipRelaxation>ENFORCE</ipRelaxation><refreshTokenPolicy>specific_inactivity:90:DAYS</refreshTokenPolicy>',
      ),
    );
    const a = assess(facts(s));
    expect(a).to.deep.include({ verdict: 'ready', breaksAtEnforcement: false, reasons: [] });
    expect(a.findings).to.deep.equal(['refresh tokens live longer than 30 days (90 days)']);
  });

  it('posture: self-authorization, IP bypass, relaxed refresh', () => {
    const s = readAppSettings(
      connectedApp(
        '<isPkceRequired>true</isPkceRequired><scopes>Api</scopes>',
        '<ipRelaxation>ENFORCE_RELAXREFRESH</ipRelaxation><refreshTokenPolicy>infinite</refreshTokenPolicy>',
      ),
    );
    expect(ids(facts(s), 'posture')).to.deep.equal(['self-authorized', 'ip-relax-refresh']);
  });

  it('PKCE off on an app is a posture finding when the org already requires PKCE, a break when not or unknown', () => {
    const settings = readAppSettings(connectedApp('<isAdminApproved>true</isAdminApproved><scopes>Api</scopes>'));
    const covered = assess({ ...facts(settings), org: { ...ORG, requirePkce: true } });
    expect(covered).to.deep.include({ verdict: 'ready', breaksAtEnforcement: false, reasons: [] });
    expect(covered.findings).to.deep.equal(['PKCE off on the app (org-wide Require PKCE already enforces it)']);
    for (const requirePkce of [false, null]) {
      expect(assess({ ...facts(settings), org: { ...ORG, requirePkce } })).to.deep.include({
        verdict: 'breaks',
        reasons: ['PKCE off'],
      });
    }
  });

  it('needs-action keeps failing and unknown apps and active untracked apps not owned by Salesforce', () => {
    expect(needsAction({ verdict: 'breaks', activity: 'active', owner: { type: 'org' } })).to.equal(true);
    expect(needsAction({ verdict: 'ready', activity: 'active', owner: { type: 'org' } })).to.equal(false);
    expect(needsAction({ verdict: 'untracked', activity: 'active', owner: { type: 'unknown' } })).to.equal(true);
    expect(needsAction({ verdict: 'untracked', activity: 'active', owner: { type: 'salesforce' } })).to.equal(false);
    expect(needsAction({ verdict: 'untracked', activity: 'dormant', owner: { type: 'unknown' } })).to.equal(false);
  });
});

describe('CSV cells and close matches', () => {
  it('quotes separators and neutralizes formulas', () => {
    expect(csvCell('a,b')).to.equal('"a,b"');
    expect(csvCell('say "hi"')).to.equal('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).to.equal('"\'=HYPERLINK(""x"")"');
    expect(csvCell(12)).to.equal('12');
    expect(csvCell(null)).to.equal('');
  });

  it('suggests names by edit distance or containment, best first', () => {
    const known = [
      { name: 'Partner_Portal_Sync', keys: ['Partner_Portal_Sync', 'Partner Portal Sync'] },
      { name: 'Reporting_Portal', keys: ['Reporting_Portal', 'Reporting Portal'] },
      { name: 'Acme_Mobile', keys: ['Acme_Mobile', 'Acme Mobile'] },
    ];
    expect(closeMatches(['partner portal synk'], known)).to.deep.equal(['Partner_Portal_Sync']);
    expect(closeMatches(['Portal'], known)).to.deep.equal(['Partner_Portal_Sync', 'Reporting_Portal']);
    expect(closeMatches(['zzzzzzzz'], known)).to.deep.equal([]);
    // Levenshtein distance (fastest-levenshtein): one substitution ranks before a substitution plus a deletion.
    const near = [
      { name: 'Acme_Noble', keys: ['Acme_Noble'] },
      { name: 'Acme_Mobile', keys: ['Acme_Mobile'] },
    ];
    expect(closeMatches(['Acme_Mobyle'], near)).to.deep.equal(['Acme_Mobile', 'Acme_Noble']);
  });
});
