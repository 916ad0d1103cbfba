import { FLEET, fleetWith, plannedBy } from '../../../test/helpers/fixers';
import { dpkg, spec, state } from '../../../test/helpers/states';
import type { PackageEntry, PackagesState, NodeState } from '../../model/state';
import type { FixDraft, NodeFixContext, SourcedFinding } from '../types';
import { packagesFixer } from './packages';

const withPackages = (table: string): string => fleetWith('packages', table);

/** The apt-get command line every install starts with: no prompts, no recommends, old config kept. */
const APT_INSTALL = [
  'env',
  'DEBIAN_FRONTEND=noninteractive',
  'apt-get',
  'install',
  '--yes',
  '--no-install-recommends',
  '--allow-downgrades',
  '-o',
  'Dpkg::Options::=--force-confold',
];
const DNF_INSTALL = ['dnf', 'install', '--assumeyes', '--setopt=install_weak_deps=False'];

function rpm(...entries: [name: string, version: string, arch?: string][]): PackagesState {
  const items: Record<string, PackageEntry> = {};
  for (const [name, version, arch = 'x86_64'] of entries)
    items[`${name}:${arch}`] = { name, arch, version, status: 'installed' };
  return { manager: 'rpm', items };
}

const planned = (yaml: string, states: NodeState[], node = 'b'): FixDraft[] =>
  plannedBy(packagesFixer, yaml, states, node);

describe("installing the primary's version (parity)", () => {
  it("installs a package the secondary lacks at the primary's exact version and architecture", () => {
    const a = state('a', { packages: dpkg(['bash', '5.2.15-2'], ['pypissh', '1.2.0-1', { arch: 'all' }]) });
    const b = state('b', { packages: dpkg(['bash', '5.2.15-2']) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: 'pypissh:all',
        action: 'change',
        description: "install pypissh 1.2.0-1 on b, the primary's version",
        commands: [[...APT_INSTALL, 'pypissh:all=1.2.0-1']],
        addresses: ['packages|pypissh:all|missing||only-first'],
      },
    ]);
  });

  it('upgrades an older package of the secondary, epoch included', () => {
    const a = state('a', { packages: dpkg(['openssl', '1:3.0.15-1~deb12u1']) });
    const b = state('b', { packages: dpkg(['openssl', '1:3.0.11-1~deb12u2']) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: 'openssl:amd64',
        action: 'change',
        description: "install openssl 1:3.0.15-1~deb12u1 on b, the primary's version",
        commands: [[...APT_INSTALL, 'openssl:amd64=1:3.0.15-1~deb12u1']],
        addresses: ['packages|openssl:amd64|mismatch||newer-first'],
      },
    ]);
  });

  it('says so when matching the primary is a downgrade of the secondary', () => {
    const a = state('a', { packages: dpkg(['nginx', '1.22.1-9']) });
    const b = state('b', { packages: dpkg(['nginx', '1.22.1-9+deb12u1']) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: 'nginx:amd64',
        action: 'change',
        description: "install nginx 1.22.1-9 on b, the primary's version (a downgrade)",
        commands: [[...APT_INSTALL, 'nginx:amd64=1.22.1-9']],
        addresses: ['packages|nginx:amd64|mismatch||newer-second'],
      },
    ]);
  });

  it('uses dnf with name-version.arch on an RPM node, dropping only a zero epoch', () => {
    const a = state('a', {
      packages: rpm(
        ['httpd', '0:2.4.57-8.el9'],
        ['mod_ssl', '1:2.4.57-8.el9'],
        ['tzdata', '10:2024a-1.el9', 'noarch'],
      ),
    });
    const b = state('b', { packages: rpm() });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: 'httpd:x86_64',
        action: 'change',
        description: "install httpd 0:2.4.57-8.el9 on b, the primary's version",
        commands: [[...DNF_INSTALL, 'httpd-2.4.57-8.el9.x86_64']],
        addresses: ['packages|httpd:x86_64|missing||only-first'],
      },
      {
        category: 'packages',
        key: 'mod_ssl:x86_64',
        action: 'change',
        description: "install mod_ssl 1:2.4.57-8.el9 on b, the primary's version",
        commands: [[...DNF_INSTALL, 'mod_ssl-1:2.4.57-8.el9.x86_64']],
        addresses: ['packages|mod_ssl:x86_64|missing||only-first'],
      },
      {
        // Epoch 10 is not epoch 0: only a leading `0:` goes.
        category: 'packages',
        key: 'tzdata:noarch',
        action: 'change',
        description: "install tzdata 10:2024a-1.el9 on b, the primary's version",
        commands: [[...DNF_INSTALL, 'tzdata-10:2024a-1.el9.noarch']],
        addresses: ['packages|tzdata:noarch|missing||only-first'],
      },
    ]);
  });

  it("installs each architecture of a multi-arch package the secondary lacks, the roles' finding with the first", () => {
    const a = state('a', { packages: dpkg(['libc6', '2.36-9'], ['libc6', '2.36-9', { arch: 'i386' }]) });
    const b = state('b', { packages: dpkg() });
    expect(planned(withPackages('{ libc6: present }'), [a, b])).toEqual([
      {
        category: 'packages',
        key: 'libc6:amd64',
        action: 'change',
        description: "install libc6 2.36-9 on b, the primary's version",
        commands: [[...APT_INSTALL, 'libc6:amd64=2.36-9']],
        addresses: ['packages|libc6|missing||', 'packages|libc6:amd64|missing||only-first'],
      },
      {
        category: 'packages',
        key: 'libc6:i386',
        action: 'change',
        description: "install libc6 2.36-9 on b, the primary's version",
        commands: [[...APT_INSTALL, 'libc6:i386=2.36-9']],
        addresses: ['packages|libc6:i386|missing||only-first'],
      },
    ]);
  });

  it('installs the architecture the secondary lacks and leaves the one only it has to a person', () => {
    const a = state('a', { packages: dpkg(['libfoo', '1.0-1', { arch: 'i386' }]) });
    const b = state('b', { packages: dpkg(['libfoo', '1.0-1']) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: 'libfoo:amd64',
        action: 'advice',
        description:
          "libfoo:amd64 is installed only on b: remove it there, install it on the primary, or add it to the pair's ignore list",
        reason: 'driftguard removes software only when the desired state says absent',
        commands: [],
        addresses: ['packages|libfoo:amd64|unexpected||only-second'],
      },
      {
        category: 'packages',
        key: 'libfoo:i386',
        action: 'change',
        description: "install libfoo 1.0-1 on b, the primary's version",
        commands: [[...APT_INSTALL, 'libfoo:i386=1.0-1']],
        addresses: ['packages|libfoo:i386|missing||only-first'],
      },
    ]);
  });

  it('leaves a package only the secondary has to a person, naming the ignore list', () => {
    const a = state('a', { packages: dpkg() });
    const b = state('b', { packages: dpkg(['strace', '6.1-0.1']) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: 'strace:amd64',
        action: 'advice',
        description:
          "strace:amd64 is installed only on b: remove it there, install it on the primary, or add it to the pair's ignore list",
        reason: 'driftguard removes software only when the desired state says absent',
        commands: [],
        addresses: ['packages|strace:amd64|unexpected||only-second'],
      },
    ]);
  });
});

describe('what the roles ask (desired)', () => {
  it("installs the primary's version when it satisfies the roles' relation, resolving drift and parity at once", () => {
    const a = state('a', { packages: dpkg(['python3', '3.11.2-1+b1']) });
    const b = state('b', { packages: dpkg(['python3', '3.9.2-3']) });
    expect(planned(withPackages('{ python3: ">= 3.11" }'), [a, b])).toEqual([
      {
        category: 'packages',
        key: 'python3:amd64',
        action: 'change',
        description: "install python3 3.11.2-1+b1 on b, the primary's version",
        commands: [[...APT_INSTALL, 'python3:amd64=3.11.2-1+b1']],
        addresses: ['packages|python3|mismatch||', 'packages|python3:amd64|mismatch||newer-first'],
      },
    ]);
  });

  it("installs the version apt offers, and says why, when the primary's version does not satisfy the roles", () => {
    const a = state('a', { packages: dpkg(['python3', '3.9.2-3']) });
    const b = state('b', { packages: dpkg(['python3', '3.7.3-1']) });
    expect(planned(withPackages('{ python3: ">= 3.11" }'), [a, b])).toEqual([
      {
        category: 'packages',
        key: 'python3',
        action: 'change',
        description:
          "install python3 (>= 3.11) on b, the version apt or dnf offers; the primary's 3.9.2-3 does not satisfy the roles either",
        commands: [[...APT_INSTALL, 'python3:amd64']],
        addresses: ['packages|python3|mismatch||', 'packages|python3:amd64|mismatch||newer-first'],
      },
    ]);
  });

  it("installs the primary's version of a package the roles only want present", () => {
    const a = state('a', { packages: dpkg(['htop', '3.2.2-2']) });
    const b = state('b', { packages: dpkg() });
    expect(planned(withPackages('{ htop: present }'), [a, b])).toEqual([
      {
        category: 'packages',
        key: 'htop:amd64',
        action: 'change',
        description: "install htop 3.2.2-2 on b, the primary's version",
        commands: [[...APT_INSTALL, 'htop:amd64=3.2.2-2']],
        addresses: ['packages|htop|missing||', 'packages|htop:amd64|missing||only-first'],
      },
    ]);
  });

  it('installs a missing package of a node outside pairs without naming a version or architecture', () => {
    const c = state('c', { packages: dpkg() });
    expect(planned(withPackages('{ htop: present }'), [c], 'c')).toEqual([
      {
        category: 'packages',
        key: 'htop',
        action: 'change',
        description: 'install htop on c, the version apt or dnf offers',
        commands: [[...APT_INSTALL, 'htop']],
        addresses: ['packages|htop|missing||'],
      },
    ]);
  });

  it('finds the rule of an arch-qualified rule key and keeps the architecture in the install', () => {
    const c = state('c', { packages: dpkg(['python3', '3.9.2-3']) });
    expect(planned(withPackages('{ "python3:amd64": ">= 3.11" }'), [c], 'c')).toEqual([
      {
        category: 'packages',
        key: 'python3',
        action: 'change',
        description: 'install python3 (>= 3.11) on c, the version apt or dnf offers',
        commands: [[...APT_INSTALL, 'python3:amd64']],
        addresses: ['packages|python3:amd64|mismatch||'],
      },
    ]);
  });

  it('removes a package the roles say absent, with apt-get or dnf, addressing its parity finding too', () => {
    const a = state('a', { packages: dpkg() });
    const b = state('b', { packages: dpkg(['telnetd', '0.17+2.4-2']) });
    expect(planned(withPackages('{ telnetd: absent }'), [a, b])).toEqual([
      {
        category: 'packages',
        key: 'telnetd',
        action: 'change',
        description: 'remove telnetd from b (the roles say absent)',
        commands: [['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'remove', '--yes', 'telnetd']],
        addresses: ['packages|telnetd|unexpected||', 'packages|telnetd:amd64|unexpected||only-second'],
      },
    ]);
    const rpmA = state('a', { packages: rpm() });
    const rpmB = state('b', { packages: rpm(['telnet-server', '1:0.17-85.el9']) });
    expect(planned(withPackages('{ telnet-server: absent }'), [rpmA, rpmB])).toEqual([
      {
        category: 'packages',
        key: 'telnet-server',
        action: 'change',
        description: 'remove telnet-server from b (the roles say absent)',
        commands: [['dnf', 'remove', '--assumeyes', 'telnet-server']],
        addresses: [
          'packages|telnet-server|unexpected||',
          'packages|telnet-server:x86_64|unexpected||only-second',
        ],
      },
    ]);
  });

  it("follows the name's own rule before an arch-qualified rule of the same name", () => {
    const c = state('c', { packages: dpkg(['python3', '3.9.2-3']) });
    expect(planned(withPackages('{ "python3:i386": absent, python3: ">= 3.11" }'), [c], 'c')).toEqual([
      {
        category: 'packages',
        key: 'python3',
        action: 'change',
        description: 'install python3 (>= 3.11) on c, the version apt or dnf offers',
        commands: [[...APT_INSTALL, 'python3']],
        addresses: ['packages|python3|mismatch||'],
      },
    ]);
  });

  it('removes only the architecture an arch-qualified absent rule names', () => {
    // `apt-get remove libfoo` means the native libfoo:amd64, which the roles keep.
    const c = state('c', { packages: dpkg(['libfoo', '1.0-1'], ['libfoo', '1.0-1', { arch: 'i386' }]) });
    expect(planned(withPackages('{ "libfoo:i386": absent }'), [c], 'c')).toEqual([
      {
        category: 'packages',
        key: 'libfoo:i386',
        action: 'change',
        description: 'remove libfoo:i386 from c (the roles say absent)',
        commands: [['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'remove', '--yes', 'libfoo:i386']],
        addresses: ['packages|libfoo:i386|unexpected||'],
      },
    ]);
    const rpmC = state('c', { packages: rpm(['glibc', '2.34-100.el9'], ['glibc', '2.34-100.el9', 'i686']) });
    expect(planned(withPackages('{ "glibc:i686": absent }'), [rpmC], 'c')).toEqual([
      {
        category: 'packages',
        key: 'glibc:i686',
        action: 'change',
        description: 'remove glibc:i686 from c (the roles say absent)',
        commands: [['dnf', 'remove', '--assumeyes', 'glibc.i686']],
        addresses: ['packages|glibc:i686|unexpected||'],
      },
    ]);
  });

  it('names each installed architecture of a bare absent rule to apt, which reads a bare name as the native one', () => {
    const c = state('c', { packages: dpkg(['libfoo', '1.0-1'], ['libfoo', '1.0-1', { arch: 'i386' }]) });
    expect(planned(withPackages('{ libfoo: absent }'), [c], 'c')).toEqual([
      {
        category: 'packages',
        key: 'libfoo',
        action: 'change',
        description: 'remove libfoo from c (the roles say absent)',
        commands: [
          [
            'env',
            'DEBIAN_FRONTEND=noninteractive',
            'apt-get',
            'remove',
            '--yes',
            'libfoo:amd64',
            'libfoo:i386',
          ],
        ],
        addresses: ['packages|libfoo|unexpected||'],
      },
    ]);
  });

  it('removes every architecture of an absent package in one dnf remove, addressing each finding', () => {
    const a = state('a', { packages: rpm() });
    const b = state('b', { packages: rpm(['libfoo', '1.0-1.el9'], ['libfoo', '1.0-1.el9', 'i686']) });
    expect(planned(withPackages('{ libfoo: absent }'), [a, b])).toEqual([
      {
        category: 'packages',
        key: 'libfoo',
        action: 'change',
        description: 'remove libfoo from b (the roles say absent)',
        commands: [['dnf', 'remove', '--assumeyes', 'libfoo']],
        addresses: [
          'packages|libfoo|unexpected||',
          'packages|libfoo:i686|unexpected||only-second',
          'packages|libfoo:x86_64|unexpected||only-second',
        ],
      },
    ]);
  });

  it("keeps a rule of one architecture to it: the other's upgrade is planned beside the removal", () => {
    const a = state('a', { packages: dpkg(['libfoo', '1.1-1']) });
    const b = state('b', { packages: dpkg(['libfoo', '1.0-1'], ['libfoo', '1.0-1', { arch: 'i386' }]) });
    expect(planned(withPackages('{ "libfoo:i386": absent }'), [a, b])).toEqual([
      {
        category: 'packages',
        key: 'libfoo:i386',
        action: 'change',
        description: 'remove libfoo:i386 from b (the roles say absent)',
        commands: [['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'remove', '--yes', 'libfoo:i386']],
        addresses: ['packages|libfoo:i386|unexpected||', 'packages|libfoo:i386|unexpected||only-second'],
      },
      {
        category: 'packages',
        key: 'libfoo:amd64',
        action: 'change',
        description: "install libfoo 1.1-1 on b, the primary's version",
        commands: [[...APT_INSTALL, 'libfoo:amd64=1.1-1']],
        addresses: ['packages|libfoo:amd64|mismatch||newer-first'],
      },
    ]);
  });

  it('follows each architecture its own rule: two arch-qualified rules of one name', () => {
    const c = state('c', {
      packages: dpkg(['libfoo', '1.0-1', { arch: 'i386' }], ['libfoo', '1.0-1', { arch: 'armhf' }]),
    });
    expect(
      planned(withPackages('{ "libfoo:i386": absent, "libfoo:armhf": absent }'), [c], 'c').map(
        (d) => d.commands,
      ),
    ).toEqual([
      [['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'remove', '--yes', 'libfoo:i386']],
      [['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'remove', '--yes', 'libfoo:armhf']],
    ]);
  });

  it("plans nothing for an absent package only the primary still has: that copy is the primary's to remove", () => {
    const a = state('a', { packages: dpkg(['telnetd', '0.17+2.4-2']) });
    const b = state('b', { packages: dpkg() });
    expect(planned(withPackages('{ telnetd: absent }'), [a, b])).toEqual([]);
  });
});

describe('what never reaches a command', () => {
  it('refuses a malformed package name from a state', () => {
    const a = state('a', {
      packages: {
        manager: 'dpkg',
        items: {
          'x;reboot:all': { name: 'x;reboot', arch: 'all', version: '1', status: 'install ok installed' },
        },
      },
    });
    const b = state('b', { packages: dpkg() });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: 'x;reboot:all',
        action: 'advice',
        description:
          'package name "x;reboot:all" is not well-formed (`;` is not allowed, which looks like shell syntax (only letters, digits and `+ . _ -`)): driftguard will not pass it to a command',
        reason: 'refused: a malformed name from a node state',
        commands: [],
        addresses: ['packages|x;reboot:all|missing||only-first'],
      },
    ]);
  });

  it('advises, and runs nothing, when the two nodes use different package managers', () => {
    const a = state('a', { packages: rpm(['bash', '5.1.8-9.el9']) });
    const b = state('b', { packages: dpkg(['bash', '5.2.15-2']) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: '(manager)',
        action: 'advice',
        description:
          "b uses another package manager than the primary: rebuild it on the primary's distribution",
        reason: 'one package manager cannot be turned into another',
        commands: [],
        addresses: ['packages|(manager)|mismatch||'],
      },
    ]);
  });

  it.each([
    ['$(reboot)', 'shell syntax'],
    ['-1.0', 'a leading dash reads as an option'],
    ['1.0 -oAPT::Get::Foo=1', 'a space splits the version'],
    ['', 'an empty version'],
  ])('refuses the primary version %j (%s)', (version) => {
    const a = state('a', { packages: dpkg(['tool', version, { arch: 'all' }]) });
    const b = state('b', { packages: dpkg() });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: 'tool:all',
        action: 'advice',
        description: `version of "tool:all" is not well-formed (${JSON.stringify(version)} is not a version): driftguard will not pass it to a command`,
        reason: 'refused: a malformed name from a node state',
        commands: [],
        addresses: ['packages|tool:all|missing||only-first'],
      },
    ]);
  });

  it('accepts every character a dpkg or rpm version may hold', () => {
    const a = state('a', { packages: dpkg(['tool', '2:1.0+dfsg~rc1_x.Y-2ubuntu0.1', { arch: 'all' }]) });
    const b = state('b', { packages: dpkg() });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'packages',
        key: 'tool:all',
        action: 'change',
        description: "install tool 2:1.0+dfsg~rc1_x.Y-2ubuntu0.1 on b, the primary's version",
        commands: [[...APT_INSTALL, 'tool:all=2:1.0+dfsg~rc1_x.Y-2ubuntu0.1']],
        addresses: ['packages|tool:all|missing||only-first'],
      },
    ]);
  });
});

describe('an interrupted package run', () => {
  it('finishes it with dpkg --configure -a before anything else, naming every package it left', () => {
    const a = state('a', {
      packages: dpkg(['libc6', '2.36-9'], ['openssl', '3.0.15-1'], ['curl', '7.88.1-10']),
    });
    const b = state('b', {
      packages: dpkg(
        ['libc6', '2.36-9', { status: 'install ok half-configured', flags: ['half-configured'] }],
        ['openssl', '3.0.15-1', { status: 'install ok unpacked', flags: ['unpacked'] }],
      ),
    });
    expect(planned(withPackages('{ libc6: present }'), [a, b])).toEqual([
      {
        category: 'packages',
        key: '(interrupted)',
        action: 'change',
        description: 'finish the interrupted package run on b: libc6:amd64, openssl:amd64',
        commands: [['env', 'DEBIAN_FRONTEND=noninteractive', 'dpkg', '--configure', '-a']],
        addresses: ['packages|libc6:amd64|unsafe||', 'packages|openssl:amd64|unsafe||'],
      },
      {
        category: 'packages',
        key: 'curl:amd64',
        action: 'change',
        description: "install curl 7.88.1-10 on b, the primary's version",
        commands: [[...APT_INSTALL, 'curl:amd64=7.88.1-10']],
        addresses: ['packages|curl:amd64|missing||only-first'],
      },
    ]);
  });

  it('leaves an interrupted rpm transaction to a person', () => {
    const b = state('b', {
      packages: {
        manager: 'rpm',
        items: {
          'glibc:x86_64': {
            name: 'glibc',
            arch: 'x86_64',
            version: '2.34-100.el9',
            status: 'installed',
            flags: ['half-installed'],
          },
        },
      },
    });
    const a = state('a', { packages: rpm(['glibc', '2.34-100.el9']) });
    expect(planned(withPackages('{ glibc: present }'), [a, b])).toEqual([
      {
        category: 'packages',
        key: '(interrupted)',
        action: 'advice',
        description: 'finish the interrupted package transaction on b',
        reason: 'rpm transactions are recovered with dnf history, by a person',
        commands: [],
        addresses: ['packages|glibc:x86_64|unsafe||'],
      },
    ]);
  });
});

describe('a node whose packages were not collected', () => {
  // The planner turns "not collected" into advice before fixers run; a fixer handed findings
  // anyway must still pick a package manager: the primary's, else dpkg.
  let missing: SourcedFinding;
  let interrupted: SourcedFinding;
  beforeEach(() => {
    missing = {
      category: 'packages',
      key: 'httpd',
      kind: 'missing',
      expected: 'present',
      severity: 'error',
      message: 'httpd is not installed, desired present',
      node: 'b',
      source: 'desired',
    };
    interrupted = {
      category: 'packages',
      key: 'httpd:x86_64',
      kind: 'unsafe',
      severity: 'error',
      message: 'httpd:x86_64 2.4.57-8.el9 is half-installed',
      node: 'b',
      source: 'desired',
    };
  });

  it("uses the primary's package manager", () => {
    const ctx: NodeFixContext = {
      node: 'b',
      state: state('b'),
      spec: spec(),
      model: state('a', { packages: rpm() }),
    };
    expect(packagesFixer.plan([missing], ctx)).toEqual([
      {
        category: 'packages',
        key: 'httpd',
        action: 'change',
        description: 'install httpd on b, the version apt or dnf offers',
        commands: [[...DNF_INSTALL, 'httpd']],
        addresses: ['packages|httpd|missing||'],
      },
    ]);
  });

  it('uses dpkg when no state says', () => {
    const ctx: NodeFixContext = { node: 'b', state: state('b'), spec: spec() };
    expect(packagesFixer.plan([interrupted, missing], ctx)).toEqual([
      {
        category: 'packages',
        key: '(interrupted)',
        action: 'change',
        description: 'finish the interrupted package run on b: httpd:x86_64',
        commands: [['env', 'DEBIAN_FRONTEND=noninteractive', 'dpkg', '--configure', '-a']],
        addresses: ['packages|httpd:x86_64|unsafe||'],
      },
      {
        category: 'packages',
        key: 'httpd',
        action: 'change',
        description: 'install httpd on b, the version apt or dnf offers',
        commands: [[...APT_INSTALL, 'httpd']],
        addresses: ['packages|httpd|missing||'],
      },
    ]);
  });

  it('plans nothing without findings', () => {
    expect(packagesFixer.plan([], { node: 'b', state: state('b'), spec: spec() })).toEqual([]);
  });
});
