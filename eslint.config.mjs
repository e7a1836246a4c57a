import { fixupPluginRules } from '@eslint/compat';
import sfPlugin from 'eslint-plugin-sf-plugin';
import { salesforceTypescriptConfig } from './eslint.salesforce-typescript.mjs';

const ts = ['**/*.ts'];

export default [
  { ignores: ['lib/**', 'node_modules/**', '.tools/**', 'bin/**'] },
  ...salesforceTypescriptConfig({
    files: ts,
    parserOptions: {
      // src is its own program; test/tsconfig.json also holds bench, scripts and examples, which have no tsconfig of
      // their own (the project service would only look for one beside them or above them)
      project: ['./tsconfig.json', './test/tsconfig.json'],
      tsconfigRootDir: import.meta.dirname,
    },
  }),
  {
    // The rules Salesforce's own sf plugins use. The plugin is built for ESLint 8 (it calls context.getAncestors, which
    // ESLint 9 dropped); fixupPluginRules gives its rules that API back.
    name: 'sf-plugin/recommended',
    files: ts,
    plugins: { 'sf-plugin': fixupPluginRules(sfPlugin) },
    rules: sfPlugin.configs.recommended.rules,
  },
  {
    name: 'plugin-oauth',
    files: ts,
    rules: {
      eqeqeq: ['error', 'always'],
      // Object keys and the names destructured from them are wire names here: OAuth 2.0 and OpenID Connect parameters
      // (client_id, code_verifier, refresh_token), Salesforce API and developer names, npm's environment variables. The
      // rule still checks every variable, function and parameter name we choose.
      camelcase: ['error', { properties: 'never', ignoreDestructuring: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // sf oauth pkce|rtr enable|disable share one base class (src/cli/toggle-command.ts, itself an SfCommand) that holds
    // their run; the rule wants every command to extend SfCommand directly, a layout without shared command classes.
    // They get SfCommand's base flags through it all the same (command-snapshot.json shows --flags-dir and --json).
    name: 'plugin-oauth/shared-command-base',
    files: ['src/commands/oauth/pkce/*.ts', 'src/commands/oauth/rtr/*.ts'],
    rules: { 'sf-plugin/only-extend-SfCommand': 'off' },
  },
  {
    // These functions exist to change the record they are handed, in place: a journal draft inside store.update (j), a
    // journal step, a metadata deploy or retrieve job the emulator advances, the state a smoke test's checks thread
    // through, an OAuth grant the emulator rotates or revokes, a planned change marked failed, the seed's secrets being
    // collected, the emulator a rehearsal configures, the metadata value a test's edit callback changes (v), the HTTP
    // response being written (res). Any other parameter still warns.
    name: 'plugin-oauth/records-changed-in-place',
    files: ts,
    rules: {
      'no-param-reassign': [
        'warn',
        {
          props: true,
          ignorePropertyModificationsFor: [
            'j',
            'step',
            'job',
            'state',
            'grant',
            'change',
            'secrets',
            'target',
            'v',
            'res',
          ],
        },
      ],
    },
  },
  {
    // Awaiting in a loop is the design here, not an accident: a rollout's journal steps and retries run one after the
    // other (each is recorded before the next starts), retrieve and deploy jobs are polled, smoke checks follow one
    // sign-in session, redirects and OAuth requests each need the answer to the one before, query results are paged,
    // and tests, benchmarks and examples drive the emulator step by step. The rule still guards the rest of src.
    name: 'plugin-oauth/sequential-by-design',
    files: [
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
      'examples/**/*.ts',
      'src/rollout/**/*.ts',
      'src/smoke/**/*.ts',
      'src/metadata/**/*.ts',
      'src/oauth/**/*.ts',
      'src/apps/usage.ts',
      'src/cli/verify-command.ts',
      'src/emulator/metadata/deploy/zip.ts',
      'src/emulator/oauth/in-flight.ts',
    ],
    rules: { 'no-await-in-loop': 'off' },
  },
  {
    // Functions over Salesforce's complexity limit of 20, due to be split; a warning here so that any new function over
    // the limit, anywhere else, still fails the lint.
    name: 'plugin-oauth/complexity-debt',
    files: [
      'bench/rollout.ts',
      'src/apps/inventory.ts',
      'src/apps/settings.ts',
      'src/check/apps.ts',
      'src/check/run.ts',
      'src/cli/toggle-command.ts',
      'src/cli/verify-command.ts',
      'src/commands/oauth/backup/restore.ts',
      'src/emulator/conformance/format.ts',
      'src/emulator/metadata/deploy/job.ts',
      'src/emulator/metadata/deploy/plan.ts',
      'src/emulator/rest/query/literals.ts',
      'src/emulator/rest/query/where.ts',
      'src/metadata/restore.ts',
      'src/metadata/toggle.ts',
      'src/oauth/answer.ts',
      'src/rollout/phases.ts',
      'src/rollout/plan.ts',
      'src/rollout/run.ts',
    ],
    rules: { complexity: 'warn' },
  },
  {
    // Tests and benchmarks report through mocha or stdout; the core never prints.
    name: 'plugin-oauth/not-shipped',
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'examples/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
];
