import type { Desired, NodeDecl, Role } from '../model/desired';
import { DriftguardError } from '../shared/errors';
import { loadYaml } from '../../test/helpers/desired';
import { normaliseTarget, normaliseTargets, resolveTargets } from './targets';

/**
 * Roles: base ← db ← db-primary (an include chain), monitoring (alone), unused (no node).
 * (The loader sorts the nodes by name; see below for a role: target over unsorted ones.)
 */
const FLEET = `kind: Role
name: base
---
kind: Role
name: db
include: [base]
---
kind: Role
name: db-primary
include: [db]
---
kind: Role
name: monitoring
---
kind: Role
name: unused
---
kind: Node
name: zeta
roles: [monitoring]
---
kind: Node
name: db-2
roles: [db]
---
kind: Node
name: db-1
roles: [db-primary, monitoring]
---
kind: Node
name: alpha
roles: [base]
---
kind: Node
name: bare
---
kind: Pair
name: db
primary: db-2
secondary: db-1
`;

const names = (nodes: readonly NodeDecl[]): string[] => nodes.map((n) => n.name);

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
const usage = (message: string) => ({ error: 'UsageError', code: 'E_USAGE', message });

describe('resolveTargets', () => {
  let desired: Desired;
  beforeEach(() => {
    desired = loadYaml(FLEET);
  });

  it('node:NAME is that node, as declared', () => {
    const nodes = resolveTargets(desired, ['node:db-1']);
    expect(nodes).toEqual([desired.nodes['db-1']]);
    expect(nodes[0]).toBe(desired.nodes['db-1']);
  });

  it('pair:NAME is its primary then its secondary, whatever their names', () => {
    expect(names(resolveTargets(desired, ['pair:db']))).toEqual(['db-2', 'db-1']);
  });

  it('role:NAME is every node with it, directly or through includes at any depth, sorted by name', () => {
    expect(names(resolveTargets(desired, ['role:base']))).toEqual(['alpha', 'db-1', 'db-2']);
    expect(names(resolveTargets(desired, ['role:db']))).toEqual(['db-1', 'db-2']);
    expect(names(resolveTargets(desired, ['role:db-primary']))).toEqual(['db-1']);
    expect(names(resolveTargets(desired, ['role:monitoring']))).toEqual(['db-1', 'zeta']);
  });

  it('role:NAME of a role no node has is no node', () => {
    expect(resolveTargets(desired, ['role:unused'])).toEqual([]);
  });

  it('no targets, no nodes', () => {
    expect(resolveTargets(desired, [])).toEqual([]);
  });

  it('several targets: in order of first mention, each node once', () => {
    expect(names(resolveTargets(desired, ['node:zeta', 'pair:db', 'role:base', 'node:db-2']))).toEqual([
      'zeta',
      'db-2',
      'db-1',
      'alpha',
    ]);
  });

  it('an unknown name of each kind: NotFoundError with a suggestion or the known names', () => {
    expect(thrown(() => resolveTargets(desired, ['node:db-3']))).toEqual(
      notFound('no node named `db-3` in /desired — did you mean `db-1`?'),
    );
    expect(thrown(() => resolveTargets(desired, ['pair:web']))).toEqual(
      notFound('no pair named `web` in /desired (known: db)'),
    );
    expect(thrown(() => resolveTargets(desired, ['role:monitor']))).toEqual(
      notFound('no role named `monitor` in /desired (known: base, db, db-primary, monitoring, unused)'),
    );
    // A node of that name does not make a role, nor a role a node.
    expect(thrown(() => resolveTargets(desired, ['role:bare']))).toEqual(
      notFound('no role named `bare` in /desired — did you mean `base`?'),
    );
    expect(thrown(() => resolveTargets(desired, ['node:unused']))).toEqual(
      notFound('no node named `unused` in /desired (known: alpha, bare, db-1, db-2, zeta)'),
    );
  });

  it('the first bad target fails the whole list', () => {
    expect(thrown(() => resolveTargets(desired, ['node:db-1', 'node:nope', 'role:nope']))).toEqual(
      notFound('no node named `nope` in /desired (known: alpha, bare, db-1, db-2, zeta)'),
    );
  });

  it('anything but pair:, node: or role: is a UsageError, a bare name included', () => {
    for (const target of [
      'db-1',
      'nodes',
      'roles',
      'pairs',
      'nodes:db-1',
      'Node:db-1',
      ':db-1',
      '',
      'group:x',
    ]) {
      expect(thrown(() => resolveTargets(desired, [target]))).toEqual(
        usage(`not a target: ${JSON.stringify(target)} (expected pair:NAME, node:NAME or role:NAME)`),
      );
    }
    expect(thrown(() => resolveTargets(desired, ['db-1']))).toEqual(
      usage('not a target: "db-1" (expected pair:NAME, node:NAME or role:NAME)'),
    );
  });

  it('the name is everything after the first colon', () => {
    expect(thrown(() => resolveTargets(desired, ['node:db-1:x']))).toEqual(
      notFound('no node named `db-1:x` in /desired — did you mean `db-1`?'),
    );
  });
});

describe('resolveTargets on a desired state the loader would refuse', () => {
  function role(name: string, include: string[]): Role {
    return {
      kind: 'Role',
      name,
      include,
      packages: {},
      sysctls: {},
      mounts: {},
      units: {},
      files: {},
      users: {},
      at: { file: 'd.yaml', line: 1, col: 1 },
    };
  }
  function node(name: string, roles: string[]): NodeDecl {
    return { kind: 'Node', name, roles, probes: [], at: { file: 'd.yaml', line: 1, col: 1 } };
  }

  it('follows an include cycle once, and passes over a role that is not defined', () => {
    const desired: Desired = {
      dir: '/d',
      roles: { a: role('a', ['b']), b: role('b', ['a', 'ghost']), c: role('c', []) },
      nodes: { n: node('n', ['a']), m: node('m', ['ghost']) },
      pairs: {},
      schedules: {},
      hash: 'sha256:0',
    };
    expect(names(resolveTargets(desired, ['role:b']))).toEqual(['n']);
    expect(names(resolveTargets(desired, ['role:c']))).toEqual([]);
  });

  it('role: sorts the nodes by name whatever the order of the table', () => {
    const desired: Desired = {
      dir: '/d',
      roles: { r: role('r', []) },
      nodes: { zed: node('zed', ['r']), amy: node('amy', ['r']), max: node('max', ['r']) },
      pairs: {},
      schedules: {},
      hash: 'sha256:0',
    };
    expect(names(resolveTargets(desired, ['role:r']))).toEqual(['amy', 'max', 'zed']);
  });
});

describe('normaliseTarget', () => {
  it('keeps pair:, node: and role: targets as they are', () => {
    expect(['pair:db', 'node:db-1', 'role:base', 'node:'].map(normaliseTarget)).toEqual([
      'pair:db',
      'node:db-1',
      'role:base',
      'node:',
    ]);
  });

  it('makes anything else the name of a node', () => {
    expect(['db-1', 'Pair:db', 'pairs:db', 'xnode:a', 'db:1', ''].map(normaliseTarget)).toEqual([
      'node:db-1',
      'node:Pair:db',
      'node:pairs:db',
      'node:xnode:a',
      'node:db:1',
      'node:',
    ]);
  });
});

describe('normaliseTargets', () => {
  it('splits at commas and normalises each', () => {
    expect(normaliseTargets('pair:db,db-1,role:base')).toEqual(['pair:db', 'node:db-1', 'role:base']);
    expect(normaliseTargets('db-1')).toEqual(['node:db-1']);
  });

  it('what it makes resolves', () => {
    const desired = loadYaml(FLEET);
    expect(names(resolveTargets(desired, normaliseTargets('zeta,pair:db')))).toEqual([
      'zeta',
      'db-2',
      'db-1',
    ]);
  });
});
