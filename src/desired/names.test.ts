import {
  checkAbsolutePath,
  checkFstabField,
  checkFstype,
  checkHost,
  checkHostPort,
  checkIgnorePattern,
  checkMountOption,
  checkObjectName,
  checkPackageName,
  checkSysctlKey,
  checkUnitName,
  checkUserName,
} from './names';

/** The characters just outside `a`–`z` and `0`–`9` (and upper case), with the refusal each gets. */
const JUST_OUTSIDE_LOWER_AND_DIGITS: [string, string][] = [
  ['`', '``` is not allowed, which looks like shell syntax'],
  ['{', '`{` is not allowed'],
  ['/', '`/` is not allowed'],
  [':', '`:` is not allowed'],
  ['A', '`A` is not allowed'],
];

/** The names `check` accepts, and for the others the reason it gives. */
function verdicts(check: (v: string) => string | undefined, values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => [v, check(v) ?? 'ok']));
}

// The character classes are compared as ranges (`c >= 'a' && c <= 'z'`), so the tables below
// name each range's first and last character (A Z, a z, 0 9) and its neighbours just outside
// (`@ [` around A–Z, `` ` { `` around a–z, `/ :` around 0–9), and every length limit is tried at
// the limit and one past it: an off-by-one there lets a character or a length through.

/** The first and last character of each range a name may use. */
const RANGE_ENDS = ['A', 'Z', 'a', 'z', '0', '9'];

describe('checkPackageName', () => {
  it('accepts Debian and RPM package names, with an optional architecture, and 128 characters', () => {
    for (const name of [
      'drbd-utils',
      'python3',
      'libstdc++6',
      '0ad',
      'g++-12',
      'linux-image-6.1.0-26-amd64',
      'libc6:amd64',
      'NetworkManager',
      'perl-Time_HiRes',
      'glibc:x86_64',
      'libc6:musl-linux-amd64',
      'R',
      'a'.repeat(128),
    ]) {
      expect([name, checkPackageName(name)]).toEqual([name, undefined]);
    }
  });

  it('refuses shell syntax, blanks and bad architectures, saying why', () => {
    expect(
      verdicts(checkPackageName, [
        'foo; rm -rf /',
        '$(reboot)',
        'a b',
        '-foo',
        '',
        'foo:',
        ':amd64',
        'foo:AMD64',
        'foo|bar',
        'a'.repeat(129),
      ]),
    ).toEqual({
      'foo; rm -rf /':
        '`;` is not allowed, which looks like shell syntax (only letters, digits and `+ . _ -`)',
      '$(reboot)': 'it must start with a letter or digit',
      'a b': 'a space is not allowed (only letters, digits and `+ . _ -`)',
      '-foo': 'it must start with a letter or digit',
      '': 'it is empty',
      'foo:': 'the architecture after `:` is empty',
      ':amd64': 'the name before `:` is empty',
      'foo:AMD64': 'the architecture must start with a lower-case letter or digit',
      'foo|bar': '`|` is not allowed, which looks like shell syntax (only letters, digits and `+ . _ -`)',
      ['a'.repeat(129)]: 'it is longer than 128 characters',
    });
  });

  // `z9` and `99` also catch a check of the whole architecture instead of its first character:
  // as strings they sort after `z` and `9`.
  it.each(['a', 'z', '0', '9'])('accepts %s as the first and a later character of an architecture', (c) => {
    expect(verdicts(checkPackageName, [`libc6:${c}9`, `libc6:x${c}`])).toEqual({
      [`libc6:${c}9`]: 'ok',
      [`libc6:x${c}`]: 'ok',
    });
  });

  it.each([...JUST_OUTSIDE_LOWER_AND_DIGITS, ['.', '`.` is not allowed']])(
    'refuses %s as the first and a later character of an architecture',
    (c, refusal) => {
      expect(verdicts(checkPackageName, [`libc6:${c}`, `libc6:x${c}`])).toEqual({
        [`libc6:${c}`]: 'the architecture must start with a lower-case letter or digit',
        [`libc6:x${c}`]: `in the architecture: ${refusal} (only lower-case letters, digits, \`_\` and \`-\` in an architecture)`,
      });
    },
  );
});

describe('checkUnitName', () => {
  it('accepts plain units, templates, instances and \\xHH escapes of every type, and 255 characters', () => {
    for (const name of [
      'drbd.service',
      'drbd@.service',
      'drbd@r0.target',
      'srv-pypi.mount',
      'dev-disk-by\\x2dlabel-data.device',
      'system-getty.slice',
      'a:b_c.socket',
      'getty@tty1.service',
      'x.automount',
      'x.swap',
      'x.path',
      'x.timer',
      'x.scope',
      `${'a'.repeat(247)}.service`,
    ]) {
      expect([name, checkUnitName(name)]).toEqual([name, undefined]);
    }
  });

  it('refuses missing or unknown types, a leading @, bad escapes, shell syntax, DEL, an empty name and 256 characters', () => {
    expect(
      verdicts(checkUnitName, [
        'drbd',
        '.service',
        'drbd.srvice',
        '@foo.service',
        'a\\b.service',
        'a\\x2.service',
        'a\\y2d.service',
        'a\\X2d.service',
        '$(reboot).service',
        'a b.service',
        'a\x7f.service',
        '',
        `${'a'.repeat(248)}.service`,
      ]),
    ).toEqual({
      drbd: 'it has no type suffix such as `.service` or `.mount`',
      '.service': 'it has no type suffix such as `.service` or `.mount`',
      'drbd.srvice':
        '`.srvice` is not a unit type (one of .service .socket .device .mount .automount .swap .target .path .timer .slice .scope)',
      '@foo.service': 'it must not start with `@`',
      'a\\b.service': 'a `\\` must start an escape like `\\x2d` (see systemd-escape)',
      'a\\x2.service': 'a `\\` must start an escape like `\\x2d` (see systemd-escape)',
      'a\\y2d.service': 'a `\\` must start an escape like `\\x2d` (see systemd-escape)',
      'a\\X2d.service': 'a `\\` must start an escape like `\\x2d` (see systemd-escape)',
      '$(reboot).service': 'it contains `$`, which looks like shell syntax',
      'a b.service': 'a space is not allowed (only letters, digits, `: _ . - @` and \\xHH escapes)',
      'a\x7f.service': 'it contains a control character U+007f',
      '': 'it is empty',
      [`${'a'.repeat(248)}.service`]: 'it is longer than 255 characters',
    });
  });

  it.each(['0', '9', 'a', 'f', 'A', 'F'])('accepts %s as either hex digit of a \\x escape', (h) => {
    expect(verdicts(checkUnitName, [`a\\x${h}0.service`, `a\\x0${h}.service`])).toEqual({
      [`a\\x${h}0.service`]: 'ok',
      [`a\\x0${h}.service`]: 'ok',
    });
  });

  // `` ` `` (below a) is shell syntax and refused before escapes are looked at.
  it.each(['/', ':', 'g', '@', 'G'])('refuses %s as either hex digit of a \\x escape', (h) => {
    const reason = 'a `\\` must start an escape like `\\x2d` (see systemd-escape)';
    expect(verdicts(checkUnitName, [`a\\x${h}0.service`, `a\\x0${h}.service`])).toEqual({
      [`a\\x${h}0.service`]: reason,
      [`a\\x0${h}.service`]: reason,
    });
  });
});

describe('checkAbsolutePath', () => {
  it('accepts absolute normalised paths, spaces included, and 4095 characters', () => {
    for (const p of [
      '/',
      '/etc/drbd.d/r0.res',
      '/srv/my data',
      '/etc/.hidden',
      '/a/b...c',
      `/${'a'.repeat(4094)}`,
    ])
      expect([p, checkAbsolutePath(p)]).toEqual([p, undefined]);
  });

  it('refuses relative, unnormalised, globbed, control and shell-like paths, and 4096 characters', () => {
    expect(
      verdicts(checkAbsolutePath, [
        'etc/hosts',
        '/etc/',
        '/etc//hosts',
        '/etc/./hosts',
        '/etc/../shadow',
        '/etc/*.conf',
        '/etc/ho\nsts',
        '/etc/a\0b',
        '/etc/a\x7fb',
        '/tmp/$(reboot)',
        '/tmp/`id`',
        '/tmp/a;b',
        '',
        `/${'a'.repeat(4095)}`,
      ]),
    ).toEqual({
      'etc/hosts': 'it must be absolute (start with `/`)',
      '/etc/': 'it must not end with `/`',
      '/etc//hosts': 'it contains `//` (write it normalised)',
      '/etc/./hosts': 'it contains a `.` segment (write it normalised)',
      '/etc/../shadow': 'it contains a `..` segment (write it normalised)',
      '/etc/*.conf': 'it contains the glob character `*` (name exact paths)',
      '/etc/ho\nsts': 'it contains a control character U+000a',
      '/etc/a\0b': 'it contains a control character U+0000',
      '/etc/a\x7fb': 'it contains a control character U+007f',
      '/tmp/$(reboot)': 'it contains `$`, which looks like shell syntax',
      '/tmp/`id`': 'it contains ```, which looks like shell syntax',
      '/tmp/a;b': 'it contains `;`, which looks like shell syntax',
      '': 'it is empty',
      [`/${'a'.repeat(4095)}`]: 'it is longer than 4095 characters (PATH_MAX)',
    });
  });

  it.each(['*', '?', '[', ']'])('refuses the glob character %s', (g) => {
    expect(checkAbsolutePath(`/etc/a${g}b`)).toBe(
      `it contains the glob character \`${g}\` (name exact paths)`,
    );
  });
});

describe('checkSysctlKey', () => {
  it('accepts dotted keys, with / for a dot inside an interface name, and 512 characters', () => {
    for (const k of [
      'kernel.panic',
      'net.ipv4.conf.all.rp_filter',
      'net.ipv4.conf.eth0/100.rp_filter',
      'net.ipv6.conf.br-lan.forwarding',
      'fs.inotify.max_user_watches',
      `kernel.${'a'.repeat(505)}`,
    ]) {
      expect([k, checkSysctlKey(k)]).toEqual([k, undefined]);
    }
  });

  it('refuses single words, empty parts, other characters, an empty key and 513 characters', () => {
    expect(
      verdicts(checkSysctlKey, [
        'panic',
        'kernel..panic',
        '.kernel.panic',
        'kernel.panic=1',
        'kernel panic',
        '',
        `kernel.${'a'.repeat(506)}`,
      ]),
    ).toEqual({
      panic: 'it must have at least two dot-separated parts (`kernel.panic`)',
      'kernel..panic': 'it has an empty part (leading, trailing or doubled `.`)',
      '.kernel.panic': 'it has an empty part (leading, trailing or doubled `.`)',
      'kernel.panic=1': '`=` is not allowed (only letters, digits and `_ . - / : @ +`)',
      'kernel panic': 'a space is not allowed (only letters, digits and `_ . - / : @ +`)',
      '': 'it is empty',
      [`kernel.${'a'.repeat(506)}`]: 'it is longer than 512 characters',
    });
  });

  // The fixer runs `sysctl -w KEY=VALUE`: `sysctl -w -p/tmp/evil.conf=1` loads every setting
  // in that file. No kernel key starts with `-` (in sysctl.d it marks a line whose failure is ignored).
  it('refuses a leading -, which sysctl would read as options', () => {
    expect(verdicts(checkSysctlKey, ['-p/tmp/evil.conf', '-kernel.panic'])).toEqual({
      '-p/tmp/evil.conf': 'it must not start with `-`',
      '-kernel.panic': 'it must not start with `-`',
    });
  });

  it.each([...RANGE_ENDS, '_', '-', '/', ':', '@', '+'])('accepts %s inside a part', (c) => {
    expect(checkSysctlKey(`net.a${c}b.x`)).toBeUndefined();
  });
});

describe('checkUserName', () => {
  it('accepts useradd-style names, a final $ and exactly 32 characters', () => {
    for (const u of ['pypi', '_apt', 'systemd-network', 'www-data', 'host1$', 'a'.repeat(32)])
      expect([u, checkUserName(u)]).toEqual([u, undefined]);
  });

  it('refuses upper case, leading digits, $ inside, a bad last character and 33 characters', () => {
    expect(
      verdicts(checkUserName, ['Pypi', '1user', 'a$b', 'root$(id)', 'pypI', 'pyP$', '', 'a'.repeat(33)]),
    ).toEqual({
      Pypi: 'it must start with a lower-case letter or `_`',
      '1user': 'it must start with a lower-case letter or `_`',
      a$b: '`$` is not allowed, which looks like shell syntax (only lower-case letters, digits, `_`, `-` and a final `$`)',
      'root$(id)':
        '`$` is not allowed, which looks like shell syntax (only lower-case letters, digits, `_`, `-` and a final `$`)',
      pypI: '`I` is not allowed (only lower-case letters, digits, `_`, `-` and a final `$`)',
      pyP$: '`P` is not allowed (only lower-case letters, digits, `_`, `-` and a final `$`)',
      '': 'it is empty',
      ['a'.repeat(33)]: 'it is longer than 32 characters',
    });
  });

  it.each(['a', 'z', '_'])('accepts %s as the first character', (c) => {
    expect(checkUserName(`${c}x`)).toBeUndefined();
  });

  it.each(['`', '{', 'A', '0', '-'])('refuses %s as the first character', (c) => {
    expect(checkUserName(`${c}x`)).toBe('it must start with a lower-case letter or `_`');
  });

  it.each(['a', 'z', '0', '9', '_', '-'])('accepts %s as a later character', (c) => {
    expect(checkUserName(`x${c}`)).toBeUndefined();
  });

  it.each(JUST_OUTSIDE_LOWER_AND_DIGITS)('refuses %s as a later character', (c, refusal) => {
    expect(checkUserName(`x${c}`)).toBe(
      `${refusal} (only lower-case letters, digits, \`_\`, \`-\` and a final \`$\`)`,
    );
  });
});

describe('checkObjectName', () => {
  it('accepts names with . _ - and one of 128 characters', () => {
    expect(verdicts(checkObjectName, ['pypi-1', 'db1.example.com', 'pair_a', 'a'.repeat(128)])).toEqual({
      'pypi-1': 'ok',
      'db1.example.com': 'ok',
      pair_a: 'ok',
      ['a'.repeat(128)]: 'ok',
    });
  });

  it('refuses a leading . or _, a /, an empty name and 129 characters', () => {
    expect(verdicts(checkObjectName, ['../etc', 'a/b', '_x', '', 'a'.repeat(129)])).toEqual({
      '../etc': 'it must start with a letter or digit',
      'a/b': '`/` is not allowed (only letters, digits and `. _ -`)',
      _x: 'it must start with a letter or digit',
      '': 'it is empty',
      ['a'.repeat(129)]: 'it is longer than 128 characters',
    });
  });

  it.each(RANGE_ENDS)('accepts %s as the first and a later character', (c) => {
    expect(verdicts(checkObjectName, [c, `x${c}`])).toEqual({ [c]: 'ok', [`x${c}`]: 'ok' });
  });

  it.each([
    ['@', '`@` is not allowed'],
    ['[', '`[` is not allowed'],
    ['`', '``` is not allowed, which looks like shell syntax'],
    ['{', '`{` is not allowed'],
    ['/', '`/` is not allowed'],
    [':', '`:` is not allowed'],
  ])('refuses %s as the first and a later character', (c, refusal) => {
    expect(verdicts(checkObjectName, [c, `x${c}`])).toEqual({
      [c]: 'it must start with a letter or digit',
      [`x${c}`]: `${refusal} (only letters, digits and \`. _ -\`)`,
    });
  });
});

describe('checkHost', () => {
  it('accepts host names with - and _, addresses, and 253 characters', () => {
    expect(
      verdicts(checkHost, ['bmc-1.example.com', 'bmc_1', '10.0.1.11', 'fd00::1', 'a'.repeat(253)]),
    ).toEqual({
      'bmc-1.example.com': 'ok',
      bmc_1: 'ok',
      '10.0.1.11': 'ok',
      'fd00::1': 'ok',
      ['a'.repeat(253)]: 'ok',
    });
  });

  it('refuses an empty host, a leading - and 254 characters', () => {
    expect(verdicts(checkHost, ['', '-oProxyCommand=x', 'a'.repeat(254)])).toEqual({
      '': 'it is empty',
      '-oProxyCommand=x': 'it must not start with `-`',
      ['a'.repeat(254)]: 'it is longer than 253 characters',
    });
  });
});

describe('other names', () => {
  it('host:port: IPv6 only in brackets, a valid host, a port of 1–5 digits in 1–65535', () => {
    expect(
      verdicts(checkHostPort, [
        '10.0.1.11:623',
        'bmc.example.com:22',
        '[fd00::1]:22',
        'fd00::1:22',
        '[fd00::1:22',
        'fd00::1]:22',
        'host',
        'host:0',
        'host:65536',
        'host:0x16',
        'host:1e3',
        'ho st:22',
        ':22',
      ]),
    ).toEqual({
      '10.0.1.11:623': 'ok',
      'bmc.example.com:22': 'ok',
      '[fd00::1]:22': 'ok',
      'fd00::1:22': 'an IPv6 address must be in brackets: `[addr]:port`',
      '[fd00::1:22': 'an IPv6 address must be in brackets: `[addr]:port`',
      'fd00::1]:22': 'an IPv6 address must be in brackets: `[addr]:port`',
      host: 'it must be `host:port`',
      'host:0': '`0` is not a port number (1–65535)',
      'host:65536': '`65536` is not a port number (1–65535)',
      // Number() reads both as 22 and 1000: the digits-only test must span the whole port.
      'host:0x16': '`0x16` is not a port number (1–65535)',
      'host:1e3': '`1e3` is not a port number (1–65535)',
      'ho st:22': 'the host is not valid: a space is not allowed (only letters, digits and `. - : _`)',
      ':22': 'the host is not valid: it is empty',
    });
  });

  it('mount options are one non-empty option each, without blanks or shell', () => {
    expect(
      verdicts(checkMountOption, [
        'noauto',
        'x-systemd.requires=drbd@r0.target',
        'noauto,nofail',
        'a b',
        'x;y',
        '',
      ]),
    ).toEqual({
      noauto: 'ok',
      'x-systemd.requires=drbd@r0.target': 'ok',
      'noauto,nofail': 'it contains `,` (list each option separately)',
      'a b': 'it contains a space (fstab fields are separated by spaces)',
      'x;y': 'it contains `;`, which looks like shell syntax',
      '': 'it is empty',
    });
  });

  it('fstab devices are one field without blanks or shell', () => {
    expect(verdicts(checkFstabField, ['UUID=0a1b-2c3d', '/dev/drbd0', '', 'a b', 'a\tb'])).toEqual({
      'UUID=0a1b-2c3d': 'ok',
      '/dev/drbd0': 'ok',
      '': 'it is empty',
      'a b': 'it contains a space (fstab fields are separated by spaces)',
      'a\tb': 'it contains a control character U+0009',
    });
  });

  it('filesystem types are lower-case letters, digits and . _ -', () => {
    expect(
      verdicts(checkFstype, ['ext4', 'fuse.sshfs', 'ntfs-3g', 'fuse.my_fs', '', 'EXT4', 'nfs,ro']),
    ).toEqual({
      ext4: 'ok',
      'fuse.sshfs': 'ok',
      'ntfs-3g': 'ok',
      'fuse.my_fs': 'ok',
      '': 'it is empty',
      EXT4: '`E` is not allowed (only lower-case letters, digits and `. _ -`)',
      'nfs,ro': '`,` is not allowed (only lower-case letters, digits and `. _ -`)',
    });
  });

  it('ignore patterns may be globs but not empty', () => {
    expect(verdicts(checkIgnorePattern, ['net.ipv6.conf.*.accept_ra', '/etc/[ab]?*', ''])).toEqual({
      'net.ipv6.conf.*.accept_ra': 'ok',
      '/etc/[ab]?*': 'ok',
      '': 'it is empty',
    });
  });

  it.each([';', '|', '&', '$', '`', '<', '>'])('ignore patterns refuse %s as shell syntax', (c) => {
    expect(checkIgnorePattern(`a${c}b`)).toBe(`it contains \`${c}\`, which looks like shell syntax`);
  });
});
