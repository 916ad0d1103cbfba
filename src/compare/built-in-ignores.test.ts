import { BUILT_IN_PARITY_IGNORE, withBuiltInIgnores } from './built-in-ignores';

/** What differs between two healthy nodes by construction (docs/architecture.md, "Compare"). */
const BUILT_IN = {
  sysctls: ['kernel.hostname', 'kernel.random.boot_id'],
  files: [
    '/etc/hostname',
    '/etc/machine-id',
    '/etc/fstab',
    '/etc/sysctl.conf',
    '/etc/sysctl.d/*',
    '/etc/systemd/system/*.d/50-driftguard.conf',
  ],
};

describe('built-in parity ignores', () => {
  it('are the identity of a node, fstab (compared under mounts) and the persisted sysctls', () => {
    expect(BUILT_IN_PARITY_IGNORE).toStrictEqual(BUILT_IN);
  });

  it.each([undefined, {}])('are all there is when the pair ignores nothing (%j)', (rules) => {
    expect(withBuiltInIgnores(rules)).toStrictEqual(BUILT_IN);
  });

  it("add the pair's own after the built-in ones, and keep categories it alone names", () => {
    expect(
      withBuiltInIgnores({
        packages: ['linux-image-*'],
        sysctls: ['kernel.random.*', 'net.ipv4.conf.*.rp_filter'],
        files: ['/etc/drbd.d/*.bak'],
      }),
    ).toStrictEqual({
      packages: ['linux-image-*'],
      sysctls: ['kernel.hostname', 'kernel.random.boot_id', 'kernel.random.*', 'net.ipv4.conf.*.rp_filter'],
      files: [...BUILT_IN.files, '/etc/drbd.d/*.bak'],
    });
  });

  it('leave the built-in table unchanged when merging', () => {
    withBuiltInIgnores({ sysctls: ['vm.*'], files: ['/etc/motd'] });
    expect(BUILT_IN_PARITY_IGNORE).toStrictEqual(BUILT_IN);
  });
});
