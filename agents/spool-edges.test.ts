/** The spool's limits at their exact boundaries, its refusals, what it does at open, and its lock. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Report } from '../src/model/report';
import { REPORT_SCHEMA_ID } from '../src/model/report';
import type { SpoolLimits } from './spool';
import { DEFAULT_SPOOL_LIMITS, Spool } from './spool';
import { NOBODY, SOMEONE, asUser, thenMeanwhile } from '../test/helpers/races';

const HASH = (n: number) => `sha256:${String(n).padStart(64, '0')}`;

function report(seq: number, kind: 'delta' | 'heartbeat' = 'delta'): Report {
  return {
    schema: REPORT_SCHEMA_ID,
    reportId: `run-${String(seq).padStart(4, '0')}`,
    node: 'n',
    collectedAt: '2026-11-22T10:00:00.000Z',
    hashes: { os: HASH(1), capacity: HASH(seq) },
    errors: [],
    categories: kind === 'heartbeat' ? {} : { capacity: { cpus: seq, memoryBytes: 0 } },
  };
}
const bytesOf = (r: Report) => Buffer.byteLength(JSON.stringify(r));

/** A whole error message, `<context>: <the system's error>`. */
function failure(context: string, systemError: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(context)}: ${escape(systemError)}$`);
}

describe('Spool, at the edges', () => {
  let tmp: string;
  let dir: string;
  let open: Spool[];
  const openSpool = (limits: SpoolLimits = { maxReports: 100, maxBytes: 1024 * 1024 }) => {
    const opened = Spool.open(dir, limits);
    open.push(opened.spool);
    return opened;
  };
  const names = (sub = '') => fs.readdirSync(path.join(dir, sub)).sort();

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-spool-edges-'));
    dir = path.join(tmp, 'spool');
    open = [];
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const spool of open) spool.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('defaults to 10,000 reports and 100 MiB', () => {
    expect(DEFAULT_SPOOL_LIMITS).toEqual({ maxReports: 10_000, maxBytes: 104_857_600 });
    expect(openSpool().spool.limits).toEqual({ maxReports: 100, maxBytes: 1024 * 1024 });
    open.pop()!.close();
    expect(Spool.open(dir).spool.limits).toBe(DEFAULT_SPOOL_LIMITS);
  });

  it('holds exactly maxReports, and drops one at maxReports + 1', () => {
    const { spool } = openSpool({ maxReports: 2, maxBytes: 1024 * 1024 });
    expect(spool.append(report(1)).evicted).toEqual([]);
    expect(spool.append(report(2)).evicted).toEqual([]);
    expect(spool.count).toBe(2);
    expect(spool.append(report(3)).evicted.map((e) => e.reportId)).toEqual(['run-0001']);
    expect(spool.count).toBe(2);
  });

  it('holds exactly maxBytes, and drops one a byte over', () => {
    const size = bytesOf(report(1)); // every report(n) with n < 10 has the same size
    const { spool } = openSpool({ maxReports: 100, maxBytes: 2 * size });
    spool.append(report(1));
    expect(spool.append(report(2)).evicted).toEqual([]);
    expect(spool.bytes).toBe(2 * size);
    open.pop()!.close();
    fs.rmSync(dir, { recursive: true });
    const { spool: tight } = openSpool({ maxReports: 100, maxBytes: 2 * size - 1 });
    tight.append(report(1));
    expect(tight.append(report(2)).evicted.map((e) => e.reportId)).toEqual(['run-0001']);
    expect(tight.bytes).toBe(size);
  });

  it('refuses a report id that cannot be a file name, and one equal to the newest', () => {
    const { spool } = openSpool();
    expect(() => spool.append({ ...report(1), reportId: '../escape' })).toThrow(
      'cannot spool report id "../escape"',
    );
    expect(() => spool.append({ ...report(1), reportId: 'x'.repeat(129) })).toThrow(/cannot spool report id/);
    spool.append({ ...report(1), reportId: 'x'.repeat(128) });
    open.pop()!.close();
    fs.rmSync(dir, { recursive: true });
    const { spool: again } = openSpool();
    again.append(report(1));
    expect(() => again.append(report(1))).toThrow('report run-0001 does not sort after the spooled run-0001');
    expect(names()).toEqual(['.lock', 'run-0001.json']);
  });

  it('does not coalesce a heartbeat into a report with content, nor content into a heartbeat', () => {
    const { spool } = openSpool();
    spool.append(report(1, 'heartbeat'));
    expect(spool.append(report(2)).coalesced).toEqual([]);
    expect(spool.append(report(3, 'heartbeat')).coalesced).toEqual([]);
    expect(spool.count).toBe(3);
  });

  it('keeps its byte count when it rewrites a report, and refuses one that is not its own', () => {
    const { spool } = openSpool();
    const entry = spool.append(report(1, 'heartbeat')).entry;
    const bigger = { ...report(1), categories: { capacity: { cpus: 1, memoryBytes: 123_456_789 } } };
    const updated = spool.replace(entry, bigger);
    expect(spool.bytes).toBe(bytesOf(bigger));
    expect(updated).toEqual({
      file: 'run-0001.json',
      reportId: 'run-0001',
      kind: 'delta',
      collectedAt: '2026-11-22T10:00:00.000Z',
      bytes: bytesOf(bigger),
      hashes: bigger.hashes,
      sent: ['capacity'],
    });
    expect(() => spool.replace(entry, bigger)).toThrow('report run-0001 is not in the spool'); // the old entry
    expect(() => spool.replace(updated, report(2))).toThrow('report run-0001 is not in the spool');
  });

  it('removes an entry once; removing it again changes nothing', () => {
    const { spool } = openSpool();
    const one = spool.append(report(1)).entry;
    spool.append(report(2));
    spool.remove(one);
    const bytes = spool.bytes;
    spool.remove(one);
    expect(spool.bytes).toBe(bytes);
    expect(spool.list().map((e) => e.reportId)).toEqual(['run-0002']);
  });

  it('finds content only in a report that carries it at that hash, first one first', () => {
    const { spool } = openSpool();
    spool.append({ ...report(1, 'heartbeat'), hashes: { capacity: HASH(9) } }); // names 9, carries nothing
    spool.append({ ...report(2), hashes: { capacity: HASH(9) } });
    spool.append({ ...report(3), hashes: { capacity: HASH(9) } });
    expect(spool.findContent('capacity', HASH(9))).toEqual({ cpus: 2, memoryBytes: 0 });
    expect(spool.findContent('os', HASH(9))).toBeUndefined();
    expect(spool.findContent('capacity', HASH(8))).toBeUndefined();
    // It does not even open a report that only names the hash (here one that could not be read).
    fs.writeFileSync(path.join(dir, 'run-0001.json'), '{broken');
    expect(spool.findContent('capacity', HASH(9))).toEqual({ cpus: 2, memoryBytes: 0 });
  });

  it('at open removes only dot-named temp files, leaves other files alone, quarantines bad names and documents', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.run-0009.json.1.2.tmp'), '{');
    fs.writeFileSync(path.join(dir, 'notes.tmp'), 'mine');
    fs.writeFileSync(path.join(dir, 'README'), 'mine');
    fs.writeFileSync(path.join(dir, 'bad name.json'), JSON.stringify(report(1)));
    fs.writeFileSync(path.join(dir, 'run-0002.json'), JSON.stringify({ ...report(2), schema: 'other@1' }));
    fs.writeFileSync(path.join(dir, 'run-0003.json'), 'null');
    fs.writeFileSync(path.join(dir, 'run-0004.json'), JSON.stringify({ ...report(4), hashes: null }));
    fs.writeFileSync(path.join(dir, 'run-0005.json'), JSON.stringify({ ...report(5), categories: null }));
    fs.writeFileSync(path.join(dir, 'run-0006.json'), JSON.stringify({ ...report(6), collectedAt: 6 }));
    fs.writeFileSync(path.join(dir, 'run-0007.json'), JSON.stringify(report(7)));
    const { spool, quarantined } = openSpool();
    const notADocument = `unreadable spool file: not a ${REPORT_SCHEMA_ID} document named after its reportId`;
    expect(quarantined).toEqual([
      { file: 'bad name.json', reason: 'unreadable spool file: not a report file name' },
      { file: 'run-0002.json', reason: notADocument },
      { file: 'run-0003.json', reason: notADocument },
      { file: 'run-0004.json', reason: notADocument },
      { file: 'run-0005.json', reason: notADocument },
      { file: 'run-0006.json', reason: notADocument },
    ]);
    expect(spool.list().map((e) => e.reportId)).toEqual(['run-0007']);
    expect(spool.bytes).toBe(bytesOf(report(7)));
    expect(names()).toEqual(['.lock', 'README', 'notes.tmp', 'quarantine', 'run-0007.json']);
    expect(fs.readFileSync(path.join(dir, 'quarantine', 'bad name.json.reason'), 'utf8')).toBe(
      'unreadable spool file: not a report file name\n',
    );
    expect(fs.statSync(path.join(dir, 'quarantine')).mode & 0o777).toBe(0o700);
  });

  it('keeps the 100 newest quarantined reports, removing older ones with their reasons', () => {
    fs.mkdirSync(path.join(dir, 'quarantine'), { recursive: true });
    for (let i = 1; i <= 100; i++) {
      const name = `old-${String(i).padStart(4, '0')}.json`;
      fs.writeFileSync(path.join(dir, 'quarantine', name), '{}');
      fs.writeFileSync(path.join(dir, 'quarantine', `${name}.reason`), 'x\n');
    }
    const { spool } = openSpool();
    const entry = spool.append(report(1)).entry;
    spool.quarantine(entry, 'refused');
    const left = names('quarantine');
    expect(left).toHaveLength(200);
    expect(left).not.toContain('old-0001.json');
    expect(left).not.toContain('old-0001.json.reason');
    expect(left).toContain('old-0002.json');
    expect(left).toContain('run-0001.json.reason');
    expect(fs.statSync(path.join(dir, 'quarantine', 'run-0001.json.reason')).mode & 0o777).toBe(0o600);
  });

  it('quarantining an entry no longer queued still moves its file', () => {
    const { spool } = openSpool();
    const entry = spool.append(report(1)).entry;
    spool.append(report(2));
    const moved = spool.quarantine(entry, 'r');
    const bytes = spool.bytes;
    fs.writeFileSync(path.join(dir, 'run-0001.json'), JSON.stringify(report(1))); // back again
    expect(spool.quarantine(entry, 'r')).toBe(moved);
    expect(spool.bytes).toBe(bytes);
    expect(spool.count).toBe(1);
  });

  it('takes over a lock holding garbage or its own pid, and leaves a lock it does not own at close', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.lock'), 'garbage\n');
    const { spool } = openSpool();
    expect(fs.readFileSync(path.join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    open.pop();
    const { spool: same } = Spool.open(dir); // the lock names this process: a restart under the same pid
    fs.writeFileSync(path.join(dir, '.lock'), `${process.ppid}\n`); // someone else's now
    spool.close();
    same.close();
    expect(fs.readFileSync(path.join(dir, '.lock'), 'utf8')).toBe(`${process.ppid}\n`);
    fs.rmSync(path.join(dir, '.lock'));
    same.close(); // already gone: nothing to release
  });

  it('says why it cannot create its directory', () => {
    fs.writeFileSync(path.join(tmp, 'file'), '');
    expect(() => Spool.open(path.join(tmp, 'file', 'spool'))).toThrow(
      new RegExp(`^cannot create the spool directory ${path.join(tmp, 'file', 'spool')}: .*(ENOTDIR|EEXIST)`),
    );
  });

  it('takes a quarantined entry off the queue and the byte count, even when its file vanished', () => {
    const { spool } = openSpool();
    const one = spool.append(report(1)).entry;
    const two = spool.append(report(2)).entry;
    const three = spool.append(report(3)).entry;
    spool.quarantine(one, 'refused');
    expect(spool.bytes).toBe(two.bytes + three.bytes);
    fs.rmSync(path.join(dir, two.file));
    expect(() => spool.quarantine(two, 'cannot be read')).toThrow(/ENOENT/);
    expect(spool.list()).toEqual([three]);
    expect(spool.bytes).toBe(three.bytes);
    expect(names('quarantine')).toEqual(['run-0001.json', 'run-0001.json.reason']);
  });

  it('prunes old quarantined reports whose reason is missing (a crash between the move and the reason)', () => {
    fs.mkdirSync(path.join(dir, 'quarantine'), { recursive: true });
    for (let i = 1; i <= 100; i++)
      fs.writeFileSync(path.join(dir, 'quarantine', `old-${String(i).padStart(4, '0')}.json`), '{}');
    const { spool } = openSpool();
    const moved = spool.quarantine(spool.append(report(1)).entry, 'refused');
    expect(moved).toBe(path.join(dir, 'quarantine', 'run-0001.json'));
    const left = names('quarantine');
    expect(left).toHaveLength(101);
    expect(left.slice(0, 2)).toEqual(['old-0002.json', 'old-0003.json']);
    expect(left.slice(-2)).toEqual(['run-0001.json', 'run-0001.json.reason']);
  });

  it('prunes the oldest quarantined report even when someone removed it meanwhile', () => {
    const quarantine = path.join(dir, 'quarantine');
    fs.mkdirSync(quarantine, { recursive: true });
    for (let i = 1; i <= 100; i++) {
      const name = `old-${String(i).padStart(4, '0')}.json`;
      fs.writeFileSync(path.join(quarantine, name), '{}');
      fs.writeFileSync(path.join(quarantine, `${name}.reason`), 'x\n');
    }
    const { spool } = openSpool();
    const entry = spool.append(report(1)).entry;
    // The operator cleans the quarantine just after the spool listed it.
    thenMeanwhile('readdirSync', quarantine, () => fs.rmSync(path.join(quarantine, 'old-0001.json')));
    expect(spool.quarantine(entry, 'refused')).toBe(path.join(quarantine, 'run-0001.json'));
    const left = names('quarantine');
    expect(left).toHaveLength(200);
    expect(left.slice(0, 2)).toEqual(['old-0002.json', 'old-0002.json.reason']);
  });

  it('opens even when a stale temp file it found is removed by someone else before it could', () => {
    fs.mkdirSync(dir, { recursive: true });
    const stale = path.join(dir, '.run-0001.json.1.2.tmp');
    fs.writeFileSync(stale, '{');
    fs.writeFileSync(path.join(dir, 'run-0002.json'), JSON.stringify(report(2)));
    thenMeanwhile('readdirSync', dir, () => fs.rmSync(stale));
    const { spool, quarantined } = openSpool();
    expect(quarantined).toEqual([]);
    expect(spool.list().map((e) => e.reportId)).toEqual(['run-0002']);
    expect(names()).toEqual(['.lock', 'run-0002.json']);
  });

  it('passes over a spooled file that no longer carries the content its entry says it does', () => {
    const { spool } = openSpool();
    spool.append({ ...report(1), hashes: { capacity: HASH(9) } });
    spool.append({ ...report(2), hashes: { capacity: HASH(9) } });
    // run-0001.json rewritten behind the spool's back (by hand, from a backup): same id, no content.
    fs.writeFileSync(
      path.join(dir, 'run-0001.json'),
      JSON.stringify({ ...report(1, 'heartbeat'), hashes: { capacity: HASH(9) } }),
    );
    expect(spool.findContent('capacity', HASH(9))).toEqual({ cpus: 2, memoryBytes: 0 });
  });

  it('says so when a written report cannot be made durable: its directory cannot be synced', () => {
    fs.chmodSync(tmp, 0o755);
    const { spool } = openSpool();
    spool.append(report(1));
    // An agent not run as root, in a spool where it may make files but not open the directory.
    fs.chownSync(dir, NOBODY, NOBODY);
    fs.chmodSync(dir, 0o300);
    const file = path.join(dir, 'run-0002.json');
    expect(() => asUser(NOBODY, () => spool.append(report(2)))).toThrow(
      failure(`cannot write ${file}`, `EACCES: permission denied, open '${dir}'`),
    );
    // The file is there (the next open finds it), but this run does not count it as spooled.
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify(report(2)));
    expect(spool.list().map((e) => e.reportId)).toEqual(['run-0001']);
  });

  describe('its lock', () => {
    const lockOf = () => path.join(dir, '.lock');

    it('takes over an empty lock, left by a crash between creating it and writing the pid', () => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(lockOf(), '');
      openSpool();
      expect(fs.readFileSync(lockOf(), 'utf8')).toBe(`${process.pid}\n`);
    });

    it('run as a user, counts a live process of another user as the owner (kill says EPERM)', async () => {
      const other = spawn('sleep', ['60'], { uid: SOMEONE, gid: SOMEONE, stdio: 'ignore' });
      try {
        await once(other, 'spawn');
        fs.chmodSync(tmp, 0o755);
        fs.mkdirSync(dir, { mode: 0o700 });
        fs.chownSync(dir, NOBODY, NOBODY); // this agent's spool: it could remove the lock
        fs.writeFileSync(lockOf(), `${other.pid}\n`, { mode: 0o644 });
        expect(() => asUser(NOBODY, () => Spool.open(dir))).toThrow(
          `the spool ${dir} is in use by process ${other.pid} (another driftguard agent?)`,
        );
        expect(fs.readFileSync(lockOf(), 'utf8')).toBe(`${other.pid}\n`);
      } finally {
        other.kill();
      }
    });

    it('says why it cannot lock a spool it may not write', () => {
      fs.chmodSync(tmp, 0o755);
      fs.mkdirSync(dir, { mode: 0o755 }); // root's
      expect(() => asUser(NOBODY, () => Spool.open(dir))).toThrow(
        failure(`cannot lock the spool ${dir}`, `EACCES: permission denied, open '${lockOf()}'`),
      );
      expect(names()).toEqual([]);
    });

    it('never takes away a lock another agent wrote after it found the stale one: it puts it back', () => {
      // Two agents find the same stale lock; the other takes it away and writes its own just
      // after this one read the stale pid, before this one moves "the stale lock" aside.
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(lockOf(), 'garbage\n');
      thenMeanwhile('readFileSync', lockOf(), () => {
        fs.rmSync(lockOf());
        fs.writeFileSync(lockOf(), `${process.ppid}\n`);
      });
      expect(() => Spool.open(dir)).toThrow(
        `the spool ${dir} is in use by another driftguard agent, started at the same moment`,
      );
      expect(fs.readFileSync(lockOf(), 'utf8')).toBe(`${process.ppid}\n`); // the other agent's
      expect(names()).toEqual(['.lock']); // and nothing left aside
    });

    it('gives up when another agent takes a stale lock between its removal and the retry', () => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(lockOf(), 'garbage\n');
      thenMeanwhile('renameSync', lockOf(), () => fs.writeFileSync(lockOf(), `${process.ppid}\n`));
      expect(() => Spool.open(dir)).toThrow(
        failure(`cannot lock the spool ${dir}`, `EEXIST: file already exists, open '${lockOf()}'`),
      );
      expect(fs.readFileSync(lockOf(), 'utf8')).toBe(`${process.ppid}\n`); // the other agent's
    });

    it('takes a lock that is a link to nothing: the link is removed, never followed', () => {
      fs.mkdirSync(dir, { recursive: true });
      fs.symlinkSync(path.join(tmp, 'nowhere'), lockOf());
      openSpool();
      expect(fs.lstatSync(lockOf()).isFile()).toBe(true);
      expect(fs.readFileSync(lockOf(), 'utf8')).toBe(`${process.pid}\n`);
      expect(fs.existsSync(path.join(tmp, 'nowhere'))).toBe(false);
    });

    it('says why it cannot lock a spool whose lock is a directory, and leaves it', () => {
      fs.mkdirSync(lockOf(), { recursive: true });
      expect(() => Spool.open(dir)).toThrow(
        failure(`cannot lock the spool ${dir}`, 'EISDIR: illegal operation on a directory, read'),
      );
      expect(fs.statSync(lockOf()).isDirectory()).toBe(true);
    });

    it('takes a stale lock whose owner removed it between its attempt and its reading', () => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(lockOf(), 'garbage\n');
      // Its owner exits just after this agent's exclusive create found the lock there.
      thenMeanwhile('writeFileSync', lockOf(), () => fs.rmSync(lockOf()));
      openSpool();
      expect(fs.readFileSync(lockOf(), 'utf8')).toBe(`${process.pid}\n`);
    });

    it('takes a stale lock that someone else removed before it could', () => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(lockOf(), 'garbage\n');
      thenMeanwhile('readFileSync', lockOf(), () => fs.rmSync(lockOf()));
      openSpool();
      expect(fs.readFileSync(lockOf(), 'utf8')).toBe(`${process.pid}\n`);
    });
  });
});
