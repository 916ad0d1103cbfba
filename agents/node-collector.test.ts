/** The default collect(): a fixture node collected with the watch list its server hands out. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WatchList } from '../src/collect/types';
import { fixtureRoot, preparedFixtureRoot } from '../test/helpers/fixture-nodes';
import { nodeCollector } from './node-collector';
import { MemoryLog } from '../test/helpers/memory-log';

/** A clock one second further at each reading: a state's collectedAt tells which collection it is. */
function ticking(): { now: () => Date; readings: () => number } {
  let readings = 0;
  return {
    now: () => new Date(Date.UTC(2026, 10, 22, 10, 0, readings++)),
    readings: () => readings,
  };
}
const tick = (n: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, n)).toISOString();

/** The files every collection records, whatever the roles watch (pypi-2's fixture). */
const BUILT_IN_FILES = [
  '/etc/corosync/authkey',
  '/etc/corosync/corosync.conf',
  '/etc/crypttab',
  '/etc/default/grub',
  '/etc/drbd.conf',
  '/etc/drbd.d/global_common.conf',
  '/etc/drbd.d/r0.res',
  '/etc/exports',
  '/etc/fstab',
  '/etc/hosts',
  '/etc/keepalived/keepalived.conf',
  '/etc/multipath.conf',
  '/etc/pacemaker/authkey',
  '/etc/ssh/sshd_config',
  '/etc/sysctl.conf',
  '/etc/sysctl.d/99-sysctl.conf',
  '/etc/sysctl.d/README.sysctl',
];
const WATCHING = 'watching the files the node’s roles name';
const CANNOT_ASK = 'cannot get the watch list from the server: keeping the one I have';

describe('nodeCollector', () => {
  const root = fixtureRoot('pypi-2');

  it('records the paths the server names, asking again every N collections, and says when the list changes', async () => {
    const asked: string[] = [];
    const lists: WatchList[] = [
      { paths: ['/etc/pypi/config.ini'], sensitive: [] },
      { paths: ['/etc/pypi/config.ini', '/etc/hosts'], sensitive: ['/etc/hosts'] },
    ];
    const log = new MemoryLog();
    const clock = ticking();
    const collect = nodeCollector({
      root,
      node: 'pypi-2',
      fetchWatchList: async (node) => {
        asked.push(node);
        return lists[Math.min(asked.length - 1, 1)]!;
      },
      refreshEvery: 2,
      now: clock.now,
      log,
    });
    const first = await collect();
    expect(first.node).toBe('pypi-2');
    expect(Object.keys(first.files!.items)).toEqual([...BUILT_IN_FILES, '/etc/pypi/config.ini'].sort());
    expect(first.files!.items['/etc/hosts']).toHaveProperty('text');
    const askedAfter = [asked.length];
    for (let n = 2; n <= 5; n++) {
      await collect();
      askedAfter.push(asked.length);
    }
    // Asked at the 1st, 3rd and 5th collection; one collection each, with the list as it was then.
    expect(askedAfter).toEqual([1, 1, 2, 2, 3]);
    expect(asked).toEqual(['pypi-2', 'pypi-2', 'pypi-2']);
    expect(clock.readings()).toBe(5);
    const sixth = await collect();
    expect(sixth.collectedAt).toBe(tick(5));
    expect(sixth.files!.items['/etc/hosts']).toMatchObject({ exists: true, redacted: true });
    expect(sixth.files!.items['/etc/hosts']).not.toHaveProperty('text');
    // The third answer is the second list again: nothing to say.
    expect(log.lines).toEqual([
      {
        level: 'info',
        fields: { node: 'pypi-2', paths: ['/etc/pypi/config.ini'], sensitive: [] },
        message: WATCHING,
      },
      {
        level: 'info',
        fields: { node: 'pypi-2', paths: ['/etc/pypi/config.ini', '/etc/hosts'], sensitive: ['/etc/hosts'] },
        message: WATCHING,
      },
    ]);
  });

  it('without --node learns the name from the first collection and redoes it with the list', async () => {
    const asked: string[] = [];
    const log = new MemoryLog();
    const clock = ticking();
    const collect = nodeCollector({
      root,
      fetchWatchList: async (node) => {
        asked.push(node);
        return { paths: ['/etc/pypi/config.ini'], sensitive: [] };
      },
      refreshEvery: 10,
      now: clock.now,
      log,
    });
    const state = await collect();
    expect(asked).toEqual(['pypi-2']); // the fixture's hostname
    expect(state.collectedAt).toBe(tick(1)); // the second collection, made with the list
    expect(Object.keys(state.files!.items)).toContain('/etc/pypi/config.ini');
    const next = await collect();
    expect(asked).toEqual(['pypi-2']);
    expect(next.collectedAt).toBe(tick(2));
    expect(Object.keys(next.files!.items)).toContain('/etc/pypi/config.ini');
    expect(log.lines).toEqual([
      {
        level: 'info',
        fields: { node: 'pypi-2', paths: ['/etc/pypi/config.ini'], sensitive: [] },
        message: WATCHING,
      },
    ]);
  });

  it('without --node keeps the first collection when the server names no files: nothing changed', async () => {
    const asked: string[] = [];
    const log = new MemoryLog();
    const clock = ticking();
    const collect = nodeCollector({
      root,
      fetchWatchList: async (node) => {
        asked.push(node);
        return { paths: [], sensitive: [] };
      },
      refreshEvery: 10,
      now: clock.now,
      log,
    });
    const state = await collect();
    expect(asked).toEqual(['pypi-2']);
    expect(state.collectedAt).toBe(tick(0));
    expect(clock.readings()).toBe(1);
    expect(Object.keys(state.files!.items)).toEqual(BUILT_IN_FILES);
    expect(log.lines).toEqual([]);
  });

  it('without a server to ask collects once, the built-in files only, and says nothing', async () => {
    const log = new MemoryLog();
    const clock = ticking();
    const collect = nodeCollector({ root, refreshEvery: 1, now: clock.now, log });
    const first = await collect();
    const second = await collect();
    expect([first.node, first.collectedAt, second.collectedAt]).toEqual(['pypi-2', tick(0), tick(1)]);
    expect(clock.readings()).toBe(2);
    expect(Object.keys(second.files!.items)).toEqual(BUILT_IN_FILES);
    expect(log.lines).toEqual([]);
  });

  it('goes on with the built-in files when the server cannot say, and says so', async () => {
    const log = new MemoryLog();
    const collect = nodeCollector({
      root,
      node: 'pypi-2',
      fetchWatchList: async () => {
        throw new Error('cannot reach http://127.0.0.1:9/');
      },
      refreshEvery: 10,
      now: ticking().now,
      log,
    });
    const state = await collect();
    expect(Object.keys(state.files!.items)).toEqual(BUILT_IN_FILES);
    expect(log.lines).toEqual([
      {
        level: 'warn',
        fields: { node: 'pypi-2', err: 'cannot reach http://127.0.0.1:9/' },
        message: CANNOT_ASK,
      },
    ]);
  });

  it('without --node, a server that cannot say leaves the first collection as it is', async () => {
    const log = new MemoryLog();
    const clock = ticking();
    const collect = nodeCollector({
      root,
      fetchWatchList: async () => {
        throw new Error('cannot reach http://127.0.0.1:9/');
      },
      refreshEvery: 10,
      now: clock.now,
      log,
    });
    const state = await collect();
    expect([state.collectedAt, clock.readings()]).toEqual([tick(0), 1]);
    expect(Object.keys(state.files!.items)).toEqual(BUILT_IN_FILES);
    expect(log.lines).toEqual([
      {
        level: 'warn',
        fields: { node: 'pypi-2', err: 'cannot reach http://127.0.0.1:9/' },
        message: CANNOT_ASK,
      },
    ]);
  });

  it('logs the collectors’ problems when they change, not at every collection', async () => {
    const copy = preparedFixtureRoot('pypi-2');
    const hide = (file: string) => fs.renameSync(path.join(copy, file), path.join(copy, `${file}.hidden`));
    const unhide = (file: string) => fs.renameSync(path.join(copy, `${file}.hidden`), path.join(copy, file));
    const noPasswd = `users: no /etc/passwd under ${copy}`;
    const noOsRelease = `os: no /etc/os-release or /usr/lib/os-release under ${copy}`;
    try {
      const log = new MemoryLog();
      const collect = nodeCollector({
        root: copy,
        node: 'pypi-2',
        refreshEvery: 10,
        now: ticking().now,
        log,
      });
      const warned = async () => {
        await collect();
        return log.lines.splice(0);
      };
      const problems = (warnings: string[]) => [
        { level: 'warn', fields: { warnings }, message: 'collected with problems' },
      ];
      expect(await warned()).toEqual([]);
      hide('etc/passwd');
      expect(await warned()).toEqual(problems([noPasswd]));
      expect(await warned()).toEqual([]);
      hide('etc/os-release');
      hide('usr/lib/os-release');
      expect(await warned()).toEqual(problems([noOsRelease, noPasswd]));
      unhide('etc/passwd');
      unhide('etc/os-release');
      unhide('usr/lib/os-release');
      expect(await warned()).toEqual([]);
      expect(await warned()).toEqual([]);
      hide('etc/passwd');
      expect(await warned()).toEqual(problems([noPasswd]));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
