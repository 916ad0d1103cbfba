/**
 * The local half of the remote script's protocol (src/sweep/remote-script.ts): cuts the byte
 * stream into batches, decodes each batch's sections, and files what they say into a
 * {@link SnapshotRootFs} and a {@link CapturedCommands}. Pure: bytes and the requests that were
 * sent in, snapshot facts out; no I/O.
 */
import type { SnapshotRootFs, SnapshotStat } from '../collect/snapshot-fs';
import type { EntryType } from '../collect/root-fs';
import { CommandError } from '../shared/errors';
import type { CapturedCommands } from './captured-commands';
import type { CommandId } from './commands';
import { COMMAND_IDS } from './commands';
import { isNeverRead } from './manifest';
import { DUMP_GREETING } from './remote-script';
import type { PathRequest, Request } from './requests';
import { LISTING_DEPTH, isKernelPath, nodePathFromWire, wirePath } from './requests';
import { readTar } from './tar';
import { isVolatileKernelPath } from './volatile-kernel';

/** One answer of the script: exit codes of the commands it ran and its section files. */
export interface RawBatch {
  number: number;
  /**
   * The sha256 of the answer's body, as the node computed it: `same` when it equals the digest
   * the batch carried (then there are no sections: the client holds this answer already).
   */
  digest?: { hex: string; same: boolean };
  exitCodes: Map<string, number>;
  sections: Map<string, Buffer>;
  /** Bytes this batch took on the wire. */
  bytes: number;
}

const END_MARK = Buffer.from('\n@end\n');

/**
 * Cuts the script's stdout into batches as chunks arrive. Chunks are only joined once a whole
 * batch is there, so a multi-megabyte answer is copied once, not once per chunk.
 */
export class DumpStream {
  private chunks: Buffer[] = [];
  private length = 0;
  private greeted = false;
  private header:
    { end: number; sizes: { name: string; size: number }[]; total: number; raw: string } | undefined;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Bytes received and not yet handed out as a batch. */
  get buffered(): number {
    return this.length;
  }

  /** The next complete batch, or undefined when more bytes are needed. */
  takeBatch(): RawBatch | undefined {
    if (!this.greeted) {
      if (this.length < DUMP_GREETING.length) return undefined;
      const head = this.joined().subarray(0, DUMP_GREETING.length).toString('latin1');
      if (head !== DUMP_GREETING) {
        throw new CommandError(
          `the node did not answer like driftguard's sweep script: ${JSON.stringify(head)}`,
        );
      }
      this.consume(DUMP_GREETING.length);
      this.greeted = true;
    }
    if (!this.header) {
      const all = this.joined();
      const mark = all.indexOf(END_MARK);
      if (mark < 0) return undefined;
      const raw = all.subarray(0, mark + 1).toString('utf8');
      const sizes = parseSizes(raw);
      this.header = {
        end: mark + END_MARK.length,
        sizes,
        total: sizes.reduce((sum, section) => sum + section.size, 0),
        raw,
      };
    }
    const { end, sizes, total, raw } = this.header;
    if (this.length < end + total) return undefined;
    const all = this.joined();
    const sections = new Map<string, Buffer>();
    let offset = end;
    for (const { name, size } of sizes) {
      sections.set(name, all.subarray(offset, offset + size));
      offset += size;
    }
    this.consume(end + total);
    this.header = undefined;
    const { number, exitCodes, digest } = parseHeaderLines(raw);
    return { number, exitCodes, sections, bytes: end + total, ...(digest ? { digest } : {}) };
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(count: number): void {
    const rest = this.joined().subarray(count);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
  }
}

/**
 * `wc -c` lines: `  SIZE NAME`, NAME relative to the script's temporary directory (older scripts
 * printed `/tmp/driftguard.XXXX/NAME`: the last component is the name either way). The closing
 * `total` line is not a section: it is the last line, and no section is named `total`.
 */
function parseSizes(header: string): { name: string; size: number }[] {
  const sizes: { name: string; size: number }[] = [];
  for (const line of header.split('\n')) {
    const match = /^\s*(\d+) (.*)$/.exec(line);
    if (!match || line.startsWith('@')) continue;
    const file = match[2] as string;
    const name = file.slice(file.lastIndexOf('/') + 1);
    if (name === 'total' && !file.includes('/')) continue;
    sizes.push({ name, size: Number(match[1]) });
  }
  return sizes;
}

const DIGEST_LINE = /^@(same|digest) ([0-9a-f]{64})$/;

function parseHeaderLines(header: string): {
  number: number;
  exitCodes: Map<string, number>;
  digest?: { hex: string; same: boolean };
} {
  let number = 0;
  let digest: { hex: string; same: boolean } | undefined;
  const exitCodes = new Map<string, number>();
  for (const line of header.split('\n')) {
    const fingerprint = DIGEST_LINE.exec(line);
    if (fingerprint) digest = { hex: fingerprint[2] as string, same: fingerprint[1] === 'same' };
    else if (line.startsWith('@batch ')) number = Number(line.slice(7));
    else if (line.startsWith('@rc ')) {
      const [, id, code] = line.split(' ');
      // No code: the command's subshell died before writing one.
      exitCodes.set(id as string, code === undefined || code === '' ? 255 : Number(code));
    }
  }
  return { number, exitCodes, ...(digest ? { digest } : {}) };
}

// ---- sections ---------------------------------------------------------------------------------

export interface StatRecord {
  /** As find printed it: `./etc/fstab`. */
  wire: string;
  stat: SnapshotStat;
}

const FIND_TYPES: Record<string, EntryType> = { f: 'file', d: 'directory', l: 'symlink' };

/** find -printf '%y %m %U %G %s %p\0%l\0' records. */
export function parseStatRecords(data: Buffer): StatRecord[] {
  // One decode and one split for the whole section: thousands of records per batch.
  const fields = data.toString('utf8').split('\0');
  const records: StatRecord[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const head = fields[i] as string;
    // Five space-separated numbers and letters, then the path (which may hold spaces).
    const s1 = head.indexOf(' ');
    const s2 = head.indexOf(' ', s1 + 1);
    const s3 = head.indexOf(' ', s2 + 1);
    const s4 = head.indexOf(' ', s3 + 1);
    const s5 = head.indexOf(' ', s4 + 1);
    if (s5 < 0) continue;
    const stat: SnapshotStat = {
      type: FIND_TYPES[head.slice(0, s1)] ?? 'other',
      mode: parseInt(head.slice(s1 + 1, s2), 8),
      uid: Number(head.slice(s2 + 1, s3)),
      gid: Number(head.slice(s3 + 1, s4)),
      size: Number(head.slice(s4 + 1, s5)),
    };
    if (stat.type === 'symlink') stat.target = fields[i + 1] as string;
    records.push({ wire: head.slice(s5 + 1), stat });
  }
  return records;
}

/** NUL-separated pairs (alias sections). */
function parsePairs(data: Buffer): [string, string][] {
  const words = data.toString('utf8').split('\0');
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < words.length; i += 2) pairs.push([words[i] as string, words[i + 1] as string]);
  return pairs;
}

/** grep -r -H -Z '' output: `PATH\0LINE\n` per line; the lines of each file, newlines kept. */
export function parseKernelData(data: Buffer): Map<string, Buffer[]> {
  const lines = new Map<string, Buffer[]>();
  let pos = 0;
  while (pos < data.length) {
    const nul = data.indexOf(0, pos);
    if (nul < 0) break;
    let end = data.indexOf(0x0a, nul + 1);
    if (end < 0) end = data.length - 1;
    const wire = data.subarray(pos, nul).toString('utf8');
    const line = data.subarray(nul + 1, end + 1);
    const list = lines.get(wire);
    if (list) list.push(line);
    else lines.set(wire, [line]);
    pos = end + 1;
  }
  return lines;
}

/** strerror() texts in the C locale → errno names, for the errors grep and tar print. */
const ERRNO_BY_TEXT: Record<string, string> = {
  'No such file or directory': 'ENOENT',
  'Not a directory': 'ENOTDIR',
  'Permission denied': 'EACCES',
  'Operation not permitted': 'EPERM',
  'Input/output error': 'EIO',
  'Invalid argument': 'EINVAL',
  'Operation not supported': 'EOPNOTSUPP',
  'No such device': 'ENODEV',
  'No such device or address': 'ENXIO',
  'Is a directory': 'EISDIR',
  'No data available': 'ENODATA',
  'Resource temporarily unavailable': 'EAGAIN',
};

export interface ToolError {
  code: string;
  message: string;
}

/**
 * `TOOL: PATH: [what: ]strerror` lines, keyed by the wire path. Paths may hold `: `, so the
 * path is the longest prefix that names something asked about or listed (`known`).
 */
export function parseToolErrors(
  data: Buffer,
  tool: string,
  known: (wire: string) => boolean,
): Map<string, ToolError> {
  const errors = new Map<string, ToolError>();
  const prefix = `${tool}: `;
  for (const line of data.toString('utf8').split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    let cut = rest.lastIndexOf(': ');
    while (cut > 0 && !known(rest.slice(0, cut))) cut = rest.lastIndexOf(': ', cut - 1);
    if (cut <= 0) continue;
    const wire = rest.slice(0, cut);
    const text = rest.slice(rest.lastIndexOf(': ') + 2);
    errors.set(wire, { code: ERRNO_BY_TEXT[text] ?? 'EIO', message: rest.slice(cut + 2) });
  }
  return errors;
}

/** sha256sum -z lines: `HEX  PATH\0`. */
function parseHashes(data: Buffer): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const record of data.toString('utf8').split('\0')) {
    if (record.length < 66) continue;
    hashes.set(record.slice(66), record.slice(0, 64));
  }
  return hashes;
}

// ---- filing a batch into the snapshot --------------------------------------------------------

const NEVER_READ_REASON = 'never read by a sweep (password hashes and host private keys stay on the node)';
const HASH_ONLY_REASON = 'a secret: only its sha256 left the node';
const VOLATILE_REASON = 'changes by itself on every read: not read by a sweep (src/sweep/volatile-kernel.ts)';

/**
 * Files one answer into the snapshot, given the requests it answers. Paths are filed where
 * they are on the node: a path the script reached through a symlinked directory
 * (`./lib/systemd/system/x` with /lib → usr/lib) is filed under the symlink's target, so the
 * snapshot resolves symlinks itself exactly as DiskRootFs does.
 */
export function applyBatch(
  snapshot: SnapshotRootFs,
  commands: CapturedCommands,
  sent: readonly Request[],
  batch: RawBatch,
): void {
  const section = (name: string): Buffer => batch.sections.get(name) ?? Buffer.alloc(0);
  const records = parseStatRecords(section('stat'));
  // Where each printed path belongs. Records come parents first, so a directory's place is
  // worked out once and every entry in it is filed under it without walking its path again.
  const placeOf = new Map<string, string>();
  const dirPlaceOf = new Map<string, string>();
  const place = (wire: string): string => {
    let where = placeOf.get(wire);
    if (where === undefined) {
      const nodePath = nodePathFromWire(wire);
      const slash = wire.lastIndexOf('/');
      if (isKernelPath(nodePath)) where = nodePath;
      else if (slash <= 1 || slash === wire.length - 1) where = snapshot.canonicalPath(nodePath);
      else {
        const parentWire = wire.slice(0, slash);
        let dir = dirPlaceOf.get(parentWire);
        if (dir === undefined) {
          dir = snapshot.canonicalPath(nodePathFromWire(parentWire), true);
          dirPlaceOf.set(parentWire, dir);
        }
        where = dir === '/' ? `/${wire.slice(slash + 1)}` : `${dir}/${wire.slice(slash + 1)}`;
      }
      placeOf.set(wire, where);
    }
    return where;
  };

  // In the order printed: the script runs the lstat requests (every ancestor of what is asked)
  // first, and find prints a directory before its entries, so a path's symlinked ancestors are
  // always filed before the path is placed through them.
  const reported = new Set<string>();
  for (const record of records) {
    snapshot.setEntry(place(record.wire), record.stat);
    reported.add(record.wire);
  }

  const aliased = new Set<string>();
  for (const [alias, same] of parsePairs(section('alias'))) {
    aliased.add(alias);
    const from = place(alias);
    const to = place(same);
    if (from !== to) snapshot.bind(from, to);
  }

  const pathRequests = sent.filter((request): request is PathRequest => request.op !== 'command');
  const kernelRequests = pathRequests.filter((request) => request.op === 'kernel');
  for (const request of pathRequests) {
    if (request.op === 'kernel') continue;
    const wire = wirePath(request.path);
    if (!reported.has(wire) && !aliased.has(wire)) snapshot.markAbsent(place(wire));
  }
  markListings(snapshot, pathRequests, records, place);

  // Kernel files: values, read errors, and empty files (listed or asked for, no line, no error).
  const kernelLines = parseKernelData(section('kdata'));
  const kernelWires = new Set(kernelRequests.map((request) => wirePath(request.path)));
  const isKernelKnown = (wire: string): boolean =>
    kernelLines.has(wire) || kernelWires.has(wire) || reported.has(wire);
  const kernelErrors = parseToolErrors(section('kerr'), 'grep', isKernelKnown);
  for (const [wire, error] of kernelErrors) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') snapshot.markAbsent(place(wire));
    else snapshot.setContentGap(place(wire), { kind: 'read-error', ...error });
  }
  for (const [wire, lines] of kernelLines) snapshot.setContent(place(wire), Buffer.concat(lines));
  // A listed kernel file under a kernel request with neither lines nor error reads empty —
  // unless it is one the script leaves out because it changes by itself (never read here).
  const kernelDirs = [...kernelWires].filter((wire) =>
    records.some((r) => r.wire === wire && r.stat.type === 'directory'),
  );
  const fileKernelGap = (wire: string): void => {
    const where = place(wire);
    if (isVolatileKernelPath(where))
      snapshot.setContentGap(where, { kind: 'withheld', reason: VOLATILE_REASON });
    else snapshot.setContent(where, Buffer.alloc(0));
  };
  for (const record of records) {
    if (record.stat.type !== 'file' || kernelLines.has(record.wire) || kernelErrors.has(record.wire))
      continue;
    if (kernelDirs.some((dir) => record.wire.startsWith(`${dir}/`))) fileKernelGap(record.wire);
  }
  for (const wire of kernelWires) {
    if (kernelLines.has(wire) || kernelErrors.has(wire) || kernelDirs.includes(wire)) continue;
    fileKernelGap(wire); // a single kernel file that reads empty
  }

  // Regular files: contents from tar, read errors tar reported, hashes of secrets.
  // Errors first: tar also warns about files it did archive ("file changed as we read it").
  const tarErrors = parseToolErrors(section('terr'), 'tar', (wire) => reported.has(wire));
  for (const [wire, error] of tarErrors)
    snapshot.setContentGap(place(wire), { kind: 'read-error', ...error });
  for (const file of readTar(section('tar'))) snapshot.setContent(place(file.name), file.content);
  for (const [wire, sha256] of parseHashes(section('hash'))) {
    snapshot.setContentGap(place(wire), { kind: 'withheld', reason: HASH_ONLY_REASON, sha256 });
  }
  for (const record of records) {
    if (record.stat.type === 'file' && isNeverRead(place(record.wire))) {
      snapshot.setContentGap(place(record.wire), { kind: 'withheld', reason: NEVER_READ_REASON });
    }
  }

  for (const [id, code] of batch.exitCodes) {
    if (!(COMMAND_IDS as string[]).includes(id)) continue;
    commands.set(id as CommandId, {
      code,
      stdout: section(`c.${id}.out`).toString('utf8'),
      stderr: section(`c.${id}.err`).toString('utf8'),
    });
  }
}

/**
 * Directories whose every child the batch reported: the listed directory itself and, for a
 * deeper listing, its subdirectories down to the requested depth.
 */
function markListings(
  snapshot: SnapshotRootFs,
  requests: readonly PathRequest[],
  records: readonly StatRecord[],
  place: (wire: string) => string,
): void {
  const listings = new Map<string, number | undefined>();
  for (const request of requests) {
    if (!(request.op in LISTING_DEPTH)) continue;
    listings.set(wirePath(request.path).replace(/\/$/, '') || '.', LISTING_DEPTH[request.op]);
  }
  if (listings.size === 0) return;
  for (const record of records) {
    if (record.stat.type !== 'directory') continue;
    let ancestor = record.wire.replace(/\/$/, '') || '.';
    for (let levels = 0; ; levels++) {
      if (listings.has(ancestor)) {
        const depth = listings.get(ancestor);
        if (depth === undefined || levels < depth) {
          snapshot.markListed(place(record.wire));
          break;
        }
      }
      const slash = ancestor.lastIndexOf('/');
      if (slash <= 0) break;
      ancestor = ancestor.slice(0, slash);
    }
  }
}
