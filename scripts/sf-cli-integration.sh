#!/usr/bin/env bash
# Integration with the real sf CLI (@salesforce/cli from npm): link this plugin, start the emulator through `sf`, and run
# the official commands an admin runs around a PKCE/RTR rollout against it: org display and open, data query (REST and
# Tooling), sobject describe and list, limits, org list metadata, project retrieve (by type and by manifest), project
# deploy, org login access-token; then this plugin's own commands.
# Needs a compiled lib/ (npm run build). Uses a throwaway HOME, so it never touches your own sf configuration.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sf="${SF_BIN:-$root/node_modules/.bin/sf}"
export PATH="$(dirname "$sf"):$PATH"
[ -x "$sf" ] || { echo "sf CLI not installed: run npm ci" >&2; exit 1; }

work="$(mktemp -d)"
export HOME="$work/home" USERPROFILE="$work/home"
export SF_USE_GENERIC_UNIX_KEYCHAIN=true SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_DISABLE_LOG_FILE=true
export SF_DISABLE_DNS_CHECK=true SF_SKIP_NEW_VERSION_CHECK=true
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy SF_CONTENT_TYPE
mkdir -p "$HOME"
pid=""
cleanup() { [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
ok() { node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8")); if(r.status!==0){console.error(JSON.stringify(r,null,1)); process.exit(1)}' ; }

step "sf $("$sf" --version)"
step "sf plugins link ."
"$sf" plugins link "$root" --no-install >/dev/null 2>&1
"$sf" plugins --core 2>/dev/null | grep -q plugin-oauth || { echo "plugin not linked" >&2; exit 1; }

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
step "sf oauth emulator start --alias emu --port $port"
"$sf" oauth emulator start --alias emu --port "$port" > "$work/emulator.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do grep -q 'Press Ctrl-C' "$work/emulator.log" && break; sleep 0.5; done
grep -q 'Press Ctrl-C' "$work/emulator.log" || { cat "$work/emulator.log"; exit 1; }

step "sf org display -o emu"
"$sf" org display -o emu --json | tee "$work/display.json" | ok
grep -q "\"instanceUrl\": \"http://127.0.0.1:$port\"" "$work/display.json"

step "sf org open --url-only --path (singleaccess by GET with redirect_uri): the one-time URL lands on that page"
"$sf" org open -o emu --url-only --path /lightning/setup/ConnectedApplication/home --json > "$work/open.json"
ok < "$work/open.json"
node -e 'const u=require(process.argv[1]).result.url; fetch(u,{redirect:"manual"}).then(r=>{const l=r.headers.get("location"); if(l!=="/lightning/setup/ConnectedApplication/home"){console.error(`landed on ${l}`); process.exit(1)}})' "$work/open.json"

step "sf data query (records, then column metadata) on the objects of a rollout, REST and Tooling"
rows() { node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8")); if(r.status!==0||!(r.result.totalSize>0)){console.error(JSON.stringify(r,null,1)); process.exit(1)} console.log(`${r.result.totalSize} rows`)' ; }
for q in "SELECT AppName, User.Username, UseCount, LastUsedDate FROM OauthToken" \
  "SELECT Id, Name, OptionsRefreshTokenValidityMetric FROM ConnectedApplication" \
  "SELECT DeveloperName, MasterLabel, DistributionState FROM ExternalClientApplication" \
  "SELECT Username, Profile.Name, IsActive FROM User" \
  "SELECT Id, Name, IsSandbox, OrganizationType FROM Organization" \
  "SELECT Profile.Name, COUNT(Id) n FROM User GROUP BY Profile.Name"; do
  printf '%s: ' "$q"
  "$sf" data query -o emu -q "$q" --json | rows
done
printf 'InstalledSubscriberPackage (Tooling): '
"$sf" data query -o emu --use-tooling-api -q "SELECT SubscriberPackage.NamespacePrefix, SubscriberPackage.Name, SubscriberPackageVersion.Name FROM InstalledSubscriberPackage" --json | rows
"$sf" data query -o emu -q "SELECT Username, Profile.Name FROM User" --result-format csv > "$work/users.csv"
grep -q '^Username,Profile.Name' "$work/users.csv"
"$sf" data query -o emu -q "SELECT AppName, UseCount FROM OauthToken" > "$work/tokens.txt"
grep -q 'APPNAME' "$work/tokens.txt"

step "sf sobject list and describe, sf limits api display, sf org list metadata"
"$sf" sobject list -o emu --json | ok
"$sf" sobject describe -s OauthToken -o emu --json | ok
"$sf" sobject describe -s InstalledSubscriberPackage --use-tooling-api -o emu --json | ok
"$sf" limits api display -o emu --json > "$work/limits.json"
ok < "$work/limits.json"
node -e 'if(!require(process.argv[1]).result.some(l=>l.name==="DailyApiRequests")) process.exit(1)' "$work/limits.json"
"$sf" org list metadata -m ConnectedApp -o emu --json | ok
"$sf" org list metadata -m ExtlClntAppGlobalOauthSettings -o emu --json | ok

step "sf org login access-token (SF_ACCESS_TOKEN), then a query through that authorization"
# The token goes from one command to the next through a variable: it is never printed.
token=$("$sf" org auth show-access-token -o emu --json | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0,"utf8")).result.accessToken)')
SF_ACCESS_TOKEN="$token" "$sf" org login access-token --instance-url "http://127.0.0.1:$port" --alias emu-token --no-prompt --json > "$work/token-login.json"
unset token
ok < "$work/token-login.json"
"$sf" data query -o emu-token -q "SELECT Id FROM Organization" --json | rows

step "sf project retrieve start -m ExtlClntAppGlobalOauthSettings -m ConnectedApp -o emu"
project="$work/project"
mkdir -p "$project/force-app"
cat > "$project/sfdx-project.json" <<JSON
{ "packageDirectories": [{ "path": "force-app", "default": true }], "sourceApiVersion": "66.0" }
JSON
cd "$project"
"$sf" project retrieve start -m ExtlClntAppGlobalOauthSettings -m ConnectedApp -o emu --json > "$work/retrieve.json"
ok < "$work/retrieve.json"
count=$(find force-app -name '*.ecaGlblOauth-meta.xml' -o -name '*.connectedApp-meta.xml' | wc -l)
echo "retrieved $count files"
[ "$count" -ge 10 ]
if grep -rq '<consumerSecret>' force-app; then echo "a consumer secret was retrieved" >&2; exit 1; fi

step "sf project deploy start (the retrieved files, without the consumerKey a deploy must not carry)"
# Salesforce refuses a Connected App deploy that provides its consumer key ("You cannot provide a Consumer Key",
# behaviours table): admins remove it from retrieved files before deploying them back.
find force-app -name '*.connectedApp-meta.xml' -exec sed -i.bak '/<consumerKey>/d' {} +
find force-app -name '*.bak' -delete
"$sf" project deploy start -d force-app -o emu --json > "$work/deploy.json"
ok < "$work/deploy.json"
node -e 'const r=require(process.argv[1]).result; if(!r.success||r.numberComponentsDeployed<10) process.exit(1); console.log(`deployed ${r.numberComponentsDeployed} components`)' "$work/deploy.json"

step "sf project generate manifest --from-org, then sf project retrieve start --manifest"
"$sf" project generate manifest --from-org emu --name from-org --output-dir "$work" --json | ok
grep -q '<name>ConnectedApp</name>' "$work/from-org.xml"
"$sf" project retrieve start --manifest "$work/from-org.xml" -o emu --json > "$work/retrieve-manifest.json"
ok < "$work/retrieve-manifest.json"
node -e 'const f=require(process.argv[1]).result.files; if(f.length<20||f.some(x=>x.state==="Failed")) process.exit(1); console.log(`retrieved ${f.length} files by manifest`)' "$work/retrieve-manifest.json"

step "sf oauth app list -o emu"
"$sf" oauth app list -o emu --json > "$work/apps.json"
ok < "$work/apps.json"
node -e 'const r=require(process.argv[1]).result; const p=r.apps.find(a=>a.name==="Partner_Portal_Sync"); if(!p||p.verdict!=="breaks") process.exit(1); console.log(`${r.apps.length} apps, ${r.summary.breaksAtEnforcement} break at enforcement`)' "$work/apps.json"

step "sf oauth rtr enable --app Acme_Mobile, then sf oauth backup restore"
"$sf" oauth rtr enable --app Acme_Mobile -o emu --json | ok
"$sf" oauth backup list -o emu --json | ok
"$sf" oauth backup restore -o emu --no-prompt --json | ok

step "sf oauth pkce verify and sf oauth rtr verify --app Field_Service_App"
"$sf" oauth pkce verify --app Field_Service_App -o emu --json | ok
"$sf" oauth rtr verify --app Field_Service_App -o emu --result-format junit > "$work/rtr.xml"
grep -q '<testsuites' "$work/rtr.xml"

step "sf oauth org require-pkce --dry-run (the default org has managed apps with PKCE off: the gate must refuse)"
"$sf" oauth org require-pkce --dry-run -o emu --json > "$work/gate.json" || true
node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if(r.name!=="GateBlockedError"||!r.data.blockers.some(b=>b.app==="mcconn__Marketing_Cloud_Connector")) process.exit(1); console.log(`${r.data.blockers.length} blockers`)' "$work/gate.json"

step "sf oauth rollout plan, run (two public apps, no org-wide switch), status, undo"
"$sf" oauth rollout plan -o emu --output-file "$work/starter.yaml" --json | ok
printf 'apps: [Field_Service_App, Ops_Dashboard_Local]\noptions: {requirePkce: false}\n' > "$work/plan.yaml"
"$sf" oauth rollout run --plan "$work/plan.yaml" -o emu --summary-file "$work/rollout.md" --junit-file "$work/rollout.xml" --json | ok
grep -q 'Rollout completed' "$work/rollout.md"
"$sf" oauth rollout status -o emu --json | ok
"$sf" oauth rollout undo -o emu --json | ok

step "sf oauth emulator report --url (the verify runs broke rules on purpose: a report with failures is expected)"
"$sf" oauth emulator report --url "http://127.0.0.1:$port" --json > "$work/report.json" || true
node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if(!r.result) process.exit(1)' "$work/report.json"

step "sf oauth emulator start stops on SIGINT"
kill -INT "$pid"; wait "$pid"; pid=""
grep -q 'Emulator stopped.' "$work/emulator.log"

step "The whole rollout of the default org through sf: audit to org-wide Require PKCE, with one command"
# The default org with test consumer secrets the script knows (a seed file), and the admin's one-time approvals.
node --input-type=module -e '
  const { DEFAULT_SEED } = await import(process.argv[1]);
  const seed = structuredClone(DEFAULT_SEED);
  for (const app of seed.apps) app.consumerSecret = `integration-test-secret-${app.name}`;
  process.stdout.write(JSON.stringify(seed));
' "$root/lib/emulator/seed/default.js" > "$work/seed.json"
eval "$(node -e 'for (const a of JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).apps) console.log(`export SF_OAUTH_CLIENT_SECRET_${a.name.toUpperCase()}=${a.consumerSecret}`)' "$work/seed.json")"
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$sf" oauth emulator start --alias emu2 --port "$port" --seed "$work/seed.json" --pre-approve > "$work/emulator2.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do grep -q 'Press Ctrl-C' "$work/emulator2.log" && break; sleep 0.5; done
cat > "$work/full-plan.yaml" <<YAML
apps: [needs-action]
waive:
  - app: mcconn__Marketing_Cloud_Connector
    reason: vendor confirmed PKCE support (rehearsal)
  - app: ptnrx__Partner_Analytics
    reason: vendor confirmed PKCE support (rehearsal)
YAML
"$sf" oauth rollout run --plan "$work/full-plan.yaml" -o emu2 --no-prompt --json > "$work/full-rollout.json"
ok < "$work/full-rollout.json"
"$sf" oauth app list -o emu2 --json > "$work/apps2.json"
# PKCE and rotation are done everywhere in scope; what may remain is outside a PKCE/RTR rollout (refresh token lifetime).
node -e 'const r=require(process.argv[1]).result; if(r.orgSettings.requirePkce!==true) process.exit(1); const bad=r.apps.filter(a=>a.verdict!=="vendor"&&(a.reasons||[]).some(x=>/PKCE off|without RTR/.test(x))); if(bad.length){console.error(bad.map(a=>a.name+": "+a.reasons.join("; ")).join("\n")); process.exit(1)} const left=r.apps.filter(a=>a.verdict==="breaks"); console.log(`Require PKCE is on; no in-scope app lacks PKCE or RTR; ${left.length} still flagged for other reasons: ${[...new Set(left.flatMap(a=>a.reasons))].join("; ")}`)' "$work/apps2.json"
if grep -rq 'integration-test-secret' "$work/full-rollout.json" "$HOME/.sf/oauth"; then echo "a consumer secret was written" >&2; exit 1; fi
"$sf" oauth rollout undo -o emu2 --no-prompt --json | ok
kill -INT "$pid"; wait "$pid"; pid=""
echo
echo "sf CLI integration: all steps passed"
