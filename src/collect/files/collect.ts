/**
 * The files collector: identity (sha256), mode, owner and — for small, non-secret text files —
 * the text of HA-critical configuration and of the paths the node's roles watch.
 *
 * Per path:
 *   - missing → `exists: false` (a file present on one node only is a finding later);
 *   - regular file → sha256, mode, owner, group, size, text (see parse.ts for the text rule);
 *   - directory → the directory itself (mode, owner), never its contents;
 *   - symlink → target, owner; sha256/size/text then describe the regular file the link
 *     resolves to inside the node (a link's own mode is always 0777 on Linux, so none is given),
 *     so that `/etc/sysctl.d/99-sysctl.conf → ../sysctl.conf` still compares by content;
 *   - anything else (device, fifo, socket) → type `other`, mode, owner.
 * Owner and group are names from the node's own /etc/passwd and /etc/group (not this machine's),
 * or the number as a string when the node has no such entry.
 */
import { MANAGED_DROP_IN_NAME, SYSTEM_UNIT_DIR } from '../../model/managed-files';
import type { FileInfo, FilesState } from '../../model/state';
import { sha256Hex } from '../../shared/canonical-json';
import { errorMessage } from '../../shared/errors';
import { namesById, parseGroup, parsePasswd } from '../parsers/passwd';
import type { FileStat, RootFs } from '../root-fs';
import { normalizeNodePath } from '../root-fs';
import type { Collector } from '../types';
import { classifyWatchPath, decodeText, formatMode, matchesStarPattern, mayKeepText } from './parse';
import { redactSecrets } from './redact';
import { BUILTIN_WATCHES } from './watch-list';

/** Files larger than this are not read at all (no hash): watch paths are meant for configuration. */
export const MAX_HASHED_BYTES = 64 * 1024 * 1024;

interface OwnerNames {
  users: Map<number, string>;
  groups: Map<number, string>;
}

function readOwnerNames(fs: RootFs): OwnerNames {
  const passwd = safeReadText(fs, '/etc/passwd');
  const group = safeReadText(fs, '/etc/group');
  return {
    users: namesById(passwd === undefined ? [] : parsePasswd(passwd).entries, (user) => user.uid),
    groups: namesById(group === undefined ? [] : parseGroup(group).entries, (entry) => entry.gid),
  };
}

function safeReadText(fs: RootFs, nodePath: string): string | undefined {
  try {
    return fs.readText(nodePath);
  } catch {
    return undefined;
  }
}

/** The concrete paths to record: built-in list plus watch paths, globs expanded, sorted, unique. */
export function expandWatchPaths(
  fs: RootFs,
  watchPaths: readonly string[],
): { paths: string[]; invalid: FileInfo[] } {
  const paths = new Set<string>();
  const invalid: FileInfo[] = [];
  for (const raw of [...BUILTIN_WATCHES.map((watch) => watch.path), ...watchPaths]) {
    const pattern = classifyWatchPath(normalizeNodePath(raw));
    if (pattern.kind === 'literal') paths.add(pattern.path);
    else if (pattern.kind === 'invalid')
      invalid.push({ path: pattern.path, exists: false, error: pattern.reason });
    else {
      let entries;
      try {
        entries = fs.list(pattern.dir) ?? [];
      } catch (err) {
        invalid.push({
          path: `${pattern.dir}/${pattern.pattern}`,
          exists: false,
          error: `cannot list: ${errorMessage(err)}`,
        });
        continue;
      }
      for (const entry of entries) {
        if (matchesStarPattern(pattern.pattern, entry.name)) {
          paths.add(pattern.dir === '/' ? `/${entry.name}` : `${pattern.dir}/${entry.name}`);
        }
      }
    }
  }
  for (const path of managedDropIns(fs)) paths.add(path);
  return { paths: [...paths].sort(), invalid };
}

/**
 * driftguard's own drop-ins (`/etc/systemd/system/UNIT.d/50-driftguard.conf`), recorded like
 * the built-in watches so that a plan can add a line to one without losing what it holds.
 */
function managedDropIns(fs: RootFs): string[] {
  let entries;
  try {
    entries = fs.list(SYSTEM_UNIT_DIR) ?? [];
  } catch {
    return []; // the units collector reports an unreadable unit directory
  }
  return entries
    .filter((entry) => entry.type === 'directory' && entry.name.endsWith('.d'))
    .map((entry) => `${SYSTEM_UNIT_DIR}/${entry.name}/${MANAGED_DROP_IN_NAME}`)
    .filter((path) => {
      try {
        return fs.lstat(path) !== undefined;
      } catch {
        return false;
      }
    });
}

function ownership(stat: FileStat, names: OwnerNames): { owner: string; group: string } {
  return {
    owner: names.users.get(stat.uid) ?? String(stat.uid),
    group: names.groups.get(stat.gid) ?? String(stat.gid),
  };
}

/**
 * Content facts of a regular file (the path itself or a symlink's destination). The text is
 * kept only for a file that is not sensitive and may be kept (parse.ts), with secret values
 * redacted (redact.ts); `watchedPath` is the path as watched, which the redaction markers hash.
 */
function describeContent(
  fs: RootFs,
  watchedPath: string,
  stat: FileStat,
  secretNames: string[],
  sensitive: boolean,
): Partial<FileInfo> {
  if (stat.size > MAX_HASHED_BYTES) {
    return { size: stat.size, error: `larger than ${MAX_HASHED_BYTES} bytes: not hashed` };
  }
  let content: Buffer | undefined;
  try {
    content = fs.readBytes(watchedPath);
  } catch (err) {
    return { size: stat.size, error: `cannot read: ${errorMessage(err)}` };
  }
  if (content === undefined) return { size: stat.size, error: 'vanished while being read' };
  const info: Partial<FileInfo> = { sha256: `sha256:${sha256Hex(content)}`, size: content.length };
  if (!sensitive && mayKeepText(stat.mode, secretNames)) {
    const text = decodeText(content);
    if (text !== undefined) {
      const redaction = redactSecrets(text, watchedPath);
      info.text = redaction.text;
      if (redaction.redacted) info.redacted = true;
    }
  }
  return info;
}

function basename(watchedPath: string): string {
  return watchedPath.slice(watchedPath.lastIndexOf('/') + 1);
}

/**
 * Everything recorded about one path. A sensitive path is marked `redacted` before anything is
 * read: whatever happens next (the sweep only has its hash), no text of it is ever recorded.
 */
export function describePath(fs: RootFs, nodePath: string, names: OwnerNames, sensitive = false): FileInfo {
  let stat: FileStat | undefined;
  try {
    stat = fs.lstat(nodePath);
  } catch (err) {
    return { path: nodePath, exists: false, error: `cannot stat: ${errorMessage(err)}` };
  }
  if (!stat) return { path: nodePath, exists: false };

  const base: FileInfo = {
    path: nodePath,
    exists: true,
    type: stat.type,
    ...(sensitive && stat.type !== 'directory' ? { redacted: true as const } : {}),
  };
  switch (stat.type) {
    case 'file':
      return {
        ...base,
        mode: formatMode(stat.mode),
        ...ownership(stat, names),
        ...describeContent(fs, nodePath, stat, [basename(nodePath)], sensitive),
      };
    case 'symlink': {
      const target = fs.readlink(nodePath);
      const info: FileInfo = { ...base, ...ownership(stat, names) };
      if (target !== undefined) info.target = target;
      let destination: FileStat | undefined;
      try {
        destination = fs.stat(nodePath);
      } catch {
        destination = undefined; // a loop or an unreadable directory on the way: the target says enough
      }
      if (destination?.type === 'file') {
        const secretNames = [basename(nodePath), ...(target === undefined ? [] : [basename(target)])];
        Object.assign(info, describeContent(fs, nodePath, destination, secretNames, sensitive));
      }
      return info;
    }
    default:
      return { ...base, mode: formatMode(stat.mode), ...ownership(stat, names) };
  }
}

export function collectFiles(
  fs: RootFs,
  watchPaths: readonly string[],
  sensitivePaths: readonly string[] = [],
): FilesState {
  const names = readOwnerNames(fs);
  const { paths, invalid } = expandWatchPaths(fs, watchPaths);
  const sensitive = new Set(sensitivePaths);
  const items: Record<string, FileInfo> = {};
  for (const info of invalid) items[info.path] = info;
  for (const nodePath of paths) items[nodePath] = describePath(fs, nodePath, names, sensitive.has(nodePath));
  return { items };
}

export const filesCollector: Collector<'files'> = {
  category: 'files',
  collect(ctx) {
    return Promise.resolve().then(() => collectFiles(ctx.fs, ctx.watchPaths, ctx.sensitivePaths));
  },
};
