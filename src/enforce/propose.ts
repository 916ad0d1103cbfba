/**
 * What `plan` would do about a finding (DESIGN §9): a table of fixers by category, each pure.
 * Readiness shows these under its failures; the enforcement planner will build on them.
 */
import type { ProposedFix, ReadinessFinding } from '../model/readiness';
import { fixFile } from './fixes/files';
import { fixMount } from './fixes/mounts';
import { fixCapacity, fixNode, fixProbe, fixReplication, fixUser } from './fixes/other';
import { fixPackage } from './fixes/packages';
import { fixSysctl } from './fixes/sysctls';
import type { FixContext, Fixer } from './fixes/types';
import { fixUnit } from './fixes/units';

export type { FixContext } from './fixes/types';

const FIXERS: Partial<Record<ReadinessFinding['category'], Fixer>> = {
  packages: fixPackage,
  sysctls: fixSysctl,
  mounts: fixMount,
  units: fixUnit,
  files: fixFile,
  users: fixUser,
  capacity: fixCapacity,
  replication: fixReplication,
  node: fixNode,
  probes: fixProbe,
};

export function proposeFix(finding: ReadinessFinding, ctx: FixContext): ProposedFix | undefined {
  if (finding.severity === 'info') return undefined;
  return FIXERS[finding.category]?.(finding, ctx);
}
