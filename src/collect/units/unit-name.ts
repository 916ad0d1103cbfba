/**
 * systemd unit names (systemd 252, src/basic/unit-name.c): validity, types, templates and
 * instances, and the path escaping of `systemd-escape --path` that names mount, swap and
 * automount units after their paths.
 */
import { siphash24 } from './siphash';

export const UNIT_TYPES = new Set([
  'service',
  'mount',
  'swap',
  'socket',
  'target',
  'device',
  'automount',
  'timer',
  'path',
  'slice',
  'scope',
]);

/** UNIT_NAME_MAX in systemd: a name is at most 255 bytes. */
const UNIT_NAME_MAX = 256;
/** NAME_MAX and PATH_MAX: path_is_valid() refuses longer components and paths. */
const NAME_MAX = 255;
const PATH_MAX = 4096;
/** LONG_UNIT_NAME_HASH_KEY of unit-name.c: the SipHash key of hashed long names. */
const LONG_UNIT_NAME_HASH_KEY = Buffer.from('ecf237fb58324a32849f069b0d21eb9a', 'hex');
const UNIT_NAME_HASH_LENGTH_CHARS = 16;

function isValidNameChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x3a || // :
    code === 0x2d || // -
    code === 0x5f || // _
    code === 0x2e || // .
    code === 0x5c // backslash
  );
}

export interface UnitNameParts {
  /** Text before `@` (or before the suffix when there is no `@`). */
  prefix: string;
  /** Undefined for plain units, '' for templates (`foo@.service`), the instance otherwise. */
  instance?: string;
  type: string;
}

// The same few hundred names are asked about many times while enablement is worked out.
const parsedNames = new Map<string, UnitNameParts | null>();
const PARSED_NAMES_MAX = 20_000;

/** Splits a valid unit name, or returns undefined when systemd would reject it. */
export function parseUnitName(name: string): UnitNameParts | undefined {
  const cached = parsedNames.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const parts = parseUncached(name);
  if (parsedNames.size >= PARSED_NAMES_MAX) parsedNames.clear();
  parsedNames.set(name, parts ?? null);
  return parts;
}

function parseUncached(name: string): UnitNameParts | undefined {
  // Byte length only matters for long names; ASCII names have as many bytes as characters.
  if (
    name.length === 0 ||
    name.length >= UNIT_NAME_MAX ||
    (name.length > UNIT_NAME_MAX / 4 && Buffer.byteLength(name) >= UNIT_NAME_MAX)
  )
    return undefined;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const type = name.slice(dot + 1);
  if (!UNIT_TYPES.has(type)) return undefined;
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  const prefix = at < 0 ? stem : stem.slice(0, at);
  if (prefix.length === 0) return undefined;
  for (let i = 0; i < prefix.length; i++) if (!isValidNameChar(prefix.charCodeAt(i))) return undefined;
  if (at < 0) return { prefix, type };
  const instance = stem.slice(at + 1);
  // Instances may contain '@' too (`foo@a@b.service` has instance `a@b`).
  for (let i = 0; i < instance.length; i++) {
    const code = instance.charCodeAt(i);
    if (code !== 0x40 && !isValidNameChar(code)) return undefined;
  }
  return { prefix, instance, type };
}

export function isValidUnitName(name: string): boolean {
  return parseUnitName(name) !== undefined;
}

export function unitType(name: string): string | undefined {
  return parseUnitName(name)?.type;
}

export function isTemplate(name: string): boolean {
  return parseUnitName(name)?.instance === '';
}

export function isInstance(name: string): boolean {
  const instance = parseUnitName(name)?.instance;
  return instance !== undefined && instance !== '';
}

/** `foo@bar.service` → `foo@.service`; undefined for names that are not instances. */
export function templateOf(name: string): string | undefined {
  const parts = parseUnitName(name);
  if (!parts || !parts.instance) return undefined;
  return `${parts.prefix}@.${parts.type}`;
}

/** `foo@.service` + `bar` → `foo@bar.service`. */
export function withInstance(template: string, instance: string): string | undefined {
  const parts = parseUnitName(template);
  if (!parts || parts.instance === undefined) return undefined;
  return `${parts.prefix}@${instance}.${parts.type}`;
}

function escapeByte(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * unit_name_escape(): `/` becomes `-`; `-`, `\` and every byte outside `[A-Za-z0-9:_.]` become
 * `\xNN` (lower-case hex, one per UTF-8 byte); a leading `.` is escaped so no name is hidden.
 */
export function escapeUnitNamePart(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === 0x2f) out += '-';
    else if (i === 0 && byte === 0x2e) out += escapeByte(byte);
    else if (byte === 0x2d || byte === 0x5c || byte >= 0x80 || !isValidNameChar(byte))
      out += escapeByte(byte);
    else out += String.fromCharCode(byte);
  }
  return out;
}

/** path_simplify(): collapses `//`, drops `.` components and a trailing slash. Keeps `..`. */
export function simplifyPath(path: string): string {
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined === '' ? '.' : joined;
}

/** path_is_normalized() of a simplified path: valid (lengths), and no `..` component. */
function isNormalizedPath(simple: string): boolean {
  if (Buffer.byteLength(simple) >= PATH_MAX) return false;
  return simple.split('/').every((part) => part !== '..' && Buffer.byteLength(part) <= NAME_MAX);
}

/**
 * unit_name_path_escape() — `systemd-escape --path`: `/` is `-`, otherwise the path without its
 * leading and trailing slashes, escaped. Undefined for paths systemd refuses: with `..`, a
 * component longer than 255 bytes, 4096 bytes or more in all.
 */
export function escapePath(path: string): string | undefined {
  const simple = simplifyPath(path);
  if (simple === '/' || path === '') return '-';
  if (simple === '.') return undefined; // "." is not a normalized path
  if (!isNormalizedPath(simple)) return undefined;
  return escapeUnitNamePart(simple.replace(/^\/+/, ''));
}

/**
 * unit_name_hash_long(): a name of 256 bytes or more is cut and ends in `_` + 16 hex digits of
 * its SipHash-2-4 (little-endian) + its type suffix, 255 bytes in all.
 */
function hashLongName(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || !UNIT_TYPES.has(name.slice(dot + 1))) return undefined;
  const suffix = name.slice(dot);
  // siphash24_string() hashes the terminating NUL too.
  const hash = siphash24(Buffer.from(`${name}\0`, 'utf8'), LONG_UNIT_NAME_HASH_KEY);
  const keep = UNIT_NAME_MAX - 1 - (suffix.length - 1) - UNIT_NAME_HASH_LENGTH_CHARS - 2;
  return `${Buffer.from(name, 'utf8').subarray(0, keep).toString('latin1')}_${hash.toString('hex')}${suffix}`;
}

/** unit_name_from_path(): `/srv/pypi` + `.mount` → `srv-pypi.mount`; too long, hashed. */
export function unitNameFromPath(path: string, suffix: string): string | undefined {
  const escaped = escapePath(path);
  if (escaped === undefined) return undefined;
  const name = escaped + suffix;
  const result = Buffer.byteLength(name) < UNIT_NAME_MAX ? name : hashLongName(name);
  return result !== undefined && isValidUnitName(result) ? result : undefined;
}

/**
 * unit_name_unescape() — `systemd-escape --unescape`: `-` back to `/`, `\xNN` back to a byte.
 * Undefined for what systemd refuses: a backslash not followed by `x` and two hex digits. A
 * `\x00` ends the text there, as a NUL ends a C string.
 */
export function unescapeUnitName(text: string): string | undefined {
  if (!text.includes('\\')) return text.replace(/-/g, '/');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '-') bytes.push(0x2f);
    else if (ch === '\\') {
      if (text[i + 1] !== 'x' || !/^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) return undefined;
      const byte = Number.parseInt(text.slice(i + 2, i + 4), 16);
      if (byte === 0) break;
      bytes.push(byte);
      i += 3;
    } else {
      for (const byte of Buffer.from(ch, 'utf8')) bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * For the `%I`, `%P`, `%f` specifiers: unescaped, or — where systemd would refuse the name — the
 * text as written (the specifier's setting is then wrong on the node either way).
 */
export function unescapeUnitNamePart(text: string): string {
  return unescapeUnitName(text) ?? text;
}

/**
 * unit_name_path_unescape() — `systemd-escape --unescape --path`: `-` is `/`; otherwise the text
 * unescaped, which must neither start nor end with `/`, becomes an absolute path that must be
 * normalized (no `//`, `.` or `..`).
 */
export function unescapePath(text: string): string | undefined {
  if (text === '') return undefined;
  if (text === '-') return '/';
  const unescaped = unescapeUnitName(text);
  if (unescaped === undefined || unescaped.startsWith('/') || unescaped.endsWith('/')) return undefined;
  const path = `/${unescaped}`;
  const parts = path.slice(1).split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) return undefined;
  return isNormalizedPath(path) ? path : undefined;
}

/**
 * unit_name_mangle_with_suffix() as fstab-generator uses it for `x-systemd.requires=` and
 * friends: a valid unit name stays; a device path becomes a `.device`, any other absolute path a
 * `.mount`; anything else has `/` turned into `-`, invalid bytes escaped, and `suffix` appended
 * when it has no unit type.
 */
export function mangleUnitName(name: string, suffix: string): string | undefined {
  if (name === '') return undefined;
  if (isValidUnitName(name)) return name;
  // A path systemd cannot name a unit after (`/srv/../base`) is escaped like any other text.
  const fromPath = isDevicePath(name) ? unitNameFromPath(name, '.device') : undefined;
  if (fromPath !== undefined) return fromPath;
  const fromMount = name.startsWith('/') ? unitNameFromPath(name, '.mount') : undefined;
  if (fromMount !== undefined) return fromMount;
  const bytes = Buffer.from(name, 'utf8');
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x2f) out += '-';
    else if (byte === 0x40 || isValidNameChar(byte)) out += String.fromCharCode(byte);
    else out += escapeByte(byte);
  }
  if (unitType(out) === undefined) out += suffix;
  return isValidUnitName(out) ? out : undefined;
}

/** is_device_path(): under /dev/ or /sys/ with something after the prefix. */
export function isDevicePath(path: string): boolean {
  return /^\/(dev|sys)\/+[^/]/.test(path);
}
