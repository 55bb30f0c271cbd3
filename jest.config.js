/**
 * Jest 30 in ESM mode (the code uses import.meta.url and ESM-only packages), TypeScript compiled by
 * @swc/jest: it only strips types, which is all a test run needs (`npm run typecheck` checks them),
 * and it is many times faster than ts-jest. See docs/testing.md.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 60_000,
  // Tests wait on PostgreSQL and child processes more than on this process's CPU.
  maxWorkers: 3,
};
