import type { NodeState } from '../../model/state';
import { MAX_CLOCK_SKEW_MS } from '../../shared/time';
import { context, NOW, pairDecl } from '../../../test/helpers/readiness-context';
import { state } from '../../../test/helpers/states';
import { freshReports } from './fresh-reports';

const MINUTE = 60 * 1000;
const LIMIT = 10 * MINUTE;

/** A state of `node` collected `ago` ms before NOW (negative: stamped ahead of NOW). */
function collected(node: string, ago: number): NodeState {
  return { ...state(node), collectedAt: new Date(NOW.getTime() - ago).toISOString() };
}

function evaluate(primary: NodeState | undefined, secondary: NodeState | undefined, maxReportAgeMs = LIMIT) {
  return freshReports.evaluate(
    context({ pair: pairDecl({ readiness: { maxReportAgeMs } }), primary, secondary }),
  );
}

describe('fresh-reports', () => {
  it('has the id of the contract', () => {
    expect(freshReports.id).toBe('fresh-reports');
  });

  it('passes when both states were collected just now', () => {
    expect(evaluate(collected('a', 0), collected('b', 0))).toEqual({
      status: 'pass',
      summary: 'both states are fresher than 10 min',
      findings: [],
    });
  });

  it('passes when both states are exactly maxReportAge old', () => {
    expect(evaluate(collected('a', LIMIT), collected('b', LIMIT))).toEqual({
      status: 'pass',
      summary: 'both states are fresher than 10 min',
      findings: [],
    });
  });

  it('fails when the secondary is 1 ms older than maxReportAge', () => {
    expect(evaluate(collected('a', 0), collected('b', LIMIT + 1))).toEqual({
      status: 'fail',
      summary: 'the secondary has not reported recently enough',
      findings: [
        {
          category: 'node',
          key: 'b',
          node: 'b',
          severity: 'error',
          aspect: 'report-age',
          kind: 'mismatch',
          expected: '≤ 10 min',
          actual: '10 min',
          message:
            "the secondary b's latest state is 10 min old (collected 2026-11-22T11:49:59.999Z), older than maxReportAge 10 min",
        },
      ],
    });
  });

  it('only warns when the primary is 1 ms older than maxReportAge: its last known state is used', () => {
    expect(evaluate(collected('a', LIMIT + 1), collected('b', 0))).toEqual({
      status: 'warn',
      summary: 'the secondary is fresh; the primary is not',
      findings: [
        {
          category: 'node',
          key: 'a',
          node: 'a',
          severity: 'warning',
          aspect: 'report-age',
          kind: 'mismatch',
          expected: '≤ 10 min',
          actual: '10 min',
          message:
            "the primary a's last known state is 10 min old (collected 2026-11-22T11:49:59.999Z); it is used as it is",
        },
      ],
    });
  });

  it('fails when both are stale, the secondary named first', () => {
    const result = evaluate(collected('a', 3 * 60 * MINUTE), collected('b', 60 * MINUTE));
    expect(result).toEqual({
      status: 'fail',
      summary: 'the secondary has not reported recently enough',
      findings: [
        {
          category: 'node',
          key: 'b',
          node: 'b',
          severity: 'error',
          aspect: 'report-age',
          kind: 'mismatch',
          expected: '≤ 10 min',
          actual: '60 min',
          message:
            "the secondary b's latest state is 60 min old (collected 2026-11-22T11:00:00.000Z), older than maxReportAge 10 min",
        },
        {
          category: 'node',
          key: 'a',
          node: 'a',
          severity: 'warning',
          aspect: 'report-age',
          kind: 'mismatch',
          expected: '≤ 10 min',
          actual: '3 h',
          message:
            "the primary a's last known state is 3 h old (collected 2026-11-22T09:00:00.000Z); it is used as it is",
        },
      ],
    });
  });

  it('takes maxReportAge from the pair', () => {
    const hour = 60 * MINUTE;
    expect(evaluate(collected('a', 0), collected('b', hour), hour)).toEqual({
      status: 'pass',
      summary: 'both states are fresher than 60 min',
      findings: [],
    });
    expect(evaluate(collected('a', 0), collected('b', hour + 1), hour).status).toBe('fail');
  });

  it('names the nodes of the pair', () => {
    const result = freshReports.evaluate(
      context({
        pair: pairDecl({ primary: 'p', secondary: 's' }),
        primary: collected('p', 0),
        secondary: collected('s', LIMIT + 1),
      }),
    );
    expect(result.findings.map((f) => [f.key, f.node, f.message])).toEqual([
      [
        's',
        's',
        "the secondary s's latest state is 10 min old (collected 2026-11-22T11:49:59.999Z), older than maxReportAge 10 min",
      ],
    ]);
  });

  describe('a node that never reported', () => {
    it('the secondary: fails, there is nothing to judge it by', () => {
      expect(evaluate(collected('a', 0), undefined)).toEqual({
        status: 'fail',
        summary: 'the secondary has not reported recently enough',
        findings: [
          {
            category: 'node',
            key: 'b',
            node: 'b',
            severity: 'error',
            aspect: 'report-age',
            kind: 'missing',
            message: 'the secondary b has never reported: nothing to judge it by',
          },
        ],
      });
    });

    it('the primary: warns (it may be down; that is when one fails over)', () => {
      expect(evaluate(undefined, collected('b', 0))).toEqual({
        status: 'warn',
        summary: 'the secondary is fresh; the primary is not',
        findings: [
          {
            category: 'node',
            key: 'a',
            node: 'a',
            severity: 'warning',
            aspect: 'report-age',
            kind: 'missing',
            message: 'the primary a has never reported: nothing to judge it by',
          },
        ],
      });
    });

    it('neither: fails with both findings, the secondary first', () => {
      const result = evaluate(undefined, undefined);
      expect(result.status).toBe('fail');
      expect(result.summary).toBe('the secondary has not reported recently enough');
      expect(result.findings.map((f) => [f.key, f.kind, f.severity])).toEqual([
        ['b', 'missing', 'error'],
        ['a', 'missing', 'warning'],
      ]);
    });
  });

  describe('a state stamped ahead of this clock', () => {
    it('up to MAX_CLOCK_SKEW_MS ahead counts as collected now', () => {
      expect(evaluate(collected('a', -MAX_CLOCK_SKEW_MS), collected('b', -MAX_CLOCK_SKEW_MS))).toEqual({
        status: 'pass',
        summary: 'both states are fresher than 10 min',
        findings: [],
      });
    });

    it('counts as age 0, not a negative age, even with maxReportAge 0', () => {
      expect(evaluate(collected('a', -1), collected('b', -1), 0).status).toBe('pass');
      expect(evaluate(collected('a', 0), collected('b', 1), 0).status).toBe('fail');
    });

    it('the secondary 1 ms further ahead than MAX_CLOCK_SKEW_MS: its age cannot be told, it fails', () => {
      expect(evaluate(collected('a', 0), collected('b', -MAX_CLOCK_SKEW_MS - 1))).toEqual({
        status: 'fail',
        summary: 'the secondary has not reported recently enough',
        findings: [
          {
            category: 'node',
            key: 'b',
            node: 'b',
            severity: 'error',
            aspect: 'report-age',
            kind: 'mismatch',
            expected: 'collected before 2026-11-22T12:00:00.000Z',
            actual: '2026-11-22T12:05:00.001Z',
            message:
              "the secondary b's latest state is stamped 2026-11-22T12:05:00.001Z, 5 min ahead of this clock (2026-11-22T12:00:00.000Z): its clock is wrong, and how old the state is cannot be told",
          },
        ],
      });
    });

    it('the primary far ahead: a warning only', () => {
      expect(evaluate(collected('a', -3 * 60 * MINUTE), collected('b', 0))).toEqual({
        status: 'warn',
        summary: 'the secondary is fresh; the primary is not',
        findings: [
          {
            category: 'node',
            key: 'a',
            node: 'a',
            severity: 'warning',
            aspect: 'report-age',
            kind: 'mismatch',
            expected: 'collected before 2026-11-22T12:00:00.000Z',
            actual: '2026-11-22T15:00:00.000Z',
            message:
              "the primary a's latest state is stamped 2026-11-22T15:00:00.000Z, 3 h ahead of this clock (2026-11-22T12:00:00.000Z): its clock is wrong, and how old the state is cannot be told",
          },
        ],
      });
    });

    it('a state stamped far ahead is not also reported as stale', () => {
      const result = evaluate(collected('a', 0), collected('b', -2 * MAX_CLOCK_SKEW_MS), 0);
      expect(result.findings.map((f) => f.expected)).toEqual(['collected before 2026-11-22T12:00:00.000Z']);
    });
  });
});
