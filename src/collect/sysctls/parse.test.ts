import {
  isSysctlGlob,
  normalizeLiveValue,
  normalizeSysctlKey,
  parseSysctlConf,
  sysctlKeyFromSegments,
} from './parse';

describe('sysctlKeyFromSegments', () => {
  it('joins proc/sys path segments with dots', () => {
    expect(sysctlKeyFromSegments(['kernel', 'panic'])).toBe('kernel.panic');
  });

  it('writes a dot inside a segment (a VLAN interface) as a slash', () => {
    expect(sysctlKeyFromSegments(['net', 'ipv4', 'conf', 'eth0.100', 'rp_filter'])).toBe(
      'net.ipv4.conf.eth0/100.rp_filter',
    );
  });
});

describe('normalizeLiveValue', () => {
  it('trims the trailing newline of a plain value', () => {
    expect(normalizeLiveValue('0\n')).toBe('0');
  });

  it('collapses tab-separated fields to single spaces', () => {
    expect(normalizeLiveValue('4096\t131072\t6291456\n')).toBe('4096 131072 6291456');
  });

  it('joins a multi-line value (kernel.core_modes) into one line', () => {
    expect(normalizeLiveValue('file\npipe\nsocket\n')).toBe('file pipe socket');
  });

  it('keeps single inner spaces of a string value', () => {
    expect(normalizeLiveValue('|/usr/lib/systemd/systemd-coredump %P %u %g\n')).toBe(
      '|/usr/lib/systemd/systemd-coredump %P %u %g',
    );
  });
});

describe('normalizeSysctlKey', () => {
  it('keeps a dotted key as it is', () => {
    expect(normalizeSysctlKey('kernel.panic')).toBe('kernel.panic');
  });

  it('reads a key whose first separator is a slash as a path', () => {
    expect(normalizeSysctlKey('net/ipv4/conf/eth0.100/rp_filter')).toBe('net.ipv4.conf.eth0/100.rp_filter');
  });

  it('reads a dotted key with a slash in a segment the same way', () => {
    expect(normalizeSysctlKey('net.ipv4.conf.eth0/100.rp_filter')).toBe('net.ipv4.conf.eth0/100.rp_filter');
  });

  it('drops redundant slashes and "." components like path_simplify', () => {
    expect(normalizeSysctlKey('/net//ipv4/./conf/eth0.100/rp_filter/')).toBe(
      'net.ipv4.conf.eth0/100.rp_filter',
    );
  });

  it('keeps glob characters', () => {
    expect(normalizeSysctlKey('net.ipv4.conf.*.rp_filter')).toBe('net.ipv4.conf.*.rp_filter');
  });
});

describe('isSysctlGlob', () => {
  it.each([
    ['net.ipv4.conf.*.rp_filter', true],
    ['net.ipv4.conf.eth?.rp_filter', true],
    ['net.ipv4.conf.eth[01].rp_filter', true],
    ['kernel.panic', false],
  ])('%s → %s', (key, expected) => {
    expect(isSysctlGlob(key)).toBe(expected);
  });
});

describe('parseSysctlConf', () => {
  const text = [
    '# comment',
    '; also a comment',
    '',
    '   kernel.panic = 10   ',
    'vm.swappiness=30',
    '-kernel.nonexistent = 1',
    '-net.ipv4.conf.lo.rp_filter',
    'net/ipv4/conf/eth0.100/rp_filter = 0',
    'this line is not an assignment',
    'kernel.core_pattern = |/usr/lib/systemd/systemd-coredump %P %u',
    'kernel.domainname =',
    'net.ipv4.conf.*.rp_filter = 2',
    '',
  ].join('\n');
  const parsed = parseSysctlConf(text);

  it('reads assignments with their 1-based line numbers', () => {
    expect(parsed.assignments.map((a) => [a.key, a.value, a.line])).toEqual([
      ['kernel.panic', '10', 4],
      ['vm.swappiness', '30', 5],
      ['kernel.nonexistent', '1', 6],
      ['net.ipv4.conf.lo.rp_filter', undefined, 7],
      ['net.ipv4.conf.eth0/100.rp_filter', '0', 8],
      ['kernel.core_pattern', '|/usr/lib/systemd/systemd-coredump %P %u', 10],
      ['kernel.domainname', '', 11],
      ['net.ipv4.conf.*.rp_filter', '2', 12],
    ]);
  });

  it('marks a leading "-" before an assignment as ignore-failure, not a negation', () => {
    const flagged = parsed.assignments.filter((a) => a.ignoreFailure).map((a) => a.key);
    expect(flagged).toEqual(['kernel.nonexistent']);
  });

  it('reports a line without "=" as invalid', () => {
    expect(parsed.invalid).toEqual([{ line: 9, text: 'this line is not an assignment' }]);
  });

  it('counts CRLF lines like LF lines and strips the CR', () => {
    const crlf = parseSysctlConf('# x\r\nkernel.panic = 5\r\n');
    expect(crlf.assignments).toEqual([{ key: 'kernel.panic', value: '5', line: 2, ignoreFailure: false }]);
  });

  it('splits on the first "=" only', () => {
    const [assignment] = parseSysctlConf('kernel.core_pattern = a=b\n').assignments;
    expect(assignment?.value).toBe('a=b');
  });
});
