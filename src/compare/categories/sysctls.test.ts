import type { SysctlRule } from '../../model/desired';
import type { PersistedSysctl, SysctlsState } from '../../model/state';
import { findingsAbout, pairContext } from '../test-helpers';
import { spec } from '../../../test/helpers/states';
import { normalizeSysctlValue, persistedFor, sysctlsComparator } from './sysctls';

const aboutPanic = findingsAbout('sysctls', 'kernel.panic');
const PANIC_CONF = '/etc/sysctl.d/10-panic.conf:3';
const OURS = '/etc/sysctl.d/90-driftguard.conf:1';

const sysctls = (
  live: Record<string, string>,
  persisted: Record<string, PersistedSysctl> = {},
): SysctlsState => ({
  live,
  persisted,
});
const driftOf = (rules: Record<string, SysctlRule>, state: SysctlsState) =>
  sysctlsComparator.drift!(spec({ sysctls: rules }), state);
const parityOf = (a: SysctlsState, b: SysctlsState, ignore?: string[]) =>
  sysctlsComparator.parity!(a, b, pairContext(ignore));

describe('normalizeSysctlValue', () => {
  it.each([
    ['10', '10'],
    [' 10\n', '10'],
    ['4096\t131072\t6291456', '4096 131072 6291456'],
    ['1024 \t  65000', '1024 65000'],
  ])('%j reads %j', (value, expected) => {
    expect(normalizeSysctlValue(value)).toBe(expected);
  });
});

describe('persistedFor', () => {
  const state = sysctls(
    {},
    {
      'net.ipv4.conf.*.rp_filter': { value: '2', source: '/usr/lib/sysctl.d/50-default.conf:22' },
      'net.ipv4.conf.all.rp_filter': { value: '1', source: '/etc/sysctl.d/rp.conf:1' },
      'net.ipv4.conf.eth?.accept_redirects': { value: '0', source: '/etc/sysctl.d/redirects.conf:1' },
      'net.ipv6.conf.[el]*.disable_ipv6': { value: '1', source: '/etc/sysctl.d/ipv6.conf:1' },
      'kernel.panic': { value: '10', source: PANIC_CONF },
    },
  );

  it.each([
    ['kernel.panic', PANIC_CONF],
    ['net.ipv4.conf.all.rp_filter', '/etc/sysctl.d/rp.conf:1'],
    ['net.ipv4.conf.eth0.rp_filter', '/usr/lib/sysctl.d/50-default.conf:22'],
    // a VLAN interface: its dot is part of the name (/proc/sys/net/ipv4/conf/eth0.100/rp_filter)
    ['net.ipv4.conf.eth0/100.rp_filter', '/usr/lib/sysctl.d/50-default.conf:22'],
    ['net.ipv4.conf.eth0/100.accept_redirects', undefined],
    ['net.ipv4.conf.eth1.accept_redirects', '/etc/sysctl.d/redirects.conf:1'],
    ['net.ipv6.conf.lo.disable_ipv6', '/etc/sysctl.d/ipv6.conf:1'],
    ['net.ipv4.conf.eth10.accept_redirects', undefined],
    ['net.ipv6.conf.wlan0.disable_ipv6', undefined],
    ['net.ipv4.conf.eth0.log_martians', undefined],
    ['kernel.panic_on_oops', undefined],
  ])('%s is set by %s', (key, source) => {
    expect(persistedFor(state, key)?.source).toBe(source);
  });

  it('matches a glob one level of /proc/sys at a time, as systemd-sysctl does', () => {
    const kernel = sysctls({}, { 'kernel.*': { value: '1', source: '/etc/sysctl.d/all.conf:1' } });
    expect(persistedFor(kernel, 'kernel.sysrq')?.source).toBe('/etc/sysctl.d/all.conf:1');
    expect(persistedFor(kernel, 'kernel.random.boot_id')).toBeUndefined();
  });

  it('reads a slash in a key as the dot of an interface name, not as a separator', () => {
    const vlans = sysctls(
      {},
      { 'net.ipv4.conf.eth0/*.rp_filter': { value: '0', source: '/etc/sysctl.d/vlan.conf:1' } },
    );
    expect(persistedFor(vlans, 'net.ipv4.conf.eth0/100.rp_filter')?.source).toBe('/etc/sysctl.d/vlan.conf:1');
    expect(persistedFor(vlans, 'net.ipv4.conf.eth01.rp_filter')).toBeUndefined();
  });

  it('never matches a leading dot with a wildcard, as glob(3) without GLOB_PERIOD (systemd-sysctl) does not', () => {
    // An interface named `.hidden`: /proc/sys/net/ipv4/conf/.hidden/rp_filter, key `conf./hidden.`.
    const any = sysctls(
      {},
      {
        'net.ipv4.conf.*.rp_filter': { value: '1', source: '/etc/sysctl.d/rp.conf:1' },
        'net.ipv4.conf.?hidden.log_martians': { value: '1', source: '/etc/sysctl.d/m.conf:1' },
        'net.ipv4.conf.[.]hidden.accept_redirects': { value: '0', source: '/etc/sysctl.d/r.conf:1' },
      },
    );
    expect(persistedFor(any, 'net.ipv4.conf./hidden.rp_filter')).toBeUndefined();
    expect(persistedFor(any, 'net.ipv4.conf./hidden.log_martians')).toBeUndefined();
    expect(persistedFor(any, 'net.ipv4.conf./hidden.accept_redirects')).toBeUndefined();
    expect(persistedFor(any, 'net.ipv4.conf.eth0/100.rp_filter')?.source).toBe('/etc/sysctl.d/rp.conf:1');
  });

  it('takes a key only as a glob when it holds a glob character', () => {
    const literal = sysctls({}, { 'kernel.pani{c,x}': { value: '1', source: '/etc/sysctl.d/odd.conf:1' } });
    expect(persistedFor(literal, 'kernel.panic')).toBeUndefined();
  });
});

describe('sysctls: drift', () => {
  const panic = { 'kernel.panic': { value: '10' } };

  it.each([
    ['no sysctl', {}, false],
    ['kernel.panic', panic, true],
  ])('asks something of a node when the roles name a sysctl (%s: %s)', (_what, rules, expected) => {
    expect(sysctlsComparator.hasRules!(spec({ sysctls: rules }))).toBe(expected);
  });

  it('is satisfied by the value live and persisted, however the whitespace runs', () => {
    const range = { 'net.ipv4.ip_local_port_range': { value: '1024   65000' } };
    const state = sysctls(
      { 'net.ipv4.ip_local_port_range': '1024\t65000' },
      { 'net.ipv4.ip_local_port_range': { value: '1024  65000', source: '/etc/sysctl.d/ports.conf:1' } },
    );
    expect(driftOf(range, state)).toEqual([]);
  });

  it('wants the value live and persisted: the PyPI primary of 2013 had neither', () => {
    expect(driftOf(panic, sysctls({ 'kernel.panic': '0' }))).toStrictEqual([
      aboutPanic({
        kind: 'mismatch',
        aspect: 'live',
        expected: '10',
        actual: '0',
        message: 'kernel.panic is 0 live, desired 10',
      }),
      aboutPanic({
        kind: 'not-persisted',
        aspect: 'persisted',
        expected: '10',
        message: 'kernel.panic = 10 is not persisted: no sysctl.d file sets it, so a reboot loses it',
      }),
    ]);
  });

  it('reports a key the running kernel lacks, and the file that persists another value', () => {
    const conntrack = { 'net.netfilter.nf_conntrack_max': { value: '262144' } };
    const state = sysctls(
      {},
      { 'net.netfilter.nf_conntrack_max': { value: '65536', source: '/etc/sysctl.d/conntrack.conf:2' } },
    );
    expect(driftOf(conntrack, state)).toStrictEqual([
      {
        category: 'sysctls',
        key: 'net.netfilter.nf_conntrack_max',
        kind: 'missing',
        severity: 'error',
        aspect: 'live',
        expected: '262144',
        message: 'net.netfilter.nf_conntrack_max does not exist in the running kernel (desired 262144)',
      },
      {
        category: 'sysctls',
        key: 'net.netfilter.nf_conntrack_max',
        kind: 'not-persisted',
        severity: 'error',
        aspect: 'persisted',
        expected: '262144',
        actual: '65536',
        message:
          'net.netfilter.nf_conntrack_max is persisted as 65536 by /etc/sysctl.d/conntrack.conf:2, desired 262144',
      },
    ]);
  });

  it('counts a value persisted through a glob key', () => {
    const rules = { 'net.ipv4.conf.eth0.rp_filter': { value: '2' } };
    const state = sysctls(
      { 'net.ipv4.conf.eth0.rp_filter': '2' },
      { 'net.ipv4.conf.*.rp_filter': { value: '2', source: '/usr/lib/sysctl.d/50-default.conf:22' } },
    );
    expect(driftOf(rules, state)).toEqual([]);
  });
});

describe('sysctls: parity', () => {
  it('finds nothing between the same values, however the whitespace runs', () => {
    const a = sysctls(
      { 'net.ipv4.tcp_rmem': '4096\t131072\t6291456' },
      { 'net.ipv4.tcp_rmem': { value: '4096 131072 6291456', source: '/etc/sysctl.d/tcp.conf:1' } },
    );
    const b = sysctls(
      { 'net.ipv4.tcp_rmem': '4096 131072 6291456' },
      { 'net.ipv4.tcp_rmem': { value: '4096   131072\t6291456', source: OURS } },
    );
    expect(parityOf(a, b)).toEqual([]);
  });

  it('reports a live difference, and a persisted one with the file that sets each', () => {
    const a = sysctls(
      { 'vm.swappiness': '60' },
      { 'vm.swappiness': { value: '60', source: '/etc/sysctl.d/vm.conf:1' } },
    );
    const b = sysctls({ 'vm.swappiness': '10' }, { 'vm.swappiness': { value: '10', source: OURS } });
    expect(parityOf(a, b)).toStrictEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        kind: 'mismatch',
        side: 'different',
        severity: 'error',
        aspect: 'live',
        expected: '60',
        actual: '10',
        message: 'vm.swappiness live differs: 60 on primary (pypi-1), 10 on secondary (pypi-2)',
      },
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        kind: 'mismatch',
        side: 'different',
        severity: 'error',
        aspect: 'persisted',
        expected: '60',
        actual: '10',
        message: `vm.swappiness persisted differs: 60 (/etc/sysctl.d/vm.conf:1) on primary (pypi-1), 10 (${OURS}) on secondary (pypi-2)`,
      },
    ]);
  });

  it('reports a key on one node only, live or persisted, recording its value', () => {
    const a = sysctls(
      { 'net.netfilter.nf_conntrack_max': '262144' },
      { 'kernel.panic': { value: '10', source: PANIC_CONF } },
    );
    const b = sysctls({}, {});
    expect(parityOf(a, b)).toStrictEqual([
      {
        category: 'sysctls',
        key: 'net.netfilter.nf_conntrack_max',
        kind: 'missing',
        side: 'only-first',
        severity: 'error',
        aspect: 'live',
        expected: '262144',
        message: 'net.netfilter.nf_conntrack_max (live) = 262144 only on primary (pypi-1)',
      },
      aboutPanic({
        kind: 'missing',
        side: 'only-first',
        aspect: 'persisted',
        expected: '10',
        message: `kernel.panic (persisted) = 10 (${PANIC_CONF}) only on primary (pypi-1)`,
      }),
    ]);
    expect(parityOf(b, a).map((f) => [f.kind, f.side, f.actual, f.message])).toEqual([
      [
        'unexpected',
        'only-second',
        '262144',
        'net.netfilter.nf_conntrack_max (live) = 262144 only on secondary (pypi-2)',
      ],
      [
        'unexpected',
        'only-second',
        '10',
        `kernel.panic (persisted) = 10 (${PANIC_CONF}) only on secondary (pypi-2)`,
      ],
    ]);
  });

  /** Kernel defaults computed at boot from memory or CPUs (the test's own list, not the code's). */
  const SCALING = [
    'fs.epoll.max_user_watches',
    'fs.file-max',
    'fs.inotify.max_user_watches',
    'kernel.pid_max',
    'kernel.threads-max',
    'net.core.netdev_max_backlog',
    'net.ipv4.tcp_max_orphans',
    'net.ipv4.tcp_max_syn_backlog',
    'net.ipv4.tcp_max_tw_buckets',
    'net.ipv4.tcp_mem',
    'net.ipv4.tcp_rmem',
    'net.ipv4.tcp_wmem',
    'net.ipv4.udp_mem',
    'net.netfilter.nf_conntrack_buckets',
    'net.netfilter.nf_conntrack_max',
    'net.nf_conntrack_max',
    'vm.admin_reserve_kbytes',
    'vm.min_free_kbytes',
    'vm.user_reserve_kbytes',
    'vm.watermark_boost_factor',
  ];

  it.each(SCALING)(
    'calls a live difference of %s, a default that scales with the machine, information',
    (key) => {
      expect(parityOf(sysctls({ [key]: '131072' }), sysctls({ [key]: '65536' }))).toStrictEqual([
        {
          category: 'sysctls',
          key,
          kind: 'mismatch',
          side: 'different',
          severity: 'info',
          aspect: 'live',
          expected: '131072',
          actual: '65536',
          message: `${key} live differs: 131072 on primary (pypi-1), 65536 on secondary (pypi-2) — a kernel default that scales with memory or CPUs (see capacity)`,
        },
      ]);
    },
  );

  it.each([
    ['the primary', { 'fs.file-max': { value: '2097152', source: '/etc/sysctl.d/files.conf:1' } }, {}],
    ['the secondary', {}, { 'fs.*': { value: '2097152', source: OURS } }],
  ])(
    'keeps a scaling key an error when %s persists it: an operator chose the value',
    (_who, first, second) => {
      const live = parityOf(
        sysctls({ 'fs.file-max': '9223372036854775807' }, first),
        sysctls({ 'fs.file-max': '2097152' }, second),
      )
        .filter((f) => f.aspect === 'live')
        .map((f) => [f.severity, f.message]);
      expect(live).toEqual([
        [
          'error',
          'fs.file-max live differs: 9223372036854775807 on primary (pypi-1), 2097152 on secondary (pypi-2)',
        ],
      ]);
    },
  );

  it('keeps a scaling key live on one node only an error, and other keys too', () => {
    const findings = parityOf(
      sysctls({ 'kernel.pid_max': '4194304', 'vm.swappiness': '60' }),
      sysctls({ 'vm.swappiness': '10' }),
    );
    expect(findings.map((f) => [f.key, f.kind, f.severity])).toEqual([
      ['kernel.pid_max', 'missing', 'error'],
      ['vm.swappiness', 'mismatch', 'error'],
    ]);
  });

  it('skips the keys the pair ignores, live and persisted', () => {
    const a = sysctls(
      { 'kernel.hostname': 'pypi-1' },
      { 'kernel.hostname': { value: 'pypi-1', source: '/etc/sysctl.d/h.conf:1' } },
    );
    const b = sysctls({ 'kernel.hostname': 'pypi-2' }, {});
    expect(parityOf(a, b, ['kernel.hostname'])).toEqual([]);
  });
});
