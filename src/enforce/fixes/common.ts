/** Small builders every category fixer shares, so that all fixes of a kind read alike. */
import type { Finding } from '../../model/finding';
import { findingFingerprint } from '../../model/finding';
import type { FixCategory } from '../../model/plan';
import type { FixDraft, SourcedFinding } from '../types';

/** The finding's identity over time (category, key, kind, aspect, side). */
export function fingerprintOf(
  finding: Pick<SourcedFinding, 'category' | 'key' | 'kind' | 'aspect' | 'side'>,
): string {
  return findingFingerprint(finding as Finding);
}

export function fingerprints(findings: readonly SourcedFinding[]): string[] {
  return [...new Set(findings.map(fingerprintOf))];
}

/** Findings grouped by their key (or what `keyOf` makes of it), in first-seen order. */
export function groupByKey<T extends { key: string }>(
  findings: readonly T[],
  keyOf: (finding: T) => string = (finding) => finding.key,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const finding of findings) {
    const key = keyOf(finding);
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  return groups;
}

/**
 * A fixer's drafts, key by key: `make` gets each key's findings (grouped by `keyOf`, in
 * first-seen order) and returns the drafts for that key.
 */
export function perKey(
  findings: readonly SourcedFinding[],
  make: (key: string, group: SourcedFinding[]) => FixDraft | FixDraft[],
  keyOf?: (finding: SourcedFinding) => string,
): FixDraft[] {
  return [...groupByKey(findings, keyOf)].flatMap(([key, group]) => make(key, group));
}

/** A fix for a person: shown in the plan, never applied; `commands` are suggestions. */
export function advice(
  category: FixCategory,
  key: string,
  description: string,
  reason: string,
  findings: readonly SourcedFinding[],
  commands: string[][] = [],
): FixDraft {
  return {
    category,
    key,
    action: 'advice',
    description,
    reason,
    commands,
    addresses: fingerprints(findings),
  };
}

/** The advice, when there are findings for it: the part of a key a person must do, beside what the fixer changes. */
export function adviceIfAny(
  category: FixCategory,
  key: string,
  description: string,
  reason: string,
  findings: readonly SourcedFinding[],
): FixDraft[] {
  return findings.length > 0 ? [advice(category, key, description, reason, findings)] : [];
}

/**
 * A name from a node's state that is not well-formed never reaches a command: the desired
 * state's names were checked at load, but a state is data from the node and is checked here.
 */
export function refusedName(
  category: FixCategory,
  key: string,
  what: string,
  problem: string,
  findings: readonly SourcedFinding[],
): FixDraft {
  return advice(
    category,
    key,
    `${what} ${JSON.stringify(key)} is not well-formed (${problem}): driftguard will not pass it to a command`,
    'refused: a malformed name from a node state',
    findings,
  );
}
