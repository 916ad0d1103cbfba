/**
 * `ready PAIR`: the states of both nodes, the probes of the secondary, the pure readiness
 * evaluation, and for every failing finding the fix `plan` would propose.
 */
import { pairByName } from '../desired';
import { makePlan, monitoringAdvice } from '../enforce';
import type { Desired } from '../model/desired';
import type { Finding } from '../model/finding';
import { findingFingerprint } from '../model/finding';
import type { Fix } from '../model/plan';
import type { ProbeResult, ProposedFix, Readiness, ReadinessFinding } from '../model/readiness';
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

/** What a proposal shows of a fix: a fix of the plan, or advice on the monitoring path (no files). */
type Proposable = Pick<Fix, 'node' | 'action' | 'description' | 'commands' | 'reloadSystemd' | 'reason'> & {
  files?: Fix['files'];
};

function proposed(fix: Proposable): ProposedFix {
  const commands = fix.reloadSystemd ? [...fix.commands, ['systemctl', 'daemon-reload']] : fix.commands;
  return {
    node: fix.node,
    action: fix.action,
    description: fix.description,
    commands,
    files: (fix.files ?? []).map((file) => ({ path: file.path, ...(file.diff ? { diff: file.diff } : {}) })),
    ...(fix.reason ? { reason: fix.reason } : {}),
  };
}

/**
 * The fixes a plan of the pair's nodes would make (nodes without a state have none). One plan
 * of every node with a state: a node's fixes are the same as in a plan of that node alone.
 */
function pairFixes(desired: Desired, states: Map<string, NodeState>, now: Date): Fix[] {
  if (states.size === 0) return [];
  const target = [...states.keys()].map((node) => `node:${node}`).join(',');
  return makePlan({ desired, target, stateOf: (name) => states.get(name), now }).fixes;
}

/** Advice for what no plan covers: the monitoring path (report age, probes). */
function adviceFor(finding: ReadinessFinding, node: string): Proposable | undefined {
  if (finding.category !== 'node' && finding.category !== 'probes') return undefined;
  const sourced = { ...finding, category: finding.category, node, source: 'health' as const };
  const [draft] = monitoringAdvice(finding.category, node, [sourced]);
  return draft ? { ...draft, node, commands: draft.commands ?? [] } : undefined;
}

/** Adds to each failing finding the fix of the pair's plan that resolves it, on the node it names. */
function withFixes(
  result: Readiness,
  desired: Desired,
  primary: NodeState | undefined,
  secondary: NodeState | undefined,
  now: Date,
): Readiness {
  const states = new Map<string, NodeState>();
  if (primary) states.set(result.primary, primary);
  if (secondary) states.set(result.secondary, secondary);
  const fixes = pairFixes(desired, states, now);
  return {
    ...result,
    checks: result.checks.map((check) => ({
      ...check,
      findings: check.findings.map((finding) => {
        if (check.status === 'pass' || finding.severity === 'info') return finding;
        const node = finding.node ?? result.secondary;
        const print = findingFingerprint(finding as Finding);
        const resolving = fixes.filter((fix) => fix.node === node && fix.addresses.includes(print));
        const fix = resolving.find((f) => f.action === 'change') ?? resolving[0] ?? adviceFor(finding, node);
        return fix ? { ...finding, fix: proposed(fix) } : finding;
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
  return withFixes(result, desired, primary, secondary, options.now);
}
