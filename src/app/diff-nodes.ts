/**
 * `diff A B`: everything that differs between two nodes. When A and B form a pair in the
 * desired state, the pair's ignore rules apply and the sides are called primary/secondary.
 * Findings are ordered for a migration review: first what A has that B lacks (the forgotten
 * pypissh of PyPI's 2014 move), then what only B has, then what differs.
 */
import { isActionable, parity } from '../compare';
import type { Desired, PairDecl } from '../model/desired';
import type { Finding } from '../model/finding';
import { CATEGORIES } from '../model/state';
import type { StateSource } from './state-source';
import { compareText } from '../shared/order';

export interface NodeDiff {
  first: { node: string; label: string; collectedAt: string };
  second: { node: string; label: string; collectedAt: string };
  pair?: string;
  findings: Finding[];
  status: 'same' | 'differ';
}

function pairOf(desired: Desired | undefined, a: string, b: string): PairDecl | undefined {
  return Object.values(desired?.pairs ?? {}).find(
    (pair) => (pair.primary === a && pair.secondary === b) || (pair.primary === b && pair.secondary === a),
  );
}

const SIDE_ORDER: Record<NonNullable<Finding['side']> | 'none', number> = {
  'only-first': 0,
  'only-second': 1,
  'newer-first': 2,
  'newer-second': 2,
  different: 2,
  none: 2,
};

function migrationOrder(a: Finding, b: Finding): number {
  return (
    SIDE_ORDER[a.side ?? 'none'] - SIDE_ORDER[b.side ?? 'none'] ||
    CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) ||
    compareText(a.key, b.key)
  );
}

export async function diffNodes(
  states: StateSource,
  a: string,
  b: string,
  desired?: Desired,
): Promise<NodeDiff> {
  const [first, second] = await Promise.all([states.latest(a), states.latest(b)]);
  const pair = pairOf(desired, a, b);
  const labelOf = (node: string) => (pair ? (pair.primary === node ? 'primary' : 'secondary') : node);
  const findings = parity(first, second, {
    labels: { first: labelOf(a), second: labelOf(b) },
    ignore: pair?.parity.ignore,
  }).sort(migrationOrder);
  return {
    first: { node: a, label: labelOf(a), collectedAt: first.collectedAt },
    second: { node: b, label: labelOf(b), collectedAt: second.collectedAt },
    pair: pair?.name,
    findings,
    status: findings.some(isActionable) ? 'differ' : 'same',
  };
}
