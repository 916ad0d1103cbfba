/**
 * fstab as glibc's getmntent(3) reads it — which is how systemd-fstab-generator (systemd 252)
 * reads it at boot, so this is the reader the generator simulation uses. Pure: text in, entries
 * out. It differs from util-linux's libmount (parsers/fstab.ts, what mount(8) and findmnt act
 * on) in ways that decide what happens at boot:
 *
 *   - only `\040` (space), `\011` (tab), `\012` (newline), `\134` and `\\` (backslash) are
 *     decoded; any other `\ooo` stays as written (`caf\303\251` is a mount point with
 *     backslashes in its name, not `café`);
 *   - a line is cut at the newline and trailing blanks before it; a carriage return is not a
 *     blank, so a CRLF file ends its last field with `\r` (`noauto,nofail\r` is not `nofail`);
 *   - fields are split on single blanks with runs skipped; missing fields are empty: a line of
 *     two fields is a mount without a type, a line of one a mount point of "";
 *   - freq and passno are read with `sscanf(" %d %d ")`: whatever does not parse is 0 and the
 *     line is kept (`defaults x 2` has passno 0, `defaults 0 2x` has passno 2) — libmount
 *     skips such lines, so mount(8) and the boot disagree about them.
 * Lines longer than glibc's 8 KiB buffer are not modelled (glibc reads them in pieces).
 */

import { isCSpace } from './ctype';

/** One entry as getmntent returns it: the four strings and passno (freq is never used at boot). */
export interface MntEntry {
  spec: string;
  file: string;
  vfstype: string;
  /** Field 4 as decoded, exactly: the generator writes it to `Options=` and matches words in it. */
  optionString: string;
  passno: number;
  /** 1-based line in the file. */
  line: number;
}

/** glibc's decode_name(). */
function decodeMntName(field: string): string {
  if (!field.includes('\\')) return field;
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const rest = field.slice(i, i + 4);
    if (rest === '\\040') out += ' ';
    else if (rest === '\\011') out += '\t';
    else if (rest === '\\012') out += '\n';
    else if (rest === '\\134') out += '\\';
    else if (rest.startsWith('\\\\')) {
      out += '\\';
      i += 1;
      continue;
    } else {
      out += field[i];
      continue;
    }
    i += 3;
  }
  return out;
}

const isBlank = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * What `%d` stores for `digits` on 64-bit glibc: strtol's long, which saturates at the limits of
 * a long, cut to its low 32 bits (`4294967298` is 2, `99999999999999999999` is -1). Exact for any
 * length, which a double is not beyond 2^53.
 */
function scannedInt(digits: string): number {
  const value = BigInt(digits);
  return Number(BigInt.asIntN(32, value > LONG_MAX ? LONG_MAX : value < LONG_MIN ? LONG_MIN : value));
}

/**
 * `sscanf(text, " %d %d ")`: how many of the two numbers parsed, and their values. `%d` skips
 * leading white space (C's isspace: a U+00A0 stops it) and takes an optional sign and digits.
 */
function scanTwoInts(text: string): { count: number; values: number[] } {
  const values: number[] = [];
  let i = 0;
  for (let n = 0; n < 2; n++) {
    while (i < text.length && isCSpace(text.charCodeAt(i))) i++;
    const match = /^[+-]?\d+/.exec(text.slice(i));
    if (!match) break;
    values.push(scannedInt(match[0]));
    i += match[0].length;
  }
  return { count: values.length, values };
}

/** Every entry getmntent returns for `text`, in order. */
export function parseGetmntent(text: string): MntEntry[] {
  const entries: MntEntry[] = [];
  const lines = text.split('\n');
  // A last line without a newline is read as it is (nothing to chop).
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index] as string;
    if (index < lines.length - 1) {
      let end = line.length;
      while (end > 0 && isBlank(line[end - 1])) end--;
      line = line.slice(0, end);
    } else if (line === '') continue;
    let head = 0;
    while (isBlank(line[head])) head++;
    if (head >= line.length || line[head] === '#') continue;

    // strsep over " \t", skipping the blanks between fields: a missing field is "".
    let rest: string | undefined = line.slice(head);
    const field = (): string => {
      if (rest === undefined) return '';
      let end = 0;
      while (end < rest.length && !isBlank(rest[end])) end++;
      const value = rest.slice(0, end);
      if (end >= rest.length) rest = undefined;
      else {
        let next = end + 1;
        while (isBlank(rest[next])) next++;
        rest = rest.slice(next);
      }
      return decodeMntName(value);
    };
    const spec = field();
    const file = field();
    const vfstype = field();
    const optionString = field();
    const scanned = rest === undefined ? { count: 0, values: [] } : scanTwoInts(rest);
    entries.push({
      spec,
      file,
      vfstype,
      optionString,
      passno: scanned.count === 2 ? (scanned.values[1] as number) : 0,
      line: index + 1,
    });
  }
  return entries;
}
