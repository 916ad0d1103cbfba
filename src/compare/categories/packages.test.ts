import type { PackageRule } from '../../model/desired';
import type { PackageFlag, PackagesState } from '../../model/state';
import { dpkg, spec } from '../../../test/helpers/states';
import { findingsAbout, pairContext } from '../test-helpers';
import { packagesComparator } from './packages';

const aboutLibc6 = findingsAbout('packages', 'libc6');
const driftOf = (rules: Record<string, PackageRule>, state: PackagesState) =>
  packagesComparator.drift!(spec({ packages: rules }), state);
const parityOf = (a: PackagesState, b: PackagesState, ignore?: string[]) =>
  packagesComparator.parity!(a, b, pairContext(ignore));

/** libc6 for two architectures (multi-arch), as on a node that runs i386 binaries. */
const multiarch = dpkg(
  ['libc6', '2.36-9+deb12u4'],
  ['libc6', '2.36-9+deb12u3', { arch: 'i386' }],
  ['bash', '5.2.15-2+b2'],
);

const rpm = (...entries: [string, string, string][]): PackagesState => ({
  manager: 'rpm',
  items: Object.fromEntries(
    entries.map(([name, arch, version]) => [`${name}:${arch}`, { name, arch, version, status: 'installed' }]),
  ),
});

describe('packages: drift', () => {
  it.each([
    ['no package', {}, false],
    ['one package', { bash: { state: 'present' } }, true],
  ] as const)('asks something of a node when the roles name a package (%s: %s)', (_what, rules, expected) => {
    expect(packagesComparator.hasRules!(spec({ packages: rules }))).toBe(expected);
  });

  it('is satisfied by installed packages in the versions asked for', () => {
    expect(
      driftOf(
        {
          libc6: { state: 'present', relation: '>=', version: '2.36-9' },
          'libc6:i386': { state: 'present' },
          bash: { state: 'present', relation: '<<', version: '5.3' },
          telnetd: { state: 'absent' },
          'bash:i386': { state: 'absent' },
        },
        multiarch,
      ),
    ).toEqual([]);
  });

  it('reports a package installed against the roles once per architecture', () => {
    expect(driftOf({ libc6: { state: 'absent' } }, multiarch)).toStrictEqual([
      aboutLibc6({
        kind: 'unexpected',
        expected: 'absent',
        actual: '2.36-9+deb12u4',
        message: 'libc6:amd64 2.36-9+deb12u4 is installed, desired absent',
      }),
      aboutLibc6({
        kind: 'unexpected',
        expected: 'absent',
        actual: '2.36-9+deb12u3',
        message: 'libc6:i386 2.36-9+deb12u3 is installed, desired absent',
      }),
    ]);
  });

  it.each([
    ['pypissh', 'present', { state: 'present' }],
    ['python3', '>= 3.11', { state: 'present', relation: '>=', version: '3.11' }],
    ['bash:i386', 'present', { state: 'present' }],
  ] as const)('reports %s not installed, desired %s', (key, desired, rule) => {
    expect(driftOf({ [key]: rule }, multiarch)).toStrictEqual([
      {
        category: 'packages',
        key,
        kind: 'missing',
        severity: 'error',
        expected: desired,
        message: `${key} is not installed, desired ${desired}`,
      },
    ]);
  });

  it('reports each architecture whose version does not satisfy the relation', () => {
    expect(
      driftOf({ libc6: { state: 'present', relation: '>=', version: '2.36-9+deb12u4' } }, multiarch),
    ).toStrictEqual([
      aboutLibc6({
        kind: 'mismatch',
        expected: '>= 2.36-9+deb12u4',
        actual: '2.36-9+deb12u3',
        message: 'libc6:i386 2.36-9+deb12u3 does not satisfy >= 2.36-9+deb12u4',
      }),
    ]);
  });

  it('compares versions the way the node’s manager does (rpm)', () => {
    const el9 = rpm(
      ['kernel-core', 'x86_64', '5.14.0-427.13.1.el9_4'],
      ['openssl', 'x86_64', '1:3.0.7-27.el9'],
    );
    expect(
      driftOf(
        {
          'kernel-core': { state: 'present', relation: '>=', version: '5.14.0-70.el9' },
          openssl: { state: 'present', relation: '>>', version: '3.2.0-1.el9' },
        },
        el9,
      ).map((f) => f.message),
    ).toEqual([]);
    expect(
      driftOf({ 'kernel-core': { state: 'present', relation: '<<', version: '5.14.0-70.el9' } }, el9).map(
        (f) => f.message,
      ),
    ).toEqual(['kernel-core:x86_64 5.14.0-427.13.1.el9_4 does not satisfy << 5.14.0-70.el9']);
  });

  const interrupted = (flags: PackageFlag[]) =>
    dpkg(['bash', '5.2.15-2+b2'], ['libc6', '2.36-9', { status: 'install reinstreq half-installed', flags }]);

  it.each<PackageFlag>([
    'half-installed',
    'half-configured',
    'unpacked',
    'reinst-required',
    'triggers-awaited',
    'triggers-pending',
  ])('reports a package left %s by an interrupted run, whatever the roles say of it', (flag) => {
    expect(driftOf({ bash: { state: 'present' } }, interrupted([flag]))).toStrictEqual([
      {
        category: 'packages',
        key: 'libc6:amd64',
        kind: 'unsafe',
        severity: 'error',
        actual: 'install reinstreq half-installed',
        message: `libc6:amd64 2.36-9 is ${flag} (an interrupted package run; finish it with dpkg --configure -a or reinstall)`,
      },
    ]);
  });

  it('names only the flags of an interrupted run, and none for a held package', () => {
    const findings = driftOf(
      { bash: { state: 'present' } },
      interrupted(['held', 'half-installed', 'reinst-required']),
    );
    expect(findings.map((f) => f.message)).toEqual([
      'libc6:amd64 2.36-9 is half-installed, reinst-required (an interrupted package run; finish it with dpkg --configure -a or reinstall)',
    ]);
    expect(driftOf({ bash: { state: 'present' } }, interrupted(['held']))).toEqual([]);
  });
});

describe('packages: parity', () => {
  it('stops at different package managers', () => {
    const el9 = rpm(['bash', 'x86_64', '5.1.8-9.el9']);
    expect(parityOf(dpkg(['bash', '5.2.15-2+b2']), el9)).toStrictEqual([
      {
        category: 'packages',
        key: '(manager)',
        kind: 'mismatch',
        severity: 'error',
        expected: 'dpkg',
        actual: 'rpm',
        message: 'package managers differ: dpkg on primary (pypi-1), rpm on secondary (pypi-2)',
      },
    ]);
  });

  it('records the version of a package installed on one node only', () => {
    expect(parityOf(dpkg(['pypissh', '1.2.0-1']), dpkg(['nano', '7.2-1']))).toStrictEqual([
      {
        category: 'packages',
        key: 'nano:amd64',
        kind: 'unexpected',
        side: 'only-second',
        severity: 'error',
        actual: '7.2-1',
        message: 'nano:amd64 7.2-1 only on secondary (pypi-2)',
      },
      {
        category: 'packages',
        key: 'pypissh:amd64',
        kind: 'missing',
        side: 'only-first',
        severity: 'error',
        expected: '1.2.0-1',
        message: 'pypissh:amd64 1.2.0-1 only on primary (pypi-1)',
      },
    ]);
  });

  it.each([
    ['primary', '2.9.5-1+b1', '2.9.3-1', 'newer-first'],
    ['secondary', '2.9.3-1', '2.9.5-1+b1', 'newer-second'],
    ['secondary', '2.9.5-1', '1:2.9.3-1', 'newer-second'],
  ] as const)('says which node has the newer version (%s: %s vs %s)', (newer, a, b, side) => {
    const node = newer === 'primary' ? 'pypi-1' : 'pypi-2';
    expect(parityOf(dpkg(['python3-psycopg2', a]), dpkg(['python3-psycopg2', b]))).toStrictEqual([
      {
        category: 'packages',
        key: 'python3-psycopg2:amd64',
        kind: 'mismatch',
        side,
        severity: 'error',
        expected: a,
        actual: b,
        message: `python3-psycopg2:amd64 newer on ${newer} (${node}): ${a} on pypi-1, ${b} on pypi-2`,
      },
    ]);
  });

  it('calls versions spelled differently but equal information', () => {
    expect(parityOf(dpkg(['bash', '0:5.2.15-2']), dpkg(['bash', '5.2.15-2']))).toStrictEqual([
      {
        category: 'packages',
        key: 'bash:amd64',
        kind: 'mismatch',
        side: 'different',
        severity: 'info',
        expected: '0:5.2.15-2',
        actual: '5.2.15-2',
        message: 'bash:amd64 versions are spelled differently but compare equal: 0:5.2.15-2 vs 5.2.15-2',
      },
    ]);
  });

  it('compares rpm versions the rpm way', () => {
    const a = rpm(['kernel-core', 'x86_64', '5.14.0-427.13.1.el9_4']);
    const b = rpm(['kernel-core', 'x86_64', '5.14.0-70.el9']);
    expect(parityOf(a, b).map((f) => f.side)).toEqual(['newer-first']);
  });

  it('skips what the pair ignores, by name:arch or by package name, on one node or both', () => {
    const a = dpkg(
      ['linux-image-6.1.0-26-amd64', '6.1.112-1'],
      ['linux-base', '4.9'],
      ['bash', '5.2.15-2+b2'],
    );
    const b = dpkg(
      ['linux-image-6.1.0-25-amd64', '6.1.106-3'],
      ['linux-base', '4.10'],
      ['bash', '5.2.15-2+b2'],
    );
    expect(parityOf(a, b, ['linux-*']).map((f) => f.key)).toEqual([]);
    expect(parityOf(a, b, ['linux-base:amd64']).map((f) => f.key)).toEqual([
      'linux-image-6.1.0-25-amd64:amd64',
      'linux-image-6.1.0-26-amd64:amd64',
    ]);
    expect(parityOf(a, b).map((f) => f.key)).toEqual([
      'linux-base:amd64',
      'linux-image-6.1.0-25-amd64:amd64',
      'linux-image-6.1.0-26-amd64:amd64',
    ]);
  });
});
