// Two projects: fast unit tests of pure code and fixture trees, and integration tests that run
// the built CLI, real Debian tools, servers and agents. `npm test` builds first, so integration
// tests exercise exactly what `npx driftguard` runs.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  // A mutation run's sandbox is a copy of the repository: not modules of this one.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp'],
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
