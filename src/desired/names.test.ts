import {
  checkAbsolutePath,
  checkHostPort,
  checkMountOption,
  checkObjectName,
  checkPackageName,
  checkSysctlKey,
  checkUnitName,
  checkUserName,
} from './names';

/** The names `check` accepts, and for the others the reason it gives. */
function verdicts(check: (v: string) => string | undefined, values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => [v, check(v) ?? 'ok']));
}

describe('checkPackageName', () => {
  it('accepts Debian and RPM package names, with an optional architecture', () => {
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
      'R',
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
});

describe('checkUnitName', () => {
  it('accepts plain units, templates, instances and \\xHH escapes of every type', () => {
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
    ]) {
      expect([name, checkUnitName(name)]).toEqual([name, undefined]);
    }
  });

  it('refuses missing or unknown types, a leading @, bare backslashes and shell syntax', () => {
    expect(
      verdicts(checkUnitName, [
        'drbd',
        '.service',
        'drbd.srvice',
        '@foo.service',
        'a\\b.service',
        'a\\x2.service',
        '$(reboot).service',
        'a b.service',
        `${'a'.repeat(250)}.service`,
      ]),
    ).toEqual({
      drbd: 'it has no type suffix such as `.service` or `.mount`',
      '.service': 'it has no type suffix such as `.service` or `.mount`',
      'drbd.srvice':
        '`.srvice` is not a unit type (one of .service .socket .device .mount .automount .swap .target .path .timer .slice .scope)',
      '@foo.service': 'it must not start with `@`',
      'a\\b.service': 'a `\\` must start an escape like `\\x2d` (see systemd-escape)',
      'a\\x2.service': 'a `\\` must start an escape like `\\x2d` (see systemd-escape)',
      '$(reboot).service': 'it contains `$`, which looks like shell syntax',
      'a b.service': 'a space is not allowed (only letters, digits, `: _ . - @` and \\xHH escapes)',
      [`${'a'.repeat(250)}.service`]: 'it is longer than 255 characters',
    });
  });
});

describe('checkAbsolutePath', () => {
  it('accepts absolute normalised paths, spaces included', () => {
    for (const p of ['/', '/etc/drbd.d/r0.res', '/srv/my data', '/etc/.hidden', '/a/b...c'])
      expect([p, checkAbsolutePath(p)]).toEqual([p, undefined]);
  });

  it('refuses relative, unnormalised, globbed, control and shell-like paths', () => {
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
        '/tmp/$(reboot)',
        '/tmp/`id`',
        '/tmp/a;b',
        '',
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
      '/tmp/$(reboot)': 'it contains `$`, which looks like shell syntax',
      '/tmp/`id`': 'it contains ```, which looks like shell syntax',
      '/tmp/a;b': 'it contains `;`, which looks like shell syntax',
      '': 'it is empty',
    });
  });
});

describe('checkSysctlKey', () => {
  it('accepts dotted keys, with / for a dot inside an interface name', () => {
    for (const k of [
      'kernel.panic',
      'net.ipv4.conf.all.rp_filter',
      'net.ipv4.conf.eth0/100.rp_filter',
      'net.ipv6.conf.br-lan.forwarding',
      'fs.inotify.max_user_watches',
    ]) {
      expect([k, checkSysctlKey(k)]).toEqual([k, undefined]);
    }
  });

  it('refuses single words, empty parts and anything else', () => {
    expect(
      verdicts(checkSysctlKey, [
        'panic',
        'kernel..panic',
        '.kernel.panic',
        'kernel.panic=1',
        'kernel panic',
        '',
      ]),
    ).toEqual({
      panic: 'it must have at least two dot-separated parts (`kernel.panic`)',
      'kernel..panic': 'it has an empty part (leading, trailing or doubled `.`)',
      '.kernel.panic': 'it has an empty part (leading, trailing or doubled `.`)',
      'kernel.panic=1': '`=` is not allowed (only letters, digits and `_ . - / : @ +`)',
      'kernel panic': 'a space is not allowed (only letters, digits and `_ . - / : @ +`)',
      '': 'it is empty',
    });
  });
});

describe('checkUserName', () => {
  it('accepts useradd-style names, a final $ and exactly 32 characters', () => {
    for (const u of ['pypi', '_apt', 'systemd-network', 'www-data', 'host1$', 'a'.repeat(32)])
      expect([u, checkUserName(u)]).toEqual([u, undefined]);
  });

  it('refuses upper case, leading digits, $ inside and 33 characters', () => {
    expect(verdicts(checkUserName, ['Pypi', '1user', 'a$b', 'root$(id)', 'a'.repeat(33)])).toEqual({
      Pypi: 'it must start with a lower-case letter or `_`',
      '1user': 'it must start with a lower-case letter or `_`',
      a$b: '`$` is not allowed, which looks like shell syntax (only lower-case letters, digits, `_`, `-` and a final `$`)',
      'root$(id)':
        '`$` is not allowed, which looks like shell syntax (only lower-case letters, digits, `_`, `-` and a final `$`)',
      ['a'.repeat(33)]: 'it is longer than 32 characters',
    });
  });
});

describe('other names', () => {
  it('object names are safe file names', () => {
    expect(verdicts(checkObjectName, ['pypi-1', 'db1.example.com', '../etc', 'a/b', '_x'])).toEqual({
      'pypi-1': 'ok',
      'db1.example.com': 'ok',
      '../etc': 'it must start with a letter or digit',
      'a/b': '`/` is not allowed (only letters, digits and `. _ -`)',
      _x: 'it must start with a letter or digit',
    });
  });

  it('host:port, IPv6 in brackets', () => {
    expect(
      verdicts(checkHostPort, [
        '10.0.1.11:623',
        'bmc.example.com:22',
        '[fd00::1]:22',
        'fd00::1:22',
        'host',
        'host:0',
        'host:65536',
        'ho st:22',
      ]),
    ).toEqual({
      '10.0.1.11:623': 'ok',
      'bmc.example.com:22': 'ok',
      '[fd00::1]:22': 'ok',
      'fd00::1:22': 'an IPv6 address must be in brackets: `[addr]:port`',
      host: 'it must be `host:port`',
      'host:0': '`0` is not a port number (1–65535)',
      'host:65536': '`65536` is not a port number (1–65535)',
      'ho st:22': 'the host is not valid: a space is not allowed (only letters, digits and `. - : _`)',
    });
  });

  it('mount options are one option each, without blanks or shell', () => {
    expect(
      verdicts(checkMountOption, [
        'noauto',
        'x-systemd.requires=drbd@r0.target',
        'noauto,nofail',
        'a b',
        'x;y',
      ]),
    ).toEqual({
      noauto: 'ok',
      'x-systemd.requires=drbd@r0.target': 'ok',
      'noauto,nofail': 'it contains `,` (list each option separately)',
      'a b': 'it contains a space (fstab fields are separated by spaces)',
      'x;y': 'it contains `;`, which looks like shell syntax',
    });
  });
});
