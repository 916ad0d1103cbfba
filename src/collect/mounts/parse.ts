/**
 * /proc/PID/mountinfo (proc(5)) — pure parser, text in, mounts out.
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2) (3)   (4)   (5)      (6)      (7)   (8) (9)   (10)         (11)
 *
 * The optional fields (7) vary in number, so the lone `-` field (8) is what separates the two
 * halves. The kernel escapes space, tab, newline and backslash in paths as `\ooo`. The source
 * (10) may be empty, which shows as two spaces in a row; the super options (11) may not. Like
 * util-linux 2.39 and later we drop the ` (deleted)` suffix the kernel appends to a mount point
 * whose directory was removed — util-linux 2.38 (Debian 12's findmnt) keeps it; see
 * docs/architecture.md for why. Ids are C ints as libmount reads them (too large: the line is
 * refused; within a 64-bit long: wrapped to 32 bits).
 */
import type { LiveMount } from '../../model/state';
import { decodeOctalEscapes, parseCInt } from '../parsers/fstab';

/** One line of mountinfo, before over-mounts are resolved. */
export type MountinfoEntry = Omit<LiveMount, 'overmounted'>;

export interface ParsedMountinfo {
  entries: MountinfoEntry[];
  /** Lines that are not mountinfo (1-based line numbers), skipped as libmount skips them. */
  badLines: number[];
}

const DELETED_SUFFIX = '\\040(deleted)';

function splitOptions(field: string): string[] {
  return field === '' ? [] : field.split(',');
}

/** `%d` of libmount's sscanf: a C int (see parseCInt), or undefined when the line is an error. */
function mountId(field: string | undefined): number | undefined {
  return field === undefined ? undefined : parseCInt(field);
}

/** Parses one line; undefined when it is not a mountinfo line. */
export function parseMountinfoLine(line: string): MountinfoEntry | undefined {
  // Single spaces separate fields; splitting on exactly one space keeps an empty source as ''.
  const fields = line.split(' ');
  const [id, parent, device, root, target, options] = fields;
  const mountIdValue = mountId(id);
  const parentId = mountId(parent);
  if (mountIdValue === undefined || parentId === undefined) return undefined;
  if (device === undefined || !/^[+-]?\d+:[+-]?\d+$/.test(device)) return undefined;
  if (root === undefined || target === undefined || options === undefined) return undefined;
  let separator = -1;
  for (let i = 6; i < fields.length; i++) {
    if (fields[i] === '-') {
      separator = i;
      break;
    }
  }
  // Type, source (which may be empty) and super options, which may not: libmount refuses a line
  // without them, or with them empty.
  if (separator < 0 || fields.length < separator + 4) return undefined;
  const fstype = fields[separator + 1] as string;
  const source = fields[separator + 2] as string;
  const superOptions = fields[separator + 3] as string;
  if (superOptions === '') return undefined;
  const mountPoint =
    target.endsWith(DELETED_SUFFIX) && target.length > DELETED_SUFFIX.length
      ? target.slice(0, -DELETED_SUFFIX.length)
      : target;
  return {
    mountPoint: decodeOctalEscapes(mountPoint),
    source: decodeOctalEscapes(source),
    fstype: decodeOctalEscapes(fstype),
    options: splitOptions(options),
    superOptions: splitOptions(decodeOctalEscapes(superOptions)),
    root: decodeOctalEscapes(root),
    mountId: mountIdValue,
    parentId,
    device,
  };
}

export function parseMountinfo(text: string): ParsedMountinfo {
  const entries: MountinfoEntry[] = [];
  const badLines: number[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line === '') continue;
    const entry = parseMountinfoLine(line);
    if (entry) entries.push(entry);
    else badLines.push(index + 1);
  }
  return { entries, badLines };
}

/**
 * The visible mount at each mount point. When several mounts share a mount point, each one
 * mounted later sits on the one it covers: its parent is that mount. So the visible mount is the
 * one that no other mount at the same point has as its parent, and `overmounted` counts the
 * mounts hidden beneath it at that point. File order is not trusted (mount propagation can
 * list a stack out of order). If a stack has no single top (a cycle, which a real kernel does not
 * produce), the last one listed wins, as libmount assumes.
 */
export function visibleMounts(entries: readonly MountinfoEntry[]): LiveMount[] {
  const byPoint = new Map<string, MountinfoEntry[]>();
  for (const entry of entries) {
    const stack = byPoint.get(entry.mountPoint);
    if (stack) stack.push(entry);
    else byPoint.set(entry.mountPoint, [entry]);
  }
  const visible = new Set<MountinfoEntry>();
  const hidden = new Map<MountinfoEntry, number>();
  for (const stack of byPoint.values()) {
    if (stack.length === 1) {
      visible.add(stack[0] as MountinfoEntry);
      continue;
    }
    const parentsInStack = new Set(stack.map((entry) => entry.parentId));
    const tops = stack.filter((entry) => !parentsInStack.has(entry.mountId));
    const top =
      tops.length > 0
        ? (tops[tops.length - 1] as MountinfoEntry)
        : (stack[stack.length - 1] as MountinfoEntry);
    visible.add(top);
    hidden.set(top, stack.length - 1);
  }
  const result: LiveMount[] = [];
  for (const entry of entries) {
    if (!visible.has(entry)) continue;
    const overmounted = hidden.get(entry);
    result.push(overmounted ? { ...entry, overmounted } : { ...entry });
  }
  return result;
}
