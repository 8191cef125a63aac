/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // The built bundle under dist/ is loaded as Lambda loads it: untransformed.
  transformIgnorePatterns: ['/node_modules/', '<rootDir>/dist/'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
