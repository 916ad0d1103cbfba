import { drift } from '.';
import { dpkg, fstab, mountRule, spec, state, unit, unitRule, units } from '../../test/helpers/states';

const keysOf = (findings: { category: string; key: string; kind: string }[]) =>
  findings.map((f) => `${f.category} ${f.key} ${f.kind}`);

describe('drift: packages', () => {
  const installed = dpkg(['python3', '3.9.2-3'], ['telnetd', '0.17-44'], ['drbd-utils', '9.22.0-1']);

  it('names missing, unwanted and too-old packages by name', () => {
    const findings = drift(
      spec({
        packages: {
          pypissh: { state: 'present' },
          telnetd: { state: 'absent' },
          python3: { state: 'present', relation: '>=', version: '3.11' },
          'drbd-utils': { state: 'present' },
        },
      }),
      state('pypi-2', { packages: installed }),
    );
    expect(keysOf(findings)).toEqual([
      'packages pypissh missing',
      'packages telnetd unexpected',
      'packages python3 mismatch',
    ]);
    expect(findings[2]).toMatchObject({ expected: '>= 3.11', actual: '3.9.2-3', node: 'pypi-2' });
  });

  it('compares versions the dpkg way: 3.11~rc1 is older than 3.11', () => {
    const rule = spec({ packages: { python3: { state: 'present', relation: '>=', version: '3.11' } } });
    expect(drift(rule, state('n', { packages: dpkg(['python3', '3.11~rc1-1']) }))).toHaveLength(1);
    expect(drift(rule, state('n', { packages: dpkg(['python3', '3.11.2-1+b1']) }))).toEqual([]);
  });

  it('reports a package left half-installed by an interrupted run, whatever the roles say', () => {
    const findings = drift(
      spec({ packages: { bash: { state: 'present' } } }),
      state('n', {
        packages: dpkg(
          ['bash', '5.2.15-2+b2'],
          [
            'libc6',
            '2.36-9',
            { status: 'install reinstreq half-installed', flags: ['half-installed', 'reinst-required'] },
          ],
        ),
      }),
    );
    expect(keysOf(findings)).toEqual(['packages libc6:amd64 unsafe']);
    expect(findings[0]?.message).toContain('half-installed');
  });

  it('reports a category the roles ask about but the node did not collect, with the reason', () => {
    const broken = state('n');
    broken.errors.push({
      collector: 'packages',
      code: 'E_COLLECT',
      message: 'var/lib/dpkg/status is unreadable',
    });
    const findings = drift(spec({ packages: { bash: { state: 'present' } } }), broken);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ category: 'packages', severity: 'error' });
    expect(findings[0]?.message).toContain('unreadable');
  });
});

describe('drift: sysctls', () => {
  const panicRule = spec({ sysctls: { 'kernel.panic': { value: '10' } } });

  it('wants the value live and persisted: PyPI 2013 had neither', () => {
    const findings = drift(
      panicRule,
      state('pypi-1', { sysctls: { live: { 'kernel.panic': '0' }, persisted: {} } }),
    );
    expect(keysOf(findings)).toEqual(['sysctls kernel.panic mismatch', 'sysctls kernel.panic not-persisted']);
  });

  it('names the file and line that persist a wrong value', () => {
    const findings = drift(
      panicRule,
      state('n', {
        sysctls: {
          live: { 'kernel.panic': '10' },
          persisted: { 'kernel.panic': { value: '0', source: '/etc/sysctl.d/10-panic.conf:3' } },
        },
      }),
    );
    expect(keysOf(findings)).toEqual(['sysctls kernel.panic not-persisted']);
    expect(findings[0]?.message).toContain('/etc/sysctl.d/10-panic.conf:3');
  });

  it('accepts a value persisted through a glob key and tab-separated live values', () => {
    const findings = drift(
      spec({
        sysctls: {
          'net.ipv4.conf.eth0.rp_filter': { value: '2' },
          'net.ipv4.ip_local_port_range': { value: '1024 65000' },
        },
      }),
      state('n', {
        sysctls: {
          live: { 'net.ipv4.conf.eth0.rp_filter': '2', 'net.ipv4.ip_local_port_range': '1024\t65000' },
          persisted: {
            'net.ipv4.conf.*.rp_filter': { value: '2', source: '/usr/lib/sysctl.d/50-default.conf:22' },
            'net.ipv4.ip_local_port_range': { value: '1024 65000', source: '/etc/sysctl.d/ports.conf:1' },
          },
        },
      }),
    );
    expect(findings).toEqual([]);
  });
});

describe('drift: mounts', () => {
  const rule = spec({
    mounts: {
      '/srv/pypi': mountRule({ device: '/dev/drbd0', fstype: 'ext4', options: ['noauto'], failover: true }),
    },
  });

  it('flags the PyPI 2013 fstab line: DRBD mounted at boot, no noauto', () => {
    const findings = drift(
      rule,
      state('pypi-1', {
        mounts: { fstab: [fstab(12, '/dev/drbd0', '/srv/pypi', 'ext4', 'defaults')], live: [] },
      }),
    );
    expect(keysOf(findings)).toEqual(['mounts /srv/pypi mismatch', 'mounts /srv/pypi unsafe']);
    expect(findings.every((f) => f.message.includes('fstab line 12'))).toBe(true);
  });

  it('is satisfied by noauto, and the later of auto/noauto wins', () => {
    const ok = drift(
      rule,
      state('n', {
        mounts: { fstab: [fstab(3, '/dev/drbd0', '/srv/pypi/', 'ext4', 'auto,noauto')], live: [] },
      }),
    );
    expect(ok).toEqual([]);
    const later = drift(
      rule,
      state('n', {
        mounts: { fstab: [fstab(3, '/dev/drbd0', '/srv/pypi', 'ext4', 'noauto,auto')], live: [] },
      }),
    );
    expect(keysOf(later)).toEqual(['mounts /srv/pypi unsafe']);
  });

  it('reports a missing entry and a wrong device', () => {
    expect(keysOf(drift(rule, state('n', { mounts: { fstab: [], live: [] } })))).toEqual([
      'mounts /srv/pypi missing',
    ]);
    const wrong = drift(
      rule,
      state('n', { mounts: { fstab: [fstab(1, '/dev/sdb1', '/srv/pypi', 'ext4', 'noauto')], live: [] } }),
    );
    expect(wrong[0]).toMatchObject({ kind: 'mismatch', expected: '/dev/drbd0', actual: '/dev/sdb1' });
  });
});

describe('drift: units', () => {
  it('reports missing, disabled, masked and unordered units', () => {
    const findings = drift(
      spec({
        units: {
          'pypissh.service': unitRule({ enabled: true }),
          'drbd.service': unitRule({ enabled: true }),
          'cron.service': unitRule({ enabled: true }),
          'pypi-web.service': unitRule({ enabled: true, after: ['srv-pypi.mount', 'network.target'] }),
          'telnet.socket': unitRule({ enabled: false }),
        },
      }),
      state('n', {
        units: units(
          unit('drbd.service', { enablement: 'disabled' }),
          unit('cron.service', { enablement: 'masked', masked: true }),
          unit('pypi-web.service', { after: ['network.target'] }),
        ),
      }),
    );
    expect(keysOf(findings)).toEqual([
      'units pypissh.service missing',
      'units drbd.service mismatch',
      'units cron.service mismatch',
      'units pypi-web.service mismatch',
    ]);
    expect(findings[3]?.message).toContain('srv-pypi.mount');
  });
});

describe('drift: files and users', () => {
  it('checks mode, owner and content hash, and says when a file was not recorded', () => {
    const findings = drift(
      spec({
        files: {
          '/etc/pypi/config.ini': { parity: true, mode: '0640', owner: 'root' },
          '/etc/drbd.d/r0.res': { parity: true },
          '/etc/motd': { parity: false, present: false },
          '/etc/other.conf': { parity: false, sha256: 'sha256:' + 'a'.repeat(64) },
        },
      }),
      state('n', {
        files: {
          items: {
            '/etc/pypi/config.ini': {
              path: '/etc/pypi/config.ini',
              exists: true,
              type: 'file',
              mode: '0644',
              owner: 'root',
              group: 'pypi',
            },
            '/etc/motd': { path: '/etc/motd', exists: true, type: 'file' },
          },
        },
      }),
    );
    expect(keysOf(findings)).toEqual([
      'files /etc/pypi/config.ini mismatch',
      'files /etc/motd unexpected',
      'files /etc/other.conf missing',
    ]);
    expect(findings[2]?.severity).toBe('warning');
  });

  it('checks uid and gid', () => {
    const findings = drift(
      spec({ users: { pypi: { uid: 990, present: true }, games: { present: false } } }),
      state('n', {
        users: {
          users: {
            pypi: { name: 'pypi', uid: 991, gid: 991, home: '/srv/pypi', shell: '/usr/sbin/nologin' },
            games: { name: 'games', uid: 5, gid: 60, home: '/usr/games', shell: '/usr/sbin/nologin' },
          },
          groups: {},
        },
      }),
    );
    expect(keysOf(findings)).toEqual(['users pypi mismatch', 'users games unexpected']);
  });
});
