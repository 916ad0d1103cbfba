/**
 * Pure sysctl text handling: key names, live values, and the sysctl.d line syntax exactly as
 * systemd-sysctl 252 reads it (src/sysctl/sysctl.c, src/basic/sysctl-util.c). No I/O here: an
 * SSH sweep runs the same functions on text fetched from a remote node.
 */

/**
 * The key of a proc/sys file from its path segments below proc/sys, the way `sysctl -a` names
 * it: segments joined with `.`, and a `.` inside a segment (a VLAN interface `eth0.100`) written
 * as `/` so that the key stays unambiguous: `net/ipv4/conf/eth0.100/rp_filter` →
 * `net.ipv4.conf.eth0/100.rp_filter`.
 */
export function sysctlKeyFromSegments(segments: readonly string[]): string {
  let key = '';
  for (let i = 0; i < segments.length; i++) key = appendKeySegment(key, segments[i] as string);
  return key;
}

/** `key` extended by one proc/sys path segment (see {@link sysctlKeyFromSegments}); `''` starts a key. */
export function appendKeySegment(key: string, segment: string): string {
  const part = segment.includes('.') ? segment.replaceAll('.', '/') : segment;
  return key === '' ? part : `${key}.${part}`;
}

const NEEDS_COLLAPSE = /\s\s|[\t\n\r\v\f]/;
const WHITESPACE_RUN = /\s+/g;

/**
 * A live value as read from proc/sys, normalised like `sysctl -a` shows it on one line: trimmed,
 * and every whitespace run (tabs in `net.ipv4.tcp_rmem`, the newlines of a multi-line value such
 * as `kernel.core_modes` or `dev.cdrom.info`) collapsed to one space. Most values are a short
 * number with a trailing newline, so the regex replacement runs only when it has work to do.
 */
export function normalizeLiveValue(raw: string): string {
  const trimmed = raw.trim();
  return NEEDS_COLLAPSE.test(trimmed) ? trimmed.replace(WHITESPACE_RUN, ' ') : trimmed;
}

/**
 * A key from a sysctl.d file in the dotted form driftguard uses everywhere (the form of
 * {@link sysctlKeyFromSegments}). systemd's `sysctl_normalize()` accepts both spellings: when the
 * first separator is a `/` the key is a path (dots are literal), when it is a `.` dots and
 * slashes swap roles. Redundant slashes and `.` path components are dropped, as systemd's
 * `path_simplify()` does, so `net/ipv4//conf/./eth0.100/rp_filter` and
 * `net.ipv4.conf.eth0/100.rp_filter` are the same key.
 */
export function normalizeSysctlKey(key: string): string {
  const firstDot = key.indexOf('.');
  const firstSlash = key.indexOf('/');
  const dotFirst = firstDot !== -1 && (firstSlash === -1 || firstDot < firstSlash);
  // The path form: in it `/` separates segments and `.` is part of a segment.
  const asPath = dotFirst ? swapDotsAndSlashes(key) : key;
  const segments = asPath.split('/').filter((segment) => segment !== '' && segment !== '.');
  return sysctlKeyFromSegments(segments);
}

function swapDotsAndSlashes(text: string): string {
  let out = '';
  for (const ch of text) out += ch === '.' ? '/' : ch === '/' ? '.' : ch;
  return out;
}

/** systemd's `string_is_glob()`: any of `*?[` makes a key a glob (supported since systemd 249). */
export function isSysctlGlob(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    if (ch === 0x2a /* * */ || ch === 0x3f /* ? */ || ch === 0x5b /* [ */) return true;
  }
  return false;
}

/** One meaningful line of a sysctl.d file. */
export interface SysctlAssignment {
  /** Normalised dotted key; a glob key (`net.ipv4.conf.*.rp_filter`) is kept as written. */
  key: string;
  /**
   * The value, trimmed. Undefined for a "negative match" line (`-net.ipv4.conf.lo.rp_filter`
   * with no `=`), which sets nothing and only excludes that key from globs.
   */
  value: string | undefined;
  /** 1-based line number. */
  line: number;
  /** A leading `-` before an assignment: systemd ignores failures writing it. */
  ignoreFailure: boolean;
}

export interface SysctlConfParse {
  assignments: SysctlAssignment[];
  /** Lines systemd rejects ("Line is not an assignment, ignoring"). */
  invalid: { line: number; text: string }[];
}

/**
 * Parses one sysctl.d file the way systemd-sysctl 252's `parse_file()` does: each line is
 * stripped; empty lines and lines starting with `#` or `;` are comments; `key = value` splits on
 * the first `=`; a leading `-` marks ignore-failure (with `=`) or a negative match (without).
 */
export function parseSysctlConf(text: string): SysctlConfParse {
  const assignments: SysctlAssignment[] = [];
  const invalid: { line: number; text: string }[] = [];
  const lines = text.split('\n');
  // A final newline ends the last line; it does not start another one.
  const count = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  for (let index = 0; index < count; index++) {
    const stripped = stripWhitespace(lines[index] as string);
    if (stripped === '') continue;
    const first = stripped.charCodeAt(0);
    if (first === 0x23 /* # */ || first === 0x3b /* ; */) continue;
    const line = index + 1;
    const equals = stripped.indexOf('=');
    const negated = first === 0x2d; /* - */
    if (equals === -1) {
      if (!negated) {
        invalid.push({ line, text: stripped });
        continue;
      }
      const key = normalizeSysctlKey(stripWhitespace(stripped.slice(1)));
      assignments.push({ key, value: undefined, line, ignoreFailure: false });
      continue;
    }
    const rawKey = stripWhitespace(stripped.slice(negated ? 1 : 0, equals));
    assignments.push({
      key: normalizeSysctlKey(rawKey),
      value: stripWhitespace(stripped.slice(equals + 1)),
      line,
      ignoreFailure: negated,
    });
  }
  return { assignments, invalid };
}

/** systemd's `strstrip()`: only space, tab, CR and LF count (not the wider set `String.trim` removes). */
function stripWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isStripped(text.charCodeAt(start))) start++;
  while (end > start && isStripped(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isStripped(ch: number): boolean {
  return ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d;
}
