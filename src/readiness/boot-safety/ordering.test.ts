import type { UnitInfo } from '../../model/state';
import { unit, units } from '../../../test/helpers/states';
import type { BootGraph } from './graph';
import { bootGraph } from './graph';
import type { OrderingStep } from './ordering';
import { formatOrdering, formatOrderingEdge, formatPulls, orderingPath } from './ordering';
import type { PullStep } from './transaction';

/** Units without default dependencies: only the edges a test writes exist. */
function bare(name: string, extra: Partial<UnitInfo> = {}): UnitInfo {
  return unit(name, { defaultDependencies: false, ...extra });
}

function graphOf(...list: UnitInfo[]): BootGraph {
  return bootGraph(units(...list));
}

function id(graph: BootGraph, name: string): number {
  const found = graph.id(name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
}

/** A path as `name (reason)` per step, to compare whole. */
function names(graph: BootGraph, steps: OrderingStep[] | undefined): string[] | undefined {
  return steps?.map((step) => `${graph.name(step.from)}→${graph.name(step.edge.to)} (${step.edge.reason})`);
}

const all = (): boolean => true;

describe('orderingPath', () => {
  let graph: BootGraph;
  beforeEach(() => {
    // a After b After c After d; a After e; e After d (a shorter way from a to d); x unordered.
    graph = graphOf(
      bare('a.service', { after: ['b.service', 'e.service'] }),
      bare('b.service', { after: ['c.service'] }),
      bare('c.service', { after: ['d.service'] }),
      bare('d.service'),
      bare('e.service', { after: ['d.service'] }),
      bare('x.service'),
    );
  });

  it('is one step for a direct edge', () => {
    expect(names(graph, orderingPath(graph, id(graph, 'a.service'), id(graph, 'b.service'), all))).toEqual([
      'a.service→b.service (after)',
    ]);
  });

  it('follows a chain, the shortest one', () => {
    expect(names(graph, orderingPath(graph, id(graph, 'a.service'), id(graph, 'd.service'), all))).toEqual([
      'a.service→e.service (after)',
      'e.service→d.service (after)',
    ]);
    expect(names(graph, orderingPath(graph, id(graph, 'b.service'), id(graph, 'd.service'), all))).toEqual([
      'b.service→c.service (after)',
      'c.service→d.service (after)',
    ]);
  });

  it('is undefined against the direction of the edges and between unordered units', () => {
    expect(orderingPath(graph, id(graph, 'd.service'), id(graph, 'a.service'), all)).toBeUndefined();
    expect(orderingPath(graph, id(graph, 'a.service'), id(graph, 'x.service'), all)).toBeUndefined();
    expect(orderingPath(graph, id(graph, 'x.service'), id(graph, 'a.service'), all)).toBeUndefined();
  });

  it('goes only through units `within` allows; the ends need not be in it', () => {
    const a = id(graph, 'a.service');
    const d = id(graph, 'd.service');
    const e = id(graph, 'e.service');
    const b = id(graph, 'b.service');
    // Without e the way is through b and c.
    expect(
      names(
        graph,
        orderingPath(graph, a, d, (other) => other !== e),
      ),
    ).toEqual(['a.service→b.service (after)', 'b.service→c.service (after)', 'c.service→d.service (after)']);
    // Neither e nor c: no way.
    const c = id(graph, 'c.service');
    expect(orderingPath(graph, a, d, (other) => other !== e && other !== c)).toBeUndefined();
    // Nothing allowed: only a direct edge counts, and it does even to a unit outside.
    expect(
      names(
        graph,
        orderingPath(graph, a, b, () => false),
      ),
    ).toEqual(['a.service→b.service (after)']);
    expect(orderingPath(graph, a, d, () => false)).toBeUndefined();
  });

  it('reads Before= in the other unit as an edge, with its reason', () => {
    const g = graphOf(bare('early.service', { before: ['late.service'] }), bare('late.service'));
    expect(names(g, orderingPath(g, id(g, 'late.service'), id(g, 'early.service'), all))).toEqual([
      'late.service→early.service (before)',
    ]);
  });

  it('finds no path from a unit to itself, even on a cycle', () => {
    const g = graphOf(
      bare('p.service', { after: ['q.service'] }),
      bare('q.service', { after: ['p.service'] }),
    );
    expect(orderingPath(g, id(g, 'p.service'), id(g, 'p.service'), all)).toBeUndefined();
  });
});

describe('formatOrdering and formatOrderingEdge', () => {
  let graph: BootGraph;
  beforeEach(() => {
    graph = graphOf(
      unit('drbd.service', { after: ['network-online.target'] }),
      bare('sysinit.target', { type: 'target', after: ['local-fs.target'] }),
      bare('basic.target', { type: 'target' }),
      bare('local-fs.target', { type: 'target' }),
      bare('network-online.target', { type: 'target' }),
      bare('srv-pypi.mount', { before: ['local-fs.target'], implicit: { after: ['dev-drbd0.device'] } }),
    );
  });

  it('writes each step with why it exists: written, default dependency, implicit, Before= in the other', () => {
    const drbd = id(graph, 'drbd.service');
    const sysinit = id(graph, 'sysinit.target');
    const local = id(graph, 'local-fs.target');
    const mount = id(graph, 'srv-pypi.mount');
    const path = orderingPath(graph, drbd, local, all) as OrderingStep[];
    expect(formatOrdering(graph, drbd, path)).toBe(
      'drbd.service → After sysinit.target (default dependency) → After local-fs.target',
    );
    expect(formatOrdering(graph, local, orderingPath(graph, local, mount, all) as OrderingStep[])).toBe(
      'local-fs.target → After srv-pypi.mount (Before= in srv-pypi.mount)',
    );
    expect(formatOrderingEdge(graph, local, { to: mount, reason: 'before' })).toBe(
      'local-fs.target After srv-pypi.mount (Before= in srv-pypi.mount)',
    );
    expect(formatOrderingEdge(graph, mount, { to: id(graph, 'dev-drbd0.device'), reason: 'implicit' })).toBe(
      'srv-pypi.mount After dev-drbd0.device (implicit)',
    );
    expect(formatOrderingEdge(graph, drbd, { to: sysinit, reason: 'default' })).toBe(
      'drbd.service After sysinit.target (default dependency)',
    );
    expect(formatOrderingEdge(graph, drbd, { to: id(graph, 'network-online.target'), reason: 'after' })).toBe(
      'drbd.service After network-online.target',
    );
  });

  it('writes a unit alone for an empty chain', () => {
    expect(formatOrdering(graph, id(graph, 'drbd.service'), [])).toBe('drbd.service');
  });
});

describe('formatPulls', () => {
  it('writes each pull with its kind and why: file, link (wants/requires), implicit, default', () => {
    const graph = graphOf(
      unit('multi-user.target', { type: 'target', requires: ['basic.target'] }),
      unit('basic.target', { type: 'target' }),
      unit('drbd.service', { wantedByLinks: ['multi-user.target'] }),
      unit('srv-pypi.mount', {
        requiredByLinks: ['local-fs.target'],
        implicit: { requires: ['dev-drbd0.device'] },
      }),
      unit('local-fs.target', { type: 'target' }),
      bare('sysinit.target', { type: 'target' }),
      unit('web.service', { bindsTo: ['drbd.service'], requisite: ['basic.target'] }),
    );
    const step = (from: string, to: string): PullStep => {
      const edge = graph.pullEdge(id(graph, from), id(graph, to));
      if (!edge) throw new Error(`${from} pulls no ${to}`);
      return { from: id(graph, from), edge };
    };
    const root = id(graph, 'multi-user.target');
    expect(
      formatPulls(graph, root, [
        step('multi-user.target', 'basic.target'),
        step('multi-user.target', 'drbd.service'),
      ]),
    ).toBe('multi-user.target → Requires basic.target → Wants drbd.service (link multi-user.target.wants/)');
    expect(
      formatPulls(graph, id(graph, 'local-fs.target'), [
        step('local-fs.target', 'srv-pypi.mount'),
        step('srv-pypi.mount', 'dev-drbd0.device'),
      ]),
    ).toBe(
      'local-fs.target → Requires srv-pypi.mount (link local-fs.target.requires/) → Requires dev-drbd0.device (implicit)',
    );
    expect(formatPulls(graph, id(graph, 'drbd.service'), [step('drbd.service', 'sysinit.target')])).toBe(
      'drbd.service → Requires sysinit.target (default dependency)',
    );
    expect(
      formatPulls(graph, id(graph, 'web.service'), [
        step('web.service', 'drbd.service'),
        step('web.service', 'basic.target'),
      ]),
    ).toBe('web.service → BindsTo drbd.service → Requisite basic.target');
    expect(formatPulls(graph, root, [])).toBe('multi-user.target');
  });
});
