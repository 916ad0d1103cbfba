/**
 * systemd unit names (systemd 252, src/basic/unit-name.c): validity, types, templates and
 * instances, and the path escaping of `systemd-escape --path` that names mount, swap and
 * automount units after their paths.
 */

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

/**
 * unit_name_path_escape() — `systemd-escape --path`: `/` is `-`, otherwise the path without its
 * leading and trailing slashes, escaped. Undefined for paths systemd refuses (with `..`).
 */
export function escapePath(path: string): string | undefined {
  const simple = simplifyPath(path);
  if (simple === '/' || simple === '.') return '-';
  if (simple.split('/').includes('..')) return undefined;
  return escapeUnitNamePart(simple.replace(/^\/+/, ''));
}

/** unit_name_from_path(): `/srv/pypi` + `.mount` → `srv-pypi.mount`. */
export function unitNameFromPath(path: string, suffix: string): string | undefined {
  const escaped = escapePath(path);
  if (escaped === undefined) return undefined;
  const name = escaped + suffix;
  return Buffer.byteLength(name) < UNIT_NAME_MAX ? name : undefined;
}

/** unit_name_unescape(): `-` back to `/`, `\xNN` back to bytes (for the `%I`, `%P`, `%f` specifiers). */
export function unescapeUnitNamePart(text: string): string {
  if (!text.includes('\\')) return text.replace(/-/g, '/');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '-') bytes.push(0x2f);
    else if (ch === '\\' && text[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      bytes.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      for (const byte of Buffer.from(ch, 'utf8')) bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * unit_name_mangle_with_suffix() as fstab-generator uses it for `x-systemd.requires=` and
 * friends: a valid unit name stays; a device path becomes a `.device`, any other absolute path a
 * `.mount`; anything else has `/` turned into `-`, invalid bytes escaped, and `suffix` appended
 * when it has no unit type.
 */
export function mangleUnitName(name: string, suffix: string): string | undefined {
  if (isValidUnitName(name)) return name;
  if (isDevicePath(name)) return unitNameFromPath(name, '.device');
  if (name.startsWith('/')) return unitNameFromPath(name, '.mount');
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
