/**
 * What every boot-safety rule works from, and the one shape of finding they all produce.
 */
import type { Finding } from '../../model/finding';
import type { Category, NodeState, UnitsState } from '../../model/state';
import type { BootGraph } from './graph';
import type { Transaction } from './transaction';

export interface BootContext {
  state: NodeState;
  units: UnitsState;
  graph: BootGraph;
  /** The units the boot starts. */
  boot: Transaction;
}

export interface UnsafeInput {
  category: Category;
  key: string;
  aspect: 'boot-hang' | 'failover-at-boot' | 'ordering-cycle' | 'after';
  message: string;
  evidence: string[];
  expected?: unknown;
  actual?: unknown;
}

export function unsafe(state: NodeState, input: UnsafeInput): Finding {
  const finding: Finding = {
    category: input.category,
    key: input.key,
    kind: 'unsafe',
    severity: 'error',
    message: input.message,
    node: state.node,
    aspect: input.aspect,
    evidence: input.evidence,
  };
  if (input.expected !== undefined) finding.expected = input.expected;
  if (input.actual !== undefined) finding.actual = input.actual;
  return finding;
}
