/**
 * What a schedule's targets name, as nodes: `node:NAME`, `pair:NAME` (primary then secondary),
 * `role:NAME` (every node with that role, directly or through a role that includes it).
 * Unknown names fail with the lookups' "did you mean" errors; each node appears once.
 */
import { nodeByName, pairByName, roleByName } from './lookup';
import type { Desired, NodeDecl } from '../model/desired';
import { UsageError } from '../shared/errors';

/** Whether `roleName` is one of `roles` or included by one of them (include chains followed once). */
function hasRole(desired: Desired, roles: readonly string[], roleName: string): boolean {
  const seen = new Set<string>();
  const pending = [...roles];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (name === roleName) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    pending.push(...(desired.roles[name]?.include ?? []));
  }
  return false;
}

export function resolveTargets(desired: Desired, targets: readonly string[]): NodeDecl[] {
  // A Map keeps a key where it was first set: each node once, at its first mention.
  const nodes = new Map<string, NodeDecl>();
  const add = (node: NodeDecl): void => {
    nodes.set(node.name, node);
  };
  for (const target of targets) {
    const colon = target.indexOf(':');
    const kind = colon < 0 ? '' : target.slice(0, colon);
    const name = target.slice(colon + 1);
    switch (kind) {
      case 'node':
        add(nodeByName(desired, name));
        break;
      case 'pair': {
        const pair = pairByName(desired, name);
        add(nodeByName(desired, pair.primary));
        add(nodeByName(desired, pair.secondary));
        break;
      }
      case 'role':
        roleByName(desired, name);
        for (const node of Object.values(desired.nodes).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (hasRole(desired, node.roles, name)) add(node);
        }
        break;
      default:
        throw new UsageError(
          `not a target: ${JSON.stringify(target)} (expected pair:NAME, node:NAME or role:NAME)`,
        );
    }
  }
  return [...nodes.values()];
}

/** A CLI TARGET as a target: `pair:NAME`, `node:NAME`, `role:NAME`, or a bare node name. */
export function normaliseTarget(target: string): string {
  return /^(pair|node|role):/.test(target) ? target : `node:${target}`;
}

/** A comma-separated CLI TARGET (a schedule names several) as targets, each normalised. */
export function normaliseTargets(text: string): string[] {
  return text.split(',').map(normaliseTarget);
}
