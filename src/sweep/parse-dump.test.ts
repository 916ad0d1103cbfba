import { SnapshotRootFs } from '../collect/snapshot-fs';
import { CapturedCommands } from './captured-commands';
import type { RawBatch } from './parse-dump';
import { applyBatch, DumpStream, parseKernelData, parseStatRecords, parseToolErrors } from './parse-dump';
import { DUMP_GREETING } from './remote-script';
import type { Request } from './requests';

/** What the script prints for one batch: header, `wc -c` lines, @end, then the sections. */
function batchBytes(
  number: number,
  sections: [string, string | Buffer][],
  exitCodes: [string, number][] = [],
): Buffer {
  const dir = '/tmp/driftguard.AbC123';
  const bodies = sections.map(([, body]) => (Buffer.isBuffer(body) ? body : Buffer.from(body)));
  const total = bodies.reduce((sum, body) => sum + body.length, 0);
  const header =
    `@batch ${number}\n` +
    exitCodes.map(([id, code]) => `@rc ${id} ${code}\n`).join('') +
    sections.map(([name], i) => `${String(bodies[i]?.length).padStart(7)} ${dir}/${name}\n`).join('') +
    `${String(total).padStart(7)} total\n@end\n`;
  return Buffer.concat([Buffer.from(header), ...bodies]);
}

const record = (type: string, mode: string, size: number, wire: string, target = ''): string =>
  `${type} ${mode} 0 0 ${size} ${wire}\0${target}\0`;

describe('DumpStream', () => {
  const stream = Buffer.concat([
    Buffer.from(DUMP_GREETING),
    batchBytes(1, [
      ['stat', record('f', '644', 3, './etc/a b')],
      ['kdata', './proc/x\0 1\n'],
    ]),
    batchBytes(2, [['c.uname-m.out', 'x86_64\n']], [['uname-m', 0]]),
  ]);

  it('cuts batches whatever the chunk boundaries', () => {
    for (const size of [1, 7, 64, stream.length]) {
      const reader = new DumpStream();
      const batches: RawBatch[] = [];
      for (let i = 0; i < stream.length; i += size) {
        reader.push(stream.subarray(i, i + size));
        for (let batch = reader.takeBatch(); batch; batch = reader.takeBatch()) batches.push(batch);
      }
      expect(batches.map((b) => b.number)).toEqual([1, 2]);
      expect(batches[0]?.sections.get('kdata')?.toString()).toBe('./proc/x\0 1\n');
      expect(batches[1]?.exitCodes.get('uname-m')).toBe(0);
      expect(batches[1]?.sections.get('c.uname-m.out')?.toString()).toBe('x86_64\n');
      expect(reader.buffered).toBe(0);
    }
  });

  it('reads the digest of a full answer and an answer that only says "same" (no sections)', () => {
    const hex = 'ab'.repeat(32);
    const full = batchBytes(1, [['stat', record('f', '644', 3, './etc/a')]]);
    const withDigest = Buffer.concat([
      Buffer.from(DUMP_GREETING),
      // The digest line goes right after @batch; section names relative to the temporary directory.
      Buffer.from(
        full
          .toString('latin1')
          .replace('@batch 1\n', `@batch 1\n@digest ${hex}\n`)
          .replaceAll('/tmp/driftguard.AbC123/', ''),
        'latin1',
      ),
      Buffer.from(`@batch 2\n@same ${hex}\n@end\n`),
    ]);
    const reader = new DumpStream();
    reader.push(withDigest);
    const first = reader.takeBatch();
    expect(first?.digest).toEqual({ hex, same: false });
    expect(first?.sections.get('stat')?.toString()).toBe(record('f', '644', 3, './etc/a'));
    const second = reader.takeBatch();
    expect(second?.digest).toEqual({ hex, same: true });
    expect(second?.sections.size).toBe(0);
    expect(reader.buffered).toBe(0);
  });

  it('refuses a stream that is not the script talking (a login banner, a shell error)', () => {
    const reader = new DumpStream();
    reader.push(Buffer.from('This account is currently not available.\n'));
    expect(() => reader.takeBatch()).toThrow(/did not answer like driftguard's sweep script/);
  });
});

describe('section parsers', () => {
  it('reads find records, names with spaces and link targets included', () => {
    const data = Buffer.from(
      record('d', '2755', 4096, './srv/my dir') +
        record('l', '777', 9, './etc/x', '../y z') +
        record('c', '666', 0, './dev/null'),
    );
    expect(parseStatRecords(data)).toEqual([
      { wire: './srv/my dir', stat: { type: 'directory', mode: 0o2755, uid: 0, gid: 0, size: 4096 } },
      { wire: './etc/x', stat: { type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 9, target: '../y z' } },
      { wire: './dev/null', stat: { type: 'other', mode: 0o666, uid: 0, gid: 0, size: 0 } },
    ]);
  });

  it('groups grep lines by file, keeping a NUL inside a line', () => {
    const lines = parseKernelData(Buffer.from('./a\0one\n./a\0two\n./b\0x\0y\n'));
    expect([...lines].map(([wire, chunks]) => [wire, Buffer.concat(chunks).toString()])).toEqual([
      ['./a', 'one\ntwo\n'],
      ['./b', 'x\0y\n'],
    ]);
  });

  it('maps tool errors to errno codes, finding paths that contain ": "', () => {
    const known = new Set(['./proc/sys/net/ipv6/conf/all/stable_secret', './etc/odd: name']);
    const errors = parseToolErrors(
      Buffer.from(
        'grep: ./proc/sys/net/ipv6/conf/all/stable_secret: Input/output error\n' +
          'grep: ./etc/odd: name: Permission denied\n' +
          'grep: warning: something unrelated\n',
      ),
      'grep',
      (wire) => known.has(wire),
    );
    expect(Object.fromEntries(errors)).toEqual({
      './proc/sys/net/ipv6/conf/all/stable_secret': { code: 'EIO', message: 'Input/output error' },
      './etc/odd: name': { code: 'EACCES', message: 'Permission denied' },
    });
  });
});

describe('applyBatch', () => {
  function apply(sent: Request[], sections: [string, string | Buffer][], exitCodes: [string, number][] = []) {
    const reader = new DumpStream();
    reader.push(Buffer.concat([Buffer.from(DUMP_GREETING), batchBytes(1, sections, exitCodes)]));
    const snapshot = new SnapshotRootFs('test');
    const commands = new CapturedCommands();
    applyBatch(snapshot, commands, sent, reader.takeBatch() as RawBatch);
    return { snapshot, commands };
  }

  it('files what was reached through a symlinked directory under its target, and lists it', () => {
    const { snapshot } = apply(
      [
        { op: 'stat', path: '/' },
        { op: 'stat', path: '/lib' },
        { op: 'stat', path: '/usr' },
        { op: 'stat', path: '/usr/lib' },
        { op: 'stat', path: '/lib/systemd' },
        { op: 'tree', path: '/lib/systemd/system' },
        { op: 'tree', path: '/usr/lib/systemd/system' },
        { op: 'file', path: '/etc/missing' },
      ],
      [
        [
          'stat',
          record('d', '755', 4096, './') +
            record('l', '777', 7, './lib', 'usr/lib') +
            record('d', '755', 4096, './usr') +
            record('d', '755', 4096, './usr/lib') +
            record('d', '755', 4096, './lib/systemd') +
            record('d', '755', 4096, './lib/systemd/system') +
            record('f', '644', 8, './lib/systemd/system/a.service'),
        ],
        ['alias', './usr/lib/systemd/system\0./lib/systemd/system\0'],
      ],
    );
    expect(snapshot.has('/usr/lib/systemd/system/a.service')).toBe(true);
    expect(snapshot.has('/lib/systemd/system/a.service')).toBe(false);
    expect(snapshot.list('/lib/systemd/system')?.map((e) => e.name)).toEqual(['a.service']);
    expect(snapshot.list('/usr/lib/systemd/system')?.map((e) => e.name)).toEqual(['a.service']);
    expect(snapshot.lstat('/etc/missing')).toBeUndefined();
  });

  it('gives kernel files their lines, empty content, or the read error', () => {
    const { snapshot } = apply(
      [
        { op: 'walk', path: '/proc/sys' },
        { op: 'kernel', path: '/proc/sys' },
        { op: 'kernel', path: '/proc/drbd' },
      ],
      [
        [
          'stat',
          record('d', '555', 0, './proc/sys') +
            record('f', '644', 0, './proc/sys/pid_max') +
            record('f', '644', 0, './proc/sys/empty') +
            record('f', '644', 0, './proc/sys/stable_secret') +
            record('f', '200', 0, './proc/sys/drop_caches'),
        ],
        ['kdata', './proc/sys/pid_max\x004194304\n'],
        [
          'kerr',
          'grep: ./proc/sys/stable_secret: Input/output error\n' +
            'grep: ./proc/sys/drop_caches: Permission denied\n' +
            'grep: ./proc/drbd: No such file or directory\n',
        ],
      ],
    );
    expect(snapshot.readText('/proc/sys/pid_max')).toBe('4194304\n');
    expect(snapshot.readText('/proc/sys/empty')).toBe('');
    expect(() => snapshot.readText('/proc/sys/stable_secret')).toThrow(
      expect.objectContaining({ code: 'EIO' }),
    );
    expect(() => snapshot.readText('/proc/sys/drop_caches')).toThrow(
      expect.objectContaining({ code: 'EACCES' }),
    );
    expect(snapshot.readText('/proc/drbd')).toBeUndefined();
    expect(snapshot.lstat('/proc/sys/pid_max')).toMatchObject({ type: 'file', size: 0, mode: 0o644 });
  });

  it('keeps only the hash of a secret, never reads what must not be read, and captures commands', () => {
    const { snapshot, commands } = apply(
      [
        { op: 'hash', path: '/etc/corosync/authkey' },
        { op: 'stat', path: '/etc/shadow' },
        { op: 'command', id: 'uname-m' },
      ],
      [
        ['stat', record('f', '400', 128, './etc/corosync/authkey') + record('f', '640', 900, './etc/shadow')],
        ['hash', `${'c'.repeat(64)}  ./etc/corosync/authkey\0`],
        ['c.uname-m.out', 'aarch64\n'],
        ['c.uname-m.err', ''],
      ],
      [['uname-m', 0]],
    );
    expect(snapshot.withheldHash('/etc/corosync/authkey')).toBe('c'.repeat(64));
    expect(() => snapshot.readBytes('/etc/corosync/authkey')).toThrow(/only its sha256 left the node/);
    expect(() => snapshot.readBytes('/etc/shadow')).toThrow(/never read by a sweep/);
    expect(commands.get('uname-m')).toEqual({ code: 0, stdout: 'aarch64\n', stderr: '' });
  });
});
