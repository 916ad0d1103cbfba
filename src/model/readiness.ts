/**
 * Pre-failover readiness (DESIGN §8, a firm contract): `ready PAIR` evaluates these checks,
 * each pass, warn or fail with its findings; the verdict is NO-GO when any check fails.
 * JSON: { pair, primary, secondary, verdict, evaluatedAt, checks: [{ id, status, summary, findings }] }.
 */
import type { Finding } from './finding';
import type { FixAction } from './plan';

export const READINESS_CHECK_IDS = [
  'fresh-reports',
  'secondary-conforms',
  'parity-packages',
  'parity-sysctls',
  'parity-mounts',
  'parity-units',
  'parity-files',
  'parity-users',
  'boot-safety',
  'panic-reboot',
  'capacity',
  'replication',
  'reachability',
] as const;

export type ReadinessCheckId = (typeof READINESS_CHECK_IDS)[number];

export type CheckStatus = 'pass' | 'warn' | 'fail';

/**
 * What `plan` would do about a finding (the fix of the pair's plan that resolves it): argv
 * commands and file changes as diffs, never a shell string. `advice` is for a person.
 */
export interface ProposedFix {
  node: string;
  action: FixAction;
  description: string;
  commands: string[][];
  files: { path: string; diff?: string }[];
  /** For advice: why driftguard does not do it itself. */
  reason?: string;
}

/**
 * A finding of a readiness check: one of drift's or parity's, or about the node itself
 * (`node`: how old its state is) or its declared probes (`probes`).
 */
export interface ReadinessFinding extends Omit<Finding, 'category'> {
  category: Finding['category'] | 'node' | 'probes';
  /** The node the finding is about (for parity: the one to change — the secondary). */
  node?: string;
  fix?: ProposedFix;
}

export interface CheckResult {
  id: ReadinessCheckId;
  status: CheckStatus;
  /** One line for a person. */
  summary: string;
  findings: ReadinessFinding[];
}

export type Verdict = 'GO' | 'NO-GO';

export interface Readiness {
  pair: string;
  primary: string;
  secondary: string;
  verdict: Verdict;
  evaluatedAt: string;
  checks: CheckResult[];
}

/** The outcome of one reachability probe, run by the caller (TCP connect with a timeout). */
export interface ProbeResult {
  node: string;
  name: string;
  /** `host:port` */
  target: string;
  ok: boolean;
  /** Why it did not answer: refused, timed out, unreachable … */
  error?: string;
  latencyMs?: number;
}
