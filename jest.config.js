// Two projects: fast unit tests of pure code and fixture trees, and integration tests that run
// the built CLI, real Debian tools, servers and agents. `npm test` builds first, so integration
// tests exercise exactly what `npx driftguard` runs.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

// Some dependencies ship ESM only (cookie 2, used by fastify's inject); Node loads them with
// require(esm), jest does not, so they are compiled to CommonJS for the tests.
const ESM_ONLY = ['cookie'];
const esmTransform = {
  [`node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: [
    'ts-jest',
    { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } },
  ],
};

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest, ...esmTransform },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      ...common,
      testMatch: [
        '<rootDir>/src/**/*.test.ts',
        '<rootDir>/agents/**/*.test.ts',
        '<rootDir>/test/unit/**/*.test.ts',
      ],
    },
    { displayName: 'integration', ...common, testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
