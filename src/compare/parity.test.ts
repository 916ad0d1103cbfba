import { parity } from '.';
import { hashOf } from '../shared/canonical-json';
import { dpkg, fstab, state, unit, units } from '../../test/helpers/states';

const pairLabels = { labels: { first: 'primary', second: 'secondary' } };

describe('parity: packages', () => {
  const primary = state('pypi-1', {
    packages: dpkg(
      ['pypissh', '1.2.0-1'],
      ['python3-psycopg2', '2.9.5-1+b1'],
      ['linux-image-6.1.0-26-amd64', '6.1.112-1'],
      ['bash', '5.2.15-2+b2'],
    ),
  });
  const secondary = state('pypi-2', {
    packages: dpkg(
      ['python3-psycopg2', '2.9.3-1'],
      ['linux-image-6.1.0-25-amd64', '6.1.106-3'],
      ['bash', '5.2.15-2+b2'],
      ['nano', '7.2-1'],
    ),
  });

  it("says it in Spacewalk's words: only on primary, newer on primary, only on secondary", () => {
    const findings = parity(primary, secondary, pairLabels);
    const packages = findings.filter((f) => f.category === 'packages');
    expect(packages.map((f) => [f.key, f.side])).toEqual([
      ['linux-image-6.1.0-25-amd64:amd64', 'only-second'],
      ['linux-image-6.1.0-26-amd64:amd64', 'only-first'],
      ['nano:amd64', 'only-second'],
      ['pypissh:amd64', 'only-first'],
      ['python3-psycopg2:amd64', 'newer-first'],
    ]);
    expect(packages.find((f) => f.key === 'pypissh:amd64')?.message).toBe(
      'pypissh:amd64 1.2.0-1 only on primary (pypi-1)',
    );
    expect(packages.find((f) => f.key === 'python3-psycopg2:amd64')?.message).toContain(
      'newer on primary (pypi-1)',
    );
  });

  it('skips what the pair ignores, by package name or name:arch', () => {
    const findings = parity(primary, secondary, {
      ...pairLabels,
      ignore: { packages: ['linux-image-*', 'nano:amd64'] },
    });
    expect(findings.map((f) => f.key)).toEqual(['pypissh:amd64', 'python3-psycopg2:amd64']);
  });

  it('finds nothing between identical states', () => {
    expect(parity(primary, { ...primary, node: 'pypi-2' })).toEqual([]);
  });
});

describe('parity: sysctls, mounts, units, users, files', () => {
  it('compares live and persisted sysctls separately, with the persisting file', () => {
    const a = state('a', {
      sysctls: {
        live: { 'vm.swappiness': '60', 'kernel.panic': '0' },
        persisted: { 'vm.swappiness': { value: '60', source: '/etc/sysctl.d/vm.conf:1' } },
      },
    });
    const b = state('b', {
      sysctls: { live: { 'vm.swappiness': '10', 'kernel.panic': '0' }, persisted: {} },
    });
    const findings = parity(a, b);
    expect(findings.map((f) => [f.key, f.kind])).toEqual([
      ['vm.swappiness', 'mismatch'],
      ['vm.swappiness', 'missing'],
    ]);
    expect(findings[1]?.message).toContain('/etc/sysctl.d/vm.conf:1');
  });

  it('compares fstab definitions, not live mounts', () => {
    const a = state('a', {
      mounts: { fstab: [fstab(4, '/dev/drbd0', '/srv/pypi', 'ext4', 'noauto,defaults')], live: [] },
    });
    const b = state('b', {
      mounts: { fstab: [fstab(9, '/dev/drbd0', '/srv/pypi', 'ext4', 'defaults')], live: [] },
    });
    const findings = parity(a, b);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toBe(
      '/srv/pypi fstab entries differ: options only on a: noauto (lines 4 and 9)',
    );
  });

  it('compares enablement and ordering of units, ignoring generated mount units', () => {
    const a = state('a', {
      units: units(
        unit('pypissh.service'),
        unit('pypi-web.service', { after: ['network.target', 'srv-pypi.mount'] }),
        unit('srv-pypi.mount', { generatedBy: 'systemd-fstab-generator', enablement: 'generated' }),
      ),
    });
    const b = state('b', { units: units(unit('pypi-web.service', { after: ['network.target'] })) });
    const findings = parity(a, b);
    expect(findings.map((f) => [f.key, f.kind])).toEqual([
      ['pypi-web.service', 'mismatch'],
      ['pypissh.service', 'missing'],
    ]);
    expect(findings[0]?.message).toContain('After= srv-pypi.mount only on a');
  });

  it('attaches a unified diff to a differing text file', () => {
    const file = (text: string) => ({
      path: '/etc/drbd.d/r0.res',
      exists: true,
      type: 'file' as const,
      sha256: hashOf(text),
      mode: '0644',
      owner: 'root',
      group: 'root',
      text,
    });
    const a = state('pypi-1', {
      files: { items: { '/etc/drbd.d/r0.res': file('resource r0 {\n  protocol C;\n}\n') } },
    });
    const b = state('pypi-2', {
      files: { items: { '/etc/drbd.d/r0.res': file('resource r0 {\n  protocol A;\n}\n') } },
    });
    const [only] = parity(a, b);
    expect(only?.diff).toContain('--- pypi-1:/etc/drbd.d/r0.res');
    expect(only?.diff).toContain('-  protocol C;');
    expect(only?.diff).toContain('+  protocol A;');
  });

  it('compares uids and group ids', () => {
    const user = (uid: number) => ({ name: 'pypi', uid, gid: uid, home: '/srv/pypi', shell: '/bin/false' });
    const a = state('a', {
      users: { users: { pypi: user(990) }, groups: { pypi: { name: 'pypi', gid: 990, members: [] } } },
    });
    const b = state('b', {
      users: { users: { pypi: user(991) }, groups: { pypi: { name: 'pypi', gid: 991, members: [] } } },
    });
    expect(parity(a, b).map((f) => f.key)).toEqual(['pypi', 'group:pypi']);
  });

  it('warns when one side did not collect a category', () => {
    const findings = parity(state('a', { packages: dpkg(['bash', '5.2']) }), state('b'));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'warning', category: 'packages' });
  });
});
