/**
 * Trends: how many findings were open, and what each pair's verdict was, at evenly spaced
 * instants between `since` and `until`. Pure: the store hands over the findings' open intervals
 * (first seen → resolved) and the readiness rows (each a change of outcome), and this samples
 * them. Nothing here reads a clock or a database, so the series can be tested by hand.
 */
import type { SeveritySeries, Trends } from '../model/api';
import type { Severity } from '../model/finding';
import type { Verdict } from '../model/readiness';

/** A finding's life: open from `firstSeen`, until `resolvedAt` (absent: still open). */
export interface FindingInterval {
  /** `node:NAME` or `pair:NAME`. */
  scope: string;
  source: 'drift' | 'parity';
  severity: Severity;
  firstSeen: string;
  resolvedAt?: string;
}

/** A pair's verdict from `evaluatedAt` until its next change. */
export interface VerdictChange {
  pair: string;
  verdict: Verdict;
  evaluatedAt: string;
}

export interface TrendsInput {
  since: string;
  until: string;
  /** How many sampling instants, `since` and `until` included (at least 2). */
  points: number;
  /** Every finding open at `since` or opened after (older ones change nothing). */
  findings: readonly FindingInterval[];
  /**
   * Per pair, the change in force at `since` and every later one, oldest first per pair. A pair
   * has no verdict before its first row.
   */
  readiness: readonly VerdictChange[];
  /** Pairs to show even without any finding or verdict yet (the declared ones). */
  pairs?: readonly string[];
}

const PAIR_SCOPE = 'pair:';

/** The sampling instants, in milliseconds: `since`, `until` and `points - 2` evenly between. */
export function samplingInstants(since: number, until: number, points: number): number[] {
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`points must be ≥ 2, not ${points}`);
  const step = (until - since) / (points - 1);
  return Array.from({ length: points }, (_, i) => (i === points - 1 ? until : Math.round(since + i * step)));
}

/** The first index whose instant is at or after `at` (instants.length when none is). */
function firstAtOrAfter(instants: readonly number[], at: number): number {
  let lo = 0;
  let hi = instants.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((instants[mid] as number) < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Open counts per instant, built from +1/−1 marks at the instants where each interval starts
 * and ends: O(intervals · log points + points), whatever the number of findings.
 */
class Counter {
  private readonly marks: number[];

  constructor(private readonly instants: readonly number[]) {
    this.marks = new Array<number>(instants.length + 1).fill(0);
  }

  /** Counts an interval as open at every instant t with start ≤ t < end. */
  add(start: number, end: number | undefined): void {
    const from = firstAtOrAfter(this.instants, start);
    const to = end === undefined ? this.instants.length : firstAtOrAfter(this.instants, end);
    if (from >= to) return;
    (this.marks[from] as number) += 1;
    (this.marks[to] as number) -= 1;
  }

  series(): number[] {
    let open = 0;
    return this.instants.map((_, i) => (open += this.marks[i] as number));
  }
}

/** One counter per severity. */
class SeverityCounter {
  private readonly counters: Record<Severity, Counter>;

  constructor(instants: readonly number[]) {
    this.counters = {
      error: new Counter(instants),
      warning: new Counter(instants),
      info: new Counter(instants),
    };
  }

  add(interval: FindingInterval): void {
    // A severity this code does not know (a newer server's) is not silently counted as another.
    const counter = this.counters[interval.severity] as Counter | undefined;
    counter?.add(
      Date.parse(interval.firstSeen),
      interval.resolvedAt ? Date.parse(interval.resolvedAt) : undefined,
    );
  }

  series(): SeveritySeries {
    return {
      error: this.counters.error.series(),
      warning: this.counters.warning.series(),
      info: this.counters.info.series(),
    };
  }
}

/** A pair's verdict at each instant: the latest change at or before it; null before the first. */
function verdictSeries(changes: readonly VerdictChange[], instants: readonly number[]): (Verdict | null)[] {
  const sorted = [...changes].sort((a, b) => Date.parse(a.evaluatedAt) - Date.parse(b.evaluatedAt));
  let next = 0;
  let current: Verdict | null = null;
  return instants.map((instant) => {
    while (next < sorted.length && Date.parse((sorted[next] as VerdictChange).evaluatedAt) <= instant) {
      current = (sorted[next] as VerdictChange).verdict;
      next++;
    }
    return current;
  });
}

export function computeTrends(input: TrendsInput): Trends {
  const instants = samplingInstants(Date.parse(input.since), Date.parse(input.until), input.points);
  const drift = new SeverityCounter(instants);
  const parity = new SeverityCounter(instants);
  const parityOf = new Map<string, SeverityCounter>();
  const changesOf = new Map<string, VerdictChange[]>();
  for (const pair of input.pairs ?? []) {
    parityOf.set(pair, new SeverityCounter(instants));
    changesOf.set(pair, []);
  }
  const pairEntry = (pair: string) => {
    if (!parityOf.has(pair)) {
      parityOf.set(pair, new SeverityCounter(instants));
      changesOf.set(pair, []);
    }
    return { parity: parityOf.get(pair) as SeverityCounter, changes: changesOf.get(pair) as VerdictChange[] };
  };

  for (const interval of input.findings) {
    if (interval.source === 'drift') {
      drift.add(interval);
    } else {
      parity.add(interval);
      if (interval.scope.startsWith(PAIR_SCOPE))
        pairEntry(interval.scope.slice(PAIR_SCOPE.length)).parity.add(interval);
    }
  }
  for (const change of input.readiness) pairEntry(change.pair).changes.push(change);

  const go = new Array<number>(instants.length).fill(0);
  const noGo = new Array<number>(instants.length).fill(0);
  const pairs: Trends['pairs'] = {};
  for (const pair of [...parityOf.keys()].sort()) {
    const verdict = verdictSeries(changesOf.get(pair) ?? [], instants);
    verdict.forEach((v, i) => {
      if (v === 'GO') (go[i] as number)++;
      else if (v === 'NO-GO') (noGo[i] as number)++;
    });
    pairs[pair] = { parity: (parityOf.get(pair) as SeverityCounter).series(), verdict };
  }

  return {
    since: input.since,
    until: input.until,
    points: instants.map((ms) => ms / 1000),
    drift: drift.series(),
    parity: parity.series(),
    readiness: { go, noGo },
    pairs,
  };
}
