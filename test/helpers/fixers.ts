/**
 * One fixer's drafts for one node, worked out as the planner does (src/enforce/plan.ts): the
 * node's findings of the fixer's category — drift from its roles, the pair's parity, safety —
 * handed over with the node's fix context. For the fixers' unit tests, and the fleets the
 * planner's tests share.
 */
import type { NodeState } from '../../src/model/state';
import { findingsFor } from '../../src/enforce/findings';
import { fixContext } from '../../src/enforce/plan';
import type { CategoryFixer, FixDraft } from '../../src/enforce/types';
import { loadYaml } from './desired';

const NOW = new Date('2026-11-22T10:05:00.000Z');

/** A pair p: a (primary) and b (secondary), both with the role `app`. */
export const PAIR = `
kind: Role
name: app
---
kind: Node
name: a
roles: [app]
---
kind: Node
name: b
roles: [app]
---
kind: Pair
name: p
primary: a
secondary: b
`;

/** PAIR and a node c outside any pair, also with the role `app`. */
export const FLEET = `${PAIR}---
kind: Node
name: c
roles: [app]
`;

/** FLEET with the role's table of `category` as written in YAML (`{ nginx: present }`). */
export function fleetWith(category: string, table: string): string {
  return FLEET.replace('name: app\n', `name: app\n${category}: ${table}\n`);
}

/** What `fixer` drafts for `node` of the fleet `yaml` in these states. */
export function plannedBy(fixer: CategoryFixer, yaml: string, states: NodeState[], node = 'b'): FixDraft[] {
  const desired = loadYaml(yaml);
  const byName = new Map(states.map((s) => [s.node, s]));
  const stateOf = (name: string): NodeState | undefined => byName.get(name);
  const ctx = fixContext(desired, node, stateOf);
  const findings = findingsFor(desired, node, stateOf, NOW, { spec: ctx.spec });
  return fixer.plan(
    findings.filter((f) => f.category === fixer.category),
    ctx,
  );
}
