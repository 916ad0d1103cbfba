import * as fs from 'node:fs';
import * as path from 'node:path';
import { CollectError } from '../../shared/errors';
import { DiskRootFs } from '../root-fs';
import { removeTree, writeTree } from '../../../test/helpers/temp-tree';
import { collectSysctls } from './collect';
import { FIXTURE_NODES_DIR as FIXTURES } from '../../../test/helpers/fixture-nodes';

const collectNode = (name: string) => collectSysctls(new DiskRootFs(path.join(FIXTURES, name)));

/** 1-based number of the line of a fixture file that equals `text`, so sources are checked against the file itself. */
function lineOf(node: string, nodePath: string, text: string): number {
  const lines = fs.readFileSync(path.join(FIXTURES, node, nodePath), 'utf8').split('\n');
  const index = lines.indexOf(text);
  if (index === -1) throw new Error(`${text} not in ${node}${nodePath}`);
  return index + 1;
}

describe('collectSysctls on sysctl-precedence', () => {
  const state = collectNode('sysctl-precedence');
  const { persisted } = state;
  const conf = (text: string) =>
    `/etc/sysctl.d/99-sysctl.conf:${lineOf('sysctl-precedence', '/etc/sysctl.conf', text)}`;

  it('takes /etc/sysctl.conf through the 99-sysctl.conf symlink, last, over /lib and /usr/lib files', () => {
    expect(persisted['kernel.panic']).toEqual({
      value: '10',
      source: conf('kernel.panic = 10'),
      overridden: [{ value: '5', source: '/lib/sysctl.d/80-legacy.conf:2' }],
    });
    expect(persisted['vm.swappiness']).toEqual({
      value: '10',
      source: conf('vm.swappiness = 10'),
      overridden: [{ value: '30', source: '/lib/sysctl.d/80-legacy.conf:4' }],
    });
  });

  it('uses the /etc file over the vendor file of the same name', () => {
    expect(persisted['kernel.pid_max']).toEqual({
      value: '65536',
      source: '/etc/sysctl.d/50-pid-max.conf:3',
    });
  });

  it('never reads masked vendor files (a /dev/null symlink, an empty file)', () => {
    expect(persisted).not.toHaveProperty(['net.core.somaxconn']);
    expect(persisted).not.toHaveProperty(['net.ipv4.tcp_syncookies']);
  });

  it('prefers /usr/lib/sysctl.d over /lib/sysctl.d for one name', () => {
    expect(persisted['kernel.sysrq']).toEqual({ value: '176', source: '/usr/lib/sysctl.d/85-both.conf:1' });
  });

  it('keeps the first source of a value set twice, and ignores hidden and non-.conf files', () => {
    expect(persisted['net.ipv4.ip_forward']).toEqual({
      value: '1',
      source: '/run/sysctl.d/60-runtime.conf:2',
    });
    const sources = Object.values(persisted).flatMap((entry) => [
      entry.source,
      ...(entry.overridden ?? []).map((o) => o.source),
    ]);
    expect(sources.filter((source) => /\.hidden\.conf|dpkg-old/.test(source))).toEqual([]);
  });

  it('records globs as written, honours negative matches and the path form of keys', () => {
    expect(persisted['net.ipv4.conf.*.rp_filter']?.value).toBe('2');
    expect(persisted).not.toHaveProperty(['net.ipv4.conf.lo.rp_filter']);
    expect(persisted['net.ipv4.conf.eth0/100.rp_filter']).toEqual({
      value: '0',
      source: `/usr/local/lib/sysctl.d/70-local.conf:${lineOf('sysctl-precedence', '/usr/local/lib/sysctl.d/70-local.conf', 'net/ipv4/conf/eth0.100/rp_filter = 0')}`,
    });
  });

  it('reports the line systemd rejects', () => {
    expect(state.warnings).toEqual([
      {
        source: '/etc/sysctl.d/90-forwarding.conf',
        line: 2,
        message: 'not an assignment, ignored: this line is not an assignment',
      },
    ]);
  });

  it('has live values that agree with what boot applied', () => {
    for (const key of ['kernel.panic', 'vm.swappiness', 'kernel.pid_max', 'kernel.sysrq']) {
      expect([key, state.live[key]]).toEqual([key, persisted[key]?.value]);
    }
  });
});

describe('collectSysctls on the PyPI pair', () => {
  const primary = collectNode('pypi-1');
  const secondary = collectNode('pypi-2');

  it('shows kernel.panic = 0 live and nowhere persisted on both nodes (no reboot after a panic)', () => {
    for (const state of [primary, secondary]) {
      expect(state.live['kernel.panic']).toBe('0');
      expect(state.persisted).not.toHaveProperty(['kernel.panic']);
    }
  });

  it('shows the swappiness that differs between the nodes', () => {
    expect(primary.live['vm.swappiness']).not.toBe(secondary.live['vm.swappiness']);
  });

  it('reads the Debian vendor files', () => {
    expect(primary.persisted['kernel.pid_max']).toEqual({
      value: '4194304',
      source: `/usr/lib/sysctl.d/50-pid-max.conf:${lineOf('pypi-1', '/usr/lib/sysctl.d/50-pid-max.conf', 'kernel.pid_max = 4194304')}`,
    });
    expect(primary.persisted['fs.protected_regular']?.source).toMatch(
      /^\/usr\/lib\/sysctl\.d\/99-protect-links\.conf:\d+$/,
    );
  });
});

describe('collectSysctls on other nodes', () => {
  it('finds the panic settings of debian12-clean in /etc/sysctl.d', () => {
    const { persisted, live } = collectNode('debian12-clean');
    expect(persisted['kernel.panic']).toEqual({ value: '10', source: '/etc/sysctl.d/90-panic.conf:3' });
    expect(live['kernel.panic']).toBe('10');
  });

  it("reads systemd's 50-default.conf globs and negative matches on rpm-el9", () => {
    const { persisted } = collectNode('rpm-el9');
    expect(persisted['net.ipv4.conf.*.rp_filter']?.value).toBe('2');
    expect(persisted['net.ipv4.conf.default.rp_filter']?.value).toBe('2');
    expect(persisted).not.toHaveProperty(['net.ipv4.conf.all.rp_filter']);
    expect(persisted['net.ipv4.ping_group_range']?.value).toBe('0 2147483647');
    expect(persisted['kernel.core_pattern']?.source).toMatch(
      /^\/usr\/lib\/sysctl\.d\/50-coredump\.conf:\d+$/,
    );
  });
});

describe('collectSysctls on generated trees', () => {
  let root = '';
  afterEach(() => removeTree(root));

  it('does not read /etc/sysctl.conf without the 99-sysctl.conf symlink (systemd never opens it)', () => {
    root = writeTree({ '/proc/sys/kernel/panic': '0\n', '/etc/sysctl.conf': 'kernel.panic = 10\n' });
    expect(collectSysctls(new DiskRootFs(root)).persisted).toEqual({});
  });

  it('fails with a CollectError when there is no proc/sys', () => {
    root = writeTree({ '/etc/sysctl.d/x.conf': 'kernel.panic = 10\n' });
    expect(() => collectSysctls(new DiskRootFs(root))).toThrow(CollectError);
  });
});
