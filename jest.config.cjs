// One runner for everything: core, server, CLI and (later) mini program component tests.
// @noble/* and mrz ship ESM only, so they are transformed like our own TypeScript.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@noble|mrz)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 120000,
  // The SQLite store's writer thread runs a built script: built here when stale (test/support/global-setup.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
