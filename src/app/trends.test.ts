import { computeTrends, samplingInstants } from './trends';
import type { FindingInterval, VerdictChange } from './trends';

// Five instants an hour apart: 10:00, 11:00, 12:00, 13:00, 14:00.
const since = '2026-11-22T10:00:00.000Z';
const until = '2026-11-22T14:00:00.000Z';
const at = (hhmm: string) => `2026-11-22T${hhmm}:00.000Z`;

function drift(
  node: string,
  severity: FindingInterval['severity'],
  from: string,
  to?: string,
): FindingInterval {
  return {
    scope: `node:${node}`,
    source: 'drift',
    severity,
    firstSeen: at(from),
    ...(to ? { resolvedAt: at(to) } : {}),
  };
}

function parity(
  pair: string,
  severity: FindingInterval['severity'],
  from: string,
  to?: string,
): FindingInterval {
  return {
    scope: `pair:${pair}`,
    source: 'parity',
    severity,
    firstSeen: at(from),
    ...(to ? { resolvedAt: at(to) } : {}),
  };
}

const verdict = (pair: string, v: VerdictChange['verdict'], when: string): VerdictChange => ({
  pair,
  verdict: v,
  evaluatedAt: when.length === 5 ? at(when) : when,
});

describe('samplingInstants', () => {
  it('spaces the instants evenly, both ends included', () => {
    expect(samplingInstants(0, 4000, 5)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(samplingInstants(0, 1000, 2)).toEqual([0, 1000]);
  });

  it('refuses fewer than two points', () => {
    expect(() => samplingInstants(0, 1000, 1)).toThrow(RangeError);
  });
});

describe('computeTrends', () => {
  it('samples the instants in seconds', () => {
    const trends = computeTrends({ since, until, points: 5, findings: [], readiness: [] });
    const first = Date.parse(since) / 1000;
    expect(trends.points).toEqual([first, first + 3600, first + 7200, first + 10800, first + 14400]);
    expect(trends.drift).toEqual({ error: [0, 0, 0, 0, 0], warning: [0, 0, 0, 0, 0], info: [0, 0, 0, 0, 0] });
    expect(trends.pairs).toEqual({});
  });

  it('counts a finding open from its first-seen instant until (not at) its resolution', () => {
    const trends = computeTrends({
      since,
      until,
      points: 5,
      findings: [
        drift('a', 'error', '09:00'), // open before since, still open
        drift('a', 'error', '10:30', '12:00'), // open at 11:00 only: resolved exactly at 12:00
        drift('b', 'error', '11:00', '13:30'), // open at 11:00, 12:00, 13:00
        drift('b', 'warning', '08:00', '10:00'), // resolved exactly at since: never counted
        drift('c', 'info', '14:00'), // opened at the last instant
        drift('c', 'warning', '15:00'), // after until: not counted
      ],
      readiness: [],
    });
    expect(trends.drift).toEqual({
      error: [1, 3, 2, 2, 1],
      warning: [0, 0, 0, 0, 0],
      info: [0, 0, 0, 0, 1],
    });
    expect(trends.parity.error).toEqual([0, 0, 0, 0, 0]);
  });

  it('sums parity over pairs and keeps each pair its own series', () => {
    const trends = computeTrends({
      since,
      until,
      points: 5,
      findings: [
        parity('pypi', 'error', '10:00', '13:00'),
        parity('pypi', 'warning', '11:00'),
        parity('db', 'error', '12:30'),
        drift('pypi-2', 'error', '10:00'),
      ],
      readiness: [],
    });
    expect(trends.parity).toEqual({
      error: [1, 1, 1, 1, 1],
      warning: [0, 1, 1, 1, 1],
      info: [0, 0, 0, 0, 0],
    });
    expect(trends.pairs['pypi']?.parity).toEqual({
      error: [1, 1, 1, 0, 0],
      warning: [0, 1, 1, 1, 1],
      info: [0, 0, 0, 0, 0],
    });
    expect(trends.pairs['db']?.parity.error).toEqual([0, 0, 0, 1, 1]);
    expect(trends.drift.error).toEqual([1, 1, 1, 1, 1]);
  });

  it("holds each pair's verdict from its change until the next, and counts GO and NO-GO", () => {
    const trends = computeTrends({
      since,
      until,
      points: 5,
      findings: [],
      readiness: [
        verdict('pypi', 'GO', '2026-11-21T08:00:00.000Z'), // in force at since
        verdict('pypi', 'NO-GO', '11:30'),
        verdict('pypi', 'GO', '13:00'),
        verdict('db', 'NO-GO', '12:00'), // no verdict before its first evaluation
      ],
      pairs: ['pypi', 'db', 'idle'],
    });
    expect(trends.pairs['pypi']?.verdict).toEqual(['GO', 'GO', 'NO-GO', 'GO', 'GO']);
    expect(trends.pairs['db']?.verdict).toEqual([null, null, 'NO-GO', 'NO-GO', 'NO-GO']);
    expect(trends.pairs['idle']).toEqual({
      parity: { error: [0, 0, 0, 0, 0], warning: [0, 0, 0, 0, 0], info: [0, 0, 0, 0, 0] },
      verdict: [null, null, null, null, null],
    });
    expect(trends.readiness).toEqual({ go: [1, 1, 0, 1, 1], noGo: [0, 0, 2, 1, 1] });
    expect(Object.keys(trends.pairs)).toEqual(['db', 'idle', 'pypi']);
  });

  it('orders verdict changes by time whatever order they come in', () => {
    const trends = computeTrends({
      since,
      until,
      points: 5,
      findings: [],
      readiness: [verdict('pypi', 'GO', '12:00'), verdict('pypi', 'NO-GO', '10:00')],
    });
    expect(trends.pairs['pypi']?.verdict).toEqual(['NO-GO', 'NO-GO', 'GO', 'GO', 'GO']);
  });
});
