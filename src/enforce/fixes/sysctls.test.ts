import { FLEET, fleetWith, plannedBy } from '../../../test/helpers/fixers';
import { spec, state } from '../../../test/helpers/states';
import type { NodeState, SysctlsState } from '../../model/state';
import type { FixDraft, SourcedFinding } from '../types';
import { sysctlsFixer } from './sysctls';

const withSysctls = (table: string): string => fleetWith('sysctls', table);

/** Live values, and persisted ones as `key: [value, 'file:line']`. */
function sysctls(
  live: Record<string, string>,
  persisted: Record<string, [string, string]> = {},
): SysctlsState {
  return {
    live,
    persisted: Object.fromEntries(
      Object.entries(persisted).map(([key, [value, source]]) => [key, { value, source }]),
    ),
  };
}

const planned = (yaml: string, states: NodeState[], node = 'b'): FixDraft[] =>
  plannedBy(sysctlsFixer, yaml, states, node);

/** Both nodes reboot 10 s after a panic, so panic safety adds nothing to a test about another key. */
const PANIC_OK = { 'kernel.panic': ['10', '/etc/sysctl.d/90-driftguard.conf:3'] as [string, string] };

describe("the roles' value", () => {
  it('sets a value live and persists it in the managed file when neither holds', () => {
    const c = state('c', { sysctls: sysctls({ 'vm.swappiness': '60' }) });
    expect(planned(withSysctls('{ vm.swappiness: 10 }'), [c], 'c')).toEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'change',
        description: 'set vm.swappiness = 10 on c, live and persisted',
        commands: [['sysctl', '-w', 'vm.swappiness=10']],
        edits: [{ kind: 'sysctl-set', key: 'vm.swappiness', value: '10' }],
        addresses: ['sysctls|vm.swappiness|mismatch|live|', 'sysctls|vm.swappiness|not-persisted|persisted|'],
      },
    ]);
  });

  it('only persists a value that holds live but an earlier file persists otherwise', () => {
    const c = state('c', {
      sysctls: sysctls(
        { 'vm.swappiness': '10' },
        { 'vm.swappiness': ['60', '/etc/sysctl.d/50-tuning.conf:2'] },
      ),
    });
    expect(planned(withSysctls('{ vm.swappiness: 10 }'), [c], 'c')).toEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'change',
        description: 'set vm.swappiness = 10 on c, persisted in /etc/sysctl.d/90-driftguard.conf',
        commands: [],
        edits: [{ kind: 'sysctl-set', key: 'vm.swappiness', value: '10' }],
        addresses: ['sysctls|vm.swappiness|not-persisted|persisted|'],
      },
    ]);
  });

  it('edits its own file when that is what persists another value (line 12: the line number is not the name)', () => {
    const c = state('c', {
      sysctls: sysctls(
        { 'vm.swappiness': '10' },
        { 'vm.swappiness': ['30', '/etc/sysctl.d/90-driftguard.conf:12'] },
      ),
    });
    expect(planned(withSysctls('{ vm.swappiness: 10 }'), [c], 'c')).toEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'change',
        description: 'set vm.swappiness = 10 on c, persisted in /etc/sysctl.d/90-driftguard.conf',
        commands: [],
        edits: [{ kind: 'sysctl-set', key: 'vm.swappiness', value: '10' }],
        addresses: ['sysctls|vm.swappiness|not-persisted|persisted|'],
      },
    ]);
  });

  it('only sets live a value that is persisted right but not applied yet', () => {
    const c = state('c', {
      sysctls: sysctls(
        { 'vm.swappiness': '60' },
        { 'vm.swappiness': ['10', '/etc/sysctl.d/99-sysctl.conf:4'] },
      ),
    });
    expect(planned(withSysctls('{ vm.swappiness: 10 }'), [c], 'c')).toEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'change',
        description: 'set vm.swappiness = 10 on c live',
        commands: [['sysctl', '-w', 'vm.swappiness=10']],
        edits: [],
        addresses: ['sysctls|vm.swappiness|mismatch|live|'],
      },
    ]);
  });

  it('leaves the persisted part to a person when a file read after the managed one sets another value', () => {
    const c = state('c', {
      sysctls: sysctls(
        { 'vm.swappiness': '60' },
        { 'vm.swappiness': ['60', '/etc/sysctl.d/99-sysctl.conf:4'] },
      ),
    });
    expect(planned(withSysctls('{ vm.swappiness: 10 }'), [c], 'c')).toEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'change',
        description: 'set vm.swappiness = 10 on c live',
        commands: [['sysctl', '-w', 'vm.swappiness=10']],
        edits: [],
        addresses: ['sysctls|vm.swappiness|mismatch|live|'],
      },
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'advice',
        description:
          '/etc/sysctl.d/99-sysctl.conf:4 sets vm.swappiness otherwise and is read after /etc/sysctl.d/90-driftguard.conf: change that line to 10 or remove it, on c',
        reason: "driftguard never edits someone else's sysctl file",
        commands: [],
        addresses: ['sysctls|vm.swappiness|not-persisted|persisted|'],
        part: 'persisted',
      },
    ]);
  });

  it('gives only the advice when the live value is right and a later file persists another', () => {
    const c = state('c', {
      sysctls: sysctls({ 'vm.swappiness': '10' }, { 'vm.swappiness': ['60', '/etc/sysctl.d/95-zz.conf:1'] }),
    });
    expect(planned(withSysctls('{ vm.swappiness: 10 }'), [c], 'c')).toEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'advice',
        description:
          '/etc/sysctl.d/95-zz.conf:1 sets vm.swappiness otherwise and is read after /etc/sysctl.d/90-driftguard.conf: change that line to 10 or remove it, on c',
        reason: "driftguard never edits someone else's sysctl file",
        commands: [],
        addresses: ['sysctls|vm.swappiness|not-persisted|persisted|'],
        part: 'persisted',
      },
    ]);
  });

  it('orders a file by its whole name, a colon and digits in it too: only the last `:N` is the line', () => {
    // 90:5-a.conf is read after 90-driftguard.conf (`:` sorts after `-`); 90-a.conf would not be.
    const c = state('c', {
      sysctls: sysctls({ 'vm.swappiness': '10' }, { 'vm.swappiness': ['60', '/etc/sysctl.d/90:5-a.conf:2'] }),
    });
    expect(planned(withSysctls('{ vm.swappiness: 10 }'), [c], 'c')).toEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'advice',
        description:
          '/etc/sysctl.d/90:5-a.conf:2 sets vm.swappiness otherwise and is read after /etc/sysctl.d/90-driftguard.conf: change that line to 10 or remove it, on c',
        reason: "driftguard never edits someone else's sysctl file",
        commands: [],
        addresses: ['sysctls|vm.swappiness|not-persisted|persisted|'],
        part: 'persisted',
      },
    ]);
  });

  it('asks a person to load the module of a key the running kernel lacks, and still persists it', () => {
    const c = state('c', { sysctls: sysctls({}) });
    expect(planned(withSysctls('{ net.netfilter.nf_conntrack_max: 262144 }'), [c], 'c')).toEqual([
      {
        category: 'sysctls',
        key: 'net.netfilter.nf_conntrack_max',
        action: 'advice',
        description:
          'net.netfilter.nf_conntrack_max does not exist in the running kernel of c: load the module that provides it, then set net.netfilter.nf_conntrack_max = 262144',
        reason: 'a kernel module is for a person to load',
        commands: [],
        addresses: ['sysctls|net.netfilter.nf_conntrack_max|missing|live|'],
      },
      {
        category: 'sysctls',
        key: 'net.netfilter.nf_conntrack_max',
        action: 'change',
        description:
          'set net.netfilter.nf_conntrack_max = 262144 on c, persisted in /etc/sysctl.d/90-driftguard.conf',
        commands: [],
        edits: [{ kind: 'sysctl-set', key: 'net.netfilter.nf_conntrack_max', value: '262144' }],
        addresses: ['sysctls|net.netfilter.nf_conntrack_max|not-persisted|persisted|'],
      },
    ]);
  });

  it("writes the roles' multi-value setting with single spaces", () => {
    const c = state('c', { sysctls: sysctls({ 'net.ipv4.tcp_rmem': '4096\t131072\t6291456' }) });
    expect(planned(withSysctls('{ net.ipv4.tcp_rmem: "4096 87380 6291456" }'), [c], 'c')).toEqual([
      {
        category: 'sysctls',
        key: 'net.ipv4.tcp_rmem',
        action: 'change',
        description: 'set net.ipv4.tcp_rmem = 4096 87380 6291456 on c, live and persisted',
        commands: [['sysctl', '-w', 'net.ipv4.tcp_rmem=4096 87380 6291456']],
        edits: [{ kind: 'sysctl-set', key: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }],
        addresses: [
          'sysctls|net.ipv4.tcp_rmem|mismatch|live|',
          'sysctls|net.ipv4.tcp_rmem|not-persisted|persisted|',
        ],
      },
    ]);
  });

  it("persists the roles' value over the primary's, in the managed file, when a later file already holds the roles' value with tabs", () => {
    // The secondary is right by its roles; parity alone says its persisted value differs. The
    // later file sets the value the roles want (written with a tab), so it is no override.
    const a = state('a', {
      sysctls: sysctls(
        { 'vm.swappiness': '10', 'kernel.panic': '10' },
        { ...PANIC_OK, 'vm.swappiness': ['1', '/etc/sysctl.d/99-sysctl.conf:4'] },
      ),
    });
    const b = state('b', {
      sysctls: sysctls(
        { 'vm.swappiness': '10', 'kernel.panic': '10' },
        { ...PANIC_OK, 'vm.swappiness': ['\t10', '/etc/sysctl.d/99-sysctl.conf:4'] },
      ),
    });
    expect(planned(withSysctls('{ vm.swappiness: 10 }'), [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'change',
        description: 'set vm.swappiness = 10 on b, persisted in /etc/sysctl.d/90-driftguard.conf',
        commands: [],
        edits: [{ kind: 'sysctl-set', key: 'vm.swappiness', value: '10' }],
        addresses: ['sysctls|vm.swappiness|mismatch|persisted|different'],
      },
    ]);
  });
});

describe("the primary's value (parity)", () => {
  it("sets the primary's value live and persisted", () => {
    const a = state('a', {
      sysctls: sysctls(
        { 'vm.dirty_ratio': '10', 'kernel.panic': '10' },
        { ...PANIC_OK, 'vm.dirty_ratio': ['10', '/etc/sysctl.d/60-io.conf:1'] },
      ),
    });
    const b = state('b', { sysctls: sysctls({ 'vm.dirty_ratio': '20', 'kernel.panic': '10' }, PANIC_OK) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'vm.dirty_ratio',
        action: 'change',
        description: 'set vm.dirty_ratio = 10 on b, live and persisted',
        commands: [['sysctl', '-w', 'vm.dirty_ratio=10']],
        edits: [{ kind: 'sysctl-set', key: 'vm.dirty_ratio', value: '10' }],
        addresses: [
          'sysctls|vm.dirty_ratio|mismatch|live|different',
          'sysctls|vm.dirty_ratio|missing|persisted|only-first',
        ],
      },
    ]);
  });

  it('only sets live a value the primary has only live, saying nothing of the files both nodes persist alike', () => {
    // The primary was changed with sysctl -w; its later file still says 60, like the secondary's.
    const persisted = {
      ...PANIC_OK,
      'vm.swappiness': ['60', '/etc/sysctl.d/99-sysctl.conf:4'] as [string, string],
    };
    const a = state('a', { sysctls: sysctls({ 'vm.swappiness': '10', 'kernel.panic': '10' }, persisted) });
    const b = state('b', { sysctls: sysctls({ 'vm.swappiness': '60', 'kernel.panic': '10' }, persisted) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'change',
        description: 'set vm.swappiness = 10 on b live',
        commands: [['sysctl', '-w', 'vm.swappiness=10']],
        edits: [],
        addresses: ['sysctls|vm.swappiness|mismatch|live|different'],
      },
    ]);
  });

  it('persists a glob entry of the primary as written, never setting it live', () => {
    const a = state('a', {
      sysctls: sysctls(
        { 'kernel.panic': '10' },
        { ...PANIC_OK, 'net.ipv4.conf.*.rp_filter': ['1', '/etc/sysctl.d/10-rp.conf:1'] },
      ),
    });
    const b = state('b', { sysctls: sysctls({ 'kernel.panic': '10' }, PANIC_OK) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'net.ipv4.conf.*.rp_filter',
        action: 'change',
        description: 'set net.ipv4.conf.*.rp_filter = 1 on b, persisted in /etc/sysctl.d/90-driftguard.conf',
        commands: [],
        edits: [{ kind: 'sysctl-set', key: 'net.ipv4.conf.*.rp_filter', value: '1' }],
        addresses: ['sysctls|net.ipv4.conf.*.rp_filter|missing|persisted|only-first'],
      },
    ]);
  });

  it('leaves a setting only the secondary persists to a person, naming its file, and sets its live value', () => {
    const a = state('a', {
      sysctls: sysctls({ 'net.ipv4.ip_forward': '0', 'kernel.panic': '10' }, PANIC_OK),
    });
    const b = state('b', {
      sysctls: sysctls(
        { 'net.ipv4.ip_forward': '1', 'kernel.panic': '10' },
        { ...PANIC_OK, 'net.ipv4.ip_forward': ['1', '/etc/sysctl.d/30-router.conf:2'] },
      ),
    });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'net.ipv4.ip_forward',
        action: 'advice',
        description:
          "net.ipv4.ip_forward is set only on b (/etc/sysctl.d/30-router.conf:2): remove it there, set it on the primary too, or add it to the pair's ignore list",
        reason: "driftguard never edits someone else's sysctl file",
        commands: [],
        addresses: ['sysctls|net.ipv4.ip_forward|unexpected|persisted|only-second'],
      },
      {
        category: 'sysctls',
        key: 'net.ipv4.ip_forward',
        action: 'change',
        description: 'set net.ipv4.ip_forward = 0 on b live',
        commands: [['sysctl', '-w', 'net.ipv4.ip_forward=0']],
        edits: [],
        addresses: ['sysctls|net.ipv4.ip_forward|mismatch|live|different'],
      },
    ]);
  });

  it('leaves a key only the running kernel of the secondary has to a person, and plans nothing else for it', () => {
    const a = state('a', { sysctls: sysctls({ 'kernel.panic': '10' }, PANIC_OK) });
    const b = state('b', {
      sysctls: sysctls({ 'net.bridge.bridge-nf-call-iptables': '1', 'kernel.panic': '10' }, PANIC_OK),
    });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'net.bridge.bridge-nf-call-iptables',
        action: 'advice',
        description:
          "net.bridge.bridge-nf-call-iptables is set only on b: remove it there, set it on the primary too, or add it to the pair's ignore list",
        reason: "driftguard never edits someone else's sysctl file",
        commands: [],
        addresses: ['sysctls|net.bridge.bridge-nf-call-iptables|unexpected|live|only-second'],
      },
    ]);
  });
});

describe('a node that does not reboot after a panic (safety)', () => {
  it("takes the primary's persisted value before its live one", () => {
    const a = state('a', {
      sysctls: sysctls({ 'kernel.panic': '5' }, { 'kernel.panic': ['20', '/etc/sysctl.d/60-panic.conf:1'] }),
    });
    const b = state('b', { sysctls: sysctls({ 'kernel.panic': '0' }) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'kernel.panic',
        action: 'change',
        description: 'set kernel.panic = 20 on b, live and persisted',
        commands: [['sysctl', '-w', 'kernel.panic=20']],
        edits: [{ kind: 'sysctl-set', key: 'kernel.panic', value: '20' }],
        addresses: [
          // Live ones first, then persisted: parity's, then safety's.
          'sysctls|kernel.panic|mismatch|live|different',
          'sysctls|kernel.panic|mismatch|live|',
          'sysctls|kernel.panic|missing|persisted|only-first',
          'sysctls|kernel.panic|not-persisted|persisted|',
        ],
      },
    ]);
  });

  it("takes the primary's live value when it persists none that reboots", () => {
    const a = state('a', {
      sysctls: sysctls({ 'kernel.panic': '30' }, { 'kernel.panic': ['0', '/etc/sysctl.d/60-panic.conf:1'] }),
    });
    const b = state('b', {
      sysctls: sysctls({ 'kernel.panic': '0' }, { 'kernel.panic': ['0', '/etc/sysctl.d/60-panic.conf:1'] }),
    });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'kernel.panic',
        action: 'change',
        description: 'set kernel.panic = 30 on b, live and persisted',
        commands: [['sysctl', '-w', 'kernel.panic=30']],
        edits: [{ kind: 'sysctl-set', key: 'kernel.panic', value: '30' }],
        addresses: [
          'sysctls|kernel.panic|mismatch|live|different',
          'sysctls|kernel.panic|mismatch|live|',
          'sysctls|kernel.panic|not-persisted|persisted|',
        ],
      },
    ]);
  });

  it('takes a primary that reboots at once (a negative kernel.panic) as one that reboots', () => {
    const a = state('a', {
      sysctls: sysctls({ 'kernel.panic': '-1' }, { 'kernel.panic': ['-1', '/etc/sysctl.d/60-panic.conf:1'] }),
    });
    const b = state('b', { sysctls: sysctls({ 'kernel.panic': '0' }) });
    const [fix] = planned(FLEET, [a, b]);
    expect(fix?.description).toBe('set kernel.panic = -1 on b, live and persisted');
    expect(fix?.commands).toEqual([['sysctl', '-w', 'kernel.panic=-1']]);
  });

  it('reboots after 10 s when the primary does not reboot either', () => {
    const a = state('a', { sysctls: sysctls({ 'kernel.panic': '0' }) });
    const b = state('b', { sysctls: sysctls({ 'kernel.panic': '0' }) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'kernel.panic',
        action: 'change',
        description: 'set kernel.panic = 10 on b, live and persisted',
        commands: [['sysctl', '-w', 'kernel.panic=10']],
        edits: [{ kind: 'sysctl-set', key: 'kernel.panic', value: '10' }],
        addresses: ['sysctls|kernel.panic|mismatch|live|', 'sysctls|kernel.panic|not-persisted|persisted|'],
      },
    ]);
  });

  it("takes the roles' value over the primary's", () => {
    const a = state('a', {
      sysctls: sysctls({ 'kernel.panic': '20' }, { 'kernel.panic': ['20', '/etc/sysctl.d/60-panic.conf:1'] }),
    });
    const b = state('b', { sysctls: sysctls({ 'kernel.panic': '0' }) });
    expect(planned(withSysctls('{ kernel.panic: 5 }'), [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'kernel.panic',
        action: 'change',
        description: 'set kernel.panic = 5 on b, live and persisted',
        commands: [['sysctl', '-w', 'kernel.panic=5']],
        edits: [{ kind: 'sysctl-set', key: 'kernel.panic', value: '5' }],
        addresses: [
          'sysctls|kernel.panic|mismatch|live|',
          'sysctls|kernel.panic|mismatch|live|different',
          'sysctls|kernel.panic|not-persisted|persisted|',
          'sysctls|kernel.panic|missing|persisted|only-first',
        ],
      },
    ]);
  });
});

describe('what never reaches a command or the managed file', () => {
  it('refuses a malformed key from a state', () => {
    const a = state('a', { sysctls: sysctls({ 'kernel.panic': '10', 'kernel.x y': '1' }, PANIC_OK) });
    const b = state('b', { sysctls: sysctls({ 'kernel.panic': '10' }, PANIC_OK) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'sysctls',
        key: 'kernel.x y',
        action: 'advice',
        description:
          'sysctl key "kernel.x y" is not well-formed (a space is not allowed (only letters, digits and `_ . - / : @ +`)): driftguard will not pass it to a command',
        reason: 'refused: a malformed name from a node state',
        commands: [],
        addresses: ['sysctls|kernel.x y|missing|live|only-first'],
      },
    ]);
  });

  it.each([
    ['an escape', '1\u001b[2J'],
    ['a NUL', '1\u0000'],
    ['a DEL', '1\u007f'],
  ])("plans nothing for a primary's value with %s in it", (_what, value) => {
    const a = state('a', {
      sysctls: sysctls({ 'kernel.panic': '10', 'vm.overcommit_memory': value }, PANIC_OK),
    });
    const b = state('b', {
      sysctls: sysctls({ 'kernel.panic': '10', 'vm.overcommit_memory': '0' }, PANIC_OK),
    });
    expect(planned(FLEET, [a, b])).toEqual([]);
  });

  it('plans nothing when no finding says which value the key must have', () => {
    // A parity finding carries the primary's value; one without it leaves nothing to set.
    const finding: SourcedFinding = {
      category: 'sysctls',
      key: 'vm.swappiness',
      kind: 'mismatch',
      aspect: 'live',
      side: 'different',
      severity: 'error',
      message: 'vm.swappiness live differs',
      node: 'b',
      source: 'parity',
    };
    expect(sysctlsFixer.plan([finding], { node: 'b', state: state('b'), spec: spec() })).toEqual([]);
  });
});
