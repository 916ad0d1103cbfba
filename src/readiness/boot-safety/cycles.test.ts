import { emptyUnitDependencies } from '../../model/state';
import type { UnitInfo } from '../../model/state';
import { orderingKnots, shortestCycle } from './cycles';
import type { BootGraph } from './graph';
import { bootGraph } from './graph';

/** Services without default dependencies, so only the given After= edges exist. */
function graphOf(after: Record<string, string[]>): BootGraph {
  const items: Record<string, UnitInfo> = {};
  const names = new Set([...Object.keys(after), ...Object.values(after).flat()]);
  for (const name of names) {
    items[name] = {
      name,
      type: 'service',
      ...emptyUnitDependencies(),
      after: after[name] ?? [],
      dropIns: [],
      masked: false,
      enablement: 'static',
      defaultDependencies: false,
    };
  }
  return bootGraph({ items });
}

function knotNames(graph: BootGraph): string[][] {
  return orderingKnots(graph, () => true).map((knot) => knot.map((id) => graph.name(id)));
}

describe('orderingKnots', () => {
  it('finds each strongly connected component of more than one unit once, sorted', () => {
    const graph = graphOf({
      'a.service': ['b.service'],
      'b.service': ['c.service', 'x.service'],
      'c.service': ['a.service', 'b.service'],
      'x.service': ['y.service'],
      'y.service': ['z.service'],
      'p.service': ['q.service'],
      'q.service': ['p.service'],
    });
    expect(knotNames(graph)).toEqual([
      ['a.service', 'b.service', 'c.service'],
      ['p.service', 'q.service'],
    ]);
  });

  it('orders the knots by their first unit’s name, not by the order the walk closes them', () => {
    // The walk starts at p.service, the first unit of the table, and closes p/q before it meets a/b.
    const graph = graphOf({
      'p.service': ['q.service'],
      'q.service': ['p.service'],
      'a.service': ['b.service'],
      'b.service': ['a.service'],
    });
    expect(knotNames(graph)).toEqual([
      ['a.service', 'b.service'],
      ['p.service', 'q.service'],
    ]);
  });

  it('finds none in an acyclic graph, and skips units outside the transaction', () => {
    expect(knotNames(graphOf({ 'a.service': ['b.service'], 'b.service': ['c.service'] }))).toEqual([]);
    const graph = graphOf({ 'a.service': ['b.service'], 'b.service': ['a.service'] });
    const b = graph.id('b.service');
    expect(orderingKnots(graph, (id) => id !== b)).toEqual([]);
  });

  // A recursive walk overflows Node's default stack long before this: a recursive Tarjan did at
  // 5,000 units on this machine. 20,000 keeps a margin and keeps the test quick under mutation.
  it('walks a chain of 20 000 units without overflowing the stack', () => {
    const after: Record<string, string[]> = {};
    const length = 20_000;
    for (let i = 0; i < length; i++) after[`u${i}.service`] = [`u${(i + 1) % length}.service`];
    const knots = orderingKnots(graphOf(after), () => true);
    expect(knots).toHaveLength(1);
    expect(knots[0]).toHaveLength(length);
  });
});

describe('shortestCycle', () => {
  it('returns a shortest cycle through the given unit with the edge of each step', () => {
    const graph = graphOf({
      'a.service': ['b.service', 'd.service'],
      'b.service': ['c.service'],
      'c.service': ['a.service'],
      'd.service': ['a.service'],
    });
    const [knot] = orderingKnots(graph, () => true);
    const a = graph.id('a.service') as number;
    const cycle = shortestCycle(graph, knot as number[], a);
    expect(cycle.units.map((id) => graph.name(id))).toEqual(['a.service', 'd.service', 'a.service']);
    expect(cycle.edges.map((edge) => graph.name(edge.to))).toEqual(['d.service', 'a.service']);
    const c = graph.id('c.service') as number;
    expect(shortestCycle(graph, knot as number[], c).units.map((id) => graph.name(id))).toEqual([
      'c.service',
      'a.service',
      'b.service',
      'c.service',
    ]);
  });
  it('keeps the cycle inside the knot: a shorter one through a unit left out of the knot is not taken', () => {
    // b.service is not started at boot, so its ordering is no cycle the boot meets.
    const graph = graphOf({
      'a.service': ['b.service', 'c.service'],
      'b.service': ['a.service'],
      'c.service': ['d.service'],
      'd.service': ['a.service'],
    });
    const b = graph.id('b.service');
    const [knot] = orderingKnots(graph, (id) => id !== b);
    const cycle = shortestCycle(graph, knot as number[], graph.id('a.service') as number);
    expect(cycle.units.map((id) => graph.name(id))).toEqual([
      'a.service',
      'c.service',
      'd.service',
      'a.service',
    ]);
  });

  it('refuses a unit that is on no cycle of the knot it is given, naming it', () => {
    const graph = graphOf({
      'a.service': ['b.service'],
      'b.service': ['a.service'],
      'c.service': ['a.service'],
    });
    const [knot] = orderingKnots(graph, () => true);
    expect(() => shortestCycle(graph, knot as number[], graph.id('c.service') as number)).toThrow(
      new Error('no cycle through c.service: not a knot'),
    );
  });
});
