import type { UnitInfo } from '../../model/state';
import { unit, units } from '../../../test/helpers/states';
import type { BootGraph } from './graph';
import { bootGraph } from './graph';
import { formatPulls } from './ordering';
import type { Transaction } from './transaction';
import { bootTransaction, startedPullers, transactionOf } from './transaction';

/** Units without default dependencies: only the pulls a test writes exist. */
function bare(name: string, extra: Partial<UnitInfo> = {}): UnitInfo {
  return unit(name, { defaultDependencies: false, ...extra });
}

function id(graph: BootGraph, name: string): number {
  const found = graph.id(name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
}

function members(graph: BootGraph, transaction: Transaction): string[] {
  return graph.nodes
    .filter((node) => transaction.has(node.id))
    .map((node) => node.name)
    .sort();
}

function chain(graph: BootGraph, transaction: Transaction, name: string): string {
  return formatPulls(graph, transaction.root as number, transaction.chainTo(id(graph, name)));
}

describe('bootTransaction', () => {
  let graph: BootGraph;
  beforeEach(() => {
    const table = units(
      bare('multi-user.target', {
        type: 'target',
        requires: ['basic.target'],
        requisite: ['checked.target'],
      }),
      bare('basic.target', { type: 'target', wants: ['sockets.target', 'gone.service', 'off.service'] }),
      bare('sockets.target', { type: 'target' }),
      bare('checked.target', { type: 'target' }),
      bare('drbd.service', { wantedByLinks: ['multi-user.target'], bindsTo: ['pacemaker.service'] }),
      bare('pacemaker.service'),
      bare('srv-pypi.mount', {
        requiredByLinks: ['local-fs.target'],
        implicit: { requires: ['dev-drbd0.device'] },
      }),
      bare('local-fs.target', { type: 'target', wantedByLinks: ['basic.target'] }),
      bare('off.service', { masked: true }),
      bare('idle.service', { requires: ['drbd.service'] }),
    );
    table.defaultTarget = 'multi-user.target';
    graph = bootGraph(table);
  });

  it('starts the default target and what Requires=, Wants=, BindsTo= and links pull in, recursively', () => {
    const boot = bootTransaction(graph);
    expect(boot.root).toBe(id(graph, 'multi-user.target'));
    expect(members(graph, boot)).toEqual([
      'basic.target',
      'dev-drbd0.device',
      'drbd.service',
      'local-fs.target',
      'multi-user.target',
      'pacemaker.service',
      'sockets.target',
      'srv-pypi.mount',
    ]);
  });

  it('starts nothing for Requisite=, a masked or missing unit, nor a unit nothing pulls in', () => {
    const boot = bootTransaction(graph);
    for (const name of ['checked.target', 'off.service', 'gone.service', 'idle.service'])
      expect([name, boot.has(id(graph, name))]).toEqual([name, false]);
    expect(graph.node(id(graph, 'gone.service')).kind).toBe('missing');
    expect(graph.node(id(graph, 'off.service')).kind).toBe('masked');
  });

  it('tells how the root pulls each unit in, shortest chain first', () => {
    const boot = bootTransaction(graph);
    expect(chain(graph, boot, 'dev-drbd0.device')).toBe(
      'multi-user.target → Requires basic.target → Wants local-fs.target (link basic.target.wants/) → Requires srv-pypi.mount (link local-fs.target.requires/) → Requires dev-drbd0.device (implicit)',
    );
    expect(chain(graph, boot, 'pacemaker.service')).toBe(
      'multi-user.target → Wants drbd.service (link multi-user.target.wants/) → BindsTo pacemaker.service',
    );
    expect(boot.chainTo(id(graph, 'multi-user.target'))).toEqual([]);
    expect(boot.chainTo(id(graph, 'idle.service'))).toEqual([]);
  });

  it('is empty, without a root, on a node without a default target', () => {
    const table = units(bare('drbd.service'));
    const g = bootGraph(table);
    expect(g.defaultTarget).toBeUndefined();
    const boot = bootTransaction(g);
    expect(boot.root).toBeUndefined();
    expect(members(g, boot)).toEqual([]);
  });
});

describe('transactionOf', () => {
  /**
   * root.service pulls four units, each of which wants y.service: f by a Wants= written in its
   * file, l by a `.wants/` link, i by an implicit Wants=, sysinit.target by root's default
   * dependency (Requires=sysinit.target of a service). All four chains to y are two steps long.
   */
  function table(without: string[]): UnitInfo[] {
    const list = [
      unit('root.service', { wants: ['f.service'], implicit: { wants: ['i.service'] } }),
      bare('f.service', { wants: ['y.service'] }),
      bare('l.service', { wantedByLinks: ['root.service'], wants: ['y.service'] }),
      bare('i.service', { wants: ['y.service'] }),
      bare('sysinit.target', { type: 'target', wants: ['y.service'] }),
      bare('y.service'),
    ];
    return list.map((u) => (without.includes(u.name) ? { ...u, wants: [] } : u));
  }

  it.each([
    [[], 'root.service → Wants f.service → Wants y.service'],
    [['f.service'], 'root.service → Wants l.service (link root.service.wants/) → Wants y.service'],
    [['f.service', 'l.service'], 'root.service → Wants i.service (implicit) → Wants y.service'],
    [
      ['f.service', 'l.service', 'i.service'],
      'root.service → Requires sysinit.target (default dependency) → Wants y.service',
    ],
  ])(
    'of equally short chains, shows a written pull before a link, an implicit and a default one (without %j)',
    (without, expected) => {
      const graph = bootGraph(units(...table(without)));
      const root = id(graph, 'root.service');
      const start = transactionOf(graph, [root]);
      expect(start.root).toBe(root);
      expect(members(graph, start)).toEqual([
        'f.service',
        'i.service',
        'l.service',
        'root.service',
        'sysinit.target',
        'y.service',
      ]);
      expect(formatPulls(graph, root, start.chainTo(id(graph, 'y.service')))).toBe(expected);
    },
  );

  it('starts every root that can start, and no masked or missing one', () => {
    const graph = bootGraph(
      units(
        bare('a.service', { wants: ['c.service'] }),
        bare('b.service'),
        bare('c.service'),
        bare('off.service', { masked: true, wants: ['b.service'] }),
        bare('web.service', { requires: ['gone.service'] }),
      ),
    );
    const ids = ['a.service', 'b.service', 'a.service', 'off.service', 'gone.service'].map((name) =>
      id(graph, name),
    );
    const start = transactionOf(graph, ids);
    expect(start.root).toBe(id(graph, 'a.service'));
    expect(members(graph, start)).toEqual(['a.service', 'b.service', 'c.service']);
    expect(start.chainTo(id(graph, 'b.service'))).toEqual([]);
    expect(members(graph, transactionOf(graph, [id(graph, 'off.service')]))).toEqual([]);
    expect(members(graph, transactionOf(graph, []))).toEqual([]);
  });

  it('starts a device unit, which udev makes, but nothing beyond it', () => {
    const graph = bootGraph(units(bare('srv.mount', { implicit: { requires: ['dev-sdb1.device'] } })));
    expect(members(graph, transactionOf(graph, [id(graph, 'srv.mount')]))).toEqual([
      'dev-sdb1.device',
      'srv.mount',
    ]);
    expect(members(graph, transactionOf(graph, [id(graph, 'dev-sdb1.device')]))).toEqual(['dev-sdb1.device']);
  });
});

describe('startedPullers', () => {
  it('lists the started units that pull a unit in, links first, then in the table’s order; not Requisite=, not units left out of the boot', () => {
    const table = units(
      bare('multi-user.target', { type: 'target', wants: ['b.service', 'a.service', 'checker.service'] }),
      bare('b.service', { requires: ['srv.mount'] }),
      bare('a.service', { bindsTo: ['srv.mount'] }),
      bare('checker.service', { requisite: ['srv.mount'] }),
      bare('idle.service', { requires: ['srv.mount'] }),
      bare('srv.mount', { requiredByLinks: ['local-fs.target'], wantedByLinks: ['multi-user.target'] }),
      bare('local-fs.target', { type: 'target' }),
      bare('sysinit.target', { type: 'target', wants: ['local-fs.target'] }),
    );
    table.items['multi-user.target']?.wants.push('sysinit.target');
    table.defaultTarget = 'multi-user.target';
    const graph = bootGraph(table);
    const pullers = startedPullers(graph, bootTransaction(graph), new Set([id(graph, 'srv.mount')]));
    expect(pullers.map(({ from, edge }) => `${graph.name(from)} ${edge.kind} (${edge.reason})`)).toEqual([
      'multi-user.target Wants (link)',
      'local-fs.target Requires (link)',
      'b.service Requires (file)',
      'a.service BindsTo (file)',
    ]);
  });
});
