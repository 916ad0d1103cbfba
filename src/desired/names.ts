/**
 * Syntax checks for every name the desired state hands to the rest of driftguard: package, unit,
 * sysctl, user and object names, paths and mount points. These names end up in argv arrays of
 * fixes (`apt-get install NAME`, `systemctl enable NAME`), in file paths and in fstab lines, so
 * they are checked at load time and anything that looks like shell (`foo; rm -rf /`, `$(reboot)`)
 * is refused long before a fixer sees it — defence in depth on top of never using a shell.
 *
 * Each check returns `undefined` for a valid name, else the reason, phrased to follow
 * "… is not a valid X: ". The JSON Schemas use them as ajv formats (see schema-validator.ts).
 *
 * Written as character loops on purpose: no regex backtracking, and a precise reason.
 */

/** Characters that mean something to a shell; never legitimate in the names we accept. */
const SHELL_CHARS = new Set([';', '|', '&', '$', '`', '<', '>']);

function describeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).padStart(4, '0')}`;
  if (c === ' ') return 'a space';
  return `\`${c}\``;
}

/** The first character that is shell syntax or a control character, explained; else undefined. */
function shellOrControl(value: string): string | undefined {
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return `it contains a ${describeChar(c)}`;
    if (SHELL_CHARS.has(c)) return `it contains ${describeChar(c)}, which looks like shell syntax`;
  }
  return undefined;
}

const isLowerAlnum = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
const isAlnum = (c: string): boolean => isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
const isHex = (c: string): boolean =>
  (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

/** `c` is one of `allowed`, else the reason naming the character and what is allowed. */
function checkChars(value: string, allowed: (c: string) => boolean, what: string): string | undefined {
  for (const c of value) {
    if (!allowed(c)) {
      const shell = SHELL_CHARS.has(c) ? ', which looks like shell syntax' : '';
      return `${describeChar(c)} is not allowed${shell} (only ${what})`;
    }
  }
  return undefined;
}

/**
 * A package name, optionally `:arch`. Debian policy allows `[a-z0-9][a-z0-9+.-]+`; RPM names
 * (the rpm-el9 nodes) also use upper case and `_` (`NetworkManager`, `perl-Time_HiRes`), and
 * dpkg itself accepts those too (`dpkg --validate-pkgname`), so the accepted set is dpkg's:
 * a letter or digit, then letters, digits and `+ . _ -`.
 */
export function checkPackageName(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > 128) return 'it is longer than 128 characters';
  const colon = value.indexOf(':');
  const name = colon === -1 ? value : value.slice(0, colon);
  const arch = colon === -1 ? undefined : value.slice(colon + 1);
  if (name.length === 0) return 'the name before `:` is empty';
  if (!isAlnum(name.charAt(0))) return 'it must start with a letter or digit';
  const bad = checkChars(
    name,
    (c) => isAlnum(c) || c === '+' || c === '.' || c === '_' || c === '-',
    'letters, digits and `+ . _ -`',
  );
  if (bad) return bad;
  if (arch !== undefined) {
    if (arch.length === 0) return 'the architecture after `:` is empty';
    if (!isLowerAlnum(arch.charAt(0))) return 'the architecture must start with a lower-case letter or digit';
    const badArch = checkChars(
      arch,
      (c) => isLowerAlnum(c) || c === '_' || c === '-',
      'lower-case letters, digits, `_` and `-` in an architecture',
    );
    if (badArch) return `in the architecture: ${badArch}`;
  }
  return undefined;
}

/** systemd's unit types (systemd.unit(5)); a name must end in one of them. */
const UNIT_TYPES = new Set([
  'service',
  'socket',
  'device',
  'mount',
  'automount',
  'swap',
  'target',
  'path',
  'timer',
  'slice',
  'scope',
]);

/** systemd's UNIT_NAME_MAX is 256 including the terminating NUL. */
const UNIT_NAME_MAX = 255;

/**
 * A systemd unit name: `prefix.type`, template `prefix@.type` or instance `prefix@inst.type`,
 * with systemd's characters `[A-Za-z0-9:_.-]` and `@`, at most 255 of them (unit_name_is_valid
 * in systemd's unit-name.c). systemd also allows a lone `\`; we accept it only as the `\xHH`
 * escapes systemd-escape produces (`dev-disk-by\x2dlabel-data.device`), which every real
 * escaped name uses — a bare backslash is far likelier to be a quoting mistake.
 */
export function checkUnitName(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > UNIT_NAME_MAX) return `it is longer than ${UNIT_NAME_MAX} characters`;
  const shell = shellOrControl(value);
  if (shell) return shell;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return 'it has no type suffix such as `.service` or `.mount`';
  const type = value.slice(dot + 1);
  if (!UNIT_TYPES.has(type))
    return `\`.${type}\` is not a unit type (one of ${[...UNIT_TYPES].map((t) => `.${t}`).join(' ')})`;
  if (value.charAt(0) === '@') return 'it must not start with `@`';
  // The whole name is walked, type included: the type is letters after a `.`, and an escape that
  // runs into that `.` fails (`.` is no hex digit), so only the part before the type can fail.
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '\\') {
      if (value.charAt(i + 1) !== 'x' || !isHex(value.charAt(i + 2)) || !isHex(value.charAt(i + 3))) {
        return 'a `\\` must start an escape like `\\x2d` (see systemd-escape)';
      }
      i += 3;
      continue;
    }
    // Shell syntax was refused above with its own reason; what is left is only a wrong character.
    if (!(isAlnum(c) || c === ':' || c === '_' || c === '.' || c === '-' || c === '@'))
      return `${describeChar(c)} is not allowed (only letters, digits, \`: _ . - @\` and \\xHH escapes)`;
  }
  return undefined;
}

/**
 * An absolute, normalised path: starts with `/`, no empty, `.` or `..` segment, no trailing `/`
 * (except `/` itself), no control characters (NUL, newline, tab), no shell syntax and no glob
 * characters (collectors read exact paths). Spaces are fine: real mount points have them.
 */
export function checkAbsolutePath(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > 4095) return 'it is longer than 4095 characters (PATH_MAX)';
  if (value.charAt(0) !== '/') return 'it must be absolute (start with `/`)';
  const bad = shellOrControl(value);
  if (bad) return bad;
  for (const c of value) {
    if (c === '*' || c === '?' || c === '[' || c === ']')
      return `it contains the glob character \`${c}\` (name exact paths)`;
  }
  if (value === '/') return undefined;
  if (value.endsWith('/')) return 'it must not end with `/`';
  const segments = value.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') return 'it contains `//` (write it normalised)';
    if (segment === '.' || segment === '..')
      return `it contains a \`${segment}\` segment (write it normalised)`;
  }
  return undefined;
}

/**
 * A sysctl key in dotted form (`net.ipv4.conf.all.rp_filter`); a `/` stands for a dot inside
 * one segment (an interface `eth0.100` is `net.ipv4.conf.eth0/100.rp_filter`), as sysctl(8) does.
 * No key starts with `-`: `sysctl -w` would read one as options (`-p/tmp/x.conf=1` loads that
 * file), and in a sysctl.d line a leading `-` means "ignore a failure", not part of the key.
 */
export function checkSysctlKey(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > 512) return 'it is longer than 512 characters';
  if (value.charAt(0) === '-') return 'it must not start with `-`';
  const bad = checkChars(
    value,
    (c) =>
      isAlnum(c) || c === '_' || c === '.' || c === '-' || c === '/' || c === ':' || c === '@' || c === '+',
    'letters, digits and `_ . - / : @ +`',
  );
  if (bad) return bad;
  const segments = value.split('.');
  if (segments.length < 2) return 'it must have at least two dot-separated parts (`kernel.panic`)';
  if (segments.some((s) => s === '')) return 'it has an empty part (leading, trailing or doubled `.`)';
  return undefined;
}

/**
 * A user or group name: `[a-z_][a-z0-9_-]*[$]?`, at most 32 characters (useradd(8), the
 * portable subset Debian's adduser enforces; the trailing `$` is for Samba machine accounts).
 */
export function checkUserName(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > 32) return 'it is longer than 32 characters';
  const first = value.charAt(0);
  if (!((first >= 'a' && first <= 'z') || first === '_'))
    return 'it must start with a lower-case letter or `_`';
  const body = value.endsWith('$') ? value.slice(0, -1) : value;
  return checkChars(
    body,
    (c) => isLowerAlnum(c) || c === '_' || c === '-',
    'lower-case letters, digits, `_`, `-` and a final `$`',
  );
}

/**
 * The name of a Role, Node, Pair or Schedule. Names become file names (`--states DIR/NODE.json`)
 * and URL segments, so: a letter or digit, then letters, digits and `. _ -`, at most 128.
 */
export function checkObjectName(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > 128) return 'it is longer than 128 characters';
  if (!isAlnum(value.charAt(0))) return 'it must start with a letter or digit';
  return checkChars(
    value,
    (c) => isAlnum(c) || c === '.' || c === '_' || c === '-',
    'letters, digits and `. _ -`',
  );
}

/** A host name or IP address (IPv6 without brackets). */
export function checkHost(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > 253) return 'it is longer than 253 characters';
  if (value.charAt(0) === '-') return 'it must not start with `-`';
  return checkChars(
    value,
    (c) => isAlnum(c) || c === '.' || c === '-' || c === ':' || c === '_',
    'letters, digits and `. - : _`',
  );
}

/** `host:port` with a port 1–65535; an IPv6 host is written in brackets (`[fe80::1]:623`). */
export function checkHostPort(value: string): string | undefined {
  const colon = value.lastIndexOf(':');
  if (colon === -1) return 'it must be `host:port`';
  let host = value.slice(0, colon);
  const port = value.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) return 'an IPv6 address must be in brackets: `[addr]:port`';
  const badHost = checkHost(host);
  if (badHost) return `the host is not valid: ${badHost}`;
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    return `\`${port}\` is not a port number (1–65535)`;
  return undefined;
}

/**
 * A value that goes into an fstab field (device, an option): no whitespace (fields are
 * whitespace-separated; we do not write escapes for the user), no control characters, no shell.
 */
export function checkFstabField(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  const bad = shellOrControl(value);
  if (bad) return bad;
  if (value.includes(' ')) return 'it contains a space (fstab fields are separated by spaces)';
  return undefined;
}

/** A filesystem type: `ext4`, `xfs`, `nfs4`, `fuse.sshfs`. */
export function checkFstype(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  return checkChars(
    value,
    (c) => isLowerAlnum(c) || c === '.' || c === '_' || c === '-',
    'lower-case letters, digits and `. _ -`',
  );
}

/** A mount option: `noauto`, `x-systemd.requires=drbd@r0.target`; one option, so no comma. */
export function checkMountOption(value: string): string | undefined {
  const bad = checkFstabField(value);
  if (bad) return bad;
  if (value.includes(',')) return 'it contains `,` (list each option separately)';
  return undefined;
}

/** A glob pattern of keys for parity's ignore list: printable, no shell syntax. */
export function checkIgnorePattern(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  return shellOrControl(value);
}
