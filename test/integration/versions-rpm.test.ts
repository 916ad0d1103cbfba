/**
 * Differential test: our rpm version comparison against rpm itself. Needs the Debian packages
 * `rpm` (rpm 4.18, whose Lua `rpm.vercmp` is `rpmverCmp()` on parsed EVRs) and `python3-rpm`
 * (whose `rpm.ds(...).Compare()` is the range overlap rpm uses for requirements). Fails — never
 * skips — when they are missing.
 *
 * All questions of a test go to one process: a Lua loop inside `rpm --eval`, a Python loop in
 * `/usr/bin/python3` (Debian's Python, where python3-rpm installs; not whatever `python3` is
 * first on PATH). The Lua code avoids `%`, which rpm would take for a macro.
 */
import { execFileSync } from 'node:child_process';
import { requireTool } from '../helpers/tools';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareRpmEvr, parseRpmEvr, RELATION_OPERATORS, rpmvercmp, satisfies } from '../../src/versions';
import type { Random } from './versions-random';
import { pick, randomRpmVersion, seededRandom, versionPairs } from './versions-random';

const SEED = 'driftguard-rpm-versions-1';
const DEBIAN_PYTHON = '/usr/bin/python3';

let workDir: string;

function writeLines(name: string, lines: string[]): string {
  const file = path.join(workDir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** rpm.vercmp(a, b) for each line "a b" of the file. */
function rpmVercmp(pairs: [string, string][], name: string): string[] {
  const file = writeLines(
    name,
    pairs.map(([a, b]) => `${a} ${b}`),
  );
  const lua = `for l in io.lines("${file}") do local a, b = l:match("([^ ]+) ([^ ]+)"); print(rpm.vercmp(a, b) .. "\\n") end`;
  const output = execFileSync('rpm', ['--eval', `%{lua: ${lua}}`], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return output.split('\n').slice(0, pairs.length);
}

const isPlainVersion = (version: string): boolean => version !== '' && !/[-:]/.test(version);

function randomEvr(random: Random): string {
  const epoch = random() < 0.3 ? `${pick(random, ['0', '1', '2', '32', '01'])}:` : '';
  const release =
    random() < 0.85 ? `-${randomRpmVersion(random)}${pick(random, ['', '.el9', '.el9_4', '.fc40'])}` : '';
  return `${epoch}${randomRpmVersion(random)}${release}`;
}

beforeAll(() => {
  requireTool(['rpm', '--version'], 'rpm');
  requireTool([DEBIAN_PYTHON, '-c', 'import rpm'], 'python3-rpm');
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-versions-rpm-'));
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

test(`rpmvercmp agrees with rpm on 600 generated version pairs (seed ${SEED})`, () => {
  const pairs = versionPairs(seededRandom(SEED), 600, randomRpmVersion, '0123456789._+~^a', isPlainVersion);
  const answers = rpmVercmp(pairs, 'versions.txt');
  const disagreements = pairs
    .map(([a, b], index) => ({ a, b, rpm: answers[index], ours: String(rpmvercmp(a, b)) }))
    .filter((row) => row.rpm !== row.ours);
  expect(disagreements).toEqual([]);
  const all = pairs.flat().join(' ');
  for (const feature of ['~', '^', '_', '+', '.']) expect(all).toContain(feature);
  expect(new Set(answers)).toEqual(new Set(['-1', '0', '1']));
});

test('EVR ordering agrees with rpm on 300 generated epoch:version-release pairs', () => {
  const pairs = versionPairs(
    seededRandom(`${SEED}-evr`),
    300,
    randomEvr,
    '0123456789.-:~^',
    (v) => v !== '' && !v.startsWith('-'),
  );
  const answers = rpmVercmp(pairs, 'evrs.txt');
  const disagreements = pairs
    .map(([a, b], index) => ({ a, b, rpm: answers[index], ours: String(compareRpmEvr(a, b)) }))
    .filter((row) => row.rpm !== row.ours);
  expect(disagreements).toEqual([]);
});

test('satisfies("rpm", …) agrees with rpm dependency matching for every operator', () => {
  const random = seededRandom(`${SEED}-ranges`);
  // Installed packages always have a release; wanted versions often do not.
  const installed = (r: Random): string => {
    const evr = randomEvr(r);
    return parseRpmEvr(evr).release === undefined ? `${evr}-1.el9` : evr;
  };
  const wanted = (r: Random): string => (r() < 0.5 ? parseRpmEvr(installed(r)).version : installed(r));
  const questions: { installed: string; op: (typeof RELATION_OPERATORS)[number]; wanted: string }[] = [];
  for (let i = 0; i < 200; i++) {
    const have = installed(random);
    // Half the time ask about the installed version itself, without its release or epoch.
    const want = random() < 0.5 ? wanted(random) : parseRpmEvr(have).version;
    for (const op of RELATION_OPERATORS) questions.push({ installed: have, op, wanted: want });
  }
  const file = writeLines(
    'ranges.txt',
    questions.map((q) => `${q.installed} ${q.op} ${q.wanted}`),
  );
  const python = `
import sys, rpm
sense = {'<<': rpm.RPMSENSE_LESS, '<=': rpm.RPMSENSE_LESS | rpm.RPMSENSE_EQUAL, '=': rpm.RPMSENSE_EQUAL,
         '>=': rpm.RPMSENSE_GREATER | rpm.RPMSENSE_EQUAL, '>>': rpm.RPMSENSE_GREATER}
for line in open(sys.argv[1]):
    have, op, want = line.split()
    provided = rpm.ds(('p', rpm.RPMSENSE_EQUAL, have), 'provides')
    required = rpm.ds(('p', sense[op], want), 'requires')
    print(1 if provided.Compare(required) else 0)
`;
  const answers = execFileSync(DEBIAN_PYTHON, ['-c', python, file], { encoding: 'utf8' }).split('\n');
  const disagreements = questions
    .map((q, index) => ({
      ...q,
      rpm: answers[index],
      ours: satisfies('rpm', q.installed, q.op, q.wanted) ? '1' : '0',
    }))
    .filter((row) => row.rpm !== row.ours);
  expect(disagreements).toEqual([]);
  expect(new Set(answers.slice(0, questions.length))).toEqual(new Set(['0', '1']));
});
