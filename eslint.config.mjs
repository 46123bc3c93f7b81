// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const SEAMS = {
  typeorm: ['typeorm', '@nestjs/typeorm'],
  pg: ['pg'],
  axios: ['axios'],
};

/** Imports a file may not use: another lib's src/, and the libraries behind the seams named. */
function restrictedImports(seams) {
  return {
    paths: seams.flatMap((seam) =>
      SEAMS[seam].map((name) => ({
        name,
        message: `${name} is used behind its seam only (eslint.config.mjs, docs/architecture.md).`,
      })),
    ),
    patterns: [
      {
        group: ['**/libs/*/src/**', '../../libs/**'],
        message: 'Import a lib through its @airlock/<lib> alias.',
      },
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
      // Generated from the OpenAPI document by `npm run openapi`.
      'apps/cli/src/airlock/api-types.ts',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', restrictedImports(['typeorm', 'pg', 'axios'])],
    },
  },
  // The house's seams. pg: only the persistence lib (its pool, Database, transactions) and the
  // code that sets up or inspects databases for tests and benches. TypeORM: only the migration
  // runner and the migrations themselves (and tests, which may run a migration again).
  {
    files: ['libs/persistence/src/**/*.ts', 'libs/testing/src/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', restrictedImports(['typeorm', 'axios'])] },
  },
  {
    files: ['libs/persistence/src/migrator.ts', 'migrations/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', restrictedImports(['pg', 'axios'])] },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', restrictedImports(['axios'])] },
  },
  {
    files: ['libs/registry-client/src/http/**/*.ts', 'libs/events/src/axios-webhook-transport.ts'],
    rules: { 'no-restricted-imports': ['error', restrictedImports(['typeorm', 'pg'])] },
  },
  // The house rule on size: small files, small functions. A spec's describe
  // callback is not a function in that sense, so specs are held to the file limit only; a longer
  // function must be a declarative table, marked as such where it is declared.
  {
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['apps/*/src/**/*.spec.ts', 'libs/*/src/**/*.spec.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
