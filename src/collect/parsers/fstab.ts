/**
 * fstab(5) — pure parser, text in, entries out, as util-linux reads fstab: the mounts collector
 * reports these entries (on this host, a fixture tree or a sweep's dump alike), and compare,
 * readiness and the planner's fstab line edits work on them. The systemd-fstab-generator
 * simulation reads fstab as glibc does instead (`getmntent.ts`), because that is its reader.
 *
 * Two readers of fstab matter and they differ in small ways; this parser follows each where it
 * is the one that acts:
 *
 *   - Fields, escapes, malformed lines, `options` — util-linux libmount (mount(8), findmnt):
 *     fields are separated by runs of blanks (space, tab); `\` followed by three octal digits is
 *     one byte (`\040` space, `\011` tab, `\012` newline, `\134` backslash); source, target and
 *     type are required, options/freq/passno optional; freq and passno must be integers. A line
 *     libmount cannot parse is skipped ("parse error at line N -- ignored") — we skip it too and
 *     return a warning with its line number, so a report can point at it (glibc's getmntent,
 *     which systemd-fstab-generator uses, is laxer and would still act on some of these lines:
 *     that is exactly why they deserve a warning). Options are split on commas outside double
 *     quotes, as libmount's optstr does (`x-foo="a,b"` stays one option).
 *
 *   - `parsed` — systemd (fstab-util.c, used by the generator and by PID 1): options are split
 *     on commas that are not escaped with a backslash (`\,` is a literal comma inside a value;
 *     double quotes mean nothing to systemd), `noauto`/`auto` and `nofail`/`fail` are decided by
 *     whichever comes last, `x-systemd.*` values are collected in order.
 */
import type { FstabEntry, FstabOptions } from '../../model/state';

/** A line that could not be parsed and was skipped, as mount(8) skips it. */
export interface FstabWarning {
  line: number;
  message: string;
}

export interface ParsedFstab {
  entries: FstabEntry[];
  warnings: FstabWarning[];
}

const BACKSLASH = 0x5c;

function isOctalDigit(code: number | undefined): boolean {
  return code !== undefined && code >= 0x30 && code <= 0x37;
}

/**
 * Decodes the `\ooo` escapes that fstab, mtab and mountinfo use for bytes that would otherwise
 * break a field (the kernel escapes space, tab, newline and backslash). Works on bytes, so an
 * escaped multi-byte UTF-8 sequence (`\303\251`) decodes to one character, like libmount's
 * unmangle(). Anything else after a backslash is kept as written (`\9`, `\04`). As in C, the
 * value is a byte (`\777` is 0xff) and a NUL byte (`\000`, `\400`) ends the string there.
 */
export function decodeOctalEscapes(field: string): string {
  if (!field.includes('\\')) return field;
  const bytes = Buffer.from(field, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (
      byte === BACKSLASH &&
      isOctalDigit(bytes[i + 1]) &&
      isOctalDigit(bytes[i + 2]) &&
      isOctalDigit(bytes[i + 3])
    ) {
      const byte =
        ((((bytes[i + 1] as number) & 7) << 6) |
          (((bytes[i + 2] as number) & 7) << 3) |
          ((bytes[i + 3] as number) & 7)) &
        0xff;
      if (byte === 0) break;
      out[length++] = byte;
      i += 3;
    } else {
      out[length++] = byte;
    }
  }
  return out.toString('utf8', 0, length);
}

const OCTAL_ESCAPES: Record<string, string> = { ' ': '\\040', '\t': '\\011', '\n': '\\012', '\\': '\\134' };

/**
 * The inverse of {@link decodeOctalEscapes} for a value to be written as a field: space, tab,
 * newline and backslash as octal escapes, the characters the kernel escapes (they would split
 * or confuse a field); everything else as it is.
 */
export function encodeOctalEscapes(value: string): string {
  return value.replace(/[ \t\n\\]/g, (ch) => OCTAL_ESCAPES[ch] as string);
}

/**
 * Splits a libmount option string on commas that are not inside double quotes. Empty words
 * (`rw,,noatime`) are kept, so that joining the list with commas gives the field back exactly
 * as findmnt shows it; they name no option.
 */
export function splitMountOptions(optionString: string): string[] {
  if (optionString === '') return [];
  const options: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < optionString.length; i++) {
    const ch = optionString.charCodeAt(i);
    if (ch === 0x22 /* " */) quoted = !quoted;
    else if (ch === 0x2c /* , */ && !quoted) {
      options.push(optionString.slice(start, i));
      start = i + 1;
    }
  }
  options.push(optionString.slice(start));
  return options;
}

/** The options an entry names: its option words without the empty ones (`rw,,noatime` names two). */
export function optionWords(entry: Pick<FstabEntry, 'options'>): string[] {
  return entry.options.filter((word) => word !== '');
}

/**
 * Splits an option string the way systemd's fstab_filter_options() does: on commas not escaped
 * by a backslash; `\,` becomes `,`, other backslash sequences are kept (`foo\x2dbar.service`).
 * Empty words (`a,,b`) are kept as systemd keeps them; they match no option.
 */
export function splitSystemdOptions(optionString: string): string[] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < optionString.length; i++) {
    const ch = optionString[i] as string;
    if (ch === '\\' && i + 1 < optionString.length) {
      const next = optionString[i + 1] as string;
      word += next === ',' ? ',' : ch + next;
      i++;
    } else if (ch === ',') {
      words.push(word);
      word = '';
    } else {
      word += ch;
    }
  }
  words.push(word);
  return words;
}

/** The value of `name=value` when `word` is that option, else undefined. */
function optionValue(word: string, name: string): string | undefined {
  return word.length > name.length && word.startsWith(name) && word.charCodeAt(name.length) === 0x3d /* = */
    ? word.slice(name.length + 1)
    : undefined;
}

/** Interprets options as systemd does (see the file comment). `optionString` is field 4 as written. */
export function interpretFstabOptions(optionString: string): FstabOptions {
  const parsed: FstabOptions = {
    auto: true,
    nofail: false,
    netdev: false,
    systemdRequires: [],
    systemdAfter: [],
    systemdBefore: [],
    systemdWantedBy: [],
    systemdRequiredBy: [],
    systemdRequiresMountsFor: [],
    automount: false,
  };
  const lists: [string, string[]][] = [
    ['x-systemd.requires', parsed.systemdRequires],
    ['x-systemd.after', parsed.systemdAfter],
    ['x-systemd.before', parsed.systemdBefore],
    ['x-systemd.wanted-by', parsed.systemdWantedBy],
    ['x-systemd.required-by', parsed.systemdRequiredBy],
    ['x-systemd.requires-mounts-for', parsed.systemdRequiresMountsFor],
  ];
  for (const word of splitSystemdOptions(optionString)) {
    switch (word) {
      case 'auto':
        parsed.auto = true;
        continue;
      case 'noauto':
        parsed.auto = false;
        continue;
      case 'fail':
        parsed.nofail = false;
        continue;
      case 'nofail':
        parsed.nofail = true;
        continue;
      case '_netdev':
        parsed.netdev = true;
        continue;
      case 'x-systemd.automount':
      case 'comment=systemd.automount':
        parsed.automount = true;
        continue;
    }
    if (!word.startsWith('x-systemd.') && !word.startsWith('comment=systemd.')) continue;
    for (const [name, list] of lists) {
      const value = optionValue(word, name);
      if (value !== undefined) list.push(value);
    }
    const deviceTimeout =
      optionValue(word, 'x-systemd.device-timeout') ?? optionValue(word, 'comment=systemd.device-timeout');
    if (deviceTimeout !== undefined) parsed.deviceTimeout = deviceTimeout;
    const mountTimeout = optionValue(word, 'x-systemd.mount-timeout');
    if (mountTimeout !== undefined) parsed.mountTimeout = mountTimeout;
  }
  return parsed;
}

/**
 * libmount's next_s32(): strtol (an optional sign and digits, nothing else, within a 64-bit
 * long — beyond it the line is an error) cast to a 32-bit int (99999999999 is 1215752191).
 */
export function parseCInt(field: string): number | undefined {
  if (!/^[+-]?\d+$/.test(field)) return undefined;
  const value = BigInt(field);
  if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) return undefined;
  return Number(BigInt.asIntN(32, value));
}

/** A field of a line as written, with where it starts and ends (`end` exclusive). */
export interface PositionedField {
  text: string;
  start: number;
  end: number;
}

/**
 * Blank-separated fields of one line (space and tab, as libmount's skip_separator), with their
 * positions, so that an editor can change one field and keep the blanks between them.
 */
export function splitFieldsAt(line: string): PositionedField[] {
  const fields: PositionedField[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const code = i < line.length ? line.charCodeAt(i) : 0x20;
    const blank = code === 0x20 || code === 0x09;
    if (blank) {
      if (start >= 0) {
        fields.push({ text: line.slice(start, i), start, end: i });
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  return fields;
}

function splitFields(line: string): string[] {
  return splitFieldsAt(line).map((field) => field.text);
}

export function parseFstab(text: string): ParsedFstab {
  const entries: FstabEntry[] = [];
  const warnings: FstabWarning[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index] as string;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const fields = splitFields(line);
    const first = fields[0];
    if (first === undefined || first.startsWith('#')) continue;
    const lineNumber = index + 1;
    if (fields.length < 3) {
      warnings.push({
        line: lineNumber,
        message: `expected at least 3 fields (source, mount point, type), found ${fields.length}`,
      });
      continue;
    }
    const freq = fields[4] === undefined ? 0 : parseCInt(fields[4]);
    const passno = fields[5] === undefined ? 0 : parseCInt(fields[5]);
    if (freq === undefined || passno === undefined) {
      warnings.push({
        line: lineNumber,
        message: `${freq === undefined ? 'dump frequency' : 'fsck pass number'} is not a number`,
      });
      continue;
    }
    // Fields past the sixth are ignored, as libmount ignores them.
    const optionString = fields[3] === undefined ? '' : decodeOctalEscapes(fields[3]);
    entries.push({
      spec: decodeOctalEscapes(first),
      file: decodeOctalEscapes(fields[1] as string),
      vfstype: decodeOctalEscapes(fields[2] as string),
      options: splitMountOptions(optionString),
      parsed: interpretFstabOptions(optionString),
      freq,
      passno,
      line: lineNumber,
    });
  }
  return { entries, warnings };
}
