// Mutation testing with Stryker (`npm run mutate -- PATH`; docs/testing.md). Not part of `npm
// test` or CI: a run mutates one folder or file and takes minutes to hours on a small machine.
//
// scripts/mutate.mjs decides what to mutate and which tests may kill the mutants, and hands both
// over in DG_MUTATE_FILES and DG_MUTATE_TESTS (JSON lists of repository paths); the report and
// incremental files are named after DG_MUTATE_NAME. Run through the script, not on its own.
const files = JSON.parse(process.env.DG_MUTATE_FILES ?? '[]');
const tests = JSON.parse(process.env.DG_MUTATE_TESTS ?? '[]');
const name = process.env.DG_MUTATE_NAME ?? 'all';
if (files.length === 0 || tests.length === 0) {
  throw new Error('stryker.config.mjs: run `npm run mutate -- PATH` (scripts/mutate.mjs) instead');
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: files,
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    // The unit project's settings (jest.config.js) with only the tests chosen for this target.
    config: {
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
      testMatch: tests.map((test) => `<rootDir>/${test}`),
      globalSetup: '<rootDir>/scripts/mutate-jest-setup.cjs',
    },
    // Each mutant runs only the test files that import the mutated file (jest --findRelatedTests).
    enableFindRelatedTests: true,
  },
  // Which tests cover which mutant is measured once, so each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  // Grouped checks unless scripts/mutate.mjs says the target needs them one at a time.
  typescriptChecker: { prioritizePerformanceOverAccuracy: process.env.DG_MUTATE_CHECK_ONE_BY_ONE !== '1' },
  tsconfigFile: 'tsconfig.json',
  // Two cores shared with other work: one test process at a time unless asked (`--concurrency 2`).
  concurrency: 1,
  // A mutant that loops for ever is a timeout (counted as killed) after 1.5 × its tests' dry-run
  // time plus this. 5 s counted mutants as killed that no test fails: of the 54 mutants of
  // src/readiness/boot-safety/cycles.ts that timed out at 5 s, 40 were killed at 30 s, 7 survived
  // and 7 still timed out (docs/testing.md). A true loop costs this much more time; a false
  // detection costs a score that lies.
  timeoutMS: 15_000,
  // Results of the last run are reused for mutants whose code and tests did not change.
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  // Local stores and other runs' reports are not needed in the sandbox; dist/ is (the protocol
  // tests start the built server). The fixture trees are linked in, not copied
  // (scripts/mutate-jest-setup.cjs says why).
  ignorePatterns: ['var', 'coverage', '.bench-out', 'reports', '.stryker-tmp*', 'test/fixtures'],
  thresholds: { high: 90, low: 85, break: null },
};
