import {
  compareRpmEvr,
  formatRpmEvr,
  parseRpmEvr,
  RPMSENSE_EQUAL,
  RPMSENSE_GREATER,
  RPMSENSE_LESS,
  rpmRangesOverlap,
  rpmvercmp,
} from './rpm';
import { VersionSyntaxError } from './version-error';

describe('rpmvercmp', () => {
  // The cases of rpm's own test suite, tests/rpmvercmp.at (rpm 4.15+, which added `^`).
  // The integration test versions-rpm.test.ts also checks generated pairs against rpm itself.
  it.each<[string, string, -1 | 0 | 1]>([
    ['1.0', '1.0', 0],
    ['1.0', '2.0', -1],
    ['2.0', '1.0', 1],
    ['2.0.1', '2.0.1', 0],
    ['2.0', '2.0.1', -1],
    ['2.0.1', '2.0', 1],
    ['2.0.1a', '2.0.1a', 0],
    ['2.0.1a', '2.0.1', 1],
    ['2.0.1', '2.0.1a', -1],
    ['5.5p1', '5.5p1', 0],
    ['5.5p1', '5.5p2', -1],
    ['5.5p2', '5.5p1', 1],
    ['5.5p10', '5.5p10', 0],
    ['5.5p1', '5.5p10', -1],
    ['5.5p10', '5.5p1', 1],
    ['10xyz', '10.1xyz', -1],
    ['10.1xyz', '10xyz', 1],
    ['xyz10', 'xyz10', 0],
    ['xyz10', 'xyz10.1', -1],
    ['xyz10.1', 'xyz10', 1],
    ['xyz.4', 'xyz.4', 0],
    ['xyz.4', '8', -1],
    ['8', 'xyz.4', 1],
    ['xyz.4', '2', -1],
    ['2', 'xyz.4', 1],
    ['5.5p2', '5.6p1', -1],
    ['5.6p1', '5.5p2', 1],
    ['5.6p1', '6.5p1', -1],
    ['6.5p1', '5.6p1', 1],
    ['6.0.rc1', '6.0', 1],
    ['6.0', '6.0.rc1', -1],
    ['10b2', '10a1', 1],
    ['10a2', '10b2', -1],
    ['1.0aa', '1.0aa', 0],
    ['1.0a', '1.0aa', -1],
    ['1.0aa', '1.0a', 1],
    ['10.0001', '10.0001', 0],
    ['10.0001', '10.1', 0],
    ['10.1', '10.0001', 0],
    ['10.0001', '10.0039', -1],
    ['10.0039', '10.0001', 1],
    ['4.999.9', '5.0', -1],
    ['5.0', '4.999.9', 1],
    ['20101121', '20101121', 0],
    ['20101121', '20101122', -1],
    ['20101122', '20101121', 1],
    ['2_0', '2_0', 0],
    ['2.0', '2_0', 0],
    ['2_0', '2.0', 0],
    ['a', 'a', 0],
    ['a+', 'a+', 0],
    ['a+', 'a_', 0],
    ['a_', 'a+', 0],
    ['+a', '+a', 0],
    ['+a', '_a', 0],
    ['_a', '+a', 0],
    ['+_', '+_', 0],
    ['_+', '+_', 0],
    ['_+', '_+', 0],
    ['+', '_', 0],
    ['_', '+', 0],
    ['1.0~rc1', '1.0~rc1', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0', '1.0~rc1', 1],
    ['1.0~rc1', '1.0~rc2', -1],
    ['1.0~rc2', '1.0~rc1', 1],
    ['1.0~rc1~git123', '1.0~rc1~git123', 0],
    ['1.0~rc1~git123', '1.0~rc1', -1],
    ['1.0~rc1', '1.0~rc1~git123', 1],
    ['1.0^', '1.0^', 0],
    ['1.0^', '1.0', 1],
    ['1.0', '1.0^', -1],
    ['1.0^git1', '1.0^git1', 0],
    ['1.0^git1', '1.0', 1],
    ['1.0', '1.0^git1', -1],
    ['1.0^git1', '1.0^git2', -1],
    ['1.0^git2', '1.0^git1', 1],
    ['1.0^git1', '1.01', -1],
    ['1.01', '1.0^git1', 1],
    ['1.0^20160101', '1.0^20160101', 0],
    ['1.0^20160101', '1.0.1', -1],
    ['1.0.1', '1.0^20160101', 1],
    ['1.0^20160101^git1', '1.0^20160101^git1', 0],
    ['1.0^20160102', '1.0^20160101^git1', 1],
    ['1.0^20160101^git1', '1.0^20160102', -1],
    ['1.0~rc1^git1', '1.0~rc1^git1', 0],
    ['1.0~rc1^git1', '1.0~rc1', 1],
    ['1.0~rc1', '1.0~rc1^git1', -1],
    ['1.0^git1~pre', '1.0^git1~pre', 0],
    ['1.0^git1', '1.0^git1~pre', 1],
    ['1.0^git1~pre', '1.0^git1', -1],
  ])('rpmvercmp(%s, %s) = %d', (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
  });

  it('compares numbers longer than any machine integer', () => {
    expect(rpmvercmp('1.18446744073709551616', '1.18446744073709551615')).toBe(1);
    expect(rpmvercmp('1.000000000000000000009', '1.9')).toBe(0);
  });

  it('treats a numeric segment as newer than an alphabetic one', () => {
    expect(rpmvercmp('1.1', '1.a')).toBe(1);
    expect(rpmvercmp('1.a', '1.1')).toBe(-1);
  });

  // The letters' boundaries, each beside the character just outside it: a letter starts a
  // segment, the others only separate (rpm 4.18's rpm.labelCompare gave these answers).
  it.each<[string, -1 | 0 | 1]>([
    ['A', 1],
    ['Z', 1],
    ['a', 1],
    ['z', 1],
    ['@', 0],
    ['[', 0],
    ['`', 0],
    ['{', 0],
  ])('rpmvercmp(1.0%s, 1.0) = %d', (character, expected) => {
    expect(rpmvercmp(`1.0${character}`, '1.0')).toBe(expected);
    expect(rpmvercmp('1.0', `1.0${character}`)).toBe(-expected || 0);
  });

  // Answers of rpm 4.18 (python3-rpm's rpm.labelCompare, which runs rpmvercmp on each part).
  it.each<[string, string, -1 | 0 | 1]>([
    ['1.ab', '1.b', -1], // letters compare as strcmp does, not the longer first
    ['1.AB_', '1.ABC', -1], // a segment that is a prefix of the other is older, whatever follows it
    ['1.ab{', '1.abc', -1],
    ['1.0a', '1.0^', 1], // `^` against a further segment sorts first
  ])('rpmvercmp(%s, %s) = %d, and the mirror image', (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
    expect(rpmvercmp(b, a)).toBe(-expected || 0);
  });
});

describe('parseRpmEvr', () => {
  it('splits like rpm parseEVR', () => {
    expect(parseRpmEvr('1:2.0-3.el9')).toEqual({ epoch: '1', version: '2.0', release: '3.el9' });
    // A leading hyphen starts the release: rpm 4.18's rpm.ver('-1') has v '' and r '1'.
    expect(parseRpmEvr('-1')).toEqual({ version: '', release: '1' });
    expect(parseRpmEvr('2.0')).toEqual({ version: '2.0' });
    expect(parseRpmEvr(':2.0')).toEqual({ epoch: '0', version: '2.0' });
    expect(parseRpmEvr('1.0-rc1-2')).toEqual({ version: '1.0-rc1', release: '2' });
    expect(parseRpmEvr('1-2:3')).toEqual({ version: '1', release: '2:3' });
  });

  it('rejects an empty string, and in strict mode what cannot be a wanted version', () => {
    expect(() => parseRpmEvr('')).toThrow(VersionSyntaxError);
    expect(() => parseRpmEvr('')).toThrow("invalid version '': version string is empty");
    expect(() => parseRpmEvr('1:', { strict: true })).toThrow('version is empty');
    expect(() => parseRpmEvr('1.0-', { strict: true })).toThrow('release is empty');
    expect(() => parseRpmEvr('1.0/2', { strict: true })).toThrow('invalid character in version');
    expect(() => parseRpmEvr('1.0-1 2', { strict: true })).toThrow('invalid character in release');
    expect(parseRpmEvr('1:1.0^git1~pre-1.el9_4', { strict: true }).release).toBe('1.el9_4');
  });

  it('formats with the epoch only when it is not zero', () => {
    expect(formatRpmEvr({ epoch: '0', version: '2.0', release: '1' })).toBe('2.0-1');
    expect(formatRpmEvr({ epoch: '2', version: '2.0', release: '1' })).toBe('2:2.0-1');
    expect(formatRpmEvr({ version: '2.0' })).toBe('2.0');
  });
});

describe('compareRpmEvr', () => {
  it.each<[string, string, -1 | 0 | 1]>([
    ['1:1.0-1', '2.0-1', 1],
    ['0:1.0-1', '1.0-1', 0],
    ['1.0-2', '1.0-10', -1],
    ['1.0', '1.0-1', -1], // a missing release sorts first
    ['1.0', '1.0', 0], // two missing releases are equal (rpm 4.18's Lua rpm.vercmp: 0)
    ['3.9.18-3.el9', '3.9.18-3.el9_4', -1],
    ['5.14.0-427.13.1.el9_4', '5.14.0-362.24.1.el9_3', 1],
    ['32:9.16.23-18.el9_4.1', '9.16.23-19.el9', 1],
  ])('%s vs %s = %d', (a, b, expected) => {
    expect(compareRpmEvr(a, b)).toBe(expected);
    expect(compareRpmEvr(b, a)).toBe(-expected || 0);
  });
});

describe('rpmRangesOverlap', () => {
  const GE = RPMSENSE_GREATER | RPMSENSE_EQUAL;
  const LE = RPMSENSE_LESS | RPMSENSE_EQUAL;

  it('ignores a release the requirement does not name', () => {
    expect(rpmRangesOverlap('3.9.18-3.el9', RPMSENSE_EQUAL, '3.9.18', RPMSENSE_EQUAL)).toBe(true);
    expect(rpmRangesOverlap('3.9.18-3.el9', RPMSENSE_EQUAL, '3.9.18', GE)).toBe(true);
    expect(rpmRangesOverlap('3.9.18-3.el9', RPMSENSE_EQUAL, '3.9.18', LE)).toBe(true);
    // Strictly greater than 3.9.18 is not met by any 3.9.18 release.
    expect(rpmRangesOverlap('3.9.18-3.el9', RPMSENSE_EQUAL, '3.9.18', RPMSENSE_GREATER)).toBe(false);
  });

  it('compares releases when both sides name one', () => {
    expect(rpmRangesOverlap('3.9.18-3.el9', RPMSENSE_EQUAL, '3.9.18-4.el9', GE)).toBe(false);
    expect(rpmRangesOverlap('3.9.18-3.el9', RPMSENSE_EQUAL, '3.9.18-2.el9', RPMSENSE_GREATER)).toBe(true);
    expect(rpmRangesOverlap('3.9.18-3.el9', RPMSENSE_EQUAL, '3.9.18-3.el9', RPMSENSE_EQUAL)).toBe(true);
  });

  it('counts an epoch given on one side only when it is non-zero', () => {
    expect(rpmRangesOverlap('1.0-1', RPMSENSE_EQUAL, '0:1.0', RPMSENSE_EQUAL)).toBe(true);
    expect(rpmRangesOverlap('1.0-1', RPMSENSE_EQUAL, '1:0.5', GE)).toBe(false);
    expect(rpmRangesOverlap('2:1.0-1', RPMSENSE_EQUAL, '9.0', GE)).toBe(true);
    expect(rpmRangesOverlap('2:1.0-1', RPMSENSE_EQUAL, '9.0', RPMSENSE_LESS)).toBe(false);
  });

  // Each answer is rpm 4.18's own (`rpm.ds(('a', FLAGS, EVR), 'requires').Compare(...)` in
  // python3-rpm), written down by hand: which side of the ordering each range reaches.
  const L = RPMSENSE_LESS;
  const G = RPMSENSE_GREATER;
  const E = RPMSENSE_EQUAL;
  it.each<[string, number, string, number, boolean]>([
    // a < b: they meet only if a reaches up or b reaches down
    ['1.0', G | E, '2.0', E, true],
    ['1.0', L | E, '2.0', E, false],
    ['1.0', E, '2.0', L, true],
    ['1.0', E, '2.0', G, false],
    // a > b: they meet only if a reaches down or b reaches up
    ['2.0', L, '1.0', E, true],
    ['2.0', G, '1.0', E, false],
    ['2.0', E, '1.0', G, true],
    ['2.0', E, '1.0', L | E, false],
    // equal: they meet if both include equality or both reach the same way
    ['1.0', L, '1.0', L, true],
    ['1.0', G, '1.0', G, true],
    ['1.0', L, '1.0', G, false],
    ['1.0', L, '1.0', E, false],
    ['1.0', L | E, '1.0', G | E, true],
    // epochs on both sides decide first; one zero epoch on one side does not count
    ['1:1.0', E, '2:0.5', L, true],
    ['1:1.0', E, '2:0.5', G, false],
    ['0:2.0', E, '1.0', G, true],
    ['1.0', E, '1:0.5', L | E, true],
    ['0:1.0', E, '2.0', L | E, true], // a zero epoch on one side: the versions decide
    // a release on one side only is ignored when the other side includes equality
    ['1.0', E, '1.0-5', G, true],
    ['1.0', L, '1.0-5', G, false],
    ['1.0-5', L, '1.0', E, true],
    ['1.0-5', E, '1.0', L, false],
    // releases count only when the versions are equal
    ['1.0-1', E, '2.0', G | E, false],
    ['1.0-2', E, '2.0-1', L | E, true],
  ])('%s (%i) meets %s (%i): %s', (a, aFlags, b, bFlags, expected) => {
    expect(rpmRangesOverlap(a, aFlags, b, bFlags)).toBe(expected);
  });
});
