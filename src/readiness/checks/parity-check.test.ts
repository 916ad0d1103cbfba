/**
 * The six parity checks: parity-check.ts (what they share) through each of its four-line
 * wrappers, and parity-files' choice of the `parity: true` files.
 */
import type { Category, FileInfo, NodeState, UsersState } from '../../model/state';
import type { ReadinessCheck } from '../types';
import { context, pairDecl } from '../../../test/helpers/readiness-context';
import { dpkg, fstab, spec, state, unit, units } from '../../../test/helpers/states';
import { parityFilesCheck } from './parity-files';
import { parityMounts } from './parity-mounts';
import { parityPackages } from './parity-packages';
import { paritySysctls } from './parity-sysctls';
import { parityUnits } from './parity-units';
import { parityUsers } from './parity-users';

function file(path: string, text: string): FileInfo {
  return {
    path,
    exists: true,
    type: 'file',
    sha256: `sha256:${text === 'x=1\n' ? 'a'.repeat(64) : 'b'.repeat(64)}`,
    mode: '0644',
    owner: 'root',
    group: 'root',
    text,
  };
}

function users(uid: number): UsersState {
  return { users: { app: { name: 'app', uid, gid: uid, home: '/srv', shell: '/bin/false' } }, groups: {} };
}

/** A node with one value of every category the six checks compare, the same on both sides. */
function same(node: string): NodeState {
  return state(node, {
    packages: dpkg(['nginx', '1.22.1-9']),
    sysctls: { live: { 'vm.swappiness': '60' }, persisted: {} },
    mounts: { fstab: [fstab(1, 'UUID=x', '/', 'ext4', 'errors=remount-ro')], live: [] },
    units: units(unit('nginx.service')),
    files: { items: { '/etc/app.conf': file('/etc/app.conf', 'x=1\n') } },
    users: users(990),
  });
}

const CHECKS: [ReadinessCheck, Category, string][] = [
  [parityPackages, 'packages', 'packages'],
  [paritySysctls, 'sysctls', 'sysctls'],
  [parityMounts, 'mounts', 'fstab mounts'],
  [parityUnits, 'units', 'units'],
  [parityFilesCheck, 'files', 'parity files'],
  [parityUsers, 'users', 'users and groups'],
];

describe.each(CHECKS)('%#: %s', (check, category, what) => {
  it(`has the id parity-${category}`, () => {
    expect(check.id).toBe(`parity-${category}`);
  });

  it('passes two identical nodes', () => {
    expect(check.evaluate(context({ primary: same('a'), secondary: same('b') }))).toEqual({
      status: 'pass',
      summary: `${what} identical`,
      findings: [],
    });
  });

  it('warns, without comparing, when the primary has no state', () => {
    expect(check.evaluate(context({ secondary: same('b') }))).toEqual({
      status: 'warn',
      summary: `${what} not compared: the primary has no state`,
      findings: [],
    });
  });

  it('warns, without comparing, when the secondary has no state', () => {
    expect(check.evaluate(context({ primary: same('a') }))).toEqual({
      status: 'warn',
      summary: `${what} not compared: the secondary has no state`,
      findings: [],
    });
  });

  it('warns, naming the primary, when neither has a state', () => {
    expect(check.evaluate(context())).toEqual({
      status: 'warn',
      summary: `${what} not compared: the primary has no state`,
      findings: [],
    });
  });
});

describe.each(CHECKS.filter(([, category]) => category !== 'files'))(
  '%#: %s, a category not collected',
  (check, category, what) => {
    // Never a pass, never "identical": the warning says on which side the category is missing.
    it.each([
      ['the secondary', ['b'], 'not collected on secondary (b)'],
      ['the primary', ['a'], 'not collected on primary (a)'],
      ['neither node', ['a', 'b'], 'collected on neither node'],
    ])('on %s: a warning saying so', (_, missingOn, where) => {
      const a = same('a');
      const b = same('b');
      if (missingOn.includes('a')) delete a[category];
      if (missingOn.includes('b')) delete b[category];
      expect(check.evaluate(context({ primary: a, secondary: b }))).toEqual({
        status: 'warn',
        summary: `${what} not fully compared (1 to look at)`,
        findings: [
          {
            category,
            key: '(not collected)',
            kind: 'missing',
            severity: 'warning',
            message: `${category} cannot be compared: ${where}`,
            node: 'b',
          },
        ],
      });
    });
  },
);

describe('parity-packages', () => {
  it('fails on a package older on the secondary and one only on the primary; the node is the secondary', () => {
    const result = parityPackages.evaluate(
      context({
        primary: state('a', { packages: dpkg(['nginx', '1.22.1-9'], ['pypissh', '1.2.0-1']) }),
        secondary: state('b', { packages: dpkg(['nginx', '1.22.1-8']) }),
      }),
    );
    expect(result).toEqual({
      status: 'fail',
      summary: '2 package differences',
      findings: [
        {
          category: 'packages',
          key: 'nginx:amd64',
          kind: 'mismatch',
          severity: 'error',
          message: 'nginx:amd64 newer on primary (a): 1.22.1-9 on a, 1.22.1-8 on b',
          expected: '1.22.1-9',
          actual: '1.22.1-8',
          side: 'newer-first',
          node: 'b',
        },
        {
          category: 'packages',
          key: 'pypissh:amd64',
          kind: 'missing',
          severity: 'error',
          message: 'pypissh:amd64 1.2.0-1 only on primary (a)',
          expected: '1.2.0-1',
          side: 'only-first',
          node: 'b',
        },
      ],
    });
  });

  it('names the pair’s secondary as the node to change, whatever the states call themselves', () => {
    const result = parityPackages.evaluate(
      context({
        pair: pairDecl({ primary: 'p', secondary: 's' }),
        primary: state('p', { packages: dpkg(['nginx', '1']) }),
        secondary: state('s', { packages: dpkg() }),
      }),
    );
    expect(result.summary).toBe('1 package difference');
    expect(result.findings.map((f) => [f.node, f.message])).toEqual([
      ['s', 'nginx:amd64 1 only on primary (p)'],
    ]);
  });

  it('leaves out what the pair’s ignore list names', () => {
    const ctx = context({
      pair: pairDecl({ parity: { ignore: { packages: ['pypissh*'] } } }),
      primary: state('a', { packages: dpkg(['pypissh', '1.2.0-1'], ['nginx', '1']) }),
      secondary: state('b', { packages: dpkg(['nginx', '1']) }),
    });
    expect(parityPackages.evaluate(ctx)).toEqual({
      status: 'pass',
      summary: 'packages identical',
      findings: [],
    });
  });

  it('the ignore list of another category does not apply', () => {
    const ctx = context({
      pair: pairDecl({ parity: { ignore: { units: ['pypissh*'] } } }),
      primary: state('a', { packages: dpkg(['pypissh', '1.2.0-1']) }),
      secondary: state('b', { packages: dpkg() }),
    });
    expect(parityPackages.evaluate(ctx).findings.map((f) => f.key)).toEqual(['pypissh:amd64']);
  });

  it('compares packages only, not the other categories', () => {
    const b = same('b');
    b.users = users(991);
    b.sysctls = { live: { 'vm.swappiness': '10' }, persisted: {} };
    expect(parityPackages.evaluate(context({ primary: same('a'), secondary: b })).status).toBe('pass');
  });
});

describe('parity-sysctls', () => {
  it('fails on a live difference; a kernel default that scales with hardware is info, not counted', () => {
    const result = paritySysctls.evaluate(
      context({
        primary: state('a', {
          sysctls: { live: { 'kernel.threads-max': '1000', 'vm.swappiness': '60' }, persisted: {} },
        }),
        secondary: state('b', {
          sysctls: { live: { 'kernel.threads-max': '2000', 'vm.swappiness': '10' }, persisted: {} },
        }),
      }),
    );
    expect(result).toEqual({
      status: 'fail',
      summary: '1 sysctl difference',
      findings: [
        {
          category: 'sysctls',
          key: 'kernel.threads-max',
          kind: 'mismatch',
          severity: 'info',
          message:
            'kernel.threads-max live differs: 1000 on primary (a), 2000 on secondary (b) — a kernel default that scales with memory or CPUs (see capacity)',
          expected: '1000',
          actual: '2000',
          side: 'different',
          aspect: 'live',
          node: 'b',
        },
        {
          category: 'sysctls',
          key: 'vm.swappiness',
          kind: 'mismatch',
          severity: 'error',
          message: 'vm.swappiness live differs: 60 on primary (a), 10 on secondary (b)',
          expected: '60',
          actual: '10',
          side: 'different',
          aspect: 'live',
          node: 'b',
        },
      ],
    });
  });

  it('info findings alone pass, and are kept', () => {
    const result = paritySysctls.evaluate(
      context({
        primary: state('a', { sysctls: { live: { 'kernel.threads-max': '1000' }, persisted: {} } }),
        secondary: state('b', { sysctls: { live: { 'kernel.threads-max': '2000' }, persisted: {} } }),
      }),
    );
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('sysctls identical');
    expect(result.findings.map((f) => [f.key, f.severity])).toEqual([['kernel.threads-max', 'info']]);
  });
});

describe('parity-mounts', () => {
  it('fails on fstab options that differ', () => {
    const result = parityMounts.evaluate(
      context({
        primary: state('a', {
          mounts: { fstab: [fstab(1, 'UUID=x', '/', 'ext4', 'errors=remount-ro,noatime')], live: [] },
        }),
        secondary: state('b', {
          mounts: { fstab: [fstab(1, 'UUID=x', '/', 'ext4', 'errors=remount-ro')], live: [] },
        }),
      }),
    );
    expect(result).toEqual({
      status: 'fail',
      summary: '1 fstab difference',
      findings: [
        {
          category: 'mounts',
          key: '/',
          kind: 'mismatch',
          severity: 'error',
          message: '/ fstab entries differ: options only on primary (a): noatime (lines 1 and 1)',
          expected: 'UUID=x / ext4 errors=remount-ro,noatime',
          actual: 'UUID=x / ext4 errors=remount-ro',
          side: 'different',
          node: 'b',
        },
      ],
    });
  });
});

describe('parity-units', () => {
  it('fails on a unit only on the primary', () => {
    const result = parityUnits.evaluate(
      context({
        primary: state('a', { units: units(unit('pypissh.service')) }),
        secondary: state('b', { units: units() }),
      }),
    );
    expect(result).toEqual({
      status: 'fail',
      summary: '1 unit difference',
      findings: [
        {
          category: 'units',
          key: 'pypissh.service',
          kind: 'missing',
          severity: 'error',
          message: 'pypissh.service (enabled) only on primary (a)',
          expected: 'enabled',
          side: 'only-first',
          node: 'b',
        },
      ],
    });
  });
});

describe('parity-users', () => {
  it('fails on a user with another uid and gid', () => {
    const result = parityUsers.evaluate(
      context({ primary: state('a', { users: users(990) }), secondary: state('b', { users: users(991) }) }),
    );
    expect(result).toEqual({
      status: 'fail',
      summary: '1 user or group difference',
      findings: [
        {
          category: 'users',
          key: 'app',
          kind: 'mismatch',
          severity: 'error',
          message: 'user app differs: uid 990 vs 991; gid 990 vs 991',
          expected: { name: 'app', uid: 990, gid: 990, home: '/srv', shell: '/bin/false' },
          actual: { name: 'app', uid: 991, gid: 991, home: '/srv', shell: '/bin/false' },
          side: 'different',
          node: 'b',
        },
      ],
    });
  });
});

/** The roles' files: /etc/app.conf must be identical on both nodes. */
function parityApp() {
  return { '/etc/app.conf': { parity: true } };
}

describe('parity-files', () => {
  /** Nodes with /etc/app.conf (parity) and /etc/motd (not), each with the given text. */
  function node(name: string, app: string | undefined, motd: string): NodeState {
    const items: Record<string, FileInfo> = { '/etc/motd': file('/etc/motd', motd) };
    if (app !== undefined) items['/etc/app.conf'] = file('/etc/app.conf', app);
    return state(name, { files: { items } });
  }

  it('fails on a parity file that differs, with its diff; other files do not count', () => {
    const result = parityFilesCheck.evaluate(
      context({
        primary: node('a', 'x=1\n', 'x=1\n'),
        secondary: node('b', 'x=2\n', 'x=2\n'),
        primarySpec: spec({ files: parityApp() }),
      }),
    );
    expect(result).toEqual({
      status: 'fail',
      summary: '1 parity file difference',
      findings: [
        {
          category: 'files',
          key: '/etc/app.conf',
          kind: 'mismatch',
          severity: 'error',
          message: '/etc/app.conf differs: content',
          expected: { sha256: `sha256:${'a'.repeat(64)}`, mode: '0644', owner: 'root', group: 'root' },
          actual: { sha256: `sha256:${'b'.repeat(64)}`, mode: '0644', owner: 'root', group: 'root' },
          diff: '--- a:/etc/app.conf\n+++ b:/etc/app.conf\n@@ -1,1 +1,1 @@\n-x=1\n+x=2\n',
          side: 'different',
          node: 'b',
        },
      ],
    });
  });

  it('a file marked parity in the secondary’s roles only counts too', () => {
    const result = parityFilesCheck.evaluate(
      context({
        primary: node('a', 'x=1\n', 'x=1\n'),
        secondary: node('b', 'x=2\n', 'x=1\n'),
        secondarySpec: spec({ files: parityApp() }),
      }),
    );
    expect(result.findings.map((f) => f.key)).toEqual(['/etc/app.conf']);
  });

  it('passes when only files without parity differ', () => {
    const result = parityFilesCheck.evaluate(
      context({
        primary: node('a', 'x=1\n', 'x=1\n'),
        secondary: node('b', 'x=1\n', 'x=2\n'),
        primarySpec: spec({ files: { ...parityApp(), '/etc/motd': { parity: false, mode: '0644' } } }),
      }),
    );
    expect(result).toEqual({ status: 'pass', summary: 'parity files identical', findings: [] });
  });

  it('a parity file recorded on the primary only is an error, not a warning', () => {
    const result = parityFilesCheck.evaluate(
      context({
        primary: node('a', 'x=1\n', 'x=1\n'),
        secondary: node('b', undefined, 'x=1\n'),
        primarySpec: spec({ files: parityApp() }),
      }),
    );
    expect(result).toEqual({
      status: 'fail',
      summary: '1 parity file difference',
      findings: [
        {
          category: 'files',
          key: '/etc/app.conf',
          kind: 'missing',
          severity: 'error',
          message: '/etc/app.conf was recorded only on primary (a) (watched there only)',
          side: 'only-first',
          node: 'b',
        },
      ],
    });
  });

  it('files not collected on the secondary, with parity files declared: a warning, not a pass', () => {
    const b = state('b');
    const result = parityFilesCheck.evaluate(
      context({
        primary: node('a', 'x=1\n', 'x=1\n'),
        secondary: b,
        primarySpec: spec({ files: parityApp() }),
      }),
    );
    expect(result).toEqual({
      status: 'warn',
      summary: 'parity files not fully compared (1 to look at)',
      findings: [
        {
          category: 'files',
          key: '(not collected)',
          kind: 'missing',
          severity: 'warning',
          message: 'files cannot be compared: not collected on secondary (b)',
          node: 'b',
        },
      ],
    });
  });

  it('files collected on neither node, with parity files declared: a warning', () => {
    const result = parityFilesCheck.evaluate(
      context({ primary: state('a'), secondary: state('b'), secondarySpec: spec({ files: parityApp() }) }),
    );
    expect(result).toEqual({
      status: 'warn',
      summary: 'parity files not fully compared (1 to look at)',
      findings: [
        {
          category: 'files',
          key: '(not collected)',
          kind: 'missing',
          severity: 'warning',
          message: 'files cannot be compared: collected on neither node',
          node: 'b',
        },
      ],
    });
  });

  it('files not collected, and no parity file declared: nothing to compare, a pass', () => {
    expect(
      parityFilesCheck.evaluate(context({ primary: node('a', 'x=1\n', 'x=1\n'), secondary: state('b') })),
    ).toEqual({
      status: 'pass',
      summary: 'parity files identical',
      findings: [],
    });
    expect(parityFilesCheck.evaluate(context({ primary: state('a'), secondary: state('b') })).status).toBe(
      'pass',
    );
  });
});
