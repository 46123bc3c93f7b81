// Three tiers, one command (`npm test`): unit (pure logic, next to the code), integration (real
// Postgres, Redis, registries and skopeo) and e2e (the HTTP API as a black box). The global
// setup checks the real dependencies once and fails loudly, naming what to install: no tier is
// ever skipped.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['reflect-metadata'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Integration and e2e tests start real processes; a per-test bound still catches a hang.
  testTimeout: 60000,
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  reporters: ['default', '<rootDir>/libs/testing/src/jest/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,migrations}/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,migrations}/**/*.int-spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,test}/**/*.e2e-spec.ts'],
    },
  ],
};
