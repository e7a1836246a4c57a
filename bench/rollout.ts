/*
 * Benchmark of whole rollouts (run by hand: `npx tsc -p . && npx tsx bench/rollout.ts`; not a test; heavy).
 *
 * For each size (SIZES, default 20,100,200): an emulator org holding that many OAuth apps, half External Client Apps and
 * half Connected Apps, alternately public and confidential, all with the authorization code flow, refresh tokens,
 * PKCE and rotation off; the sandbox latency model. `node bin/run.js oauth rollout run` takes the plan
 * `apps: [all-in-scope]` from audit to org-wide Require PKCE, with the consumer secrets of the confidential apps in the
 * environment and every app approved once for the admin (as an admin does before a rollout). Reported: wall time,
 * requests, deploys, and whether every app ended with PKCE and rotation on.
 * The per-app rollout this replaced (issue 10's starting point) took 375 s and 40 deploys for 20 apps on this model.
 * Environment: SIZES, CONCURRENCY (plan option, default the plan's default), BENCH_LATENCY=none to drop the latency model.
 */
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { childEnv, diff, printFigures, ROOT, run, snapshot, type Figures } from './lib.js';

const SIZES = (process.env.SIZES ?? '20,100,200').split(',').map(Number);

type SeedApp = import('../src/emulator/seed/types.js').SeedApp;

function app(i: number): SeedApp {
  const confidential = i % 2 === 0;
  if (i % 4 < 2) {
    const name = `Bench_Eca_${String(i).padStart(4, '0')}`;
    return {
      kind: 'ExternalClientApplication',
      name,
      header: {
        contactEmail: 'bench@acme.example.com',
        distributionState: 'Local',
        isProtected: 'false',
        label: `Bench ECA ${i}`,
      },
      globalOauth: {
        callbackUrl: `https://bench-${i}.acme.example.com/oauth/callback`,
        externalClientApplication: name,
        isConsumerSecretOptional: String(!confidential),
        isPkceRequired: 'false',
        isRefreshTokenRotationEnabled: 'false',
        isSecretRequiredForRefreshToken: String(confidential),
        label: `${name}_glbloauth`,
      },
      oauthSettings: {
        commaSeparatedOauthScopes: 'Api, RefreshToken',
        externalClientApplication: name,
        label: `${name}_oauth`,
      },
      oauthPolicies: {
        externalClientApplication: name,
        label: `${name}_oauthPlcy`,
        permittedUsersPolicyType: 'AllSelfAuthorized',
        refreshTokenPolicyType: 'Infinite',
      },
      policies: {
        externalClientApplication: name,
        isEnabled: 'true',
        isOauthPluginEnabled: 'true',
        label: `${name}_plcy`,
      },
    };
  }
  return {
    kind: 'ConnectedApp',
    name: `Bench_Ca_${String(i).padStart(4, '0')}`,
    metadata: {
      label: `Bench Connected App ${i}`,
      oauthConfig: {
        callbackUrl: `https://bench-ca-${i}.acme.example.com/oauth/callback`,
        isConsumerSecretOptional: String(!confidential),
        isPkceRequired: 'false',
        isRefreshTokenRotationEnabled: 'false',
        isSecretRequiredForRefreshToken: String(confidential),
        scopes: ['Api', 'RefreshToken'],
      },
      oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'infinite' },
    },
  };
}

async function main(): Promise<void> {
  const { OrgEmulator } = await import('../src/emulator/server.js');
  const { NO_LATENCY, SANDBOX_LATENCY } = await import('../src/emulator/faults.js');
  const { saveCliAuthorization } = await import('../src/emulator/sf-auth.js');
  const { DEFAULT_SEED } = await import('../src/emulator/seed/default.js');
  const { secretEnvName } = await import('../src/oauth/secret.js');
  const latency = process.env.BENCH_LATENCY === 'none' ? NO_LATENCY : SANDBOX_LATENCY;
  const figures: Figures[] = [
    {
      label: 'per-app rollout (issue 10 starting point), 20 apps',
      ms: 375_000,
      requests: 0,
      byKind: { 'soap:deploy': 40 },
      note: 'one backup, deploy and read-back per app and phase',
    },
  ];
  console.log(`Latency ${JSON.stringify(latency)}; sizes ${SIZES.join(', ')}.`);
  for (const size of SIZES) {
    const apps = Array.from({ length: size }, (_, k) => app(k + 1));
    const seed = {
      ...DEFAULT_SEED,
      org: { ...DEFAULT_SEED.org, name: `Acme Corporation (${size} bench apps)`, isSandbox: true },
      apps,
      oauthTokens: [],
    };
    const emulator = await OrgEmulator.start({ port: 0, seed, latency });
    try {
      await saveCliAuthorization(emulator, `bench-rollout-${size}`);
      // What an admin does once: approve the self-authorized apps for the user the smoke tests sign in as.
      const admin = emulator.store.adminUser().id;
      for (const c of [
        ...emulator.store.components('ConnectedApp'),
        ...emulator.store.components('ExtlClntAppGlobalOauthSettings'),
      ]) {
        const value = c.value as { oauthConfig?: { consumerKey?: unknown }; consumerKey?: unknown };
        const key = value.oauthConfig?.consumerKey ?? value.consumerKey;
        if (typeof key === 'string' && key) emulator.store.approve(admin, key);
      }
      const env: NodeJS.ProcessEnv = { ...childEnv };
      for (const a of apps) {
        const secret = emulator.consumerSecret(a.name);
        if (secret) env[secretEnvName(a.name)] = secret;
      }
      const work = mkdtempSync(path.join(tmpdir(), 'sf-oauth-bench-rollout-'));
      const planFile = path.join(work, 'plan.yaml');
      writeFileSync(
        planFile,
        `apps: [all-in-scope]\n${process.env.CONCURRENCY ? `options: {concurrency: ${process.env.CONCURRENCY}}\n` : ''}`,
      );
      const before = snapshot(emulator.stats);
      const started = Date.now();
      const cmd = await run(
        process.execPath,
        [
          path.join(ROOT, 'bin', 'run.js'),
          'oauth',
          'rollout',
          'run',
          '--plan',
          planFile,
          '-o',
          `bench-rollout-${size}`,
          '--no-prompt',
          '--json',
        ],
        ROOT,
        env,
      );
      const ms = Date.now() - started;
      const result = (
        JSON.parse(cmd.stdout || '{}') as {
          result?: {
            status?: string;
            steps?: Array<{ status: string; phase: string; startedAt?: string; finishedAt?: string }>;
          };
        }
      ).result;
      const flags = [
        ...emulator.store
          .components('ConnectedApp')
          .map((c) => (c.value as { oauthConfig?: Record<string, unknown> }).oauthConfig ?? {}),
        ...emulator.store.components('ExtlClntAppGlobalOauthSettings').map((c) => c.value as Record<string, unknown>),
      ];
      const both = flags.filter(
        (f) => String(f.isPkceRequired) === 'true' && String(f.isRefreshTokenRotationEnabled) === 'true',
      ).length;
      const d = diff(before, emulator.stats);
      figures.push({
        label: `sf oauth rollout run, ${size} apps`,
        ms,
        ...d,
        note: `exit ${String(cmd.code)}, ${result?.status ?? 'no result'}; deploys ${d.byKind['soap:deploy'] ?? 0}; PKCE and rotation on for ${both}/${size}`,
      });
      console.log(
        `${size} apps: ${(ms / 1000).toFixed(1)} s, ${d.requests} requests, ${d.byKind['soap:deploy'] ?? 0} deploys, ${result?.status ?? cmd.stderr.slice(0, 400)}`,
      );
      // Where the time went: each phase from its first step's start to its last step's end.
      const spans = new Map<string, { from: number; to: number }>();
      for (const step of result?.steps ?? []) {
        const from = Date.parse(step.startedAt ?? '');
        const to = Date.parse(step.finishedAt ?? '');
        if (Number.isNaN(from) || Number.isNaN(to)) continue;
        const span = spans.get(step.phase) ?? { from, to };
        spans.set(step.phase, { from: Math.min(span.from, from), to: Math.max(span.to, to) });
      }
      console.log(
        `  by phase: ${[...spans].map(([phase, span]) => `${phase} ${((span.to - span.from) / 1000).toFixed(1)} s`).join(', ')}`,
      );
    } finally {
      await emulator.stop();
    }
  }
  printFigures(figures);
}

await main();
