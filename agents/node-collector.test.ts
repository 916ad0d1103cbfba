/** The default collect(): a fixture node collected with the watch list its server hands out. */
import { fixtureRoot } from '../test/helpers/fixture-nodes';
import type { AgentLog } from './log';
import { nodeCollector } from './node-collector';

const quiet: AgentLog & { warnings: string[] } = {
  warnings: [],
  debug() {},
  info() {},
  warn(_fields, message) {
    this.warnings.push(message);
  },
  error() {},
};

describe('nodeCollector', () => {
  const root = fixtureRoot('pypi-2');
  const now = () => new Date('2026-11-22T10:00:00.000Z');
  beforeEach(() => (quiet.warnings.length = 0));

  it('records the paths the server names, asking again every N collections', async () => {
    const asked: string[] = [];
    const lists = [['/etc/pypi/config.ini'], ['/etc/pypi/config.ini', '/etc/drbd.d/r0.res']];
    const collect = nodeCollector({
      root,
      node: 'pypi-2',
      fetchWatchList: async (node) => {
        asked.push(node);
        return { paths: lists[Math.min(asked.length - 1, 1)]!, sensitive: [] };
      },
      refreshEvery: 2,
      now,
      log: quiet,
    });
    const first = await collect();
    expect(first.node).toBe('pypi-2');
    expect(Object.keys(first.files!.items)).toContain('/etc/pypi/config.ini');
    await collect();
    expect(asked).toEqual(['pypi-2']);
    await collect();
    expect(asked).toEqual(['pypi-2', 'pypi-2']);
  });

  it('without --node learns the name from the first collection and redoes it with the list', async () => {
    const asked: string[] = [];
    const collect = nodeCollector({
      root,
      fetchWatchList: async (node) => {
        asked.push(node);
        return { paths: ['/etc/pypi/config.ini'], sensitive: [] };
      },
      refreshEvery: 10,
      now,
      log: quiet,
    });
    const state = await collect();
    expect(asked).toEqual(['pypi-2']); // the fixture's hostname
    expect(Object.keys(state.files!.items)).toContain('/etc/pypi/config.ini');
  });

  it('goes on with the built-in files when the server cannot say, and says so', async () => {
    const collect = nodeCollector({
      root,
      node: 'pypi-2',
      fetchWatchList: async () => {
        throw new Error('cannot reach http://127.0.0.1:9/');
      },
      refreshEvery: 10,
      now,
      log: quiet,
    });
    const state = await collect();
    expect(Object.keys(state.files!.items)).not.toContain('/etc/pypi/config.ini');
    expect(Object.keys(state.files!.items)).toContain('/etc/fstab');
    expect(quiet.warnings).toEqual(['cannot get the watch list from the server: keeping the one I have']);
  });
});
