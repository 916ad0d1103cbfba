/** Findings: what drift and parity report (DESIGN §7). */
import type { Category } from './state';

export type FindingKind = 'missing' | 'unexpected' | 'mismatch' | 'not-persisted' | 'unsafe';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  category: Category;
  /** The exact key: package name, sysctl key, mount point, unit name, path, user name. */
  key: string;
  kind: FindingKind;
  /** What the desired state (drift) or the primary / first node (parity) has. */
  expected?: unknown;
  /** What the node (drift) or the secondary / second node (parity) has. */
  actual?: unknown;
  severity: Severity;
  /** One sentence for a person. */
  message: string;
  /** The node the finding is about (drift), absent for parity findings about a pair. */
  node?: string;
  /**
   * Which property of the key the finding is about when one key can have several findings of
   * one kind (`live`/`persisted` for a sysctl, `mode`/`owner` for a file, `uid` for a user).
   * Part of a finding's identity over time (its fingerprint).
   */
  aspect?: string;
  /** Lines that show why, for a person: a dependency chain, an ordering cycle, the fstab line. */
  evidence?: string[];
  /** For files: a unified diff from expected to actual. */
  diff?: string;
  /** Which side has the thing, for parity: Spacewalk's vocabulary. */
  side?: 'only-first' | 'only-second' | 'newer-first' | 'newer-second' | 'different';
}

/**
 * The key of a finding that says a category was not collected on a node, so nothing about it can
 * be judged: drift, parity and the readiness checks all use it, and a plan turns every such
 * finding into "collect it first" rather than a fix.
 */
export const NOT_COLLECTED = '(not collected)';

/** The two nodes a parity comparison is about, with the words used for them in messages. */
export interface ParitySides {
  first: { node: string; label: string };
  second: { node: string; label: string };
}

/**
 * The identity of a finding over time: the same difference found again in the next evaluation
 * has the same fingerprint, even when its values or wording changed, so the drift timeline can
 * say since when it has been open.
 */
export function findingFingerprint(finding: Finding): string {
  return [finding.category, finding.key, finding.kind, finding.aspect ?? '', finding.side ?? ''].join('|');
}
