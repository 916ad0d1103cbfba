/**
 * The agent's spool: every report waits here, one file per report, until the server has it.
 *
 * - A report is written atomically (temp file, fsync, rename) before anyone tries to send it,
 *   and removed only when the server says it has it (or that it never will); so kill -9 or a
 *   power cut at any moment loses no report and leaves no half-written one.
 * - Files are named `<reportId>.json`; report ids sort in the order of collection
 *   (report-ids.ts), so lexical order of the names is the delivery order.
 * - Bounded by count and bytes. When over, the oldest deltas and heartbeats go first, then the
 *   oldest full reports; the newest report and the one being sent are never dropped. The agent
 *   sends a full report next, so the server's picture heals even though some history is lost.
 * - Consecutive heartbeats are coalesced: a new heartbeat replaces an undelivered heartbeat just
 *   before it (both say "nothing changed"; the newer says it later). A week-long outage then
 *   costs one file, not 10,000.
 * - A file the server will never accept (schema, size) moves to `quarantine/` with the reason,
 *   so it neither blocks the queue forever nor disappears without a trace.
 * - One agent per spool: a `.lock` file holds the owner's pid (a dead owner's lock is taken over).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report, ReportKind } from '../src/model/report';
import { REPORT_SCHEMA_ID, reportKind } from '../src/model/report';
import type { Category } from '../src/model/state';
import { writeFileAtomic } from '../src/shared/atomic-write';
import { IoError, errorMessage } from '../src/shared/errors';

export interface SpoolLimits {
  maxReports: number;
  maxBytes: number;
}

/** A week of one report a minute with nothing changing fits many times over; 100 MiB bounds the disk. */
export const DEFAULT_SPOOL_LIMITS: SpoolLimits = { maxReports: 10_000, maxBytes: 100 * 1024 * 1024 };

/** Quarantined files kept for the operator to look at; older ones are removed. */
const QUARANTINE_KEEP = 100;

export interface SpooledReport {
  /** File name in the spool directory: `<reportId>.json`. */
  file: string;
  reportId: string;
  kind: ReportKind;
  collectedAt: string;
  bytes: number;
  hashes: Partial<Record<Category, string>>;
  /** Categories whose content the file carries. */
  sent: Category[];
}

export interface AppendResult {
  entry: SpooledReport;
  /** Undelivered heartbeats this one replaced. */
  coalesced: SpooledReport[];
  /** Reports dropped to stay within the limits. */
  evicted: SpooledReport[];
}

export interface OpenedSpool {
  spool: Spool;
  /** Files found unreadable at open, moved to quarantine/ (the caller logs them). */
  quarantined: { file: string; reason: string }[];
}

const REPORT_FILE = /^[A-Za-z0-9._:@-]{1,128}\.json$/;

function entryOf(file: string, report: Report, bytes: number): SpooledReport {
  return {
    file,
    reportId: report.reportId,
    kind: reportKind(report),
    collectedAt: report.collectedAt,
    bytes,
    hashes: { ...report.hashes },
    sent: Object.keys(report.categories) as Category[],
  };
}

/** Enough of a report's shape to spool it again; the server checks the rest. */
function parseSpooled(file: string, text: string): Report {
  const report = JSON.parse(text) as Partial<Report> | null;
  if (
    !report ||
    report.schema !== REPORT_SCHEMA_ID ||
    `${report.reportId}.json` !== file ||
    typeof report.collectedAt !== 'string' ||
    typeof report.hashes !== 'object' ||
    report.hashes === null ||
    typeof report.categories !== 'object' ||
    report.categories === null
  ) {
    throw new Error(`not a ${REPORT_SCHEMA_ID} document named after its reportId`);
  }
  return report as Report;
}

/** A lock file as found: its inode, and its text ('' for a link to nothing). */
interface FoundLock {
  ino: number;
  text: string;
}

/** The lock at `file`, or undefined when there is none (gone meanwhile: its owner exited). */
function lockAt(file: string): FoundLock | undefined {
  const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';
  let ino: number;
  try {
    ino = fs.lstatSync(file).ino;
  } catch (err) {
    if (missing(err)) return undefined;
    throw err;
  }
  try {
    return { ino, text: fs.readFileSync(file, 'utf8') };
  } catch (err) {
    if (missing(err)) return { ino, text: '' }; // a link to nothing
    throw err;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

function fsyncDir(dir: string): void {
  // The rename that made a report file appear is durable only once its directory is on disk.
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class Spool {
  /** Oldest first. */
  private readonly queue: SpooledReport[] = [];
  private totalBytes = 0;
  /** The file being delivered: not evicted, coalesced or quarantined behind the sender's back. */
  busy: string | undefined;

  private constructor(
    readonly dir: string,
    readonly limits: SpoolLimits,
    private readonly lockFile: string,
  ) {}

  static open(dir: string, limits: SpoolLimits = DEFAULT_SPOOL_LIMITS): OpenedSpool {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new IoError(`cannot create the spool directory ${dir}: ${errorMessage(err)}`, err);
    }
    const spool = new Spool(dir, limits, Spool.lock(dir));
    const quarantined: { file: string; reason: string }[] = [];
    for (const name of fs.readdirSync(dir).sort()) {
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        fs.rmSync(path.join(dir, name), { force: true }); // a write cut short by a crash
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const full = path.join(dir, name);
      try {
        if (!REPORT_FILE.test(name)) throw new Error('not a report file name');
        const text = fs.readFileSync(full, 'utf8');
        const report = parseSpooled(name, text);
        spool.queue.push(entryOf(name, report, Buffer.byteLength(text)));
        spool.totalBytes += Buffer.byteLength(text);
      } catch (err) {
        const reason = `unreadable spool file: ${errorMessage(err)}`;
        spool.moveToQuarantine(name, reason);
        quarantined.push({ file: name, reason });
      }
    }
    return { spool, quarantined };
  }

  private static lock(dir: string): string {
    const file = path.join(dir, '.lock');
    for (let attempt = 0; ; attempt++) {
      try {
        fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
          throw new IoError(`cannot lock the spool ${dir}: ${errorMessage(err)}`, err);
        }
      }
      let found: FoundLock | undefined;
      try {
        found = lockAt(file);
      } catch (err) {
        throw new IoError(`cannot lock the spool ${dir}: ${errorMessage(err)}`, err);
      }
      const owner = Number(found?.text ?? ''); // Number() ignores the newline and any blanks; '' is 0, no one
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new IoError(`the spool ${dir} is in use by process ${owner} (another driftguard agent?)`);
      }
      // Left by an agent that is gone (kill -9, power cut).
      if (found !== undefined && !Spool.takeAside(dir, file, found)) {
        throw new IoError(
          `the spool ${dir} is in use by another driftguard agent, started at the same moment`,
        );
      }
    }
  }

  /**
   * Takes a stale lock out of the way, and only the one judged stale: renamed aside first —
   * atomic, so of two agents that judged it, one moves it and the other finds it gone — then,
   * when what was moved is a lock written since (a live agent's: another inode or another pid;
   * a freed inode is soon reused, so both are compared), put back with link(2), which never
   * replaces one. False when the lock moved was another agent's.
   */
  private static takeAside(dir: string, file: string, judged: FoundLock): boolean {
    const aside = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true; // another agent took it
      throw new IoError(`cannot lock the spool ${dir}: ${errorMessage(err)}`, err);
    }
    try {
      const moved = lockAt(aside);
      if (moved?.ino === judged.ino && moved.text === judged.text) return true;
      try {
        fs.linkSync(aside, file);
      } catch {
        // a newer lock is there already: its agent holds the spool
      }
      return false;
    } finally {
      fs.rmSync(aside, { force: true });
    }
  }

  /** Releases the lock; the spooled reports stay for the next run. */
  close(): void {
    try {
      if (fs.readFileSync(this.lockFile, 'utf8').trim() === String(process.pid)) fs.rmSync(this.lockFile);
    } catch {
      // already gone: nothing to release
    }
  }

  get count(): number {
    return this.queue.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  list(): readonly SpooledReport[] {
    return this.queue;
  }

  oldest(): SpooledReport | undefined {
    return this.queue[0];
  }

  newest(): SpooledReport | undefined {
    return this.queue[this.queue.length - 1];
  }

  append(report: Report): AppendResult {
    const file = `${report.reportId}.json`;
    const newest = this.newest();
    if (!REPORT_FILE.test(file))
      throw new IoError(`cannot spool report id ${JSON.stringify(report.reportId)}`);
    if (newest && file <= newest.file) {
      // Delivery order is file order: a report that sorts before a spooled one would overtake it.
      throw new IoError(`report ${report.reportId} does not sort after the spooled ${newest.reportId}`);
    }
    const text = JSON.stringify(report);
    this.write(file, text);
    const entry = entryOf(file, report, Buffer.byteLength(text));

    const coalesced: SpooledReport[] = [];
    if (entry.kind === 'heartbeat' && newest?.kind === 'heartbeat' && newest.file !== this.busy) {
      this.remove(newest);
      coalesced.push(newest);
    }
    this.queue.push(entry);
    this.totalBytes += entry.bytes;
    return { entry, coalesced, evicted: this.enforceLimits() };
  }

  read(entry: SpooledReport): Report {
    const full = path.join(this.dir, entry.file);
    try {
      return parseSpooled(entry.file, fs.readFileSync(full, 'utf8'));
    } catch (err) {
      throw new IoError(`cannot read the spooled report ${full}: ${errorMessage(err)}`, err);
    }
  }

  /** Rewrites a spooled report in place (same id, more content): it keeps its place in the queue. */
  replace(entry: SpooledReport, report: Report): SpooledReport {
    const index = this.queue.indexOf(entry);
    if (index < 0 || report.reportId !== entry.reportId)
      throw new IoError(`report ${entry.reportId} is not in the spool`);
    const text = JSON.stringify(report);
    this.write(entry.file, text);
    const updated = entryOf(entry.file, report, Buffer.byteLength(text));
    this.queue[index] = updated;
    this.totalBytes += updated.bytes - entry.bytes;
    return updated;
  }

  /** Done with this report (delivered, superseded, or given up on). */
  remove(entry: SpooledReport): void {
    const index = this.queue.indexOf(entry);
    if (index < 0) return;
    fs.rmSync(path.join(this.dir, entry.file), { force: true });
    this.queue.splice(index, 1);
    this.totalBytes -= entry.bytes;
  }

  /**
   * Moves a report the server will never take to quarantine/, with the reason beside it. The entry
   * leaves the queue even when the move fails (its file vanished): the caller need not remove it.
   */
  quarantine(entry: SpooledReport, reason: string): string {
    const index = this.queue.indexOf(entry);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.totalBytes -= entry.bytes;
    }
    return this.moveToQuarantine(entry.file, reason);
  }

  /**
   * The content of `category` at `hash`, from a spooled report that carries it — for a report
   * the server asks to complete (the report that first carried it was dropped or superseded).
   */
  findContent(category: Category, hash: string): unknown {
    for (const entry of this.queue) {
      if (entry.hashes[category] !== hash || !entry.sent.includes(category)) continue;
      const value = this.read(entry).categories[category];
      if (value !== undefined) return value;
    }
    return undefined;
  }

  private write(file: string, text: string): void {
    const target = path.join(this.dir, file);
    writeFileAtomic(target, text, 0o600); // its IoError names the file
    try {
      fsyncDir(this.dir);
    } catch (err) {
      throw new IoError(`cannot write ${target}: ${errorMessage(err)}`, err);
    }
  }

  private moveToQuarantine(file: string, reason: string): string {
    const dir = path.join(this.dir, 'quarantine');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const target = path.join(dir, file);
    fs.renameSync(path.join(this.dir, file), target);
    fs.writeFileSync(`${target}.reason`, reason + '\n', { mode: 0o600 });
    const kept = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
    for (const old of kept.slice(0, Math.max(0, kept.length - QUARANTINE_KEEP))) {
      fs.rmSync(path.join(dir, old), { force: true });
      fs.rmSync(path.join(dir, `${old}.reason`), { force: true });
    }
    return target;
  }

  private enforceLimits(): SpooledReport[] {
    const evicted: SpooledReport[] = [];
    while (this.queue.length > this.limits.maxReports || this.totalBytes > this.limits.maxBytes) {
      const candidates = this.queue.slice(0, -1).filter((entry) => entry.file !== this.busy);
      const victim = candidates.find((entry) => entry.kind !== 'full') ?? candidates[0];
      if (!victim) break; // only the newest (and the one in flight) left: keep them however big
      this.remove(victim);
      evicted.push(victim);
    }
    return evicted;
  }
}
