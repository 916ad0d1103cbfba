import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Report } from '../src/model/report';
import { REPORT_SCHEMA_ID } from '../src/model/report';
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
    const { spool, quarantined } = openSpool();
    expect(quarantined.map((q) => q.file)).toEqual(['run-0001.json', 'run-0002.json']);
    expect(spool.count).toBe(0);
    const entry = spool.append(report(5, 'full')).entry;
    const moved = spool.quarantine(entry, 'the server refused it (400): schema');
    expect(spool.count).toBe(0);
    expect(JSON.parse(fs.readFileSync(moved, 'utf8')).reportId).toBe('run-0005');
    expect(fs.readFileSync(`${moved}.reason`, 'utf8')).toBe('the server refused it (400): schema\n');
    expect(files()).toEqual([]);
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

  it('is used by one agent at a time; a dead agent’s lock is taken over', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.lock'), `${process.ppid}\n`); // a live process that is not us
    expect(() => Spool.open(dir)).toThrow(`is in use by process ${process.ppid}`);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    fs.writeFileSync(path.join(dir, '.lock'), `${dead.stdout}\n`);
    const { spool } = openSpool();
    expect(fs.readFileSync(path.join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    spool.close();
    expect(fs.existsSync(path.join(dir, '.lock'))).toBe(false);
  });
});
