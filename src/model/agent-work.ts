/**
 * Enforcement through the agent (`apply --via agent`): the server releases a node's fixes when
 * its wave starts; the node's agent — in its separate, privileged apply unit, never the
 * read-only collecting daemon — claims them, checks they still fit the node, applies them with
 * backups, and answers with what it did and a fresh state, which the server verifies.
 */
import type { Fix } from './plan';
import type { NodeOutcome } from './run';
import type { Category, NodeState } from './state';

export interface AgentWork {
  runId: string;
  node: string;
  target: string;
  planHash: string;
  /** The configuration hashes the plan stands on, for this node (see PlanNode.basis). */
  basis: Partial<Record<Category, string>>;
  /** This node's changes, in order. */
  fixes: Fix[];
  backupDir: string;
  dryRun: boolean;
}

export interface AgentResult {
  runId: string;
  node: string;
  /** Set when the agent applied nothing, and why (stale plan, work for another node). */
  refused?: string;
  /** What it did, fix by fix (absent when refused). */
  outcome?: NodeOutcome;
  /** The node's state after the fixes (or as it found it, when refused). */
  state?: NodeState;
}
