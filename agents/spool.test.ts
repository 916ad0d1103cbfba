import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Report } from '../src/model/report';
import { REPORT_SCHEMA_ID } from '../src/model/report';
import { NOBODY, asUser, thenMeanwhile } from '../test/helpers/races';
import { Spool } from './spool';

const HASH = (n: number) => `sha256:${String(n).padStart(64, '0')}`;

/** A report whose id sorts by `seq`; `content` makes it a delta/full, none a heartbeat. */
function report(seq: number, kind: 'full' | 'delta' | 'heartbeat' = 'heartbeat', padding = 0): Report {
  const hashes = { os: HASH(1), capacity: HASH(seq) };
  const categories: Report['categories'] = {};
  if (kind !== 'heartbeat') categories.capacity = { cpus: seq, memoryBytes: padding };
  if (kind === 'full')
    categories.os = {
      id: 'debian',
      versionId: '12',
      prettyName: 'x'.repeat(padding),
      kernel: 'k',
      arch: 'x86_64',
      hostname: 'n',
    } as never;
  return {
    schema: REPORT_SCHEMA_ID,
    reportId: `run-${String(seq).padStart(4, '0')}`,
    node: 'n',
    collectedAt: `2026-11-22T10:${String(seq % 60).padStart(2, '0')}:00.000Z`,
    hashes,
    errors: [],
    categories,
  };
}

/** A pid no process has now: a child that has exited. */
const deadPid = () =>
  spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    .stdout;

describe('Spool', () => {
  let dir: string;
  const open: Spool[] = [];
  const openSpool = (limits = { maxReports: 100, maxBytes: 1024 * 1024 }) => {
    const opened = Spool.open(dir, limits);
    open.push(opened.spool);
    return opened;
  };
  const files = () =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();

  beforeEach(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dg-spool-')), 'spool');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const spool of open.splice(0)) spool.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('keeps one private file per report, oldest first, and finds them again after a restart', () => {
    const { spool } = openSpool();
    spool.append(report(1, 'full'));
    spool.append(report(2, 'delta'));
    expect(files()).toEqual(['run-0001.json', 'run-0002.json']);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'run-0001.json')).mode & 0o777).toBe(0o600);
    const bytes = spool.bytes;
    spool.close();

    fs.writeFileSync(path.join(dir, '.run-0003.json.123.456.tmp'), '{"half'); // a write cut short by kill -9
    const { spool: again, quarantined } = openSpool();
    expect(quarantined).toEqual([]);
    expect(again.list().map((e) => [e.reportId, e.kind])).toEqual([
      ['run-0001', 'full'],
      ['run-0002', 'delta'],
    ]);
    expect(again.bytes).toBe(bytes);
    expect(fs.readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(again.read(again.oldest()!)).toEqual(report(1, 'full'));
  });

  it('refuses a report that would sort before one already spooled', () => {
    const { spool } = openSpool();
    spool.append(report(5));
    expect(() => spool.append(report(4))).toThrow(/does not sort after/);
  });

  it('coalesces consecutive heartbeats, but not the one being sent', () => {
    const { spool } = openSpool();
    spool.append(report(1, 'delta'));
    spool.append(report(2));
    expect(spool.append(report(3)).coalesced.map((e) => e.reportId)).toEqual(['run-0002']);
    spool.busy = 'run-0003.json';
    expect(spool.append(report(4)).coalesced).toEqual([]);
    spool.busy = undefined;
    expect(spool.append(report(5)).coalesced.map((e) => e.reportId)).toEqual(['run-0004']);
    expect(files()).toEqual(['run-0001.json', 'run-0003.json', 'run-0005.json']);
  });

  it('over the count limit drops the oldest deltas and heartbeats before full reports', () => {
    const { spool } = openSpool({ maxReports: 3, maxBytes: 1024 * 1024 });
    spool.append(report(1, 'full'));
    spool.append(report(2, 'delta'));
    spool.append(report(3, 'delta'));
    expect(spool.append(report(4, 'full')).evicted.map((e) => e.reportId)).toEqual(['run-0002']);
    expect(spool.append(report(5, 'delta')).evicted.map((e) => e.reportId)).toEqual(['run-0003']);
    expect(spool.append(report(6, 'full')).evicted.map((e) => e.reportId)).toEqual(['run-0005']);
    expect(spool.append(report(7, 'full')).evicted.map((e) => e.reportId)).toEqual(['run-0001']);
    expect(files()).toEqual(['run-0004.json', 'run-0006.json', 'run-0007.json']);
  });

  it('over the byte limit drops as many as needed, never the newest nor the one being sent', () => {
    const { spool } = openSpool({ maxReports: 100, maxBytes: 3000 });
    spool.append(report(1, 'delta', 900));
    spool.append(report(2, 'delta', 900));
    spool.busy = 'run-0001.json';
    const { evicted } = spool.append(report(3, 'full', 2500));
    expect(evicted.map((e) => e.reportId)).toEqual(['run-0002']);
    spool.busy = undefined;
    expect(spool.append(report(4, 'full', 5000)).evicted.map((e) => e.reportId)).toEqual([
      'run-0001',
      'run-0003',
    ]);
    expect(files()).toEqual(['run-0004.json']); // alone over the limit, but never dropped
    expect(spool.bytes).toBe(fs.statSync(path.join(dir, 'run-0004.json')).size);
  });

  it('quarantines files it cannot read at open, and reports the server will not take, with the reason', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'run-0001.json'), '{not json');
    fs.writeFileSync(path.join(dir, 'run-0002.json'), JSON.stringify(report(3))); // id does not match the name
    fs.writeFileSync(path.join(dir, 'run-0003.json'), JSON.stringify({ ...report(3), hashes: HASH(3) }));
    fs.writeFileSync(path.join(dir, 'run-0004.json'), JSON.stringify({ ...report(4), categories: 'none' }));
    const { spool, quarantined } = openSpool();
    expect(quarantined.map((q) => q.file)).toEqual([
      'run-0001.json',
      'run-0002.json',
      'run-0003.json',
      'run-0004.json',
    ]);
    expect(spool.count).toBe(0);
    const entry = spool.append(report(5, 'full')).entry;
    const moved = spool.quarantine(entry, 'the server refused it (400): schema');
    expect(spool.count).toBe(0);
    expect(JSON.parse(fs.readFileSync(moved, 'utf8')).reportId).toBe('run-0005');
    expect(fs.readFileSync(`${moved}.reason`, 'utf8')).toBe('the server refused it (400): schema\n');
    expect(files()).toEqual([]);
  });

  it('prunes the quarantine in JavaScript’s name order, the spool’s order, not in the order the file system lists names', () => {
    // readdir lists names in byte (UTF-8) order; JavaScript sorts UTF-16 code units. The two
    // disagree between a character beyond U+FFFF (😀: bytes F0…, units D83D…) and one in
    // U+E000–U+FFFF (！ U+FF01: bytes EF…): the first of these names is 😀.json for JavaScript,
    // ！.json for the file system.
    const quarantine = path.join(dir, 'quarantine');
    fs.mkdirSync(quarantine, { recursive: true });
    const later = Array.from({ length: 98 }, (_, i) => `！${String(i).padStart(2, '0')}.json`);
    for (const name of ['😀.json', '！.json', ...later]) fs.writeFileSync(path.join(quarantine, name), '{}');
    fs.writeFileSync(path.join(dir, '！zz.json'), '{}'); // not a report file name: quarantined at open, the 101st
    expect(openSpool().quarantined.map((q) => q.file)).toEqual(['！zz.json']);
    expect(
      fs
        .readdirSync(quarantine)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(['！.json', ...later, '！zz.json'].sort());
  });

  it('rewrites a report in place and finds content by hash in spooled files', () => {
    const { spool } = openSpool();
    const first = spool.append(report(1, 'delta')).entry;
    const heartbeat = spool.append(report(2)).entry;
    expect(spool.findContent('capacity', HASH(1))).toEqual({ cpus: 1, memoryBytes: 0 });
    expect(spool.findContent('capacity', HASH(2))).toBeUndefined(); // the heartbeat names it, carries nothing
    const completed = { ...report(2), categories: { capacity: { cpus: 2, memoryBytes: 0 } } };
    const updated = spool.replace(heartbeat, completed);
    expect(updated.kind).toBe('delta');
    expect(spool.list().map((e) => e.reportId)).toEqual(['run-0001', 'run-0002']);
    expect(spool.read(updated)).toEqual(completed);
    spool.remove(first);
    expect(files()).toEqual(['run-0002.json']);
  });

  it('forgets a report whose file someone else already removed', () => {
    const { spool } = openSpool();
    const entry = spool.append(report(1)).entry;
    fs.rmSync(path.join(dir, entry.file));
    spool.remove(entry);
    expect(spool.list()).toEqual([]);
    expect(spool.bytes).toBe(0);
  });

  it('is used by one agent at a time; a dead agent’s lock is taken over', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.lock'), `${process.ppid}\n`); // a live process that is not us
    expect(() => Spool.open(dir)).toThrow(`is in use by process ${process.ppid}`);
    fs.writeFileSync(path.join(dir, '.lock'), `${deadPid()}\n`);
    const { spool } = openSpool();
    expect(fs.readFileSync(path.join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    spool.close();
    expect(fs.existsSync(path.join(dir, '.lock'))).toBe(false);
  });

  describe('its lock, against other users and agents', () => {
    const lockOf = () => path.join(dir, '.lock');

    /** What is in the spool directory: each file's name and text. */
    const contents = () =>
      Object.fromEntries(
        fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]),
      );

    it.each([
      // Not even the lock's absence can be seen: the first failure is the answer, not a retry's.
      ['it cannot look into', 0o700, {}, () => `open '${lockOf()}'`],
      // The stale lock can be read but not moved aside.
      [
        'whose stale lock it may not move',
        0o755,
        { '.lock': 'garbage\n' },
        () => `rename '${lockOf()}' -> '${lockOf()}.stale-${process.pid}'`,
      ],
    ])(
      'run as a user, says why it cannot lock a spool of root’s %s, and leaves it as it was',
      (_, mode, files, call) => {
        fs.chmodSync(path.dirname(dir), 0o755);
        fs.mkdirSync(dir, { mode });
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
        expect(() => asUser(NOBODY, () => Spool.open(dir))).toThrow(
          new Error(`cannot lock the spool ${dir}: EACCES: permission denied, ${call()}`),
        );
        expect(contents()).toEqual(files);
      },
    );

    it('run as a user, says why it cannot look at a lock its directory stops it from seeing meanwhile, and takes nothing over', () => {
      fs.chmodSync(path.dirname(dir), 0o755);
      fs.mkdirSync(dir, { mode: 0o755 });
      fs.writeFileSync(lockOf(), 'garbage\n');
      // Right after the lock is found taken, root closes the directory to other users.
      thenMeanwhile('writeFileSync', lockOf(), () => {
        process.seteuid!(0);
        fs.chmodSync(dir, 0o700);
        process.seteuid!(NOBODY);
      });
      expect(() => asUser(NOBODY, () => Spool.open(dir))).toThrow(
        new Error(`cannot lock the spool ${dir}: EACCES: permission denied, lstat '${lockOf()}'`),
      );
      expect(contents()).toEqual({ '.lock': 'garbage\n' });
    });

    it('never takes away a lock written meanwhile by an agent under the stale one’s reused pid: same text, another file', () => {
      const pid = deadPid();
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(lockOf(), `${pid}\n`);
      // Just after this agent read the stale lock, an agent that got the same pid replaces it with
      // its own. Written beside it and renamed over it, the new lock surely has another inode.
      let theirs: number | undefined;
      thenMeanwhile('readFileSync', lockOf(), () => {
        fs.writeFileSync(`${lockOf()}.new`, `${pid}\n`);
        fs.renameSync(`${lockOf()}.new`, lockOf());
        theirs = fs.lstatSync(lockOf()).ino;
      });
      expect(() => Spool.open(dir)).toThrow(
        `the spool ${dir} is in use by another driftguard agent, started at the same moment`,
      );
      expect(fs.lstatSync(lockOf()).ino).toBe(theirs); // put back: link(2) keeps the file
      expect(fs.readFileSync(lockOf(), 'utf8')).toBe(`${pid}\n`);
      expect(fs.readdirSync(dir)).toEqual(['.lock']);
    });

    it('gives up, leaving no lock, when the stale lock it moved aside is removed by someone else before it is checked', () => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(lockOf(), 'garbage\n');
      thenMeanwhile('renameSync', lockOf(), () => fs.rmSync(`${lockOf()}.stale-${process.pid}`));
      expect(() => Spool.open(dir)).toThrow(
        `the spool ${dir} is in use by another driftguard agent, started at the same moment`,
      );
      expect(fs.readdirSync(dir)).toEqual([]);
    });
  });
});
