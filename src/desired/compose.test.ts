import type { Desired } from '../model/desired';
import { NotFoundError } from '../shared/errors';
import { effectiveSpec, watchPathsFor } from './compose';
import { loadYaml, problems } from '../../test/helpers/desired';
import { nodeByName, pairByName, pairsOf, roleByName } from './lookup';

const load = (text: string) => loadYaml(text);

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

  it('watchPathsFor lists the files its roles name, sorted', () => {
    expect(watchPathsFor(desired, 'db-1')).toEqual([
      '/etc/default/prometheus-node-exporter',
      '/etc/hosts',
      '/etc/postgresql/pg.conf',
    ]);
    expect(watchPathsFor(desired, 'bare')).toEqual([]);
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
