import { ignoreMatcher } from './ignore';

describe('ignoreMatcher', () => {
  it.each([undefined, []])('ignores nothing without patterns (%j)', (patterns) => {
    const ignored = ignoreMatcher(patterns);
    expect(['', 'kernel.hostname', '/etc/hostname', '*'].map(ignored)).toEqual([false, false, false, false]);
  });

  it.each([
    // globs as operators write them in parity.ignore
    [['linux-image-*'], 'linux-image-6.1.0-26-amd64', true],
    [['linux-image-*'], 'linux-headers-6.1.0-26-amd64', false],
    [['net.ipv4.conf.*.rp_filter'], 'net.ipv4.conf.eth0.rp_filter', true],
    [['net.ipv4.conf.*.rp_filter'], 'net.ipv4.conf.eth0.accept_redirects', false],
    // dots are ordinary characters, also at the start of a file name
    [['kernel.random.*'], 'kernel.random.boot_id', true],
    [['/etc/drbd.d/*'], '/etc/drbd.d/.r0.res.swp', true],
    [['/etc/drbd.d/*.bak'], '/etc/drbd.d/r0.res.bak', true],
    // `*` does not cross `/`
    [['/etc/*'], '/etc/drbd.d/r0.res', false],
    [['/etc/**'], '/etc/drbd.d/r0.res', true],
    // any of several patterns
    [['kernel.hostname', 'vm.*'], 'vm.swappiness', true],
    [['kernel.hostname', 'vm.*'], 'kernel.hostname', true],
    [['kernel.hostname', 'vm.*'], 'kernel.panic', false],
  ])('%j on %s: %s', (patterns, key, expected) => {
    expect(ignoreMatcher(patterns)(key)).toBe(expected);
  });
});
