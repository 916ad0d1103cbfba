/**
 * Pure helpers of the files collector: watch-path globs, the rule for which file texts may be
 * kept, and text decoding.
 */
import { isUtf8 } from 'node:buffer';
import * as path from 'node:path';

/** A watch path split for expansion: a literal path, or a directory and a `*` pattern for its entries. */
export type WatchPattern =
  | { kind: 'literal'; path: string }
  | { kind: 'glob'; dir: string; pattern: string }
  | { kind: 'invalid'; path: string; reason: string };

/** Classifies a normalised absolute watch path. Only `*`, and only in the last segment. */
export function classifyWatchPath(nodePath: string): WatchPattern {
  const dir = path.posix.dirname(nodePath);
  const base = path.posix.basename(nodePath);
  if (dir.includes('*')) {
    return { kind: 'invalid', path: nodePath, reason: 'a "*" is supported in the last path segment only' };
  }
  return base.includes('*') ? { kind: 'glob', dir, pattern: base } : { kind: 'literal', path: nodePath };
}

/**
 * Shell-style match of a name against a pattern whose only wildcard is `*` (any run of
 * characters). Like the shell, a `*` does not match a leading `.`: `/etc/drbd.d/*` leaves out
 * editor and package-manager leftovers such as `.r0.res.swp`. Linear time, no regex.
 */
export function matchesStarPattern(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last))
    return false;
  let position = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const found = name.indexOf(part, position);
    if (found === -1 || found + part.length > end) return false;
    position = found + part.length;
  }
  return true;
}

/** Whether `nodePath` is one of `patterns` (literal paths, or `*` in the last segment). */
export function matchesWatchPattern(nodePath: string, patterns: readonly string[]): boolean {
  for (const raw of patterns) {
    const pattern = classifyWatchPath(path.posix.normalize(raw));
    if (pattern.kind === 'literal' && pattern.path === nodePath) return true;
    if (
      pattern.kind === 'glob' &&
      path.posix.dirname(nodePath) === pattern.dir &&
      matchesStarPattern(pattern.pattern, path.posix.basename(nodePath))
    )
      return true;
  }
  return false;
}

/** Largest file whose text is kept (DESIGN §5: small text files, shown as diffs). */
export const MAX_TEXT_BYTES = 64 * 1024;

/**
 * Name words that mark a secret. Matched against the `.`/`_`/`-`-separated words of a file
 * name (and of a symlink's target name), case-insensitively: `authkey`, `corosync.key`,
 * `ssh_host_ed25519_key`, `client-secret.txt`, `tls.pem` …
 */
const SECRET_WORDS = new Set([
  'key',
  'keys',
  'authkey',
  'authkeys',
  'keytab',
  'secret',
  'secrets',
  'password',
  'passwords',
  'token',
  'tokens',
  'credential',
  'credentials',
  'private',
  'shadow',
  'gshadow',
  'pem',
  'p12',
  'pfx',
]);

/** Whether a file name looks like it holds a secret. */
export function looksSecret(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('id_') && !lower.endsWith('.pub')) return true; // ssh private keys: id_rsa, id_ed25519
  for (const word of lower.split(/[._-]/)) if (SECRET_WORDS.has(word)) return true;
  return false;
}

/**
 * The rule for keeping a file's text in the state (which travels to the server and is shown on
 * the dashboard): only when everyone on the node may read it anyway (world-readable), and its
 * name does not look like a secret. Secrets still get sha256, mode and owner, which is enough
 * to tell that both nodes hold the same key without ever copying it.
 */
export function mayKeepText(mode: number, names: readonly string[]): boolean {
  if ((mode & 0o004) === 0) return false;
  return !names.some(looksSecret);
}

/** The content as text when it is text: ≤ 64 KiB, no NUL byte, valid UTF-8; otherwise undefined. */
export function decodeText(content: Buffer): string | undefined {
  if (content.length > MAX_TEXT_BYTES || content.includes(0) || !isUtf8(content)) return undefined;
  return content.toString('utf8');
}

/** Permission bits as four octal digits, e.g. `0640` (set-id and sticky bits included: `2755`). */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
