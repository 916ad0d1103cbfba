/**
 * Debian version numbers exactly as dpkg reads and orders them: `parseversion()` in
 * lib/dpkg/parsehelp.c and `verrevcmp()`/`dpkg_version_compare()` in lib/dpkg/version.c.
 *
 * `[epoch:]upstream_version[-debian_revision]`
 *   - the epoch is everything before the FIRST `:`; it must be a non-negative int;
 *   - the revision is everything after the LAST `-` (so upstream may contain `-`);
 *   - within upstream and revision, runs of non-digits compare character by character with
 *     `~` lowest (lower even than the end of the string), then the end, then letters (ASCII
 *     order), then everything else; runs of digits compare as numbers of any length.
 * dpkg works on bytes, and `char` is signed on amd64: a byte of a UTF-8 character (0x80–0xff)
 * weighs its own value there, above letters and below other punctuation (`1.0é` < `1.0+`).
 * On arm64 `char` is unsigned and such a byte weighs 256 more; this module orders as amd64 does
 * (docs/architecture.md). dpkg only warns about such versions, and Debian has none.
 * Agreement with the real dpkg is checked by test/integration/versions-dpkg.test.ts.
 */
import { VersionSyntaxError } from './version-error';

export interface DebianVersion {
  epoch: number;
  upstream: string;
  /** Empty when the version has no `-`. */
  revision: string;
}

export interface ParseDebianVersionOptions {
  /**
   * dpkg splits the problems it finds into errors (it refuses the version) and warnings (it
   * compares anyway — `dpkg --compare-versions 1.0é lt 2` warns and answers). By default both
   * are errors here, the rules dpkg applies to versions it builds and installs; `lenient`
   * accepts what `dpkg --compare-versions` accepts.
   */
  lenient?: boolean;
}

const CHAR_0 = 0x30;
const CHAR_9 = 0x39;
const CHAR_TILDE = 0x7e;
const INT_MAX_DIGITS = '2147483647';

function isDigit(code: number): boolean {
  return code >= CHAR_0 && code <= CHAR_9;
}

function isAlpha(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Text as dpkg sees it: bytes; ASCII text needs no conversion. */
interface Bytes {
  readonly length: number;
  charCodeAt(index: number): number;
}

function asBytes(text: string): Bytes {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/**
 * `order()` of lib/dpkg/version.c: the weight of one byte in a non-digit run. A byte of 0x80 or
 * more is a negative signed char, so `c + 256` is the byte's own value.
 */
function order(text: Bytes, index: number): number {
  if (index >= text.length) return 0;
  const code = text.charCodeAt(index);
  if (isDigit(code)) return 0;
  if (isAlpha(code)) return code;
  if (code === CHAR_TILDE) return -1;
  return code >= 0x80 ? code : code + 256;
}

/**
 * dpkg's `verrevcmp()` on an upstream version or a revision: negative, zero or positive.
 * Digit runs are compared without converting them to numbers (no overflow): leading zeros are
 * skipped, then the longer run wins, else the first differing digit decides.
 */
export function verrevcmp(textA: string, textB: string): number {
  const a = asBytes(textA);
  const b = asBytes(textB);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const weightA = order(a, i);
      const weightB = order(b, j);
      if (weightA !== weightB) return weightA - weightB;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === CHAR_0) i++;
    while (b.charCodeAt(j) === CHAR_0) j++;
    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** isspace() in the C locale: strtol skips these before a number. */
function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/**
 * Reads the epoch the way dpkg does (`strtol`: white space, an optional sign, then digits).
 * Returns the problem as dpkg words it, or the value.
 */
function parseEpoch(text: string): number | string {
  let start = 0;
  while (start < text.length && isCSpace(text.charCodeAt(start))) start++;
  let negative = false;
  if (text.charCodeAt(start) === 0x2b /* + */ || text.charCodeAt(start) === 0x2d /* - */) {
    negative = text.charCodeAt(start) === 0x2d;
    start++;
  }
  let end = start;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  if (end === start) return 'epoch in version is empty';
  if (end !== text.length) return 'epoch in version is not number';
  let first = start;
  while (first < end - 1 && text.charCodeAt(first) === CHAR_0) first++;
  const digits = text.slice(first, end);
  if (negative && digits !== '0') return 'epoch in version is negative';
  if (
    digits.length > INT_MAX_DIGITS.length ||
    (digits.length === INT_MAX_DIGITS.length && digits > INT_MAX_DIGITS)
  ) {
    return 'epoch in version is too big';
  }
  return Number(digits);
}

/** Characters dpkg allows after the first one of the upstream version (besides alphanumerics). */
const UPSTREAM_PUNCTUATION = '.-+~:';
/** Characters dpkg allows in a revision (besides alphanumerics). */
const REVISION_PUNCTUATION = '.+~';

function firstInvalidChar(text: string, from: number, punctuation: string): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code) && !isAlpha(code) && !punctuation.includes(text[i] as string)) return i;
  }
  return -1;
}

/** Parses a Debian version with dpkg's rules; throws `VersionSyntaxError` with dpkg's reason. */
export function parseDebianVersion(input: string, options: ParseDebianVersionOptions = {}): DebianVersion {
  const fail = (reason: string): never => {
    throw new VersionSyntaxError(input, reason);
  };

  // dpkg trims blanks around the version but refuses blanks inside it.
  let start = 0;
  while (start < input.length && isBlank(input.charCodeAt(start))) start++;
  if (start === input.length) fail('version string is empty');
  let end = start;
  while (end < input.length && !isBlank(input.charCodeAt(end))) end++;
  for (let rest = end; rest < input.length; rest++) {
    if (!isBlank(input.charCodeAt(rest))) fail('version string has embedded spaces');
  }

  const text = input.slice(start, end);
  let epoch = 0;
  let body = text;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const parsed = parseEpoch(text.slice(0, colon));
    if (typeof parsed === 'string') fail(parsed);
    epoch = parsed as number;
    body = text.slice(colon + 1);
    if (body === '') fail('nothing after colon in version number');
  }

  let upstream = body;
  let revision = '';
  const hyphen = body.lastIndexOf('-');
  if (hyphen >= 0) {
    upstream = body.slice(0, hyphen);
    revision = body.slice(hyphen + 1);
    if (revision === '') fail('revision number is empty');
  }
  if (upstream === '') fail('version number is empty');

  if (!options.lenient) {
    if (!isDigit(upstream.charCodeAt(0))) fail('version number does not start with digit');
    if (firstInvalidChar(upstream, 1, UPSTREAM_PUNCTUATION) >= 0) fail('invalid character in version number');
    if (firstInvalidChar(revision, 0, REVISION_PUNCTUATION) >= 0)
      fail('invalid character in revision number');
  }
  return { epoch, upstream, revision };
}

/** True when dpkg would accept the version without error or warning. */
export function isValidDebianVersion(text: string): boolean {
  try {
    parseDebianVersion(text);
    return true;
  } catch (err) {
    if (err instanceof VersionSyntaxError) return false;
    throw err;
  }
}

/** `[epoch:]upstream[-revision]`, the epoch only when non-zero (as dpkg-query shows it). */
export function formatDebianVersion(version: DebianVersion): string {
  const epoch = version.epoch !== 0 ? `${version.epoch}:` : '';
  const revision = version.revision !== '' ? `-${version.revision}` : '';
  return `${epoch}${version.upstream}${revision}`;
}

function toDebianVersion(version: string | DebianVersion): DebianVersion {
  return typeof version === 'string' ? parseDebianVersion(version, { lenient: true }) : version;
}

/**
 * Orders two Debian versions like `dpkg --compare-versions`: -1, 0 or 1. Strings are parsed
 * leniently (dpkg compares versions it only warns about); ones dpkg refuses outright throw.
 * The empty string is dpkg's "blank" version (a package that has none): it sorts before every
 * other version, even `0~`, as `dpkg --compare-versions '' lt 0~` says.
 */
export function compareDebianVersions(a: string | DebianVersion, b: string | DebianVersion): -1 | 0 | 1 {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  const left = toDebianVersion(a);
  const right = toDebianVersion(b);
  if (left.epoch !== right.epoch) return left.epoch > right.epoch ? 1 : -1;
  const byUpstream = verrevcmp(left.upstream, right.upstream);
  if (byUpstream !== 0) return byUpstream > 0 ? 1 : -1;
  return Math.sign(verrevcmp(left.revision, right.revision)) as -1 | 0 | 1;
}
