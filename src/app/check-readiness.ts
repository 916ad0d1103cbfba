/**
 * `ready PAIR`: the states of both nodes, the probes of the secondary, the pure readiness
 * evaluation, and for every failing finding the fix `plan` would propose.
 */
import { effectiveSpec, pairByName } from '../desired';
import { proposeFix } from '../enforce/propose';
import type { Desired } from '../model/desired';
import type { ProbeResult, Readiness } from '../model/readiness';
import type { NodeState } from '../model/state';
import { readiness } from '../readiness';
import { NotFoundError } from '../shared/errors';
import { runProbes } from './probes';
import type { StateSource } from './state-source';

export interface ReadinessOptions {
  now: Date;
  strict?: boolean;
  /** Run the declared probes (default), with this timeout; false = do not probe. */
  probes?: false | { timeoutMs: number };
}

async function latestOrNothing(states: StateSource, node: string): Promise<NodeState | undefined> {
  try {
    return await states.latest(node);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

/** Adds to each failing finding the fix that would address it, on the node it names. */
export function withFixes(
  result: Readiness,
  desired: Desired,
  primary?: NodeState,
  secondary?: NodeState,
): Readiness {
  const stateOf = (node: string | undefined) =>
    node === result.primary ? primary : node === result.secondary ? secondary : undefined;
  // Composed once per node, not once per finding.
  const specs = new Map(
    [result.primary, result.secondary]
      .filter((node) => desired.nodes[node])
      .map((node) => [node, effectiveSpec(desired, node)]),
  );
  return {
    ...result,
    checks: result.checks.map((check) => ({
      ...check,
      findings: check.findings.map((finding) => {
        if (check.status === 'pass') return finding;
        const target = stateOf(finding.node) ?? secondary;
        const model = target === secondary ? primary : secondary;
        const node = finding.node ?? result.secondary;
        const fix = proposeFix(finding, { target, model, spec: specs.get(node) });
        return fix ? { ...finding, fix } : finding;
      }),
    })),
  };
}

export async function checkReadiness(
  desired: Desired,
  states: StateSource,
  pairName: string,
  options: ReadinessOptions,
): Promise<Readiness> {
  const pair = pairByName(desired, pairName);
  const [primary, secondary, probes] = await Promise.all([
    latestOrNothing(states, pair.primary),
    latestOrNothing(states, pair.secondary),
    options.probes === false
      ? Promise.resolve<ProbeResult[] | undefined>(undefined)
      : runProbes(desired, [pair.secondary], options.probes?.timeoutMs ?? 3000),
  ]);
  const result = readiness(
    { pair, desired, primary, secondary, now: options.now, probes },
    { strict: options.strict },
  );
  return withFixes(result, desired, primary, secondary);
}
