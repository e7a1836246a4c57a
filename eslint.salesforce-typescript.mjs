// The Salesforce TypeScript lint config (eslint-config-salesforce-typescript 4.0.1, which extends eslint-config-salesforce
// 2.2.1) ported to ESLint 9 flat config and typescript-eslint v8. Both packages are published only in the legacy eslintrc
// format with typescript-eslint v6 and ESLint 8 as hard dependencies, so they cannot be loaded next to typescript-eslint v8
// (one `@typescript-eslint` plugin per flat config). The rule list below is theirs, in their order; the only changes are:
// - rules that typescript-eslint v8 or ESLint 9 removed are replaced by their successors (id-blacklist -> id-denylist)
//   or, for pure formatting (@typescript-eslint/quotes, member-delimiter-style, type-annotation-spacing), left to Prettier,
//   which formats this tree with @salesforce/prettier-config (single quotes, semicolons) and is checked by format:check;
// - `recommended-requiring-type-checking` is v8's `recommendedTypeChecked`;
// - where a v8 rule changed its default, the option that keeps v6's judgement is set (switch-exhaustiveness-check).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';
import jsdoc from 'eslint-plugin-jsdoc';
import unicorn from 'eslint-plugin-unicorn';
import prettier from 'eslint-config-prettier/flat';

/** eslint-config-salesforce 2.2.1 (`extends: ['eslint:recommended', 'prettier']` plus these rules). */
const salesforce = {
  name: 'salesforce/eslint-config-salesforce',
  plugins: { import: importPlugin, jsdoc },
  rules: {
    // ESLint Recommended Overrides
    'valid-typeof': 'off',

    // EsLint Customizations (the formatting ones among them are turned off again by eslint-config-prettier below,
    // exactly as eslint-config-salesforce-typescript does by extending it last)
    'arrow-body-style': 'error',
    'prefer-arrow-callback': 'error',
    'brace-style': ['error', '1tbs'],
    camelcase: 'error',
    complexity: 'error',
    curly: ['error', 'multi-line'],
    'class-methods-use-this': 'error',
    'eol-last': 'error',
    eqeqeq: ['error', 'smart'],
    'guard-for-in': 'error',
    'id-denylist': 'error',
    'id-match': 'error',
    'max-len': ['error', { code: 120 }],
    'new-parens': 'error',
    'no-await-in-loop': 'error',
    'no-caller': 'error',
    'no-console': 'error',
    'no-eval': 'error',
    'no-lonely-if': 'error',
    'no-multiple-empty-lines': 'error',
    'no-new-wrappers': 'error',
    'no-octal-escape': 'error',
    'no-param-reassign': ['warn', { props: true }],
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['src/**'], message: "imports from this repo's src folder should be a relative path" },
          { group: ['**/../lib/**', 'lib/**'], message: 'import from /src not from /lib. /lib is a build artifact' },
          {
            group: ['@salesforce/kit'],
            importNames: ['logFn'],
            message: 'The logging function is only for debug and should not be shipped in production code',
          },
        ],
      },
    ],
    'no-shadow': ['error', { hoist: 'all' }],
    'no-throw-literal': 'error',
    'no-trailing-spaces': 'error',
    'no-undef-init': 'error',
    'no-underscore-dangle': 'error',
    'no-unsafe-finally': 'error',
    'no-unused-expressions': 'error',
    'no-var': 'error',
    'object-shorthand': 'error',
    'one-var': ['error', 'never'],
    'prefer-const': 'error',
    'prefer-spread': 'error',
    'quote-props': ['error', 'as-needed'],
    radix: 'error',
    'spaced-comment': ['error', 'always', { markers: ['/'] }],
    'use-isnan': 'error',

    // Special Plugin Rules
    'import/order': 'error',
    'jsdoc/check-alignment': 'error',
    'jsdoc/check-indentation': 'error',
    'jsdoc/tag-lines': ['error', 'any', { startLines: 1, endLines: 1 }],
  },
};

/** eslint-config-salesforce-typescript 4.0.1's own rules (they override everything it extends, prettier included). */
const salesforceTypescript = {
  name: 'salesforce/eslint-config-salesforce-typescript',
  plugins: { unicorn },
  rules: {
    'unicorn/prefer-node-protocol': 'error',
    'unicorn/numeric-separators-style': 'warn',
    // turn the rule off everywhere.  Then, in overrides, turn it on for just src
    'import/no-extraneous-dependencies': ['off'],

    // Override @typescript-eslint/recommended
    '@typescript-eslint/no-explicit-any': 'error',
    '@typescript-eslint/no-namespace': 'off',
    '@typescript-eslint/restrict-template-expressions': [
      'error',
      // true generally (so we get it in /test), we override it to false for src lower down
      { allowNullish: true, allowBoolean: true, allowNumber: true },
    ],

    // Custom @typescript-eslint
    '@typescript-eslint/array-type': ['error', { default: 'array-simple' }],
    '@typescript-eslint/consistent-type-assertions': 'error',
    '@typescript-eslint/consistent-type-definitions': ['warn', 'type'],
    '@typescript-eslint/explicit-function-return-type': 'error',
    '@typescript-eslint/explicit-member-accessibility': ['error', { accessibility: 'explicit' }],
    '@typescript-eslint/member-ordering': 'error',
    '@typescript-eslint/no-shadow': 'error',
    '@typescript-eslint/return-await': 'error',
    // turning off the base rule is recommended by ts-eslint
    'no-return-await': 'off',
    '@typescript-eslint/prefer-for-of': 'error',
    '@typescript-eslint/prefer-function-type': 'error',
    '@typescript-eslint/prefer-includes': 'error',
    '@typescript-eslint/prefer-nullish-coalescing': 'error',
    '@typescript-eslint/prefer-optional-chain': 'error',
    '@typescript-eslint/prefer-reduce-type-parameter': 'error',
    '@typescript-eslint/prefer-string-starts-ends-with': 'error',
    // typescript-eslint v6 took a `default:` branch as exhaustive; v8 needs this option to judge the same way
    '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    '@typescript-eslint/unified-signatures': 'error',
    'no-shadow': 'off',
  },
};

/** eslint-config-salesforce-typescript's override: stricter rules for production code only. */
const salesforceTypescriptSrc = {
  name: 'salesforce/eslint-config-salesforce-typescript/src',
  files: ['src/**/*.ts'],
  rules: {
    '@typescript-eslint/restrict-template-expressions': [
      'error',
      { allowNullish: false, allowBoolean: true, allowNumber: true },
    ],
    'import/no-extraneous-dependencies': [
      'error',
      {
        includeTypes: false,
        devDependencies: false,
        peerDependencies: false,
        bundledDependencies: false,
        optionalDependencies: false,
      },
    ],
  },
};

/**
 * The whole Salesforce TypeScript config for the given TypeScript files, type information included
 * (`parserOptions` is the caller's: which tsconfig serves which file is a property of the repository).
 */
export function salesforceTypescriptConfig({ files, parserOptions }) {
  const scoped = (config) => ({ ...config, files: config.files ?? files });
  return [
    scoped({ ...js.configs.recommended, name: 'eslint/recommended' }),
    scoped(salesforce),
    ...tseslint.configs.recommendedTypeChecked.map(scoped),
    scoped({ name: 'salesforce/type-information', languageOptions: { parserOptions } }),
    scoped({ ...prettier, name: 'prettier' }),
    scoped(salesforceTypescript),
    salesforceTypescriptSrc,
  ];
}
