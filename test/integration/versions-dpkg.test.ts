/**
 * Differential test: our Debian version comparison against the real `dpkg --compare-versions`
 * (Debian package `dpkg`). Fails — never skips — when dpkg is missing.
 *
 * dpkg is spawned once per question, so the questions go through one `sh` loop per batch that
 * reads them from a file (versions never contain blanks, so `read` splits them safely and
 * nothing is interpolated into a shell string).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  compareDebianVersions,
  DPKG_COMPARE_WORDS,
  isValidDebianVersion,
  parseDebianVersion,
  RELATION_OPERATORS,
  satisfies,
  VersionSyntaxError,
} from '../../src/versions';
import { randomDebianVersion, seededRandom, versionPairs } from './versions-random';
import { requireTool } from '../helpers/tools';

const SEED = 'driftguard-dpkg-versions-1';
const PAIR_COUNT = 600;
const RELATION_PAIR_COUNT = 120;

let workDir: string;

function runLoop(script: string, lines: string[]): string[] {
  const input = path.join(workDir, `input-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const output = execFileSync('sh', ['-c', script, 'sh', input], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return output.split('\n').slice(0, lines.length);
}

beforeAll(() => {
  requireTool(['dpkg', '--version'], 'dpkg');
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-versions-dpkg-'));
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

test(`ordering agrees with dpkg --compare-versions on ${PAIR_COUNT} generated pairs (seed ${SEED})`, () => {
  const pairs = versionPairs(
    seededRandom(SEED),
    PAIR_COUNT,
    randomDebianVersion,
    '0123456789.+~-:ab',
    isValidDebianVersion,
  );
  // Prints -1, 0 or 1 per pair; E<code> if dpkg refused a version.
  const script = `
    while read -r a b; do
      if dpkg --compare-versions "$a" lt "$b"; then echo -1
      else
        rc=$?
        if [ "$rc" -ne 1 ]; then echo "E$rc"
        elif dpkg --compare-versions "$a" eq "$b"; then echo 0
        else echo 1
        fi
      fi
    done < "$1"`;
  const answers = runLoop(
    script,
    pairs.map(([a, b]) => `${a} ${b}`),
  );

  const disagreements = pairs
    .map(([a, b], index) => ({ a, b, dpkg: answers[index], ours: String(compareDebianVersions(a, b)) }))
    .filter((row) => row.dpkg !== row.ours);
  expect(disagreements).toEqual([]);

  // The generator must exercise what the comparison is about, or agreement proves little.
  const all = pairs.flat().join(' ');
  for (const feature of [':', '~', '+', '-', '.', 'rc', ' 0', '.0']) expect(all).toContain(feature);
  const outcomes = new Set(answers);
  expect([...outcomes].sort()).toEqual(['-1', '0', '1']);
});

test('relation operators agree with dpkg --compare-versions A lt/le/eq/ge/gt B', () => {
  const pairs = versionPairs(
    seededRandom(`${SEED}-relations`),
    RELATION_PAIR_COUNT,
    randomDebianVersion,
    '0123456789.~a',
    isValidDebianVersion,
  );
  const questions = pairs.flatMap(([a, b]) => RELATION_OPERATORS.map((op) => ({ a, op, b })));
  // dpkg's blank version (a package without one), on either side.
  questions.push(
    ...RELATION_OPERATORS.flatMap((op) => [
      { a: '', op, b: '0~' },
      { a: '0~', op, b: '' },
    ]),
  );
  // '|' separates the fields: unlike blanks, it keeps an empty version as an empty field.
  const script = `
    while IFS='|' read -r a word b; do
      dpkg --compare-versions "$a" "$word" "$b"
      echo $?
    done < "$1"`;
  const answers = runLoop(
    script,
    questions.map(({ a, op, b }) => `${a}|${DPKG_COMPARE_WORDS[op]}|${b}`),
  );
  const disagreements = questions
    .map((q, index) => ({ ...q, dpkg: answers[index], ours: satisfies('dpkg', q.a, q.op, q.b) ? '0' : '1' }))
    .filter((row) => row.dpkg !== row.ours);
  expect(disagreements).toEqual([]);
});

test('refuses and warns about the same versions as dpkg, for the same reasons', () => {
  // Inputs starting with '-' are left out: dpkg's option parser takes them for options.
  const inputs = [
    '1:',
    ':1.0',
    'a:1.0',
    '1a:1.0',
    '99999999999:1',
    '1.0-',
    '1:-1',
    '1 0',
    'a1.0',
    '1.0_1',
    '1.0-1_1',
    '1.0-1/1',
    '1:2:3',
    '+1:1.0',
    '1.0~rc1-0+deb12u1',
  ];
  // dpkg prints "dpkg: error|warning: version 'X' has bad syntax: REASON", or nothing if valid.
  const script = `
    while IFS= read -r v; do
      reason=$(dpkg --compare-versions "$v" eq 1 2>&1 >/dev/null | sed -n 's/^dpkg: [a-z]*: version .* has bad syntax: //p' | head -n 1)
      printf '%s\\n' "$reason"
    done < "$1"`;
  const dpkgReasons = runLoop(script, inputs);
  const ourReasons = inputs.map((input) => {
    try {
      parseDebianVersion(input);
      return '';
    } catch (err) {
      if (err instanceof VersionSyntaxError) return err.reason;
      throw err;
    }
  });
  expect(ourReasons).toEqual(dpkgReasons);
  expect(ourReasons.filter((reason) => reason !== '').length).toBe(inputs.length - 3);
});

/** dpkg's answer for one pair, each version passed as its own argument (any bytes, blanks too). */
function dpkgOrder(a: string, b: string): string {
  const ask = (op: string) => spawnSync('dpkg', ['--compare-versions', a, op, b], { stdio: 'ignore' }).status;
  const lt = ask('lt');
  if (lt === 0) return '-1';
  if (lt !== 1) return `E${lt}`;
  return ask('eq') === 0 ? '0' : '1';
}

function ourOrder(a: string, b: string): string {
  try {
    return String(compareDebianVersions(a, b));
  } catch (err) {
    if (err instanceof VersionSyntaxError) return 'E2';
    throw err;
  }
}

test('non-ASCII bytes order as dpkg orders them (bytes; a signed char on amd64)', () => {
  const versions = [
    '1.0é',
    '1.0z',
    '1.0Z',
    '1.0+',
    '1.0~',
    '1.0',
    '1.0éa',
    '1.0ä',
    '1.0ü',
    '1.0日',
    '1.0-1é',
    '1.0-1+',
    '1.0-1a',
    '1.0ß1',
    '1.0.1',
    '1.0:',
  ];
  const pairs = versions.flatMap((a) => versions.map((b) => [a, b] as const));
  const disagreements = pairs
    .map(([a, b]) => ({ a, b, dpkg: dpkgOrder(a, b), ours: ourOrder(a, b) }))
    .filter((row) => row.dpkg !== row.ours);
  expect(disagreements).toEqual([]);
});

test('white space before an epoch, and elsewhere, as dpkg reads it', () => {
  const versions = [
    ' 1:1.0',
    '\t1:1.0',
    '\n1:1.0',
    '\v1:1.0',
    '\f1:1.0',
    '\r1:1.0',
    ' \n 1:1.0',
    '1\v:1.0',
    '1 :1.0',
    '1: 1.0',
    '1:1.0\n',
    '1.0 ',
    '1.0 \r',
    '\n:1.0',
    '\n+1:1.0',
    '1:1.0',
  ];
  const pairs = versions.map((a) => [a, '1:1.0'] as const);
  const disagreements = pairs
    .map(([a, b]) => ({ a: JSON.stringify(a), dpkg: dpkgOrder(a, b), ours: ourOrder(a, b) }))
    .filter((row) => row.dpkg !== row.ours);
  expect(disagreements).toEqual([]);
});
