/**
 * Pre-failover readiness (DESIGN §8): GO or NO-GO for a pair, with every reason. Pure: states,
 * desired state, probe results and the clock in; the verdict out. One module per check id, in a
 * table; the order of the table is the order of the report.
 */
import { effectiveSpec } from '../desired';
import type { CheckResult, Readiness } from '../model/readiness';
import { bootSafety } from './checks/boot-safety';
import { capacity } from './checks/capacity';
import { freshReports } from './checks/fresh-reports';
import { panicReboot } from './checks/panic-reboot';
import { parityFilesCheck } from './checks/parity-files';
import { parityMounts } from './checks/parity-mounts';
import { parityPackages } from './checks/parity-packages';
import { paritySysctls } from './checks/parity-sysctls';
import { parityUnits } from './checks/parity-units';
import { parityUsers } from './checks/parity-users';
import { reachability } from './checks/reachability';
import { replication } from './checks/replication';
import { secondaryConforms } from './checks/secondary-conforms';
import type { ReadinessCheck, ReadinessInput } from './types';

export type { ReadinessInput } from './types';

export const CHECKS: readonly ReadinessCheck[] = [
  freshReports,
  secondaryConforms,
  parityPackages,
  paritySysctls,
  parityMounts,
  parityUnits,
  parityFilesCheck,
  parityUsers,
  bootSafety,
  panicReboot,
  capacity,
  replication,
  reachability,
];

export interface ReadinessOptions {
  /** Warnings count as failures (`ready --strict`). */
  strict?: boolean;
}

export function readiness(input: ReadinessInput, options: ReadinessOptions = {}): Readiness {
  const ctx = {
    ...input,
    primarySpec: effectiveSpec(input.desired, input.pair.primary),
    secondarySpec: effectiveSpec(input.desired, input.pair.secondary),
  };
  const checks: CheckResult[] = CHECKS.map((check) => {
    const result = check.evaluate(ctx);
    const status = options.strict && result.status === 'warn' ? 'fail' : result.status;
    return { id: check.id, ...result, status };
  });
  return {
    pair: input.pair.name,
    primary: input.pair.primary,
    secondary: input.pair.secondary,
    verdict: checks.some((check) => check.status === 'fail') ? 'NO-GO' : 'GO',
    evaluatedAt: input.now.toISOString(),
    checks,
  };
}
