/*
 * THE table of Salesforce behaviours the emulator models and the client is written against: one row per behaviour, with
 * its evidence label and the test that pins it. When a real org proves a row wrong, change that row (and, for an
 * option, its default) here; docs/salesforce-behaviours.md is generated from this table (`npm run behaviours`) and a test
 * fails when the two disagree or a row names a test that does not exist.
 *
 * Evidence labels:
 * - `doc`: Salesforce documentation says so;
 * - `real`: seen in a real org's answer (a real client library's code that handles it, a captured answer);
 * - `reported`: a public bug report or third-party tool says so;
 * - `inference`: our reading where no source says it outright.
 *
 * Where evidence is thin the behaviour is an option (`OrgEmulator.start({ behaviours })`,
 * `sf oauth emulator start --behaviour name=value`) whose default is the most likely value; the client is tested under
 * every value.
 */

export type Evidence = 'doc' | 'real' | 'reported' | 'inference';

/** The emulator options that switch between behaviours Salesforce is known or suspected to show. */
export const BEHAVIOUR_OPTIONS = {
  /** How `/services/oauth2/revoke` answers an unknown or dead token. */
  revokeErrorEncoding: { values: ['form', 'json'], default: 'form' },
  /** How authorize answers an error it cannot send to a trusted callback (unknown client id, redirect mismatch). */
  untrustedAuthorizeError: { values: ['body', 'error-page'], default: 'body' },
  /** What `OauthToken.Id` holds. */
  oauthTokenId: { values: ['null', 'id'], default: 'null' },
  /** Whether SOQL aggregates (`COUNT(field)`, `GROUP BY`, `MAX()`) run on OauthToken. */
  oauthTokenAggregates: { values: ['refused', 'supported'], default: 'refused' },
  /** Whether an ECA's `certificate` comes back on retrieve. */
  ecaCertificateReadBack: { values: ['omitted', 'returned'], default: 'omitted' },
  /** Whether the `ExtlClntAppOauthSettings` sObject answers `ClientAssertionCertificate` (the ECA's certificate, or null). */
  ecaCertificateField: { values: ['queryable', 'absent'], default: 'queryable' },
  /** Whether the org keeps ECA `isPkceRequired` on whatever a deploy says. */
  ecaPkceLock: { values: ['off', 'on'], default: 'off' },
  /** How the org-wide Require PKCE refusal of an authorization without `code_challenge` is delivered. */
  orgPkceRefusal: { values: ['approval-error-generic', 'invalid-request'], default: 'approval-error-generic' },
  /** Where a `code_challenge` Salesforce cannot use (`code_challenge_method=plain`, not an S256 hash) is judged. */
  pkceChallengeCheck: { values: ['at-exchange', 'at-authorize'], default: 'at-exchange' },
  /** Whether listMetadata's `lastModifiedDate` moves when a component changes, or stays at its creation. */
  listMetadataDates: { values: ['tracked', 'frozen'], default: 'tracked' },
} as const;

export type BehaviourName = keyof typeof BEHAVIOUR_OPTIONS;
export type Behaviours = { -readonly [K in BehaviourName]: (typeof BEHAVIOUR_OPTIONS)[K]['values'][number] };

export type BehaviourRow = {
  /** Stable id, `area.what`. */
  id: string;
  /** What Salesforce does, in one sentence. */
  behaviour: string;
  evidence: Evidence;
  /** The public source (issue, doc page, library code) or, for `inference`, the reasoning. */
  source: string;
  /** The emulator option that switches it, when evidence is thin. */
  option?: BehaviourName;
  /** The tests that pin it: `test/path.test.ts: title`, where title is a test's (or describe's) exact title. */
  pinnedBy: string[];
};

/** Every behaviour, grouped by area. Keep one row per behaviour; the generated doc keeps this order. */
export const BEHAVIOURS: readonly BehaviourRow[] = [
  // ---- answers in more than one encoding; transient trouble ------------------------------------------------------
  {
    id: 'revoke.error-encoding',
    behaviour:
      '/services/oauth2/revoke answers an unknown, revoked or rotated-out token with HTTP 400 unsupported_token_type, form-encoded (error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported), not JSON; a client reads it as "not active", never as a cleanup failure.',
    evidence: 'reported',
    source:
      'omniphx/forrest#213 (the body as received); jsforce src/oauth2.ts revokeToken parses revoke errors with querystring.parse while /token errors use JSON.parse',
    option: 'revokeErrorEncoding',
    pinnedBy: [
      'test/emulator/oauth/answer-encodings.test.ts: answers an unknown token with HTTP 400 and a form-encoded unsupported_token_type',
      'test/emulator/oauth/answer-encodings.test.ts: answers an unknown token with HTTP 400 and a JSON unsupported_token_type',
      'test/oauth/answer-clients.test.ts: revokeToken: revoked, then not-active for the dead refresh token and its access token; the ledger counts no failure',
      'test/oauth/answer.test.ts: parses an OAuth error in JSON, form-urlencoded, an HTML error page and a redirect query alike',
    ],
  },
  {
    id: 'authorize.untrusted-error-delivery',
    behaviour:
      'An authorization request whose client_id is unknown (invalid_client_id / client identifier invalid) or whose redirect_uri is not registered (redirect_uri_mismatch / redirect_uri must match configuration) is never sent to the callback: Salesforce answers it in the body, form-encoded, with HTTP 400; some orgs send the browser to RemoteAccessErrorPage.apexp with the error in the query instead. A client names the error, not "a page".',
    evidence: 'reported',
    source:
      'wadewegner/Force.com-Toolkit-for-NET#244 (HTTP 400, no redirect, body error=invalid_client_id&error_description=client%20identifier%20invalid); forcedotcom/postman-salesforce-apis#42, pozil/salesforce-react-integration#15, jsforce/jsforce#762 (the same text in the browser); that redirect_uri_mismatch comes the same way is inference',
    option: 'untrustedAuthorizeError',
    pinnedBy: [
      'test/emulator/oauth/answer-encodings.test.ts: answers an unknown client_id in the body with HTTP 400, never a redirect',
      'test/emulator/oauth/answer-encodings.test.ts: answers a redirect_uri that is not registered in the body with HTTP 400, never a redirect',
      'test/emulator/oauth/answer-encodings.test.ts: sends an unknown client_id to the remote access error page, never to a callback',
      'test/oauth/answer-clients.test.ts: the frontdoor, redirect and code-credentials sources name an unknown client_id and an unregistered callback',
      'test/oauth/answer-clients.test.ts: the browser source names an unknown client_id and an unregistered callback without waiting for a person',
    ],
  },
  {
    id: 'authorize.remote-access-error-page',
    behaviour:
      '/setup/secur/RemoteAccessErrorPage.apexp is an HTML page (HTTP 200) that shows error=… and error_description=… as text; the query of the redirect to it carries the same fields.',
    evidence: 'inference',
    source:
      'The page and its path are named by the fidelity audit (row 3, citing StevenMMortimer/salesforcer#107, not re-read here); that it shows the two fields as text is our model, so the client also reads them from the redirect query',
    pinnedBy: [
      'test/emulator/oauth/answer-encodings.test.ts: sends an unknown client_id to the remote access error page, never to a callback',
      'test/oauth/answer.test.ts: parses an OAuth error in JSON, form-urlencoded, an HTML error page and a redirect query alike',
    ],
  },
  {
    id: 'transient.rate-limit-and-outage',
    behaviour:
      'Salesforce has transient trouble that says nothing about an app: HTTP 503 (also as an HTML "down for maintenance" page) from /services/oauth2/token, authorize and frontdoor.jsp, unknown_error / "retry your request" at /token, and rate limits (HTTP 429; the JSON body of a 429 at /token is our guess). Clients retry it with bounded backoff honouring Retry-After; when it persists a smoke check could not run (error), never fail, and a rollout never rolls an app back for it.',
    evidence: 'reported',
    source:
      'BookingBug/restforcephp#22 (503 at /token); forcedotcom/EMP-Connector#84 (maintenance HTML page at login); amazon-connect/amazon-connect-salesforce-lambda#43, salto-io/salto#2834, wadewegner/Force.com-Toolkit-for-NET#203 (unknown_error: retry your request at /token); 429 at /token and its body: inference',
    pinnedBy: [
      'test/oauth/answer.test.ts: classifies 429 and 5xx as transient whatever the body says, with Retry-After',
      'test/oauth/answer.test.ts: classifies an outage page served with 200 and unknown_error "retry your request" as transient',
      'test/emulator/oauth/answer-encodings.test.ts: serves an outage page from authorize and frontdoor.jsp, and a 429 JSON with Retry-After at token, then recovers',
      'test/oauth/answer-clients.test.ts: authorize and frontdoor.jsp outage pages are retried to a code; an outage that persists throws TransientAnswer, not a page',
      'test/commands/verify/transient.test.ts: pkce verify passes when authorize and frontdoor.jsp answer 503 outage pages and the token endpoint 429s that clear',
      'test/commands/verify/transient.test.ts: pkce verify under an authorize outage that persists: every check could not run (error), none fails, no token left',
      'test/rollout/run.test.ts: a smoke test that meets a persistent 503 outage page at authorize is never rolled back; the resume completes',
      'test/rollout/run.test.ts: a 429 JSON at the token endpoint that persists through a smoke test is never judged a failure or rolled back',
    ],
  },
  {
    id: 'transient.not-processed',
    behaviour:
      'A refresh (or code exchange) the server may have processed must not be sent again: under rotation a second send of a token the server already rotated out is a reuse and revokes the chain. Only 429, 503 and a refused connection say the request was not processed.',
    evidence: 'inference',
    source:
      'RFC 6585 §4 (429: not processed), RFC 9110 §15.6.4 (503); reuse revokes the chain per salesforce-oauth.md (meta_connectedapp.htm, help 005316711); jsforce never retries POST (sf-plugin-conventions.md §14)',
    pinnedBy: [
      'test/oauth/answer-clients.test.ts: a refresh that meets HTTP 500 or a dropped connection is not sent again (the server may have rotated the token)',
      'test/oauth/answer-clients.test.ts: a code exchange and a refresh that meet 429 JSON answers are retried to tokens; when 429 persists, a TransientAnswer, never an OAuth failure',
    ],
  },
  // ---- fields the API leaves empty or will not return ------------------------------------------------------------
  {
    id: 'oauth-token.id-null',
    behaviour:
      'OauthToken.Id reads null on every row (so COUNT(Id) would count nothing, and a record has no record URL); usage is counted from AppName, UserId, LastUsedDate and CreatedDate instead.',
    evidence: 'doc',
    source:
      'Object reference, OauthToken, field Id: "Reserved for future use. Currently, the value is always null." (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_oauthtoken.htm); no record URL for a null Id is inference',
    option: 'oauthTokenId',
    pinnedBy: [
      'test/emulator/rest/oauth-token.test.ts: answers OauthToken.Id as null, with no record URL',
      'test/emulator/rest/oauth-token.test.ts: answers ids and runs COUNT(Id) with GROUP BY',
      'test/apps/inventory.test.ts: counts holders, active and stale tokens and the last use per app, without aggregates',
      'test/commands/app/list.test.ts: shows the same token usage and verdicts',
    ],
  },
  {
    id: 'oauth-token.aggregates-refused',
    behaviour:
      'OauthToken answers COUNT() but refuses other aggregates and GROUP BY with MALFORMED_QUERY ("field Id does not support aggregate operator COUNT"; for GROUP BY alone "The requested operation is not yet supported by this SObject storage type..."); the client reads rows and counts them itself.',
    evidence: 'inference',
    source:
      "The object reference documents only COUNT() for totals on OauthToken and no aggregate; the wording is what an org answers COUNT(Id) on FeedItem, an object without aggregates (forcedotcom/SFDX-Data-Move-Utility#46), and the Tooling API guide's GROUP BY refusal (reference_objects_soql_limits.htm); the MALFORMED_QUERY code for the latter is inference",
    option: 'oauthTokenAggregates',
    pinnedBy: [
      'test/emulator/rest/oauth-token.test.ts: refuses COUNT(Id), MAX() and GROUP BY on OauthToken with MALFORMED_QUERY, and still counts with COUNT()',
      'test/emulator/rest/oauth-token.test.ts: counts no row with COUNT(Id), every row with COUNT(UserId)',
      'test/apps/inventory.test.ts: counts holders, active and stale tokens and the last use per app, without aggregates',
      'test/commands/app/list.test.ts: shows the same token usage and verdicts',
    ],
  },
  {
    id: 'oauth-token.row-cap',
    behaviour:
      'A record query on OauthToken returns 500 rows per call and 2,500 in all with queryMore; COUNT() sees every row. The client reads in keyset pages by AppName and counts an app with more than 2,500 rows with COUNT() filtered by AppName.',
    evidence: 'doc',
    source:
      'Object reference, OauthToken (API 34.0+): "A query() call returns up to 500 rows... up to 2500 total... issue a COUNT() query... divide your query by filtering on fields, like UserId"; sfdx-hardis "hard limit of 2500"',
    pinnedBy: [
      'test/emulator/rest/paging.test.ts: caps OauthToken at 500 rows per query() and 2,500 in total with queryMore',
      'test/apps/inventory.test.ts: reads every row in pages by app name, and counts an app past the cap with COUNT()',
    ],
  },
  {
    id: 'oauth-token.nillable-fields',
    behaviour:
      'AppName, UserId, LastUsedDate and the token columns are nillable: a row without LastUsedDate is judged idle from its CreatedDate, and a row without AppName names no app and is left out.',
    evidence: 'doc',
    source: 'Object reference, OauthToken: AppName, AppMenuItemId, LastUsedDate, UserId are "Nillable"',
    pinnedBy: [
      'test/apps/inventory.test.ts: counts a row without LastUsedDate as stale by its CreatedDate, and leaves out a row that names no app',
    ],
  },
  {
    id: 'oauth-token.delete-token',
    behaviour:
      'OauthToken.DeleteToken, sent to /services/oauth2/revoke, removes that approval (and its tokens); it grants no access itself.',
    evidence: 'doc',
    source:
      'Object reference, OauthToken: "To delete an AccessToken, send a request to the revoke OAuth token endpoint with the DeleteToken as the parameter"; the value\'s format is undocumented (the emulator\'s is opaque)',
    pinnedBy: [
      'test/emulator/rest/oauth-token.test.ts: revokes an approval through its DeleteToken, and only that one',
      'test/rollout/crashed-smoke.test.ts: the next rollout run revokes them and says how many; an older approval of the same user and app still works',
    ],
  },
  // ---- fields a deploy must not carry; apps that live in another org; settings Salesforce will not turn off ------
  {
    id: 'deploy.connected-app-consumer-key',
    behaviour:
      'A Connected App deploy that provides `consumerKey` for an app the org already has is refused with "You cannot provide a Consumer Key", even when it is the app\'s own key; toggles and restores leave it out and read it back unchanged.',
    evidence: 'reported',
    source:
      'SFDO-Tooling/CumulusCI#2943 and trailheadapps/ready-to-fly#29 (redeploy to the same org fails with that message); forcedotcom/cli#336 (workaround: remove consumerKey from the file)',
    pinnedBy: [
      'test/emulator/metadata/deploy-fields.test.ts: refuses a deploy that provides the consumer key of an existing Connected App, even its own unchanged key',
      'test/metadata/toggle.test.ts: changes only the flag on apps with every element filled (retrieve, toggle, retrieve again)',
      'test/metadata/deploy-fields.test.ts: strips the consumer key of every public Connected App fixture and nothing else',
      'test/metadata/deploy-fields.test.ts: a consumer key that reads back changed fails the app',
    ],
  },
  {
    id: 'deploy.eca-certificate-unreturned',
    behaviour:
      "An ECA's `certificate` (JWT bearer) is not returned by retrieve or readMetadata, while a deploy of its global OAuth settings without it clears it; the client never deploys such a file unless the app is proven to have no certificate, else refuses the app with the Setup path.",
    evidence: 'reported',
    source:
      'A third-party deploy tool\'s comments (find_string id 58181229918: "not readable back through any API", a deploy omitting it cleared the signature). Against it: N-P-N-P/SFDX-SFDX Devops_JWT_glbloauth.ecaGlblOauth-meta.xml holds a certificate next to a real consumer key (some org returned it), hence the option.',
    option: 'ecaCertificateReadBack',
    pinnedBy: [
      'test/emulator/metadata/deploy-fields.test.ts: retrieve and readMetadata leave the certificate out, and a deploy of the retrieved file clears it',
      'test/emulator/metadata/deploy-fields.test.ts: returns the certificate, so redeploying the retrieved file keeps it',
      'test/metadata/unsettable.test.ts: never clears a certificate: an ECA with one changes only when the org returns it; one without changes only when that is proven',
      'test/metadata/toggle.test.ts: refuses an ECA whose certificate the org does not return, naming the manual path, and deploys nothing',
    ],
  },
  {
    id: 'data.eca-client-assertion-certificate',
    behaviour:
      "`ExtlClntAppOauthSettings.ClientAssertionCertificate` (data API) holds the ECA's certificate and is null without one; the client reads it to prove an ECA has no certificate. `absent`: the org has no such field, so nothing is proven and such ECAs are refused.",
    evidence: 'inference',
    source:
      "The field is in an org's describe (kunalsingh74644/VersionCtrlNov .sfdx/typings/lwc/sobjects/ExtlClntAppOauthSettings.d.ts); that it is the JWT bearer certificate (the JWT is the client's assertion) is our reading. Verify on an org before relying on it.",
    option: 'ecaCertificateField',
    pinnedBy: [
      'test/emulator/metadata/deploy-fields.test.ts: ExtlClntAppOauthSettings.ClientAssertionCertificate says which ECAs have a certificate',
      'test/emulator/metadata/deploy-fields.test.ts: answers a query of the field with INVALID_FIELD',
      'test/metadata/unsettable.test.ts: never clears a certificate: an ECA with one changes only when the org returns it; one without changes only when that is proven',
    ],
  },
  {
    id: 'deploy.eca-pkce-lock',
    behaviour:
      "Some orgs keep an ECA's `isPkceRequired` on once it is on: a deploy that turns it off succeeds and a read-back shows true. Toggles, restores, rollbacks and undo report it as kept-on-by-salesforce (never changed, restored, rolled back or undone) and exit non-zero.",
    evidence: 'inference',
    source:
      'Issue 9 (orgs seen keeping ECA PKCE on); ExtlClntAppGlobalOauthSettings doc gives isPkceRequired a default of true for ECAs. No public report shows the refusal itself.',
    option: 'ecaPkceLock',
    pinnedBy: [
      'test/emulator/metadata/deploy-fields.test.ts: a deploy turning PKCE off succeeds and the org keeps it on',
      'test/metadata/unsettable.test.ts: toggle disable reports kept-on-by-salesforce when the org keeps PKCE on, and a restore of the backup likewise',
      'test/rollout/locked-pkce.test.ts: a rollback or undo the org does not honour is kept-on-by-salesforce, never rolled-back or undone',
      'test/commands/toggles/kept-on.test.ts: pkce disable and backup restore report kept-on-by-salesforce and exit 1',
      'test/commands/toggles/kept-on.test.ts: rollout undo says "not undone: kept on by Salesforce", with actions, and exits 1',
    ],
  },
  {
    id: 'packaging.eca-settings-in-publisher-org',
    behaviour:
      "An ECA installed from a managed package has no ExtlClntAppGlobalOauthSettings in the subscriber org: its consumer key, PKCE and rotation are set in the publisher's org, and the subscriber's admin sets only its OAuth policies.",
    evidence: 'doc',
    source:
      'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappglobaloauthsettings.htm (global settings hold consumer information that "can\'t be packaged"); publisher names from InstalledSubscriberPackage (forcedotcom/packaging packageInstalledList.ts)',
    pinnedBy: [
      "test/apps/packaged-eca.test.ts: app list: set in the publisher's org (namespace, publisher), not a missing permission; the admin's policies still shown",
      'test/apps/packaged-eca.test.ts: toggles refuse it by name, naming namespace and publisher; --all skips it with the reason',
      'test/apps/packaged-eca.test.ts: the Require PKCE gate blocks on it (not out of scope), and lets it through only with a plan waiver',
    ],
  },
  {
    id: 'metadata.list-last-modified-date',
    behaviour:
      "listMetadata's FileProperties.lastModifiedDate is the component's last change, so a rollout re-reads only the components whose date moved since it read them; an org whose dates did not move would be found out by the rollout's own first change (the cache then turns itself off), and what the rollout deploys is always read again.",
    evidence: 'doc',
    source:
      'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_listmetadata.htm (FileProperties: lastModifiedDate, "Date and time that the component was last modified"); that it moves for ECA parts changed in Setup is inference, hence the option',
    option: 'listMetadataDates',
    pinnedBy: [
      'test/rollout/catalog-cache.test.ts: a whole rollout ends with PKCE and rotation on for every app, the cache serving only what did not change',
      'test/rollout/catalog-cache.test.ts: a change made by someone else between two reads is read again where dates move (a known limit where they never do)',
    ],
  },
  // ---- approvals per user and app ---------------------------------------------------------------------------------
  {
    id: 'approvals.five-per-user-and-app',
    behaviour:
      'A user keeps at most five refresh-token approvals (OauthToken rows) per app; a sixth revokes the oldest, whose refresh token then fails with invalid_grant / "expired access/refresh token". Smoke tests count the user\'s approvals first, hold at most one of theirs at a time, and refuse an app without headroom.',
    evidence: 'doc',
    source:
      'Salesforce Help "Manage OAuth Access for Your Connected Apps", as cited by Oracle\'s Salesforce adapter troubleshooting page ("Every connected application permits five distinctive approvals per user. Once a sixth approval is created, the oldest approval is revoked.")',
    pinnedBy: [
      'test/emulator/oauth/approvals.test.ts: a sixth approval of one app by one user revokes the oldest, whose refresh token then fails with invalid_grant',
      'test/emulator/oauth/approvals.test.ts: counts seed approvals (OauthToken rows the emulator holds no token for) and evicts them first when oldest',
      'test/smoke/headroom.test.ts: rtr: with four approvals held, the run never holds more than five and the oldest approval still works',
      'test/smoke/headroom.test.ts: with five approvals held, refuses the app with the reason and the action, makes no approval and fails nothing',
      'test/commands/verify/headroom.test.ts: rtr verify refuses the app with the reason and the action, exit code 1, and the five approvals stay',
      'test/rollout/run.test.ts: an app whose smoke user already holds five approvals is refused before its smoke test and not rolled back; the oldest approval still works',
    ],
  },
  {
    id: 'approvals.need-a-refresh-scope',
    behaviour:
      'Only an exchange that returns a refresh token (refresh_token or offline_access asked for, or no scope, which grants every scope of the app) makes an approval; PKCE checks asking for `api` alone make none, so they run whatever the user holds.',
    evidence: 'inference',
    source:
      'OauthToken "represents an OAuth access token" whose AccessToken column is "the refresh token"; a refresh token is issued only with the refresh_token / offline_access scope (Connected App OAuth scopes help); that no row exists without one is inference',
    pinnedBy: [
      'test/smoke/headroom.test.ts: pkce: asking for `api` only makes no approval, so it runs even when the user holds five',
    ],
  },
  {
    id: 'approvals.revoke-frees',
    behaviour:
      "Revoking an approval's refresh token at /services/oauth2/revoke removes its OauthToken row, so the slot is free for the next approval.",
    evidence: 'inference',
    source:
      'The revoke endpoint invalidates the refresh token and its access tokens (mobile_sdk oauth_revoking_tokens.htm); that the row and the slot go with it is inference',
    pinnedBy: [
      'test/smoke/headroom.test.ts: rtr: with four approvals held, the run never holds more than five and the oldest approval still works',
    ],
  },
  // ---- concurrency; where PKCE and scope are judged --------------------------------------------------------------
  {
    id: 'refresh.in-flight-duplicate',
    behaviour:
      'A refresh of a token that already has a refresh being processed gets HTTP 400 invalid_grant / "token request is already being processed", at any speed and with or without rotation; the one being processed wins.',
    evidence: 'doc',
    source:
      'Release note rn_security_refresh_token_requests (release 250); error text from a load test in segmentio/action-destinations PR 2300; also SalesforceMobileSDK-iOS#3731, PostHog PR 66872',
    pinnedBy: [
      'test/emulator/oauth/refresh.test.ts: RTR on: of two refreshes of one token sent at once, exactly one wins, every time',
      'test/emulator/oauth/refresh.test.ts: RTR off: of two refreshes of one token sent at once, exactly one wins, every time',
      'test/emulator/oauth/refresh.test.ts: never calls a refresh sent after the previous answer a duplicate, and still revokes a chain on reuse',
      'test/emulator/oauth/refresh.test.ts: refuses a duplicate sent after the whole process paused past the processing window of the first',
    ],
  },
  {
    id: 'refresh.in-flight-duplicate-keeps-chain',
    behaviour: "Under rotation, the refused duplicate neither revokes the chain nor the winner's new refresh token.",
    evidence: 'inference',
    source:
      'No source says a duplicate counts as a reuse; the release note describes it as refused, not as a replay. Clients that retry after the error (segmentio PR 2300) keep working.',
    pinnedBy: [
      'test/emulator/oauth/refresh.test.ts: RTR on: of two refreshes of one token sent at once, exactly one wins, every time',
    ],
  },
  {
    id: 'pkce.challenge-judged-at-exchange',
    behaviour:
      'code_challenge_method is ignored and code_challenge taken as the S256 hash of the verifier: a plain or malformed challenge still gets a code, and the exchange fails with invalid_grant / "invalid code verifier".',
    evidence: 'inference',
    source:
      'Web server flow doc lists no code_challenge_method and defines code_challenge as "the SHA256 hash value of the code_verifier", compared at token time; jsforce never sends the method. No report shows plain refused at authorize.',
    option: 'pkceChallengeCheck',
    pinnedBy: [
      'test/emulator/oauth/pkce-scope-judgement.test.ts: gives a code for a plain challenge, and the exchange fails with invalid code verifier',
      'test/emulator/oauth/pkce-scope-judgement.test.ts: gives a code for a malformed challenge or an unknown method, and the exchange fails with invalid code verifier',
      'test/emulator/oauth/pkce-scope-judgement.test.ts: refuses a plain or malformed challenge at authorize with invalid_request on the callback',
      'test/smoke/pkce-judgement-checks.test.ts: PKCE checks under every way Salesforce delivers its PKCE verdicts',
      'test/commands/verify/org-wide-pkce.test.ts: sf oauth pkce verify on an org with only the org-wide Require PKCE setting (in-process)',
    ],
  },
  {
    id: 'pkce.per-app-refusal',
    behaviour:
      'An app that requires PKCE itself refuses an authorization without code_challenge on the callback: invalid_request / "missing required code challenge", state echoed.',
    evidence: 'reported',
    source: 'pgonzaleznetwork/HappySoup.io#252, activepieces/activepieces#15615',
    pinnedBy: [
      'test/emulator/oauth/pkce-scope-judgement.test.ts: still answers an app that requires PKCE itself with missing required code challenge on the callback',
    ],
  },
  {
    id: 'pkce.org-wide-refusal',
    behaviour:
      'The org-wide Require PKCE setting alone refuses an authorization without code_challenge with the generic OAUTH_APPROVAL_ERROR_GENERIC on RemoteAccessErrorPage.apexp (not the callback); the client counts that as PKCE required when the same request with a challenge gets a code.',
    evidence: 'reported',
    source:
      'airbytehq/airbyte PR 85057 (org-wide setting, "fails the authorize request with OAUTH_APPROVAL_ERROR_GENERIC"; a single report); forcedotcom/mcp-hosted#47 (that error is a RemoteAccessErrorPage.apexp page)',
    option: 'orgPkceRefusal',
    pinnedBy: [
      'test/emulator/oauth/pkce-scope-judgement.test.ts: refuses an authorization without code_challenge with OAUTH_APPROVAL_ERROR_GENERIC on the error page',
      'test/emulator/oauth/pkce-scope-judgement.test.ts: refuses an authorization without code_challenge like the per-app flag, on the callback',
      'test/smoke/pkce-judgement-checks.test.ts: PKCE checks under every way Salesforce delivers its PKCE verdicts',
      'test/commands/verify/org-wide-pkce.test.ts: sf oauth pkce verify on an org with only the org-wide Require PKCE setting (in-process)',
    ],
  },
  {
    id: 'scope.not-allowed',
    behaviour:
      'A requested scope the app does not allow fails the whole authorization with invalid_scope / "the requested scope is not allowed" on RemoteAccessErrorPage.apexp; it is not dropped. No scope parameter grants all the app\'s scopes.',
    evidence: 'real',
    source:
      'forcedotcom/mcp-hosted#47 (error page query error=invalid_scope&error_description=the+requested+scope+is+not+allowed); Mobile SDK doc "Scope Parameter Values": client requests must be a subset of the app\'s scopes, none requested grants all configured scopes',
    pinnedBy: [
      'test/emulator/oauth/pkce-scope-judgement.test.ts: fails the whole authorization with invalid_scope on the error page when one requested scope is not allowed',
    ],
  },
  {
    id: 'scope.full-no-refresh',
    behaviour:
      'The full scope does not by itself give a refresh token: only refresh_token (or offline_access) does, with or without full.',
    evidence: 'doc',
    source:
      'Salesforce help "OAuth Tokens and Scopes" (remoteaccess_oauth_tokens_scopes.htm): full "doesn\'t return a refresh token. You must explicitly request the refresh_token scope"',
    pinnedBy: [
      'test/emulator/oauth/pkce-scope-judgement.test.ts: gives no refresh token for full without refresh_token, and one when refresh_token is asked for too',
    ],
  },
  // ---- what official sf CLI commands send and expect -------------------------------------------------------------
  {
    id: 'sf-cli.query-columns',
    behaviour:
      'sf data query asks GET .../query?q=<soql>&columns=true after every query that returns rows (REST or Tooling) and needs {columnMetadata: [{columnName, displayName, aggregate, joinColumns}], entityName, groupBy, idSelected, keyPrefix}: relationship fields nest as joinColumns, aggregates carry their alias or exprN.',
    evidence: 'real',
    source: '@salesforce/plugin-data lib/commands/data/query.js retrieveColumns (as installed with @salesforce/cli)',
    pinnedBy: [
      'test/emulator/rest/columns.test.ts: answers columnMetadata with relationship fields nested as joinColumns, instead of records',
      'test/emulator/rest/columns.test.ts: gives sf data query (plugin-data retrieveColumns) its columns for every object of the rollout, REST and Tooling',
    ],
  },
  {
    id: 'sf-cli.singleaccess-get',
    behaviour:
      'sf org open calls /services/oauth2/singleaccess with GET and an optional relative redirect_uri (the Mobile SDK POSTs); the answer is {frontdoor_uri}, a one-time frontdoor.jsp URL that lands on redirect_uri.',
    evidence: 'real',
    source:
      'forcedotcom/sfdx-core src/org/org.ts getFrontDoorUrl (connection.requestGet); Mobile SDK getRequestForSingleAccess: "a relative path that points to where the user is redirected"; help xcloud.frontdoor_singleaccess.htm',
    pinnedBy: [
      'test/emulator/oauth/frontdoor.test.ts: answers single access with GET and a redirect_uri, as sf org open asks, and lands there once',
      'test/emulator/oauth/frontdoor.test.ts: gives sf org open (sfdx-core Org.getFrontDoorUrl) a one-time URL that lands on the page it asked for',
    ],
  },
  {
    id: 'sf-cli.singleaccess-expired',
    behaviour:
      'singleaccess answers an expired (or unknown) access token with HTTP 403, not the 401 that makes jsforce refresh; the body (INVALID_SESSION_ID array) is our choice.',
    evidence: 'real',
    source:
      'forcedotcom/sfdx-core src/org/org.ts: "the singleaccess endpoint returns 403 when using an expired token", so getFrontDoorUrl refreshes first; body: inference',
    pinnedBy: [
      'test/emulator/oauth/frontdoor.test.ts: answers 403 to single access with an expired or unknown token, GET or POST',
    ],
  },
  {
    id: 'sf-cli.access-token-format',
    behaviour:
      'Access tokens are the 15-character org id, "!", then an opaque part: sf org login access-token (SF_ACCESS_TOKEN) refuses anything else.',
    evidence: 'real',
    source: '@salesforce/core util/sfdc.ts matchesAccessToken (used by plugin-auth org login access-token)',
    pinnedBy: [
      'test/emulator/oauth/token-code.test.ts: issues access tokens that sf org login access-token accepts (sfdx-core matchesAccessToken)',
    ],
  },
  // ---- what Salesforce enforces (conformance report, break rules) ------------------------------------------------
  // The conformance report fails what Salesforce refuses (under any behaviour modelled as plausible) or what breaks under
  // rotation, and gives advice for what it accepts; readiness calls an app breaking only for what enforcement refuses.
  {
    id: 'enforce.pkce-challenge-required',
    behaviour:
      'Once the app or the org requires PKCE (as enforcement does), an authorization request without code_challenge is refused: the conformance report fails it, and an active code-flow app with PKCE off breaks unless the org already requires PKCE.',
    evidence: 'doc',
    source:
      'Partner requirements "Secure Your Connected Apps and External Client Apps": after PKCE is enabled the apps "won\'t work unless the client changes listed below are implemented"; refusal observed in HappySoup.io#252, activepieces#15615',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: no-challenge: fails pkce.challenge and nothing else',
      'test/apps/readiness.test.ts: break conditions: PKCE off on a code flow, RTR off with refresh scope; nothing else breaks',
      'test/apps/readiness.test.ts: PKCE off on an app is a posture finding when the org already requires PKCE, a break when not or unknown',
    ],
  },
  {
    id: 'enforce.pkce-method-absent',
    behaviour:
      'An authorization without code_challenge_method is accepted and its challenge taken as S256: advice (RFC 7636 reads it as plain), not a failure.',
    evidence: 'real',
    source:
      "jsforce src/oauth2.ts getAuthorizationUrl sends code_challenge only, and sf org login web (sfdx-core WebOAuthServer on jsforce) logs in to every org with it; Salesforce's web server flow doc lists no code_challenge_method",
    pinnedBy: [
      'test/commands/emulator/sf-login-web.test.ts: logs in through a scripted browser, refreshes, and gets no conformance failure; a badly-behaved client still fails',
      'test/emulator/conformance/rules.test.ts: omit-method: gets advice on pkce.s256 and nothing else',
      'test/emulator/conformance/rules.test.ts: gives each PKCE mistake the same verdict',
    ],
  },
  {
    id: 'enforce.pkce-method-plain',
    behaviour:
      'code_challenge_method=plain, another method or a challenge that is no 43-character base64url SHA-256 cannot log in (refused at authorize or at the exchange): a failure.',
    evidence: 'inference',
    source:
      'Web server flow doc: code_challenge "Specifies the SHA256 hash value of the code_verifier", compared at token time; which endpoint refuses is open (behaviours row pkce.challenge-judged-at-exchange, option pkceChallengeCheck); an unknown method with an S256 challenge works only if the method is ignored, so it fails too',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: plain-method: fails pkce.s256 and nothing else',
      'test/emulator/conformance/rules.test.ts: gives each PKCE mistake the same verdict',
    ],
  },
  {
    id: 'enforce.pkce-verifier-long',
    behaviour: 'A code_verifier longer than 128 characters is accepted: advice, not a failure.',
    evidence: 'real',
    source:
      'jsforce OAuth2 useVerifier: base64url of 128 random bytes (171 characters), used by sf org login web on every org',
    pinnedBy: [
      'test/commands/emulator/sf-login-web.test.ts: logs in through a scripted browser, refreshes, and gets no conformance failure; a badly-behaved client still fails',
      'test/emulator/conformance/rules.test.ts: long-verifier: gets advice on pkce.verifier-format and nothing else',
    ],
  },
  {
    id: 'enforce.pkce-verifier-short-or-reused',
    behaviour:
      'A code_verifier shorter than 43 characters, or one reused for another login, is accepted: advice (weak, against RFC 7636 and the partner guide), not a failure.',
    evidence: 'inference',
    source:
      'No report shows Salesforce refusing a short verifier (the one length fact known, 171 accepted, shows no RFC bounds check) or tracking used challenges; the partner guide asks for 43-128 characters',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: short-verifier: gets advice on pkce.verifier-format and nothing else',
      'test/emulator/conformance/rules.test.ts: one verifier used for two logins gets advice on pkce.verifier-format: Salesforce cannot tell',
    ],
  },
  {
    id: 'enforce.pkce-verifier-tilde',
    behaviour:
      "A code_verifier containing '~' (allowed by RFC 7636) is refused with invalid_grant / invalid code verifier: a failure.",
    evidence: 'reported',
    source: 'cognizant-ai-lab/nsflow#249 and PR #250',
    pinnedBy: ['test/emulator/conformance/rules.test.ts: tilde-verifier: fails pkce.verifier-format and nothing else'],
  },
  {
    id: 'enforce.pkce-verifier-hash',
    behaviour:
      "The challenge sent as code_verifier (in any encoding), another login's verifier or none is refused with invalid_grant: a failure.",
    evidence: 'real',
    source:
      'invalid code verifier in forcedotcom/mcp-hosted#14, nsflow#249, n8n#32421; missing verifier: web server flow doc',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: hash-as-verifier: fails pkce.verifier-not-hash and nothing else',
      'test/emulator/conformance/rules.test.ts: the hashed verifier is recognized in hex and padded base64 too',
    ],
  },
  {
    id: 'enforce.public-client-secret',
    behaviour:
      'A public client (secret optional, not required for refresh) that sends the right consumer secret is accepted (advice: ship no secret); a wrong one is refused (a failure).',
    evidence: 'doc',
    source:
      'Metadata API ConnectedApp isSecretRequiredForRefreshToken: "If false and a secret is sent, it is still validated"; partner requirements: public clients must not send client_secret',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: secret-from-public: gets advice on secret.public and nothing else',
      'test/emulator/conformance/rules.test.ts: a wrong secret from a public client is refused: secret.public fails',
    ],
  },
  {
    id: 'enforce.confidential-client-secret',
    behaviour:
      'A confidential client that sends no or a wrong client_secret with the code exchange (or on refresh where the app requires it) is refused: a failure.',
    evidence: 'doc',
    source:
      'Partner requirements: confidential clients must send both code_verifier and client_secret; Metadata API ConnectedApp isConsumerSecretOptional / isSecretRequiredForRefreshToken',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: no-secret: fails secret.confidential and nothing else',
      'test/emulator/conformance/rules.test.ts: a wrong secret from a confidential client is refused: secret.confidential fails',
    ],
  },
  {
    id: 'enforce.rtr-required',
    behaviour:
      'With rotation on, a client that keeps using a rotated-out refresh token loses the whole chain (a failure); an app that issues refresh tokens without RTR breaks at enforcement (a "zero" policy issues none worth rotating).',
    evidence: 'doc',
    source:
      'Partner requirements (RTR on every app; clients must store the new refresh token); Salesforce RTR guide: "any attempted reuse of an invalidated refresh token results in the immediate revocation"',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: drop-rotated-token: fails rtr.store-rotated and nothing else',
      'test/apps/readiness.test.ts: break conditions: PKCE off on a code flow, RTR off with refresh scope; nothing else breaks',
    ],
  },
  {
    id: 'enforce.refresh-policy-infinite',
    behaviour:
      'A refresh token policy of "valid until revoked" is allowed with RTR and not refused by enforcement: a posture finding, not a break.',
    evidence: 'doc',
    source:
      'Metadata API ExtlClntAppOauthConfigurablePolicies refreshTokenPolicyType Infinite and ConnectedApp refreshTokenPolicy infinite exist beside RTR; the partner requirements ask for PKCE and RTR only',
    pinnedBy: ['test/apps/readiness.test.ts: a refresh token valid until revoked is a posture finding, not a break'],
  },
  {
    id: 'enforce.client-credentials-run-as',
    behaviour:
      'The client credentials flow issues no token without a run-as user, before and after enforcement: a posture finding, not a break at enforcement.',
    evidence: 'reported',
    source:
      'bagofwords1/bagofwords PR 949 ("Client Credentials needs a Run As user configured in Salesforce first"); Metadata API clientCredentialsFlowUser',
    pinnedBy: [
      'test/apps/readiness.test.ts: client credentials without a run-as user is a posture finding: the flow cannot work, enforcement changes nothing',
    ],
  },
  {
    id: 'enforce.verifier-on-refresh',
    behaviour:
      'A refresh that carries a code_verifier is refused with invalid_grant / unexpected code verifier: a failure (sf refreshes without one).',
    evidence: 'inference',
    source:
      '"unexpected code verifier" is observed on a code exchange without a challenge (forcedotcom/sfdx-core#166); that the refresh grant refuses it too is unverified (fidelity audit row 11). jsforce adds code_verifier to every token POST of a useVerifier OAuth2; sfdx-core 9.x refreshes with a fresh one',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: a verifier sent on refresh (a reused jsforce OAuth2) fails pkce.verifier-match and nothing else',
      'test/commands/emulator/sf-login-web.test.ts: logs in through a scripted browser, refreshes, and gets no conformance failure; a badly-behaved client still fails',
    ],
  },
  {
    id: 'enforce.parallel-refresh',
    behaviour:
      'A second refresh of one token while the first is processed is refused, and under rotation the old token presented after the first finished revokes the chain: both are failures.',
    evidence: 'doc',
    source:
      'Release note rn_security_refresh_token_requests (release 250); partner requirements on parallel refresh races; Salesforce RTR guide on reuse',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: two copies refreshing at once without a lock fail rtr.parallel and nothing else',
      'test/emulator/conformance/rehearsal.test.ts: the duplicate gets "token request is already being processed" and fails rtr.parallel only',
    ],
  },
  {
    id: 'enforce.rejected-refresh-token',
    behaviour:
      'A refresh token answered with invalid_grant (expired, revoked, rotated out) is refused every time it comes back: retrying it is a failure.',
    evidence: 'real',
    source:
      'invalid_grant / expired access/refresh token for revoked and rotated-out tokens (jsforce#1656, restforce#81); sfdx-core 9.2+ asks the user to re-authenticate',
    pinnedBy: [
      'test/emulator/conformance/rules.test.ts: retrying a rejected refresh token in a loop fails rtr.stop-on-invalid-grant and nothing else',
    ],
  },
  {
    id: 'enforce.expired-session',
    behaviour:
      'An access token past its session lifetime is refused with HTTP 401 INVALID_SESSION_ID every time: resending it instead of refreshing is a failure.',
    evidence: 'real',
    source:
      'jsforce Connection refreshes on 401 INVALID_SESSION_ID (src/connection.ts, isSessionExpired in src/soap.ts)',
    pinnedBy: [
      'test/emulator/conformance/rehearsal.test.ts: a client that resends its expired access token fails session.expiry and nothing else',
    ],
  },
  {
    id: 'enforce.busy-retry-too-soon',
    behaviour:
      'A refresh retried at once after "token request is already being processed" or a 5xx meets the same answer until the first request is done; it works once it is: advice, while giving up the token ends the session (a failure).',
    evidence: 'inference',
    source:
      'Release note rn_security_refresh_token_requests (release 250) describes the duplicate as refused, not as a replay; segmentio/action-destinations PR 2300 retries it',
    pinnedBy: [
      'test/emulator/conformance/rehearsal.test.ts: a client that retries at once gets advice on retry.transient and fails nothing',
      'test/emulator/conformance/rehearsal.test.ts: a client that gives up a refresh token on a busy answer fails retry.transient (abandoned) and nothing else',
    ],
  },
  // ---- what an org lets the plugin do (sf oauth org check, issue 11) ---------------------------------------------
  {
    id: 'permissions.metadata-deploy',
    behaviour:
      'A Metadata API deploy needs "Customize Application" and either "Modify Metadata Through Metadata API Functions" or "Modify All Data"; Profile and PermissionSet carry them as boolean Permissions* fields (the System Administrator profile holds them all).',
    evidence: 'doc',
    source:
      'Metadata API Developer Guide, "Modify Metadata Through Metadata API Functions Permission" (https://developer.salesforce.com/docs/atlas.en-us.238.0.api_meta.meta/api_meta/meta_modify_metadata_perm.htm) and "Metadata API Edit Access" (https://developer.salesforce.com/docs/atlas.en-us.258.0.api_meta.meta/api_meta/meta_metadata_perm.htm)',
    pinnedBy: [
      'test/check/check.test.ts: fails deploy access for a user without Modify Metadata and Customize Application',
    ],
  },
];

export class BehaviourOptionError extends Error {}

/** The defaults overridden by `partial`; unknown names or values throw a {@link BehaviourOptionError}. */
export function resolveBehaviours(partial: Partial<Record<string, string>> = {}): Behaviours {
  const resolved = Object.fromEntries(
    Object.entries(BEHAVIOUR_OPTIONS).map(([name, o]) => [name, o.default]),
  ) as Behaviours;
  for (const [name, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    const option = (BEHAVIOUR_OPTIONS as Record<string, { values: readonly string[] }>)[name];
    if (!option)
      throw new BehaviourOptionError(
        `Unknown behaviour "${name}". Known: ${Object.keys(BEHAVIOUR_OPTIONS).join(', ')}.`,
      );
    if (!option.values.includes(value)) {
      throw new BehaviourOptionError(`Behaviour "${name}" takes ${option.values.join(' or ')}, not "${value}".`);
    }
    (resolved as Record<string, string>)[name] = value;
  }
  return resolved;
}

/** Parses `name=value` pairs, as `--behaviour` gives them. */
export function parseBehaviourPairs(pairs: readonly string[]): Behaviours {
  const partial: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new BehaviourOptionError(`"${pair}" is not name=value (for example ecaPkceLock=on).`);
    partial[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return resolveBehaviours(partial);
}

/** Every combination worth testing a client under: the defaults, then each non-default value of each option alone. */
export function behaviourVariants(
  names: readonly BehaviourName[],
): Array<{ label: string; behaviours: Partial<Behaviours> }> {
  const variants: Array<{ label: string; behaviours: Partial<Behaviours> }> = [{ label: 'defaults', behaviours: {} }];
  for (const name of names) {
    for (const value of BEHAVIOUR_OPTIONS[name].values) {
      if (value !== BEHAVIOUR_OPTIONS[name].default)
        variants.push({ label: `${name}=${value}`, behaviours: { [name]: value } });
    }
  }
  return variants;
}
