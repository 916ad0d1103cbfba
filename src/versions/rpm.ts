/**
 * RPM version ordering as rpm ≥ 4.15 does it: `rpmvercmp()` (lib/rpmvercmp.c) on each of
 * epoch, version and release, `rpmverCmp()` for whole `[epoch:]version[-release]` strings and
 * `rpmverOverlap()` (lib/rpmver.c) for "does this installed EVR satisfy that requirement".
 * Agreement with the real rpm is checked by test/integration/versions-rpm.test.ts.
 */
import { VersionSyntaxError } from './version-error';

const CHAR_0 = 0x30;
const CHAR_TILDE = 0x7e;
const CHAR_CARET = 0x5e;

// rpm uses its own ASCII-only risdigit/risalpha (rpmstring.h), independent of the locale.
function isDigit(code: number): boolean {
  return code >= CHAR_0 && code <= 0x39;
}

function isAlpha(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isSeparator(code: number): boolean {
  return !isDigit(code) && !isAlpha(code) && code !== CHAR_TILDE && code !== CHAR_CARET;
}

/** strcmp of two substrings, as -1/0/1. */
function compareRange(
  a: string,
  aStart: number,
  aEnd: number,
  b: string,
  bStart: number,
  bEnd: number,
): -1 | 0 | 1 {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < length; k++) {
    const diff = a.charCodeAt(aStart + k) - b.charCodeAt(bStart + k);
    if (diff !== 0) return diff > 0 ? 1 : -1;
  }
  const lengthDiff = aEnd - aStart - (bEnd - bStart);
  return lengthDiff === 0 ? 0 : lengthDiff > 0 ? 1 : -1;
}

/**
 * Compares one version or release string like rpm: alternating alphabetic and numeric segments,
 * anything else separates them; `~` sorts before everything (even the end), `^` after the end
 * but before any further segment; a numeric segment beats an alphabetic one; numbers compare by
 * value with no size limit.
 */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let one = 0;
  let two = 0;
  while (one < a.length || two < b.length) {
    while (one < a.length && isSeparator(a.charCodeAt(one))) one++;
    while (two < b.length && isSeparator(b.charCodeAt(two))) two++;

    const c1 = a.charCodeAt(one); // NaN at the end of the string
    const c2 = b.charCodeAt(two);

    // `~` sorts before everything else, including the end of the other string.
    if (c1 === CHAR_TILDE || c2 === CHAR_TILDE) {
      if (c1 !== CHAR_TILDE) return 1;
      if (c2 !== CHAR_TILDE) return -1;
      one++;
      two++;
      continue;
    }

    // `^` is like `~` except that the end of the other string sorts before it.
    if (c1 === CHAR_CARET || c2 === CHAR_CARET) {
      if (one >= a.length) return -1;
      if (two >= b.length) return 1;
      if (c1 !== CHAR_CARET) return 1;
      if (c2 !== CHAR_CARET) return -1;
      one++;
      two++;
      continue;
    }

    if (one >= a.length || two >= b.length) break;

    // The segment type is decided by the first string; the second takes a run of the same type.
    const numeric = isDigit(c1);
    const isSame = numeric ? isDigit : isAlpha;
    let end1 = one;
    while (end1 < a.length && isSame(a.charCodeAt(end1))) end1++;
    let end2 = two;
    while (end2 < b.length && isSame(b.charCodeAt(end2))) end2++;

    // Different segment types: numeric is newer than alphabetic.
    if (end2 === two) return numeric ? 1 : -1;

    if (numeric) {
      while (one < end1 && a.charCodeAt(one) === CHAR_0) one++;
      while (two < end2 && b.charCodeAt(two) === CHAR_0) two++;
      const lengthDiff = end1 - one - (end2 - two);
      if (lengthDiff !== 0) return lengthDiff > 0 ? 1 : -1;
    }
    const order = compareRange(a, one, end1, b, two, end2);
    if (order !== 0) return order;
    one = end1;
    two = end2;
  }
  if (one >= a.length && two >= b.length) return 0;
  return one < a.length ? 1 : -1;
}

/** An EVR as rpm splits it; epoch and release are undefined when the text has none. */
export interface RpmEvr {
  epoch?: string;
  version: string;
  release?: string;
}

/**
 * Splits `[epoch:]version[-release]` exactly like rpm's `parseEVR()`: the epoch is a leading run
 * of digits followed by `:` (an empty one means 0), the release follows the last `-`. Throws for
 * an empty string (rpm rejects it too). With `strict`, also rejects what cannot be a version in
 * a requirement: blanks, an empty version or release, characters rpm-build refuses.
 */
export function parseRpmEvr(input: string, options: { strict?: boolean } = {}): RpmEvr {
  if (input === '') throw new VersionSyntaxError(input, 'version string is empty');
  let digitsEnd = 0;
  while (digitsEnd < input.length && isDigit(input.charCodeAt(digitsEnd))) digitsEnd++;
  const hyphen = input.lastIndexOf('-');
  const releaseStart = hyphen >= digitsEnd ? hyphen : -1;

  const evr: RpmEvr = { version: '' };
  let versionStart = 0;
  if (input.charCodeAt(digitsEnd) === 0x3a /* : */) {
    evr.epoch = digitsEnd === 0 ? '0' : input.slice(0, digitsEnd);
    versionStart = digitsEnd + 1;
  }
  if (releaseStart >= 0) {
    evr.version = input.slice(versionStart, releaseStart);
    evr.release = input.slice(releaseStart + 1);
  } else {
    evr.version = input.slice(versionStart);
  }

  if (options.strict) {
    if (evr.version === '') throw new VersionSyntaxError(input, 'version is empty');
    if (evr.release === '') throw new VersionSyntaxError(input, 'release is empty');
    const allowed = /^[A-Za-z0-9._+~^]+$/;
    if (!allowed.test(evr.version)) throw new VersionSyntaxError(input, 'invalid character in version');
    if (evr.release !== undefined && !allowed.test(evr.release)) {
      throw new VersionSyntaxError(input, 'invalid character in release');
    }
  }
  return evr;
}

/** `[epoch:]version-release`, the epoch only when it is given and not 0 (how driftguard shows rpm versions). */
export function formatRpmEvr(evr: RpmEvr): string {
  const epoch = evr.epoch !== undefined && rpmvercmp(evr.epoch, '0') !== 0 ? `${evr.epoch}:` : '';
  const release = evr.release !== undefined ? `-${evr.release}` : '';
  return `${epoch}${evr.version}${release}`;
}

function toEvr(value: string | RpmEvr): RpmEvr {
  return typeof value === 'string' ? parseRpmEvr(value) : value;
}

/** rpm's `compare_values()`: a missing part sorts before a present one. */
function comparePart(a: string | undefined, b: string | undefined): -1 | 0 | 1 {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  return rpmvercmp(a, b);
}

/**
 * Total order of two EVRs, as `rpmverCmp()` (and rpm's Lua `rpm.vercmp`): epoch (missing = 0),
 * then version, then release, where a missing release sorts before any release.
 */
export function compareRpmEvr(a: string | RpmEvr, b: string | RpmEvr): -1 | 0 | 1 {
  const left = toEvr(a);
  const right = toEvr(b);
  return (
    comparePart(left.epoch ?? '0', right.epoch ?? '0') ||
    comparePart(left.version, right.version) ||
    comparePart(left.release, right.release)
  );
}

/** rpm's sense flags (rpmds.h): which side of a version a requirement accepts. */
export const RPMSENSE_LESS = 1 << 1;
export const RPMSENSE_GREATER = 1 << 2;
export const RPMSENSE_EQUAL = 1 << 3;

function epochValue(epoch: string | undefined): number {
  // atol() of a digit string; epochs are 32-bit in rpm headers.
  return epoch === undefined || epoch === '' ? 0 : Number(epoch);
}

/**
 * `rpmverOverlap()`: do the ranges `a aFlags` and `b bFlags` intersect? This is how rpm decides
 * that an installed package (`EVR`, EQUAL) satisfies a requirement (`>= 3.9`): an epoch given
 * on one side only counts when non-zero, and a release given on one side only is ignored when
 * the other side includes equality — `python3 >= 3.9` is met by `3.9.18-3.el9`.
 */
export function rpmRangesOverlap(
  a: string | RpmEvr,
  aFlags: number,
  b: string | RpmEvr,
  bFlags: number,
): boolean {
  const left = toEvr(a);
  const right = toEvr(b);
  let sense = 0;
  if (left.epoch && right.epoch) sense = rpmvercmp(left.epoch, right.epoch);
  else if (left.epoch && epochValue(left.epoch) > 0) sense = 1;
  else if (right.epoch && epochValue(right.epoch) > 0) sense = -1;

  if (sense === 0) {
    sense = rpmvercmp(left.version, right.version);
    if (sense === 0) {
      if (left.release && right.release) {
        sense = rpmvercmp(left.release, right.release);
      } else if ((left.release && bFlags & RPMSENSE_EQUAL) || (right.release && aFlags & RPMSENSE_EQUAL)) {
        return true;
      }
    }
  }

  if (sense < 0) return (aFlags & RPMSENSE_GREATER) !== 0 || (bFlags & RPMSENSE_LESS) !== 0;
  if (sense > 0) return (aFlags & RPMSENSE_LESS) !== 0 || (bFlags & RPMSENSE_GREATER) !== 0;
  return (
    (aFlags & bFlags & RPMSENSE_EQUAL) !== 0 ||
    (aFlags & bFlags & RPMSENSE_LESS) !== 0 ||
    (aFlags & bFlags & RPMSENSE_GREATER) !== 0
  );
}
