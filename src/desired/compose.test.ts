import type { Desired, NodeDecl, Role, RoleSpec } from '../model/desired';
import { DesiredStateError, NotFoundError, type Issue } from '../shared/errors';
import { effectiveSpec, emptySpec, watchListFor, watchPathsFor } from './compose';
import { loadYaml, problems } from '../../test/helpers/desired';
import { dict } from './dict';
import { nodeByName, pairByName, pairsOf, roleByName } from './lookup';

const load = (text: string) => loadYaml(text);

/**
 * A Desired built by hand, for what the loader would refuse (undefined roles, cycles, conflicts)
 * and for rules that carry no position.
 */
function desiredOf(roles: Role[], nodes: NodeDecl[]): Desired {
  const table = <T extends { name: string }>(items: T[]): Record<string, T> =>
    Object.assign(dict<T>(), Object.fromEntries(items.map((item) => [item.name, item])));
  return {
    dir: '/d',
    roles: table(roles),
    nodes: table(nodes),
    pairs: dict(),
    schedules: dict(),
    hash: 'sha256:0',
  };
}

function role(name: string, include: string[], rules: Partial<RoleSpec> = {}, line = 1): Role {
  return { kind: 'Role', name, include, ...emptySpec(), ...rules, at: { file: 'h.yaml', line, col: 1 } };
}

function node(name: string, roles: string[]): NodeDecl {
  return { kind: 'Node', name, roles, probes: [], at: { file: 'h.yaml', line: 9, col: 1 } };
}

/** What `run` throws as a DesiredStateError: message and issues; or fails the test. */
function thrown(run: () => unknown): { message: string; issues: readonly Issue[] } {
  try {
    run();
  } catch (err) {
    if (!(err instanceof DesiredStateError)) throw err;
    return { message: err.message, issues: err.issues };
  }
  throw new Error('expected a DesiredStateError');
}

const LAYERED = `
kind: Role
name: base
packages: {chrony: present, ntp: absent}
sysctls: {kernel.panic: 10, vm.swappiness: 60}
files: {/etc/hosts: {parity: true}}
---
kind: Role
name: db
include: [base]
sysctls: {vm.swappiness: 10}
files: {/etc/postgresql/pg.conf: {mode: "0640", owner: postgres}}
---
kind: Role
name: monitoring
include: [base]
packages: {prometheus-node-exporter: present}
files: {/etc/default/prometheus-node-exporter: {parity: true}}
---
kind: Node
name: db-1
roles: [db, monitoring]
---
kind: Node
name: db-2
roles: [db]
---
kind: Node
name: bare
---
kind: Pair
name: db
primary: db-1
secondary: db-2
---
kind: Pair
name: db-reverse
primary: db-2
secondary: db-1
`;

describe('effectiveSpec', () => {
  let desired: Desired;
  beforeEach(() => {
    desired = load(LAYERED);
  });

  it('applies included roles first and lets the including role override them', () => {
    const spec = effectiveSpec(desired, 'db-2');
    expect(spec.sysctls['vm.swappiness']?.value).toBe('10');
    expect(spec.sysctls['kernel.panic']?.value).toBe('10');
    expect(spec.packages['ntp']?.state).toBe('absent');
    // The winning rule still points where it was written.
    expect(spec.sysctls['vm.swappiness']?.at).toEqual({ file: 'd.yaml', line: 11, col: 11 });
    expect(spec.sysctls['kernel.panic']?.at).toEqual({ file: 'd.yaml', line: 5, col: 11 });
  });

  it('merges roles side by side that share an included role (a diamond): an override beats the inherited rule', () => {
    const spec = effectiveSpec(desired, 'db-1');
    expect(Object.keys(spec.packages).sort()).toEqual(['chrony', 'ntp', 'prometheus-node-exporter']);
    // monitoring inherits base's 60; db deliberately overrides it with 10: db's wins, whatever the order.
    expect(spec.sysctls['vm.swappiness']?.value).toBe('10');
    const reversed = load(LAYERED.replace('roles: [db, monitoring]', 'roles: [monitoring, db]'));
    expect(effectiveSpec(reversed, 'db-1').sysctls['vm.swappiness']?.value).toBe('10');
  });

  it('a node without roles asks for nothing', () => {
    expect(effectiveSpec(desired, 'bare')).toEqual({
      packages: {},
      sysctls: {},
      mounts: {},
      units: {},
      files: {},
      users: {},
    });
  });

  it('composes each node once per loaded desired state: the same frozen spec every time', () => {
    const spec = effectiveSpec(desired, 'db-1');
    expect(effectiveSpec(desired, 'db-1')).toBe(spec);
    expect(Object.isFrozen(spec.sysctls['vm.swappiness'])).toBe(true);
  });

  it('watchPathsFor lists the files its roles name, sorted', () => {
    expect(watchPathsFor(desired, 'db-1')).toEqual([
      '/etc/default/prometheus-node-exporter',
      '/etc/hosts',
      '/etc/postgresql/pg.conf',
    ]);
    expect(watchPathsFor(desired, 'bare')).toEqual([]);
  });
});

describe('effectiveSpec on a desired state the loader would refuse', () => {
  it('a role that is not defined: DesiredStateError', () => {
    expect(thrown(() => effectiveSpec(desiredOf([], [node('n', ['ghost'])]), 'n'))).toEqual({
      message: 'role `ghost` is not defined',
      issues: [],
    });
  });

  it('an include cycle: DesiredStateError at the role met again, not an endless loop', () => {
    const desired = desiredOf([role('a', ['b'], {}, 2), role('b', ['a'], {}, 5)], [node('n', ['a'])]);
    expect(thrown(() => effectiveSpec(desired, 'n'))).toEqual({
      message: 'role `a` includes itself',
      issues: [{ message: 'include cycle', at: { file: 'h.yaml', line: 2, col: 1 } }],
    });
  });

  it('roles in conflict: DesiredStateError; rules without a position are shown without one, the issue at the node', () => {
    const desired = desiredOf(
      [
        role('a', [], { packages: { nginx: { state: 'present' } } }),
        role('b', [], { packages: { nginx: { state: 'absent' } } }),
      ],
      [node('n', ['a', 'b'])],
    );
    expect(thrown(() => effectiveSpec(desired, 'n'))).toEqual({
      message: 'the roles of node `n` conflict',
      issues: [
        {
          message:
            'conflicting rules for packages `nginx`: role `a` wants present, role `b` wants absent, and both are in the `roles` of node `n` (h.yaml:9:1) — make them agree, or set it in a role that includes both',
          at: { file: 'h.yaml', line: 9, col: 1 },
        },
      ],
    });
  });
});

describe('conflicts between roles side by side', () => {
  it('in an include list, reported once even when several nodes use the role', () => {
    expect(
      problems(`
kind: Role
name: a
packages: {nginx: present}
---
kind: Role
name: b
packages: {nginx: absent}
---
kind: Role
name: web
include: [a, b]
---
kind: Node
name: n1
roles: [web]
---
kind: Node
name: n2
roles: [web]
`),
    ).toEqual([
      'd.yaml:8:12: conflicting rules for packages `nginx`: role `a` wants present (d.yaml:4:12), role `b` wants absent (d.yaml:8:12), and both are in the `include` of role `web` (d.yaml:11:7) — make them agree, or set it in a role that includes both',
    ]);
  });

  it('is resolved by a role that includes both and says which it wants', () => {
    const desired = load(`
kind: Role
name: a
packages: {nginx: present}
---
kind: Role
name: b
packages: {nginx: absent}
---
kind: Role
name: web
include: [a, b]
packages: {nginx: ">= 1.22"}
---
kind: Node
name: n1
roles: [web]
`);
    expect(effectiveSpec(desired, 'n1').packages['nginx']).toMatchObject({ relation: '>=', version: '1.22' });
  });

  it('two roles that agree exactly are not in conflict', () => {
    const desired = load(`
kind: Role
name: a
units: {ssh.service: {enabled: true}}
---
kind: Role
name: b
units: {ssh.service: {enabled: true, after: []}}
---
kind: Node
name: n1
roles: [a, b]
`);
    expect(effectiveSpec(desired, 'n1').units['ssh.service']).toMatchObject({ enabled: true, after: [] });
  });

  it('rule-level, not field-level: two roles describing the same file differently conflict', () => {
    expect(
      problems(`
kind: Role
name: a
files: {/etc/hosts: {parity: true}}
---
kind: Role
name: b
files: {/etc/hosts: {owner: root}}
---
kind: Node
name: n1
roles: [a, b]
`),
    ).toEqual([
      'd.yaml:8:9: conflicting rules for files `/etc/hosts`: role `a` wants {"parity":true} (d.yaml:4:9), role `b` wants {"owner":"root","parity":false,"present":true} (d.yaml:8:9), and both are in the `roles` of node `n1` (d.yaml:11:7) — make them agree, or set it in a role that includes both',
    ]);
  });
});

describe('conflicts between roles side by side, shown and counted', () => {
  const sideBySide = (a: string, b: string) => `kind: Role
name: a
${a}
---
kind: Role
name: b
${b}
---
kind: Node
name: n1
roles: [a, b]
`;

  it.each([
    [
      'a package relation as written',
      'packages: {nginx: ">= 1.2"}',
      'packages: {nginx: "1.3"}',
      'd.yaml:7:12: conflicting rules for packages `nginx`: role `a` wants >= 1.2 (d.yaml:3:12), role `b` wants = 1.3 (d.yaml:7:12), and both are in the `roles` of node `n1` (d.yaml:10:7) — make them agree, or set it in a role that includes both',
    ],
    [
      'a unit with its lists, the empty ones left out',
      'units: {nginx.service: {enabled: true, after: [network.target]}}',
      'units: {nginx.service: {enabled: true, after: []}}',
      'd.yaml:7:9: conflicting rules for units `nginx.service`: role `a` wants {"after":["network.target"],"enabled":true} (d.yaml:3:9), role `b` wants {"enabled":true} (d.yaml:7:9), and both are in the `roles` of node `n1` (d.yaml:10:7) — make them agree, or set it in a role that includes both',
    ],
  ])('each rule as people wrote it: %s', (_what, a, b, issue) => {
    expect(problems(sideBySide(a, b))).toEqual([issue]);
  });

  it('the same two rules side by side on several nodes: one issue, at the first node', () => {
    const twoNodes = `${sideBySide('packages: {nginx: present}', 'packages: {nginx: absent}')}---
kind: Node
name: n2
roles: [a, b]
`;
    expect(problems(twoNodes)).toEqual([
      'd.yaml:7:12: conflicting rules for packages `nginx`: role `a` wants present (d.yaml:3:12), role `b` wants absent (d.yaml:7:12), and both are in the `roles` of node `n1` (d.yaml:10:7) — make them agree, or set it in a role that includes both',
    ]);
  });

  it('a conflict in the include list of an included role stays, even when the including role sets the key', () => {
    // `top` comes first, so `mid` is resolved (and its conflict found) while resolving `top`.
    expect(
      problems(`kind: Role
name: top
include: [mid]
packages: {nginx: ">= 1.22"}
---
kind: Role
name: mid
include: [a, b]
---
kind: Role
name: a
packages: {nginx: present}
---
kind: Role
name: b
packages: {nginx: absent}
`),
    ).toEqual([
      'd.yaml:16:12: conflicting rules for packages `nginx`: role `a` wants present (d.yaml:12:12), role `b` wants absent (d.yaml:16:12), and both are in the `include` of role `mid` (d.yaml:7:7) — make them agree, or set it in a role that includes both',
    ]);
  });
});

describe('watchListFor', () => {
  const desired = load(`kind: Role
name: r
files:
  /etc/zz: {parity: true}
  /etc/secret: {sensitive: true}
  /etc/open: {sensitive: false, parity: true}
---
kind: Node
name: n
roles: [r]
`);

  it('a declared node: the paths its roles name, and those marked sensitive, each sorted', () => {
    expect(watchListFor(desired, 'n')).toEqual({
      paths: ['/etc/open', '/etc/secret', '/etc/zz'],
      sensitive: ['/etc/secret'],
    });
  });

  it('an undeclared node: nothing', () => {
    expect(watchListFor(desired, 'ghost')).toEqual({ paths: [], sensitive: [] });
  });
});

describe('lookups', () => {
  let desired: Desired;
  beforeEach(() => {
    desired = load(LAYERED);
  });

  it('pairsOf: every pair a node is in, either side, sorted', () => {
    expect(pairsOf(desired, 'db-1').map((p) => p.name)).toEqual(['db', 'db-reverse']);
    expect(pairsOf(desired, 'bare')).toEqual([]);
  });

  it('by name, and NotFoundError with a suggestion or the known names', () => {
    expect(nodeByName(desired, 'db-2').roles).toEqual(['db']);
    expect(pairByName(desired, 'db').secondary).toBe('db-2');
    expect(roleByName(desired, 'base').name).toBe('base');
    expect(() => pairByName(desired, 'dbb')).toThrow(
      new NotFoundError('no pair named `dbb` in /desired — did you mean `db`?'),
    );
    expect(() => nodeByName(desired, 'web-1')).toThrow(
      new NotFoundError('no node named `web-1` in /desired (known: bare, db-1, db-2)'),
    );
    expect(() => nodeByName(desired, 'constructor')).toThrow(NotFoundError);
    expect(() => effectiveSpec(desired, 'nope')).toThrow(NotFoundError);
    expect(() => pairsOf(desired, 'nope')).toThrow(NotFoundError);
  });
});
