/**
 * Small builders shared by the category comparators, so every finding of a kind reads the same
 * and carries the same fields.
 */
import type { Finding, FindingKind, ParitySides, Severity } from '../model/finding';
import type { Category } from '../model/state';
import { compareText } from '../shared/order';

export interface FindingInput {
  category: Category;
  key: string;
  kind: FindingKind;
  message: string;
  expected?: unknown;
  actual?: unknown;
  severity?: Severity;
  diff?: string;
  side?: Finding['side'];
  aspect?: string;
}

export function finding(input: FindingInput): Finding {
  const result: Finding = {
    category: input.category,
    key: input.key,
    kind: input.kind,
    severity: input.severity ?? 'error',
    message: input.message,
  };
  if (input.expected !== undefined) result.expected = input.expected;
  if (input.actual !== undefined) result.actual = input.actual;
  if (input.diff !== undefined) result.diff = input.diff;
  if (input.side !== undefined) result.side = input.side;
  if (input.aspect !== undefined) result.aspect = input.aspect;
  return result;
}

/** `pypi-1 (primary)` or just `pypi-1` when the label is the node name. */
export function sideName(side: ParitySides['first']): string {
  return side.label === side.node ? side.node : `${side.label} (${side.node})`;
}

/** Findings for keys present on only one side: "only on primary" / "only on secondary". */
export function onlyOnOneSide(
  category: Category,
  key: string,
  present: 'first' | 'second',
  value: unknown,
  sides: ParitySides,
  describe: string,
): Finding {
  const first = present === 'first';
  return finding({
    category,
    key,
    kind: first ? 'missing' : 'unexpected',
    side: first ? 'only-first' : 'only-second',
    expected: first ? value : undefined,
    actual: first ? undefined : value,
    message: `${describe} only on ${sideName(first ? sides.first : sides.second)}`,
  });
}

/** Stable order for output: by category order given by the caller, then key. */
export function byKey(a: Finding, b: Finding): number {
  return compareText(a.key, b.key);
}

export function formatList(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.join(', ');
}

/** Keys of two records: those in both, only in a, only in b — each sorted. */
export function splitKeys<T>(
  a: Record<string, T>,
  b: Record<string, T>,
): { both: string[]; onlyA: string[]; onlyB: string[] } {
  const both: string[] = [];
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  for (const key of Object.keys(a)) (key in b ? both : onlyA).push(key);
  for (const key of Object.keys(b)) if (!(key in a)) onlyB.push(key);
  both.sort();
  onlyA.sort();
  onlyB.sort();
  return { both, onlyA, onlyB };
}

/** Set difference of two string lists, both ways, sorted. */
export function listDifference(
  a: readonly string[],
  b: readonly string[],
): { onlyA: string[]; onlyB: string[] } {
  const setA = new Set(a);
  const setB = new Set(b);
  return {
    onlyA: [...setA].filter((value) => !setB.has(value)).sort(),
    onlyB: [...setB].filter((value) => !setA.has(value)).sort(),
  };
}

export interface KeyedParityOptions<T> {
  /** How a key present on one side only is described: `pypissh:amd64 1.2.0-1`. */
  describe(key: string, value: T, side: 'first' | 'second'): string;
  /** The value recorded in the finding for a one-sided key (default: none). */
  recorded?(value: T): unknown;
  /** Findings for a key present on both sides. */
  compare(key: string, first: T, second: T): Finding[];
  /** Extra ignore rule besides the pair's globs (e.g. match on package name as well as name:arch). */
  ignoredToo?(key: string, value: T): boolean;
  /** The aspect one-sided findings are about (`live`, `persisted`), when the category has several. */
  aspect?: string;
}

/**
 * The common shape of parity for keyed collections: keys on one side only become
 * "only on primary/secondary" findings, keys on both are compared by the caller; ignored keys
 * are skipped everywhere. Output is sorted by key.
 */
export function keyedParity<T>(
  category: Category,
  first: Record<string, T>,
  second: Record<string, T>,
  ctx: { sides: ParitySides; ignored: (key: string) => boolean },
  options: KeyedParityOptions<T>,
): Finding[] {
  const skip = (key: string, value: T) => ctx.ignored(key) || (options.ignoredToo?.(key, value) ?? false);
  const { both, onlyA, onlyB } = splitKeys(first, second);
  const findings: Finding[] = [];
  for (const [keys, side, values] of [
    [onlyA, 'first', first],
    [onlyB, 'second', second],
  ] as const) {
    for (const key of keys) {
      const value = values[key] as T;
      if (skip(key, value)) continue;
      const oneSided = onlyOnOneSide(
        category,
        key,
        side,
        options.recorded?.(value),
        ctx.sides,
        options.describe(key, value, side),
      );
      findings.push(options.aspect === undefined ? oneSided : { ...oneSided, aspect: options.aspect });
    }
  }
  for (const key of both) {
    const a = first[key] as T;
    if (skip(key, a)) continue;
    findings.push(...options.compare(key, a, second[key] as T));
  }
  return findings.sort(byKey);
}
