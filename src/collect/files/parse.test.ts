import {
  classifyWatchPath,
  decodeText,
  formatMode,
  looksSecret,
  matchesStarPattern,
  mayKeepText,
  MAX_TEXT_BYTES,
} from './parse';

describe('classifyWatchPath', () => {
  it('tells literals, last-segment globs and unsupported globs apart', () => {
    expect(classifyWatchPath('/etc/fstab')).toEqual({ kind: 'literal', path: '/etc/fstab' });
    expect(classifyWatchPath('/etc/drbd.d/*.res')).toEqual({
      kind: 'glob',
      dir: '/etc/drbd.d',
      pattern: '*.res',
    });
    expect(classifyWatchPath('/etc/*/sshd_config')).toMatchObject({ kind: 'invalid' });
  });
});

describe('matchesStarPattern', () => {
  it.each([
    ['*', 'r0.res', true],
    ['*.res', 'r0.res', true],
    ['*.res', 'r0.res.bak', false],
    ['r*.res', 'r10.res', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['a*a', 'a', false],
    ['global_common.conf', 'global_common.conf', true],
    ['*', '.r0.res.swp', false],
    ['.*', '.r0.res.swp', true],
  ])('%s vs %s → %s', (pattern, name, expected) => {
    expect(matchesStarPattern(pattern, name)).toBe(expected);
  });
});

describe('looksSecret', () => {
  it.each([
    'authkey',
    'corosync.key',
    'ssh_host_ed25519_key',
    'client-secret.txt',
    'tls.pem',
    'id_rsa',
    'shadow',
    'krb5.keytab',
  ])('%s is a secret', (name) => expect(looksSecret(name)).toBe(true));

  it.each([
    'sshd_config',
    'r0.res',
    'hosts',
    'keepalived.conf',
    'keyboard',
    'passwd',
    'id_rsa.pub',
    'config.ini',
  ])('%s is not', (name) => expect(looksSecret(name)).toBe(false));
});

describe('mayKeepText', () => {
  it('keeps text of world-readable files with ordinary names only', () => {
    expect(mayKeepText(0o644, ['hosts'])).toBe(true);
    expect(mayKeepText(0o640, ['config.ini'])).toBe(false);
    expect(mayKeepText(0o644, ['authkey'])).toBe(false);
    expect(mayKeepText(0o777, ['99-sysctl.conf', 'sysctl.conf'])).toBe(true);
    expect(mayKeepText(0o777, ['current', 'corosync.key'])).toBe(false);
  });
});

describe('decodeText', () => {
  it('returns UTF-8 text', () => {
    expect(decodeText(Buffer.from('résumé\n'))).toBe('résumé\n');
  });

  it('refuses binary content: a NUL byte or invalid UTF-8', () => {
    expect(decodeText(Buffer.from([0x61, 0x00, 0x62]))).toBeUndefined();
    expect(decodeText(Buffer.from([0xc3, 0x28]))).toBeUndefined();
  });

  it('refuses more than 64 KiB and accepts exactly 64 KiB', () => {
    expect(decodeText(Buffer.alloc(MAX_TEXT_BYTES, 'a'))).toHaveLength(MAX_TEXT_BYTES);
    expect(decodeText(Buffer.alloc(MAX_TEXT_BYTES + 1, 'a'))).toBeUndefined();
  });
});

describe('formatMode', () => {
  it('prints four octal digits', () => {
    expect(formatMode(0o644)).toBe('0644');
    expect(formatMode(0o2755)).toBe('2755');
    expect(formatMode(0o100600)).toBe('0600');
  });
});
