import type { RoleSpec } from '../../model/desired';
import type { ProposedFix, ReadinessFinding } from '../../model/readiness';
import type { NodeState } from '../../model/state';

/** What a fixer may look at: the finding, and the states of the node to change and of its model. */
export interface FixContext {
  /** The node the fix changes. */
  target?: NodeState;
  /** The node whose state is the model (the primary, for parity). */
  model?: NodeState;
  /** What the target's roles ask of it. */
  spec?: RoleSpec;
}

export type Fixer = (finding: ReadinessFinding, ctx: FixContext) => ProposedFix | undefined;

export function fix(
  node: string,
  description: string,
  commands: string[][] = [],
  files: ProposedFix['files'] = [],
): ProposedFix {
  return { node, description, commands, files };
}
