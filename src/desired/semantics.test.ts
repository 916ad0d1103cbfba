import type { Issue } from '../shared/errors';
import { formatIssue } from '../shared/errors';
import { loadYaml, problems } from '../../test/helpers/desired';
import { normalise } from './normalise';
import { checkDocument } from './schema-validator';
import { buildTables, checkConflicts, checkReferences, type Declared, type Tables } from './semantics';
import { parseYamlFile } from './yaml-source';

/** The documents of one YAML text, checked and normalised as the loader does (all must be valid). */
function declare(text: string): Declared[] {
  const parsed = parseYamlFile(text, 'd.yaml');
  expect(parsed.issues).toEqual([]);
  return parsed.documents.map((doc) => {
    const checked = checkDocument(doc);
    if (!checked.ok) throw new Error(checked.issues.map(formatIssue).join('\n'));
    const issues: Issue[] = [];
    const decl = normalise(checked.kind, doc, issues);
    expect(issues).toEqual([]);
    return { decl, doc };
  });
}

/** The names in each table, and where each entry was declared. */
function tableSummary(tables: Tables): Record<string, Record<string, string>> {
  const summary: Record<string, Record<string, string>> = {};
  for (const [table, entries] of Object.entries(tables) as [string, Record<string, Declared>][]) {
    summary[table] = Object.fromEntries(
      Object.entries(entries).map(([name, { decl }]) => [name, `${decl.at.line}:${decl.at.col}`]),
    );
  }
  return summary;
}

describe('buildTables', () => {
  it('files each declaration by kind and name; the same name in different kinds is fine', () => {
    const issues: Issue[] = [];
    const tables = buildTables(
      declare(`kind: Role
name: web
---
kind: Node
name: web
---
kind: Pair
name: web
primary: web
secondary: other
---
kind: Schedule
name: web
cron: "0 3 * * *"
targets: [pair:web]
`),
      issues,
    );
    expect(issues).toEqual([]);
    expect(tableSummary(tables)).toEqual({
      roles: { web: '2:7' },
      nodes: { web: '5:7' },
      pairs: { web: '8:7' },
      schedules: { web: '13:7' },
    });
  });

  it('keeps the first definition of a name and reports every later one at its name, naming the first', () => {
    const issues: Issue[] = [];
    const tables = buildTables(
      declare(`kind: Node
name: n1
roles: [first]
---
kind: Node
name: n1
roles: [second]
---
kind: Node
name: n1
roles: [third]
`),
      issues,
    );
    expect(issues.map(formatIssue)).toEqual([
      'd.yaml:6:7: Node `n1` is defined twice: first at d.yaml:2:7',
      'd.yaml:10:7: Node `n1` is defined twice: first at d.yaml:2:7',
    ]);
    expect(tables.nodes['n1']?.decl).toMatchObject({ name: 'n1', roles: ['first'] });
    expect(tableSummary(tables)).toEqual({ roles: {}, nodes: { n1: '2:7' }, pairs: {}, schedules: {} });
  });

  it('names the kind of the duplicate in the message, for every kind', () => {
    expect(
      problems(`kind: Role
name: r
---
kind: Role
name: r
---
kind: Node
name: n
roles: [r]
---
kind: Node
name: n
---
kind: Node
name: m
---
kind: Pair
name: p
primary: n
secondary: m
---
kind: Pair
name: p
primary: n
secondary: m
---
kind: Schedule
name: s
cron: "0 3 * * *"
targets: [pair:p]
---
kind: Schedule
name: s
cron: "0 4 * * *"
targets: [node:n]
`),
    ).toEqual([
      'd.yaml:5:7: Role `r` is defined twice: first at d.yaml:2:7',
      'd.yaml:12:7: Node `n` is defined twice: first at d.yaml:8:7',
      'd.yaml:23:7: Pair `p` is defined twice: first at d.yaml:18:7',
      'd.yaml:33:7: Schedule `s` is defined twice: first at d.yaml:28:7',
    ]);
  });

  it('a name that is a property of Object.prototype is an ordinary name', () => {
    const issues: Issue[] = [];
    const tables = buildTables(
      declare(`kind: Node
name: constructor
---
kind: Role
name: toString
`),
      issues,
    );
    expect(issues).toEqual([]);
    expect(tableSummary(tables)).toEqual({
      roles: { toString: '5:7' },
      nodes: { constructor: '2:7' },
      pairs: {},
      schedules: {},
    });
  });
});

describe('checkReferences: the roles of a node', () => {
  it('every role defined: no problem', () => {
    const desired = loadYaml(`kind: Role
name: base
---
kind: Role
name: db
---
kind: Node
name: n1
roles: [base, db]
`);
    expect(desired.nodes['n1']?.roles).toEqual(['base', 'db']);
  });

  it('an undefined role, at its entry of `roles`, with a suggestion when one is close', () => {
    expect(
      problems(`kind: Role
name: base
---
kind: Role
name: postgres
---
kind: Node
name: n1
roles: [base, postgre, zzz]
`),
    ).toEqual([
      'd.yaml:9:15: node `n1`: role `postgre` is not defined — did you mean `postgres`?',
      'd.yaml:9:24: node `n1`: role `zzz` is not defined',
    ]);
  });

  it('a role whose document is broken is not also "not defined"; one of another kind with that name is', () => {
    expect(
      problems(`kind: Role
name: base
packages: {x: sometimes}
---
kind: Node
name: web
ssh: {port: 22}
---
kind: Node
name: n1
roles: [base, web]
`),
    ).toEqual([
      'd.yaml:3:15: package `x`: `sometimes` is not a valid package rule: `sometimes` is not a package rule: write `present`, `absent`, a relation like `">= 1.2"` or an exact version',
      'd.yaml:7:6: missing key `host` in `ssh` in Node',
      'd.yaml:11:15: node `n1`: role `web` is not defined',
    ]);
  });

  it('the broken names passed in excuse exactly their kind and name', () => {
    const issues: Issue[] = [];
    const tables = buildTables(
      declare(`kind: Node
name: n1
roles: [base, web]
`),
      [],
    );
    checkReferences(tables, issues, new Set(['Role:base', 'Node:web']));
    expect(issues.map(formatIssue)).toEqual(['d.yaml:3:15: node `n1`: role `web` is not defined']);
  });

  it('without broken names, every undefined name is reported', () => {
    const issues: Issue[] = [];
    const tables = buildTables(
      declare(`kind: Node
name: n1
roles: [base]
`),
      [],
    );
    checkReferences(tables, issues);
    expect(issues.map(formatIssue)).toEqual(['d.yaml:3:9: node `n1`: role `base` is not defined']);
  });
});

describe('checkReferences: the includes of a role', () => {
  it('an included role that does not exist, at its entry, with a suggestion when one is close', () => {
    expect(
      problems(`kind: Role
name: base
---
kind: Role
name: web
include: [base, bse, nothing-like-it]
`),
    ).toEqual([
      'd.yaml:6:17: role `web` includes a role that does not exist: role `bse` is not defined — did you mean `base`?',
      'd.yaml:6:22: role `web` includes a role that does not exist: role `nothing-like-it` is not defined',
    ]);
  });

  it('an included role whose own document is broken: only its own problem', () => {
    expect(
      problems(`kind: Role
name: base
packages: {x: sometimes}
---
kind: Role
name: web
include: [base]
`),
    ).toEqual([
      'd.yaml:3:15: package `x`: `sometimes` is not a valid package rule: `sometimes` is not a package rule: write `present`, `absent`, a relation like `">= 1.2"` or an exact version',
    ]);
  });

  it('a role that includes itself is a cycle', () => {
    expect(
      problems(`kind: Role
name: a
include: [a]
`),
    ).toEqual(['d.yaml:3:11: include cycle: a → a']);
  });

  it('a role that includes itself, reached first through a role that includes it, is reported once', () => {
    expect(
      problems(`kind: Role
name: top
include: [a]
---
kind: Role
name: a
include: [a]
`),
    ).toEqual(['d.yaml:7:11: include cycle: a → a']);
  });

  it('a cycle of two, reported once at the include that closes it', () => {
    expect(
      problems(`kind: Role
name: a
include: [b]
---
kind: Role
name: b
include: [a]
`),
    ).toEqual(['d.yaml:7:11: include cycle: a → b → a']);
  });

  it('a cycle is printed without the roles visited before it on the way', () => {
    expect(
      problems(`kind: Role
name: a
include: [b, c]
---
kind: Role
name: b
---
kind: Role
name: c
include: [a]
`),
    ).toEqual(['d.yaml:10:11: include cycle: a → c → a']);
  });

  it('a cycle entered from a role outside it is printed from where it starts', () => {
    expect(
      problems(`kind: Role
name: top
include: [x]
---
kind: Role
name: x
include: [y]
---
kind: Role
name: y
include: [x]
`),
    ).toEqual(['d.yaml:11:11: include cycle: x → y → x']);
  });

  it('two separate cycles are both reported', () => {
    expect(
      problems(`kind: Role
name: a
include: [b]
---
kind: Role
name: b
include: [a]
---
kind: Role
name: c
include: [d]
---
kind: Role
name: d
include: [c]
`),
    ).toEqual(['d.yaml:7:11: include cycle: a → b → a', 'd.yaml:15:11: include cycle: c → d → c']);
  });

  it('a diamond (two roles including the same one) is not a cycle', () => {
    const desired = loadYaml(`kind: Role
name: base
---
kind: Role
name: left
include: [base]
---
kind: Role
name: right
include: [base]
---
kind: Role
name: top
include: [left, right]
`);
    expect(desired.roles['top']?.include).toEqual(['left', 'right']);
  });

  it('a cycle through an undefined role is only the undefined role', () => {
    expect(
      problems(`kind: Role
name: a
include: [ghost]
---
kind: Role
name: b
include: [a]
`),
    ).toEqual(['d.yaml:3:11: role `a` includes a role that does not exist: role `ghost` is not defined']);
  });
});

describe('checkReferences: pairs', () => {
  const NODES = `kind: Node
name: db-1
---
kind: Node
name: db-2
---
`;

  it('two defined, different nodes: no problem', () => {
    const desired = loadYaml(`${NODES}kind: Pair
name: db
primary: db-1
secondary: db-2
`);
    expect(desired.pairs['db']).toMatchObject({ primary: 'db-1', secondary: 'db-2' });
  });

  it('an undefined primary, at `primary`, with a suggestion', () => {
    expect(
      problems(`${NODES}kind: Pair
name: db
primary: db-3
secondary: db-2
`),
    ).toEqual(['d.yaml:9:10: pair `db`: primary node `db-3` is not defined — did you mean `db-1`?']);
  });

  it('an undefined secondary, at `secondary`, without a suggestion when none is close', () => {
    expect(
      problems(`${NODES}kind: Pair
name: db
primary: db-1
secondary: standby
`),
    ).toEqual(['d.yaml:10:12: pair `db`: secondary node `standby` is not defined']);
  });

  it('a role or pair of that name does not make a node', () => {
    expect(
      problems(`kind: Role
name: r1
---
kind: Pair
name: other
primary: r1
secondary: other
`),
    ).toEqual([
      'd.yaml:6:10: pair `other`: primary node `r1` is not defined',
      'd.yaml:7:12: pair `other`: secondary node `other` is not defined',
    ]);
  });

  it('the same node as primary and secondary, at `secondary`', () => {
    expect(
      problems(`${NODES}kind: Pair
name: db
primary: db-1
secondary: db-1
`),
    ).toEqual([
      'd.yaml:10:12: pair `db` has `db-1` as both primary and secondary: a pair is two different nodes',
    ]);
  });

  it('the same undefined node on both sides: not defined twice, and not two nodes', () => {
    expect(
      problems(`kind: Pair
name: db
primary: ghost
secondary: ghost
`),
    ).toEqual([
      'd.yaml:3:10: pair `db`: primary node `ghost` is not defined',
      'd.yaml:4:12: pair `db`: secondary node `ghost` is not defined',
      'd.yaml:4:12: pair `db` has `ghost` as both primary and secondary: a pair is two different nodes',
    ]);
  });

  it('a node whose document is broken is not also "not defined"', () => {
    expect(
      problems(`kind: Node
name: db-1
---
kind: Node
name: db-2
ssh: {host: "bad host"}
---
kind: Pair
name: db
primary: db-1
secondary: db-2
`),
    ).toEqual([
      'd.yaml:6:13: `host` of `ssh`: `bad host` is not a valid host: a space is not allowed (only letters, digits and `. - : _`)',
    ]);
  });

  it('a node may be in several pairs, on either side', () => {
    const desired = loadYaml(`${NODES}kind: Node
name: db-3
---
kind: Pair
name: a
primary: db-1
secondary: db-2
---
kind: Pair
name: b
primary: db-2
secondary: db-3
`);
    expect(Object.keys(desired.pairs)).toEqual(['a', 'b']);
  });
});

describe('checkReferences: schedule targets', () => {
  const WORLD = `kind: Role
name: web
---
kind: Node
name: web-1
roles: [web]
---
kind: Node
name: web-2
---
kind: Pair
name: front
primary: web-1
secondary: web-2
---
`;

  it('pair:, node: and role: of defined names: no problem', () => {
    const desired = loadYaml(`${WORLD}kind: Schedule
name: s
cron: "0 3 * * *"
targets: [pair:front, node:web-2, role:web]
`);
    expect(desired.schedules['s']?.targets).toEqual(['pair:front', 'node:web-2', 'role:web']);
  });

  it('each undefined name at its entry, looked up among the names of its own kind', () => {
    expect(
      problems(`${WORLD}kind: Schedule
name: s
cron: "0 3 * * *"
targets: [pair:fron, node:web-3, role:wbe, pair:web, node:web, role:front]
`),
    ).toEqual([
      'd.yaml:19:11: schedule `s` targets pair `fron` is not defined — did you mean `front`?',
      'd.yaml:19:22: schedule `s` targets node `web-3` is not defined — did you mean `web-1`?',
      'd.yaml:19:34: schedule `s` targets role `wbe` is not defined — did you mean `web`?',
      'd.yaml:19:44: schedule `s` targets pair `web` is not defined',
      'd.yaml:19:54: schedule `s` targets node `web` is not defined',
      'd.yaml:19:64: schedule `s` targets role `front` is not defined',
    ]);
  });

  it('a target whose document is broken is not also "not defined", for each kind', () => {
    expect(
      problems(`kind: Role
name: r
packages: {x: sometimes}
---
kind: Node
name: n
ssh: {port: 22}
---
kind: Pair
name: p
primary: n
---
kind: Schedule
name: s
cron: "0 3 * * *"
targets: [role:r, node:n, pair:p]
`),
    ).toEqual([
      'd.yaml:3:15: package `x`: `sometimes` is not a valid package rule: `sometimes` is not a package rule: write `present`, `absent`, a relation like `">= 1.2"` or an exact version',
      'd.yaml:7:6: missing key `host` in `ssh` in Node',
      'd.yaml:9:1: missing key `secondary` in Pair',
    ]);
  });
});

describe('checkConflicts', () => {
  it('composes every role, even one no node uses', () => {
    expect(
      problems(`kind: Role
name: a
sysctls: {vm.swappiness: 10}
---
kind: Role
name: b
sysctls: {vm.swappiness: 60}
---
kind: Role
name: unused
include: [a, b]
`),
    ).toEqual([
      'd.yaml:7:11: conflicting rules for sysctls `vm.swappiness`: role `a` wants "10" (d.yaml:3:11), role `b` wants "60" (d.yaml:7:11), and both are in the `include` of role `unused` (d.yaml:10:7) — make them agree, or set it in a role that includes both',
    ]);
  });

  it("composes every node's roles", () => {
    expect(
      problems(`kind: Role
name: a
packages: {nginx: present}
---
kind: Role
name: b
packages: {nginx: absent}
---
kind: Node
name: n1
roles: [a, b]
`),
    ).toEqual([
      'd.yaml:7:12: conflicting rules for packages `nginx`: role `a` wants present (d.yaml:3:12), role `b` wants absent (d.yaml:7:12), and both are in the `roles` of node `n1` (d.yaml:10:7) — make them agree, or set it in a role that includes both',
    ]);
  });

  it('appends to the issues it is given and reports nothing for roles that agree', () => {
    const declared = declare(`kind: Role
name: a
packages: {nginx: present}
---
kind: Role
name: b
packages: {nginx: present}
---
kind: Node
name: n1
roles: [a, b]
`);
    const earlier: Issue = { message: 'an earlier problem' };
    const issues: Issue[] = [earlier];
    checkConflicts(buildTables(declared, []), issues);
    expect(issues).toEqual([earlier]);
  });

  it('is not run when a reference is wrong (the role graph is not sound)', () => {
    expect(
      problems(`kind: Role
name: a
packages: {nginx: present}
---
kind: Role
name: b
packages: {nginx: absent}
---
kind: Node
name: n1
roles: [a, b, c]
`),
    ).toEqual(['d.yaml:11:15: node `n1`: role `c` is not defined — did you mean `a`?']);
  });
});

describe('checkReferences at scale', () => {
  it('visits each role once: 40 layers of two roles, each including both of the layer below', () => {
    // Following every path instead would take 2^40 steps: the test would never end (jest's
    // timeout fails it). No timing is asserted.
    const docs: string[] = [];
    for (let layer = 0; layer < 40; layer++) {
      for (const side of ['a', 'b']) {
        const include = layer === 0 ? '[]' : `[l${layer - 1}-a, l${layer - 1}-b]`;
        docs.push(`kind: Role\nname: l${layer}-${side}\ninclude: ${include}\n`);
      }
    }
    const tables = buildTables(declare(docs.join('---\n')), []);
    const issues: Issue[] = [];
    checkReferences(tables, issues);
    expect(issues).toEqual([]);
  });
});
