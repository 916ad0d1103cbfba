import {
  compareDebianVersions,
  formatDebianVersion,
  isValidDebianVersion,
  parseDebianVersion,
  verrevcmp,
} from './dpkg';
import { VersionSyntaxError } from './version-error';

/** Orders `a` against `b` and checks the mirror image too, so a one-sided bug cannot hide. */
function expectOrder(a: string, b: string, expected: -1 | 0 | 1): void {
  expect([a, b, compareDebianVersions(a, b)]).toEqual([a, b, expected]);
  expect([b, a, compareDebianVersions(b, a)]).toEqual([b, a, -expected || 0]);
}

describe('parseDebianVersion', () => {
  it('splits epoch at the first colon and revision at the last hyphen', () => {
    expect(parseDebianVersion('1:9.2p1-2+deb12u6')).toEqual({
      epoch: 1,
      upstream: '9.2p1',
      revision: '2+deb12u6',
    });
    expect(parseDebianVersion('2:1.0-rc1-3')).toEqual({ epoch: 2, upstream: '1.0-rc1', revision: '3' });
    expect(parseDebianVersion('1:2:3')).toEqual({ epoch: 1, upstream: '2:3', revision: '' });
    expect(parseDebianVersion('3.11.2')).toEqual({ epoch: 0, upstream: '3.11.2', revision: '' });
  });

  it('trims surrounding blanks and accepts a signed zero or plus epoch like strtol', () => {
    expect(parseDebianVersion(' \t1.0-1 ')).toEqual({ epoch: 0, upstream: '1.0', revision: '1' });
    expect(parseDebianVersion('+1:1.0').epoch).toBe(1);
    expect(parseDebianVersion('-0:1.0').epoch).toBe(0);
    expect(parseDebianVersion('2147483647:1').epoch).toBe(2147483647);
  });

  // strtol skips C white space before the epoch: \t \n \v \f \r and space, nothing else
  // (checked with `dpkg --compare-versions`: the two around the range are refused).
  it.each([
    ['\n4:1.0', 4],
    ['\v1:1.0', 1],
    ['\f2:1.0', 2],
    ['\r3:1.0', 3],
  ])('skips C white space before an epoch: %j', (input, epoch) => {
    expect(parseDebianVersion(input)).toEqual({ epoch, upstream: '1.0', revision: '' });
  });

  it.each(['\x081:1.0', '\x0e1:1.0'])('refuses other control characters before an epoch: %j', (input) => {
    expect(() => parseDebianVersion(input)).toThrow('epoch in version is empty');
  });

  // strtol reads leading zeros as part of the number: dpkg answers `-00:1.0` eq `1.0`,
  // `000000000001:1.0` eq `1:1.0`, and refuses `02147483648:1` as too big but takes `02147483647:1`.
  it.each([
    ['-00:1.0', 0],
    ['000000000001:1.0', 1],
    ['02147483647:1.0', 2147483647],
  ])('reads leading zeros of an epoch as strtol does: %j', (input, epoch) => {
    expect(parseDebianVersion(input)).toEqual({ epoch, upstream: '1.0', revision: '' });
  });

  // The letters' boundaries, each beside the character just outside it.
  it.each(['A', 'Z', 'a', 'z'])('allows the letter %s in versions and revisions', (letter) => {
    expect(isValidDebianVersion(`1.0${letter}-1${letter}`)).toBe(true);
  });

  it.each(['@', '[', '`', '{'])('refuses %s, just outside the letters', (character) => {
    expect(() => parseDebianVersion(`1.0${character}`)).toThrow('invalid character in version number');
    expect(() => parseDebianVersion(`1.0-1${character}`)).toThrow('invalid character in revision number');
  });

  // The reasons are dpkg's own words (lib/dpkg/parsehelp.c); the integration test checks them
  // against `dpkg --compare-versions`.
  it.each([
    ['', 'version string is empty'],
    ['   ', 'version string is empty'],
    ['1 0', 'version string has embedded spaces'],
    ['1:', 'nothing after colon in version number'],
    [':1.0', 'epoch in version is empty'],
    ['a:1.0', 'epoch in version is empty'],
    ['1a:1.0', 'epoch in version is not number'],
    ['-1:1.0', 'epoch in version is negative'],
    ['2147483648:1', 'epoch in version is too big'],
    ['02147483648:1', 'epoch in version is too big'],
    ['-01:1.0', 'epoch in version is negative'],
    ['99999999999999999999:1', 'epoch in version is too big'],
    ['1.0-', 'revision number is empty'],
    ['-1', 'version number is empty'],
    ['1:-1', 'version number is empty'],
    ['a1.0', 'version number does not start with digit'],
    ['1.0_1', 'invalid character in version number'],
    ['1.0é', 'invalid character in version number'],
    ['1.0-1_1', 'invalid character in revision number'],
    ['1.0-1/1', 'invalid character in revision number'],
    ['1.0-_1', 'invalid character in revision number'], // the revision's first character
    ['1.0-1:1', 'epoch in version is not number'],
  ])('rejects %j: %s', (input, reason) => {
    let caught: unknown;
    try {
      parseDebianVersion(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(VersionSyntaxError);
    expect((caught as VersionSyntaxError).reason).toBe(reason);
    expect((caught as VersionSyntaxError).input).toBe(input);
  });

  it('lenient parsing accepts what dpkg only warns about, not what it refuses', () => {
    expect(parseDebianVersion('a1.0', { lenient: true }).upstream).toBe('a1.0');
    expect(parseDebianVersion('1.0_1-1_1', { lenient: true })).toEqual({
      epoch: 0,
      upstream: '1.0_1',
      revision: '1_1',
    });
    expect(() => parseDebianVersion('1.0-', { lenient: true })).toThrow('revision number is empty');
  });

  it('isValidDebianVersion and formatDebianVersion round-trip', () => {
    expect(isValidDebianVersion('1:2.0~rc1-1')).toBe(true);
    expect(isValidDebianVersion('1.0-')).toBe(false);
    for (const text of ['1:9.2p1-2+deb12u6', '3.11.2-1', '0.9', '1.0-rc1-3']) {
      expect(formatDebianVersion(parseDebianVersion(text))).toBe(text);
    }
    // A zero epoch is not shown, as dpkg-query does not show it.
    expect(formatDebianVersion(parseDebianVersion('0:1.0'))).toBe('1.0');
  });

  it('isValidDebianVersion answers only for syntax: a number where a string belongs is a TypeError', () => {
    // What an unquoted `version: 1.10` in YAML gives a caller that forgets to check the type.
    expect(() => isValidDebianVersion(1.1 as unknown as string)).toThrow(TypeError);
  });
});

describe('verrevcmp', () => {
  it('puts ~ below the end of the string and letters below other characters', () => {
    // dpkg's manual: ~~ < ~~a < ~ < (end) < a
    const sorted = ['~~', '~~a', '~', '', 'a'];
    for (let i = 0; i + 1 < sorted.length; i++) {
      expect(verrevcmp(sorted[i] as string, sorted[i + 1] as string)).toBeLessThan(0);
      expect(verrevcmp(sorted[i + 1] as string, sorted[i] as string)).toBeGreaterThan(0);
    }
    expect(verrevcmp('1.0a', '1.0+')).toBeLessThan(0);
    expect(verrevcmp('1.0+', '1.0.')).toBeLessThan(0);
  });

  it.each([
    ['Z', '['],
    ['A', '@'],
    ['a', '`'],
    ['z', '{'],
  ])('sorts the letter %s before %s, the character just outside the letters', (letter, other) => {
    expect(verrevcmp(`1${letter}`, `1${other}`)).toBeLessThan(0);
    expect(verrevcmp(`1${other}`, `1${letter}`)).toBeGreaterThan(0);
  });

  it('compares digit runs as numbers of any length', () => {
    expect(verrevcmp('1.001', '1.1')).toBe(0);
    expect(verrevcmp('10', '9')).toBeGreaterThan(0);
    expect(verrevcmp('18446744073709551616', '18446744073709551615')).toBeGreaterThan(0);
    expect(verrevcmp('99999999999999999999999', '100000000000000000000000')).toBeLessThan(0);
    expect(verrevcmp('0', '')).toBe(0);
  });
});

describe('compareDebianVersions', () => {
  // Each expectation below is `dpkg --compare-versions`' answer (dpkg 1.21.23, amd64).
  it.each<[string, string, -1 | 0 | 1]>([
    ['1.a', '1.1', 1], // a letter against a digit: the digit weighs like the end of the string
    ['1.+', '1.1', 1],
    ['1.~', '1.1', -1],
  ])('a digit facing a non-digit weighs like the end: %s vs %s = %d', (a, b, expected) =>
    expectOrder(a, b, expected),
  );

  it.each<[string, string, -1 | 0 | 1]>([
    ['1.12', '1.21', -1],
    ['1.12', '1.22', -1],
  ])('the first differing digit decides between digit runs of one length: %s vs %s = %d', (a, b, expected) =>
    expectOrder(a, b, expected),
  );

  // dpkg compares these with a warning ("has bad syntax"); compareDebianVersions parses leniently.
  it.each<[string, string, -1 | 0 | 1]>([
    ['1.0_1', '1.0', 1],
    ['a1.0', '1.0', 1],
    ['1.0-_1', '1.0-0', 1],
  ])('compares versions dpkg only warns about: %s vs %s = %d', (a, b, expected) =>
    expectOrder(a, b, expected),
  );

  // UTF-8 bytes as amd64's signed char weighs them: a byte of 0x80 or more weighs its own value,
  // below `+` (0x2b + 256); `ő` is U+0151, bytes c5 91, and `Ā`/`ā` are c4 80 and c4 81.
  it.each<[string, string, -1 | 0 | 1]>([
    ['1.0é', '1.0+', -1],
    ['1.0ő', '1.0+', -1], // its bytes, not its code point (0x151 would weigh more than `+`)
    ['1.0-ő', '1.0-+', -1], // a revision of non-ASCII characters only
    ['1.0Ā', '1.0ā', -1], // the byte 0x80 weighs least of them
  ])('orders the bytes of UTF-8 characters as dpkg does: %s vs %s = %d', (a, b, expected) =>
    expectOrder(a, b, expected),
  );

  it.each<[string, string, -1 | 0 | 1]>([
    ['1.0', '1.0', 0],
    ['0:1.0', '1.0', 0],
    ['1.0', '1.0-0', 0], // an absent revision compares like "0"
    ['1.01', '1.1', 0],
    ['1:0.1', '2.0', 1], // the epoch decides first
    ['1.0~rc1', '1.0', -1],
    ['1.0~rc1', '1.0~rc2', -1],
    ['1.0~~', '1.0~', -1],
    ['1.0', '1.0a', -1],
    ['1.0', '1.0-1', -1],
    ['1.0-1', '1.0-1+deb12u1', -1],
    ['1.0-1+deb12u1', '1.0-1.1', -1], // '+' sorts before '.'
    ['1.0+b1', '1.0.1', -1],
    ['1.0-rc1-3', '1.0-rc1-10', -1], // revision after the last hyphen, numeric
    ['2.9.5-1+b1', '2.8.6-2', 1],
    ['1:9.2p1-2+deb12u6', '1:9.2p1-2+deb12u5', 1],
    ['9.2p1', '9.2', 1],
    ['2.36-9+deb12u14', '2.36-9+deb12u9', 1],
  ])('%s vs %s = %d', (a, b, expected) => expectOrder(a, b, expected));

  it('accepts parsed versions as well as strings', () => {
    expect(compareDebianVersions(parseDebianVersion('1:1.0'), '1.5')).toBe(1);
  });

  it('puts the blank version before every other', () => {
    expectOrder('', '0~', -1);
    expectOrder('', '0', -1);
    expectOrder('', '', 0);
  });

  it('throws for versions dpkg refuses, even leniently', () => {
    expect(() => compareDebianVersions('1.0-', '1.0')).toThrow(VersionSyntaxError);
  });
});
