#!/usr/bin/env node
// `npm run mutate -- PATH [STRYKER OPTIONS…]`: mutation testing of one folder or file with
// Stryker (stryker.config.mjs; scores and surviving mutants in docs/testing.md).
//
// What is mutated: the TypeScript sources under PATH, not their tests and not generated code.
// Which tests run: the unit tests in PATH (for a file, the unit tests that import it), plus the
// integration tests listed below for the target — the score says how well the target's own
// tests catch a change to it. Only tests that load the
// mutated code in the jest process can kill a mutant — an integration test that runs the built
// CLI runs dist/, which Stryker does not mutate — so integration tests are chosen here by hand:
// the differential and protocol tests that call the sources directly. The ones listed for the
// report client start the built server (dist/): build first.
//
// Reports go to reports/mutation/NAME.{html,json}; the incremental file beside them lets the next
// run of the same target reuse the results of mutants whose code and tests did not change.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** In-process integration tests that can kill mutants of a target (repository paths). */
// (versions-dpkg and versions-rpm, the differential tests of src/versions against dpkg and rpm,
// are left out: they spawn the tools thousands of times, cover every mutant, and would make a run
// of src/versions take hours on two cores.)
const INTEGRATION_TESTS = {
  'src/desired': ['test/integration/desired-names.test.ts'],
  'src/app/report-client.ts': ['test/integration/report-protocol.test.ts'],
  agents: ['test/integration/report-protocol.test.ts'],
};

/**
 * Tests that cannot run under Stryker, with why. They are left out of every mutation run.
 */
const NOT_UNDER_MUTATION = {
  // It compares the committed generated validators with a fresh compilation, which embeds the
  // source text of the format checks — instrumented by Stryker, so never equal in a sandbox.
  'src/desired/validators.test.ts': 'embeds the source text of mutated functions',
};

/**
 * Targets whose mutants are type-checked one at a time, with why. Grouping them (Stryker's
 * default) is faster, but on these the TypeScript checker crashed the whole run.
 */
const CHECK_ONE_BY_ONE = {
  // 25 minutes into a run, a group of its mutants gave a compile error with no file, which the
  // checker cannot assign to a mutant ("reported without a corresponding file"), and it threw.
  'src/enforce': 'a grouped check crashed the checker',
};

function usage(message) {
  process.stderr.write(`mutate: ${message}\nusage: npm run mutate -- PATH [stryker options]\n`);
  process.exit(2);
}

/** TypeScript sources under `target` (a file or a folder), repository-relative, sorted. */
function sourcesUnder(target) {
  const absolute = path.join(REPO, target);
  if (!fs.existsSync(absolute)) usage(`no such file or folder: ${target}`);
  if (fs.statSync(absolute).isFile()) return [target];
  return fs
    .readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(REPO, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.split(path.sep).includes('generated'))
    .sort();
}

const [target, ...strykerArgs] = process.argv.slice(2);
if (!target || target.startsWith('-')) usage('which folder or file?');
const normalised = path.relative(REPO, path.resolve(REPO, target)).replace(/\/$/, '');
const files = sourcesUnder(normalised);
if (files.length === 0) usage(`no TypeScript sources under ${normalised}`);

// The target's own tests: test files beside the sources, or, for a single file, the tests that
// import it. `--related` adds every unit test jest finds related (importing the sources directly
// or not): more tests that may kill a mutant, and a much longer run. `--tests-in FOLDER` keeps
// only the related tests under FOLDER: one file of a folder measured against the folder's tests,
// as a run of the whole folder would measure it, without the slow tests elsewhere that import it.
const passOn = [...strykerArgs];
/** Takes this script's own option out of what goes on to Stryker: true, its value, or undefined. */
function ownOption(flag, withValue) {
  const at = passOn.indexOf(flag);
  if (at < 0) return undefined;
  const [, value] = passOn.splice(at, withValue ? 2 : 1);
  if (withValue && !value) usage(`${flag} needs a value`);
  return withValue ? value : true;
}
const relatedAll = ownOption('--related', false) ?? false;
const testsIn = ownOption('--tests-in', true)?.replace(/\/$/, '');
const related = execFileSync(
  process.execPath,
  [
    path.join(REPO, 'node_modules/jest/bin/jest.js'),
    '--selectProjects',
    'unit',
    '--listTests',
    '--findRelatedTests',
    ...files,
  ],
  { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
)
  .split('\n')
  .filter((line) => line.endsWith('.test.ts'))
  .map((line) => path.relative(REPO, line));
const isFolder = fs.statSync(path.join(REPO, normalised)).isDirectory();
// The folder the target's own tests must be in; none: every related test.
const testsFolder = testsIn ?? (relatedAll || !isFolder ? undefined : normalised);
const own =
  testsFolder === undefined ? related : related.filter((test) => test.startsWith(`${testsFolder}/`));
const inside = (a, b) => a === b || a.startsWith(`${b}/`);
const integration = Object.entries(INTEGRATION_TESTS)
  .filter(([key]) => inside(normalised, key) || inside(key, normalised))
  .flatMap(([, tests]) => tests);
const tests = [...new Set([...own, ...integration])].filter((test) => !(test in NOT_UNDER_MUTATION)).sort();
if (tests.length === 0) usage(`no test imports anything under ${normalised}`);
if (integration.length > 0 && !fs.existsSync(path.join(REPO, 'dist/src'))) {
  usage('the integration tests for this target need the build: run `npm run build` first');
}

const name = normalised.replace(/\.ts$/, '').replace(/[/.]/g, '-');
// States the tests collect from fixture trees are collected once per run and reused
// (test/helpers/collected-once.ts says why) — only where no collector is under mutation.
const STATE_CACHE_TARGETS = ['src/readiness'];
const stateCache = STATE_CACHE_TARGETS.some((key) => inside(normalised, key))
  ? path.join(REPO, 'reports/mutation', `${name}.states`)
  : '';
if (stateCache) fs.rmSync(stateCache, { recursive: true, force: true });
process.stdout.write(
  `mutate: ${files.length} source files under ${normalised}; ${tests.length} test files:\n` +
    tests.map((test) => `  ${test}\n`).join(''),
);
const run = spawnSync(
  process.execPath,
  [
    path.join(REPO, 'node_modules/@stryker-mutator/core/bin/stryker.js'),
    'run',
    'stryker.config.mjs',
    ...passOn,
  ],
  {
    cwd: REPO,
    stdio: 'inherit',
    env: {
      ...process.env,
      DG_MUTATE_FILES: JSON.stringify(files),
      DG_MUTATE_TESTS: JSON.stringify(tests),
      DG_MUTATE_NAME: name,
      DG_MUTATE_REPO: REPO,
      DG_MUTATE_STATE_CACHE: stateCache,
      DG_MUTATE_CHECK_ONE_BY_ONE: Object.keys(CHECK_ONE_BY_ONE).some((key) => inside(normalised, key))
        ? '1'
        : '',
    },
  },
);
process.exit(run.status ?? 1);
