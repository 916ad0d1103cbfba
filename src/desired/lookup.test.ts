import type { Desired, NodeDecl, PairDecl } from '../model/desired';
import { DriftguardError } from '../shared/errors';
import { loadYaml } from '../../test/helpers/desired';
import { dict } from './dict';
import { nodeByName, pairByName, pairsOf, roleByName } from './lookup';

const AT = { file: 'd.yaml', line: 1, col: 1 };

function node(name: string): NodeDecl {
  return { kind: 'Node', name, roles: [], probes: [], at: AT };
}

function pair(name: string, primary: string, secondary: string): PairDecl {
  return {
    kind: 'Pair',
    name,
    primary,
    secondary,
    parity: { ignore: {} },
    capacity: { minRatio: 1 },
    readiness: { maxReportAgeMs: 600_000 },
    at: AT,
  };
}

/** A Desired built by hand: tables in the order given (the loader sorts them), prototype-free. */
function desiredOf(nodes: NodeDecl[], pairs: PairDecl[], dir = '/srv/desired'): Desired {
  const table = <T extends { name: string }>(items: T[]): Record<string, T> =>
    Object.assign(dict<T>(), Object.fromEntries(items.map((item) => [item.name, item])));
  return {
    dir,
    roles: dict(),
    nodes: table(nodes),
    pairs: table(pairs),
    schedules: dict(),
    hash: 'sha256:0',
  };
}

/** What `run` throws, as class, code and message; or fails the test. */
function thrown(run: () => unknown): { error: string; code: string; message: string } {
  try {
    run();
  } catch (err) {
    if (!(err instanceof DriftguardError)) throw err;
    return { error: err.constructor.name, code: err.code, message: err.message };
  }
  throw new Error('expected an error');
}

const notFound = (message: string) => ({ error: 'NotFoundError', code: 'E_NOT_FOUND', message });

const FLEET = `kind: Role
name: base
---
kind: Role
name: web
include: [base]
---
kind: Node
name: web-1
roles: [web]
---
kind: Node
name: web-2
---
kind: Node
name: db-1
---
kind: Pair
name: front
primary: web-1
secondary: web-2
`;

describe('nodeByName, pairByName, roleByName', () => {
  let desired: Desired;
  beforeEach(() => {
    desired = loadYaml(FLEET, '/etc/driftguard/desired');
  });

  it('return the declaration of that name itself', () => {
    expect(nodeByName(desired, 'web-2')).toBe(desired.nodes['web-2']);
    expect(pairByName(desired, 'front')).toBe(desired.pairs['front']);
    expect(roleByName(desired, 'web')).toBe(desired.roles['web']);
    expect(roleByName(desired, 'web')).toMatchObject({ kind: 'Role', name: 'web', include: ['base'] });
  });

  it('an unknown name close to a known one: NotFoundError naming the folder and the suggestion', () => {
    expect(thrown(() => nodeByName(desired, 'web-3'))).toEqual(
      notFound('no node named `web-3` in /etc/driftguard/desired — did you mean `web-1`?'),
    );
    expect(thrown(() => pairByName(desired, 'frnot'))).toEqual(
      notFound('no pair named `frnot` in /etc/driftguard/desired — did you mean `front`?'),
    );
    expect(thrown(() => roleByName(desired, 'bas'))).toEqual(
      notFound('no role named `bas` in /etc/driftguard/desired — did you mean `base`?'),
    );
  });

  it('an unknown name close to none: the known names of that kind, sorted', () => {
    expect(thrown(() => nodeByName(desired, 'postgres'))).toEqual(
      notFound('no node named `postgres` in /etc/driftguard/desired (known: db-1, web-1, web-2)'),
    );
    expect(thrown(() => pairByName(desired, 'web-1'))).toEqual(
      notFound('no pair named `web-1` in /etc/driftguard/desired (known: front)'),
    );
    expect(thrown(() => roleByName(desired, 'web-1'))).toEqual(
      notFound('no role named `web-1` in /etc/driftguard/desired (known: base, web)'),
    );
  });

  it('sorts the known names even when the tables are not sorted', () => {
    const unsorted = desiredOf([node('c'), node('a'), node('b')], []);
    expect(thrown(() => nodeByName(unsorted, 'zzzzzz'))).toEqual(
      notFound('no node named `zzzzzz` in /srv/desired (known: a, b, c)'),
    );
    expect(Object.keys(unsorted.nodes)).toEqual(['c', 'a', 'b']);
  });

  it('when there are none of that kind, says so', () => {
    expect(thrown(() => roleByName(desiredOf([], []), 'base'))).toEqual(
      notFound('no role named `base` in /srv/desired (there are none)'),
    );
    expect(thrown(() => pairByName(desiredOf([node('a')], []), 'a'))).toEqual(
      notFound('no pair named `a` in /srv/desired (there are none)'),
    );
  });

  it('names of Object.prototype are unknown names, not its properties', () => {
    expect(thrown(() => nodeByName(desired, 'constructor'))).toEqual(
      notFound('no node named `constructor` in /etc/driftguard/desired (known: db-1, web-1, web-2)'),
    );
    expect(thrown(() => pairByName(desired, '__proto__'))).toEqual(
      notFound('no pair named `__proto__` in /etc/driftguard/desired (known: front)'),
    );
    expect(thrown(() => roleByName(desired, 'toString'))).toEqual(
      notFound('no role named `toString` in /etc/driftguard/desired (known: base, web)'),
    );
    // Even in a table with a prototype (a Desired that crossed a thread boundary, not revived).
    const plain: Desired = { ...desired, nodes: { ...desired.nodes } };
    expect(thrown(() => nodeByName(plain, 'hasOwnProperty'))).toEqual(
      notFound('no node named `hasOwnProperty` in /etc/driftguard/desired (known: db-1, web-1, web-2)'),
    );
  });
});

describe('pairsOf', () => {
  it('every pair a node is in, on either side, sorted by pair name', () => {
    const desired = desiredOf(
      [node('a'), node('b'), node('c')],
      [pair('zz', 'a', 'b'), pair('mm', 'c', 'a'), pair('bb', 'b', 'c'), pair('mn', 'a', 'c')],
    );
    expect(pairsOf(desired, 'a').map((p) => p.name)).toEqual(['mm', 'mn', 'zz']);
    expect(pairsOf(desired, 'b').map((p) => p.name)).toEqual(['bb', 'zz']);
    expect(pairsOf(desired, 'c').map((p) => p.name)).toEqual(['bb', 'mm', 'mn']);
    expect(pairsOf(desired, 'a')[0]).toBe(desired.pairs['mm']);
  });

  it('a node in no pair: none', () => {
    const desired = loadYaml(FLEET);
    expect(pairsOf(desired, 'db-1')).toEqual([]);
    expect(pairsOf(desired, 'web-2')).toEqual([desired.pairs['front']]);
  });

  it('a pair naming one node twice lists it once for that node', () => {
    const desired = desiredOf([node('a')], [pair('p', 'a', 'a')]);
    expect(pairsOf(desired, 'a')).toEqual([desired.pairs['p']]);
  });

  it('an unknown node: NotFoundError, even when a pair names it', () => {
    const desired = desiredOf([node('a')], [pair('p', 'a', 'ghost')]);
    expect(thrown(() => pairsOf(desired, 'ghost'))).toEqual(
      notFound('no node named `ghost` in /srv/desired (known: a)'),
    );
  });

  it('gives a copy each time: changing it changes no later answer', () => {
    const desired = loadYaml(FLEET);
    const first = pairsOf(desired, 'web-1');
    first.pop();
    expect(pairsOf(desired, 'web-1')).toEqual([desired.pairs['front']]);
  });

  it('answers each desired state from its own pairs', () => {
    const one = desiredOf([node('a'), node('b')], [pair('p', 'a', 'b')]);
    const two = desiredOf([node('a'), node('b')], [pair('q', 'b', 'a')]);
    expect(pairsOf(one, 'a').map((p) => p.name)).toEqual(['p']);
    expect(pairsOf(two, 'a').map((p) => p.name)).toEqual(['q']);
    expect(pairsOf(one, 'b').map((p) => p.name)).toEqual(['p']);
  });
});
