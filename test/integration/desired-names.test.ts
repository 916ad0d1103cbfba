/**
 * Differential tests of the desired-state name and version checks against the real tools:
 * `dpkg --validate-pkgname` / `--validate-version` (Debian package `dpkg`) and `systemd-escape`
 * (Debian package `systemd`). Without those tools these tests fail; they never skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { checkPackageName, checkUnitName } from '../../src/desired/names';
import { parsePackageRule } from '../../src/desired/values';

/** 0 when the tool accepts, else its exit code; throws if the tool is missing. */
function exitCode(command: string, args: string[]): number {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  return result.status ?? -1;
}

/** A small deterministic generator, so a failure can be reproduced. */
function* randomStrings(alphabet: string, count: number, seed: number): Generator<string> {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  for (let i = 0; i < count; i++) {
    const length = 1 + (next() % 8);
    let s = '';
    for (let j = 0; j < length; j++) s += alphabet.charAt(next() % alphabet.length);
    yield s;
  }
}

describe('package names agree with dpkg --validate-pkgname', () => {
  const handPicked = [
    'libc6:amd64',
    'glibc:x86_64',
    'foo:AMD64',
    'foo:',
    ':amd64',
    'drbd-utils',
    'libstdc++6',
    '0ad',
    'R',
    'NetworkManager',
    'perl-Time_HiRes',
    'foo;bar',
    '-foo',
    '.foo',
    '+foo',
    'foo bar',
    'foo$',
    'a.b-c+d_e',
    'ü',
    'foo/bar',
    '$(reboot)',
  ];
  const generated = [...randomStrings('ab0Z.+-_;$ :/@', 150, 42)];

  /**
   * What the test expects, from dpkg alone: `name:arch` is valid when dpkg takes the name and the
   * architecture, with two deliberate departures written here, not taken from the code:
   *   - an RPM architecture may hold `_` (x86_64, which dpkg's names never have): the
   *     architecture is asked of dpkg with `_` read as `-`;
   *   - upper case is refused although dpkg takes it (`AMD64`): Debian's and RPM's
   *     architectures are all lower case, so upper case is a typing mistake.
   */
  function expected(name: string): boolean {
    const colon = name.indexOf(':');
    if (colon === -1) return exitCode('dpkg', ['--validate-pkgname', name]) === 0;
    const [pkg, arch] = [name.slice(0, colon), name.slice(colon + 1)];
    return (
      exitCode('dpkg', ['--validate-pkgname', pkg]) === 0 &&
      arch === arch.toLowerCase() &&
      exitCode('dpkg', ['--validate-archname', arch.replaceAll('_', '-')]) === 0
    );
  }

  it('takes the names every node has', () => {
    for (const name of ['libc6:amd64', 'python3-psycopg2:amd64', 'pypissh:all', 'glibc:x86_64', 'bash'])
      expect({ name, problem: checkPackageName(name) }).toEqual({ name, problem: undefined });
  });

  it.each([...handPicked, ...generated])('%j', (name) => {
    expect({ name, ours: checkPackageName(name) === undefined }).toEqual({ name, ours: expected(name) });
  });
});

describe('versions in package rules agree with dpkg --validate-version', () => {
  const handPicked = [
    '1.0',
    '1:2.0-1',
    '2:1.0~rc1-1ubuntu1',
    '1.0-',
    ':1.0',
    'a1.0',
    '1_0',
    '1.0 x',
    '1:2:3-4-5',
    'x:1.0',
    '99999999999:1',
    '1.0-1_2',
    '0',
    '1.0+dfsg-2~bpo12+1',
    '1.0-a-b',
  ];
  const generated = [...randomStrings('019a.:-+~_ ', 150, 7)];

  it.each([...handPicked, ...generated])('%j', (version) => {
    const ours = parsePackageRule(`= ${version}`).ok;
    const dpkg = exitCode('dpkg', ['--validate-version', version]) === 0;
    expect({ version, ours }).toEqual({ version, ours: dpkg });
  });
});

describe('unit names that systemd-escape produces are accepted', () => {
  const strings = [
    'r0',
    'my data',
    'a-b',
    'ü',
    'x/y',
    'back\\slash',
    'dollar$sign',
    'semi;colon',
    '.hidden',
    'tab\there',
  ];

  it.each(strings)('%j', (text) => {
    const escape = (args: string[]): string =>
      execFileSync('systemd-escape', args, { encoding: 'utf8' }).trim();
    const names = [
      escape(['--suffix=service', text]),
      escape(['--template=drbd@.target', text]),
      escape(['--path', '--suffix=mount', `/srv/${text}`]),
    ];
    for (const name of names)
      expect({ name, problem: checkUnitName(name) }).toEqual({ name, problem: undefined });
  });
});
