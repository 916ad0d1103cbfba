import { mergePersistedSysctls } from './merge';

describe('mergePersistedSysctls', () => {
  it('lets a later file win and keeps what it overrode, in order', () => {
    const { persisted } = mergePersistedSysctls([
      { path: '/usr/lib/sysctl.d/50-a.conf', text: 'kernel.panic = 5\n' },
      { path: '/etc/sysctl.d/60-b.conf', text: '# x\nkernel.panic = 7\n' },
      { path: '/etc/sysctl.d/99-sysctl.conf', text: 'kernel.panic = 10\n' },
    ]);
    expect(persisted['kernel.panic']).toEqual({
      value: '10',
      source: '/etc/sysctl.d/99-sysctl.conf:1',
      overridden: [
        { value: '5', source: '/usr/lib/sysctl.d/50-a.conf:1' },
        { value: '7', source: '/etc/sysctl.d/60-b.conf:2' },
      ],
    });
  });

  it('lets a later line of the same file win', () => {
    const { persisted } = mergePersistedSysctls([
      { path: '/etc/sysctl.conf', text: 'kernel.panic_on_oops = 0\nkernel.panic_on_oops = 1\n' },
    ]);
    expect(persisted['kernel.panic_on_oops']).toEqual({
      value: '1',
      source: '/etc/sysctl.conf:2',
      overridden: [{ value: '0', source: '/etc/sysctl.conf:1' }],
    });
  });

  it('keeps the earlier source when a later line repeats the same value (as systemd does)', () => {
    const { persisted } = mergePersistedSysctls([
      { path: '/run/sysctl.d/60-runtime.conf', text: 'net.ipv4.ip_forward = 1\n' },
      { path: '/etc/sysctl.d/90-forwarding.conf', text: 'net.ipv4.ip_forward = 1\n' },
    ]);
    expect(persisted['net.ipv4.ip_forward']).toEqual({
      value: '1',
      source: '/run/sysctl.d/60-runtime.conf:1',
    });
  });

  it('drops a key whose latest line is a negative match', () => {
    const { persisted } = mergePersistedSysctls([
      { path: '/a.conf', text: 'net.ipv4.conf.lo.rp_filter = 2\n' },
      { path: '/b.conf', text: '-net.ipv4.conf.lo.rp_filter\n' },
    ]);
    expect(persisted).not.toHaveProperty(['net.ipv4.conf.lo.rp_filter']);
  });

  it('persists a key assigned again after a negative match, with the earlier value as overridden', () => {
    const { persisted } = mergePersistedSysctls([
      { path: '/a.conf', text: 'vm.swappiness = 1\n-vm.swappiness\nvm.swappiness = 20\n' },
    ]);
    expect(persisted['vm.swappiness']).toEqual({
      value: '20',
      source: '/a.conf:3',
      overridden: [{ value: '1', source: '/a.conf:1' }],
    });
  });

  it('records a glob key as written, next to explicit keys', () => {
    const { persisted } = mergePersistedSysctls([
      { path: '/x.conf', text: 'net.ipv4.conf.*.rp_filter = 2\nnet.ipv4.conf.eth0.rp_filter = 1\n' },
    ]);
    expect(Object.keys(persisted)).toEqual(['net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.eth0.rp_filter']);
    expect(persisted['net.ipv4.conf.*.rp_filter']?.value).toBe('2');
  });

  it('treats spellings of one key as the same key', () => {
    const { persisted } = mergePersistedSysctls([
      {
        path: '/x.conf',
        text: 'net/ipv4/conf/eth0.100/rp_filter = 0\nnet.ipv4.conf.eth0/100.rp_filter = 1\n',
      },
    ]);
    expect(persisted['net.ipv4.conf.eth0/100.rp_filter']?.value).toBe('1');
    expect(Object.keys(persisted)).toHaveLength(1);
  });

  it('reports lines that are not assignments with file and line', () => {
    const { warnings } = mergePersistedSysctls([
      { path: '/etc/sysctl.d/x.conf', text: 'kernel.panic = 1\noops\n' },
    ]);
    expect(warnings).toEqual([
      { source: '/etc/sysctl.d/x.conf', line: 2, message: 'not an assignment, ignored: oops' },
    ]);
  });
});
