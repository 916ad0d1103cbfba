/**
 * What the sweep asks the remote script for: a few verbs over node paths, and commands from a
 * fixed table. Requests are data, sent one per line on the script's stdin and read there with
 * `read -r`; the script never evaluates them as shell code. A path is sent as `.` + the absolute
 * node path, so no request word can start with `-` or reach outside the root by itself.
 */
import { normalizeNodePath } from '../collect/root-fs';
import type { CommandId } from './commands';

export type PathOp =
  /** lstat facts only. */
  | 'stat'
  /** lstat facts, and the content when it is a regular file. */
  | 'file'
  /** Like `file`, but a file that is not world-readable is only hashed (sha256) on the node. */
  | 'watch'
  /** lstat facts and the sha256 of a regular file, never its content (a secret). */
  | 'hash'
  /** A directory and its entries (lstat facts). */
  | 'dir'
  /** A directory, its entries and theirs (two levels), with the content of every regular file. */
  | 'tree'
  /** A directory and its entries, regular files as `watch`. */
  | 'watch-dir'
  /** Every entry under a directory, at any depth (lstat facts). */
  | 'walk'
  /** The text of kernel files (/proc, /sys report sizes that are not their lengths), recursively. */
  | 'kernel';

export interface PathRequest {
  op: PathOp;
  path: string;
}

/** Run a command only when a path exists, does not exist, or is a directory on the node. */
export interface CommandCondition {
  test: 'exists' | 'missing' | 'dir';
  path: string;
}

export interface CommandRequest {
  op: 'command';
  id: CommandId;
  when?: CommandCondition;
}

export type Request = PathRequest | CommandRequest;

export const OP_LETTERS: Record<PathOp, string> = {
  stat: 'S',
  file: 'F',
  watch: 'W',
  hash: 'H',
  dir: 'D',
  tree: 'T',
  'watch-dir': 'G',
  walk: 'R',
  kernel: 'K',
};

/** Ops whose path is a directory listed to this depth (find -maxdepth); undefined = no limit. */
export const LISTING_DEPTH: Partial<Record<PathOp, number | undefined>> = {
  dir: 1,
  tree: 2,
  'watch-dir': 1,
  walk: undefined,
};

export function isListingOp(op: PathOp): boolean {
  return op in LISTING_DEPTH;
}

/** Files the kernel serves: their sizes are 0 or 4096 whatever their length, so tar cannot copy them. */
export function isKernelPath(nodePath: string): boolean {
  return (
    nodePath === '/proc' ||
    nodePath === '/sys' ||
    nodePath.startsWith('/proc/') ||
    nodePath.startsWith('/sys/')
  );
}

/** A path as the script receives it and as find/tar/grep print it back: `./etc/fstab`. */
export function wirePath(nodePath: string): string {
  return nodePath === '/' ? './' : `.${nodePath}`;
}

/** The node path of what the script printed (`./etc/fstab`, `./` or `.`). */
export function nodePathFromWire(wire: string): string {
  if (wire === '.' || wire === './') return '/';
  return wire.startsWith('./') ? wire.slice(1) : normalizeNodePath(wire);
}

/** Every proper ancestor of a node path, `/` first (`/a/b/c` → `/`, `/a`, `/a/b`). */
export function ancestorsOf(nodePath: string): string[] {
  const out = ['/'];
  let index = nodePath.indexOf('/', 1);
  while (index > 0) {
    out.push(nodePath.slice(0, index));
    index = nodePath.indexOf('/', index + 1);
  }
  return nodePath === '/' ? [] : out;
}

/** A path the protocol can carry: absolute, normalised, one line. */
export function checkRequestPath(nodePath: string): string {
  if (!nodePath.startsWith('/') || normalizeNodePath(nodePath) !== nodePath) {
    throw new Error(`not a normalised absolute node path: ${JSON.stringify(nodePath)}`);
  }
  if (nodePath.includes('\n') || nodePath.includes('\0')) {
    throw new Error(`a path with a newline or NUL cannot be requested: ${JSON.stringify(nodePath)}`);
  }
  return nodePath;
}

const DIGEST = /^[0-9a-f]{64}$/;

/** Whether a text is an answer digest as the script prints it (sha256, lowercase hex). */
export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}

/**
 * A batch (formatBatch's text) carrying the digest of an answer the client holds for it: the
 * script then answers `@same` when its new answer has that digest (src/sweep/remote-script.ts).
 */
export function holdingDigest(batch: string, digest: string): string {
  if (!isDigest(digest)) throw new Error(`not an answer digest: ${JSON.stringify(digest)}`);
  return `P ${digest}\n${batch}`;
}

/** One batch as the script reads it: a line per request, then `.`. */
export function formatBatch(requests: readonly Request[]): string {
  let out = '';
  for (const request of requests) {
    if (request.op === 'command') {
      out += request.when
        ? `C ${request.id} ${request.when.test} ${wirePath(checkRequestPath(request.when.path))}\n`
        : `C ${request.id}\n`;
    } else {
      out += `${OP_LETTERS[request.op]} ${wirePath(checkRequestPath(request.path))}\n`;
    }
  }
  return out + '.\n';
}

/** Tells the script to clean up and exit. */
export const QUIT_LINE = 'Q\n';
