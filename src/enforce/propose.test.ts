import type { ReadinessFinding } from '../model/readiness';
import { dpkg, fstab, spec, state, mountRule } from '../../test/helpers/states';
import { proposeFix } from './propose';

const base = { severity: 'error' as const, message: '', node: 'b' };

describe('the fix plan would propose', () => {
  it("installs the primary's exact package version, with apt or dnf, as argv", () => {
    const finding: ReadinessFinding = {
      ...base,
      category: 'packages',
      key: 'pypissh:all',
      kind: 'missing',
      side: 'only-first',
      expected: '1.2.0-1',
    };
    expect(proposeFix(finding, { target: state('b', { packages: dpkg() }) })?.commands).toEqual([
      ['apt-get', 'install', '--yes', '--allow-downgrades', 'pypissh:all=1.2.0-1'],
    ]);
    const rpm = state('b', { packages: { manager: 'rpm', items: {} } });
    expect(
      proposeFix({ ...finding, key: 'httpd:x86_64', expected: '2.4.57-8.el9' }, { target: rpm })?.commands,
    ).toEqual([['dnf', 'install', '--assumeyes', 'httpd-2.4.57-8.el9.x86_64']]);
  });

  it('never builds a shell string: a hostile name stays one argv word', () => {
    const finding: ReadinessFinding = { ...base, category: 'packages', key: 'x; rm -rf /', kind: 'missing' };
    expect(proposeFix(finding, {})?.commands).toEqual([
      ['apt-get', 'install', '--yes', '--allow-downgrades', 'x; rm -rf /'],
    ]);
  });

  it('sets a sysctl live and persists it in the one managed file', () => {
    const live = proposeFix(
      {
        ...base,
        category: 'sysctls',
        key: 'kernel.panic',
        kind: 'mismatch',
        aspect: 'live',
        expected: '> 0',
      },
      {},
    );
    expect(live?.commands).toEqual([['sysctl', '-w', 'kernel.panic=10']]);
    const persisted = proposeFix(
      {
        ...base,
        category: 'sysctls',
        key: 'vm.swappiness',
        kind: 'not-persisted',
        aspect: 'persisted',
        expected: '10',
      },
      {},
    );
    expect(persisted?.files).toEqual([
      { path: '/etc/sysctl.d/90-driftguard.conf', after: 'vm.swappiness = 10\n' },
    ]);
  });

  it("edits the fstab line: noauto for a failover mount, nofail + LINBIT's requirement for a DRBD boot hang", () => {
    const target = state('b', {
      mounts: { fstab: [fstab(17, '/dev/drbd0', '/srv/pypi', 'ext4', 'defaults')], live: [] },
      files: {
        items: {
          '/etc/fstab': {
            path: '/etc/fstab',
            exists: true,
            text: `${'#\n'.repeat(16)}/dev/drbd0  /srv/pypi  ext4  defaults  0  2\n`,
          },
        },
      },
      replication: {
        drbdAvailable: true,
        drbd: {
          r0: {
            name: 'r0',
            role: 'Secondary',
            volumes: [{ volume: 0, minor: 0, diskState: 'UpToDate' }],
            connections: [],
          },
        },
      },
    });
    const hang: ReadinessFinding = {
      ...base,
      category: 'mounts',
      key: '/srv/pypi',
      kind: 'unsafe',
      aspect: 'boot-hang',
    };
    const nofail = proposeFix(hang, { target });
    expect(nofail?.files).toEqual([
      {
        path: '/etc/fstab',
        before: '/dev/drbd0  /srv/pypi  ext4  defaults  0  2',
        after: '/dev/drbd0\t/srv/pypi\text4\tdefaults,nofail,x-systemd.requires=drbd@r0.target\t0\t2',
      },
    ]);
    const failover = proposeFix(hang, {
      target,
      spec: spec({ mounts: { '/srv/pypi': mountRule({ failover: true }) } }),
    });
    expect(failover?.files[0]?.after).toBe('/dev/drbd0\t/srv/pypi\text4\tdefaults,noauto\t0\t2');
  });

  it('enables a unit, and adds a missing ordering with a drop-in of its own', () => {
    expect(
      proposeFix(
        {
          ...base,
          category: 'units',
          key: 'drbd.service',
          kind: 'mismatch',
          aspect: 'enablement',
          expected: 'enabled',
        },
        {},
      )?.commands,
    ).toEqual([['systemctl', 'enable', 'drbd.service']]);
    const ordering = proposeFix(
      {
        ...base,
        category: 'units',
        key: 'pypi-web.service',
        kind: 'mismatch',
        aspect: 'after',
        expected: { after: ['srv-pypi.mount', 'network.target'] },
        actual: { after: ['network.target'] },
      },
      {},
    );
    expect(ordering?.files).toEqual([
      {
        path: '/etc/systemd/system/pypi-web.service.d/50-driftguard.conf',
        after: '[Unit]\nAfter=srv-pypi.mount\n',
      },
    ]);
  });

  it('copies a parity file from the primary and fixes its mode', () => {
    const file = (text: string, mode: string) => ({
      items: {
        '/etc/drbd.d/r0.res': {
          path: '/etc/drbd.d/r0.res',
          exists: true,
          text,
          mode,
          owner: 'root',
          group: 'root',
        },
      },
    });
    const result = proposeFix(
      { ...base, category: 'files', key: '/etc/drbd.d/r0.res', kind: 'mismatch', side: 'different' },
      {
        target: state('b', { files: file('old\n', '0600') }),
        model: state('a', { files: file('new\n', '0644') }),
      },
    );
    expect(result?.files).toEqual([{ path: '/etc/drbd.d/r0.res', before: 'old\n', after: 'new\n' }]);
    expect(result?.commands).toEqual([['chmod', '0644', '/etc/drbd.d/r0.res']]);
  });

  it('only describes a uid change: renumbering is for a person', () => {
    const result = proposeFix(
      { ...base, category: 'users', key: 'pypi', kind: 'mismatch', aspect: 'uid' },
      {},
    );
    expect(result?.commands).toEqual([]);
    expect(result?.description).toContain('report only');
  });
});
