import type { CapacityInfo } from '../../model/state';
import { context, pairDecl } from '../../../test/helpers/readiness-context';
import { state } from '../../../test/helpers/states';
import { capacity } from './capacity';

const GIB = 2 ** 30;

function evaluate(primary: CapacityInfo | undefined, secondary: CapacityInfo | undefined, minRatio = 1) {
  return capacity.evaluate(
    context({
      pair: pairDecl({ capacity: { minRatio } }),
      primary: state('a', primary ? { capacity: primary } : {}),
      secondary: state('b', secondary ? { capacity: secondary } : {}),
    }),
  );
}

/** A capacity of 8 CPUs and 32 GiB, new for each use. */
function cap(): CapacityInfo {
  return { cpus: 8, memoryBytes: 32 * GIB };
}

const PASS_1 = {
  status: 'pass',
  summary: "the secondary has at least 1 × the primary's CPUs and memory",
  findings: [],
};
const FAIL_SUMMARY = "the secondary is underpowered for the primary's load";

describe('capacity', () => {
  it('has the id of the contract', () => {
    expect(capacity.id).toBe('capacity');
  });

  it('passes when the secondary equals the primary at minRatio 1', () => {
    expect(evaluate({ cpus: 8, memoryBytes: 32 * GIB }, { cpus: 8, memoryBytes: 32 * GIB })).toEqual(PASS_1);
  });

  it('passes when the secondary is bigger than the primary', () => {
    expect(evaluate({ cpus: 8, memoryBytes: 32 * GIB }, { cpus: 16, memoryBytes: 64 * GIB })).toEqual(PASS_1);
  });

  it('fails on one CPU fewer, memory equal: only the CPUs are named', () => {
    expect(evaluate({ cpus: 8, memoryBytes: 32 * GIB }, { cpus: 7, memoryBytes: 32 * GIB })).toEqual({
      status: 'fail',
      summary: FAIL_SUMMARY,
      findings: [
        {
          category: 'capacity',
          key: 'cpus',
          kind: 'mismatch',
          severity: 'error',
          node: 'b',
          expected: 8,
          actual: 7,
          message: 'the secondary has 7 CPUs, the primary 8: below 1 × the primary (8)',
        },
      ],
    });
  });

  it('fails on one byte of memory less, CPUs equal: only the memory is named', () => {
    expect(evaluate({ cpus: 8, memoryBytes: 32 * GIB }, { cpus: 8, memoryBytes: 32 * GIB - 1 })).toEqual({
      status: 'fail',
      summary: FAIL_SUMMARY,
      findings: [
        {
          category: 'capacity',
          key: 'memoryBytes',
          kind: 'mismatch',
          severity: 'error',
          node: 'b',
          expected: 32 * GIB,
          actual: 32 * GIB - 1,
          message:
            'the secondary has 32.0 GiB memory, the primary 32.0 GiB: below 1 × the primary (32.0 GiB)',
        },
      ],
    });
  });

  it('names both CPUs and memory, CPUs first, when both are short', () => {
    const result = evaluate({ cpus: 8, memoryBytes: 32 * GIB }, { cpus: 4, memoryBytes: 16 * GIB });
    expect(result).toEqual({
      status: 'fail',
      summary: FAIL_SUMMARY,
      findings: [
        {
          category: 'capacity',
          key: 'cpus',
          kind: 'mismatch',
          severity: 'error',
          node: 'b',
          expected: 8,
          actual: 4,
          message: 'the secondary has 4 CPUs, the primary 8: below 1 × the primary (8)',
        },
        {
          category: 'capacity',
          key: 'memoryBytes',
          kind: 'mismatch',
          severity: 'error',
          node: 'b',
          expected: 32 * GIB,
          actual: 16 * GIB,
          message:
            'the secondary has 16.0 GiB memory, the primary 32.0 GiB: below 1 × the primary (32.0 GiB)',
        },
      ],
    });
  });

  it('the node of a finding is the pair’s secondary', () => {
    const result = capacity.evaluate(
      context({
        pair: pairDecl({ primary: 'p', secondary: 's' }),
        primary: state('p', { capacity: { cpus: 2, memoryBytes: GIB } }),
        secondary: state('s', { capacity: { cpus: 1, memoryBytes: GIB } }),
      }),
    );
    expect(result.findings.map((f) => f.node)).toEqual(['s']);
  });

  describe('minRatio below 1', () => {
    it('passes exactly at minRatio × the primary, CPUs and memory', () => {
      expect(evaluate({ cpus: 8, memoryBytes: 32 * GIB }, { cpus: 4, memoryBytes: 16 * GIB }, 0.5)).toEqual({
        status: 'pass',
        summary: "the secondary has at least 0.5 × the primary's CPUs and memory",
        findings: [],
      });
    });

    it('fails one CPU under minRatio × the primary, memory still enough', () => {
      const result = evaluate({ cpus: 8, memoryBytes: 32 * GIB }, { cpus: 3, memoryBytes: 16 * GIB }, 0.5);
      expect(result.status).toBe('fail');
      expect(result.findings).toEqual([
        {
          category: 'capacity',
          key: 'cpus',
          kind: 'mismatch',
          severity: 'error',
          node: 'b',
          expected: 4,
          actual: 3,
          message: 'the secondary has 3 CPUs, the primary 8: below 0.5 × the primary (4)',
        },
      ]);
    });

    it('fails one byte under minRatio × the primary, CPUs still enough', () => {
      const result = evaluate(
        { cpus: 8, memoryBytes: 32 * GIB },
        { cpus: 4, memoryBytes: 16 * GIB - 1 },
        0.5,
      );
      expect(result.status).toBe('fail');
      expect(result.findings.map((f) => [f.key, f.expected, f.actual])).toEqual([
        ['memoryBytes', 16 * GIB, 16 * GIB - 1],
      ]);
    });

    it('a fraction of a CPU needed is a whole CPU: 0.5 × 7 needs 4, and 4 is enough', () => {
      const short = evaluate({ cpus: 7, memoryBytes: GIB }, { cpus: 3, memoryBytes: GIB }, 0.5);
      expect(short.findings).toEqual([
        {
          category: 'capacity',
          key: 'cpus',
          kind: 'mismatch',
          severity: 'error',
          node: 'b',
          expected: 4,
          actual: 3,
          message: 'the secondary has 3 CPUs, the primary 7: below 0.5 × the primary (4)',
        },
      ]);
      expect(evaluate({ cpus: 7, memoryBytes: GIB }, { cpus: 4, memoryBytes: GIB }, 0.5).status).toBe('pass');
    });
  });

  describe('minRatio above 1 (headroom on the secondary)', () => {
    it('1.5 × 4 CPUs: 6 pass, 5 fail', () => {
      expect(evaluate({ cpus: 4, memoryBytes: GIB }, { cpus: 6, memoryBytes: 2 * GIB }, 1.5).status).toBe(
        'pass',
      );
      expect(
        evaluate({ cpus: 4, memoryBytes: GIB }, { cpus: 5, memoryBytes: 2 * GIB }, 1.5).findings,
      ).toEqual([
        {
          category: 'capacity',
          key: 'cpus',
          kind: 'mismatch',
          severity: 'error',
          node: 'b',
          expected: 6,
          actual: 5,
          message: 'the secondary has 5 CPUs, the primary 4: below 1.5 × the primary (6)',
        },
      ]);
    });

    // 50 × 1.1 is 55.00000000000001 and 100 GiB × 1.1 is 118111600640.00002 in binary floating
    // point: a secondary of exactly 1.1 × the primary must not fail for that.
    it('exactly 1.1 × the primary passes, CPUs and memory, despite floating point', () => {
      expect(
        evaluate({ cpus: 50, memoryBytes: 100 * GIB }, { cpus: 55, memoryBytes: 110 * GIB }, 1.1),
      ).toEqual({
        status: 'pass',
        summary: "the secondary has at least 1.1 × the primary's CPUs and memory",
        findings: [],
      });
    });

    it('just under 1.1 × the primary fails, with the exact need', () => {
      const result = evaluate(
        { cpus: 50, memoryBytes: 100 * GIB },
        { cpus: 54, memoryBytes: 110 * GIB - 1 },
        1.1,
      );
      expect(result.findings.map((f) => [f.key, f.expected, f.actual, f.message])).toEqual([
        ['cpus', 55, 54, 'the secondary has 54 CPUs, the primary 50: below 1.1 × the primary (55)'],
        [
          'memoryBytes',
          110 * GIB,
          110 * GIB - 1,
          'the secondary has 110.0 GiB memory, the primary 100.0 GiB: below 1.1 × the primary (110.0 GiB)',
        ],
      ]);
    });
  });

  describe('a side without capacity is not compared: a warning, no finding', () => {
    it('the primary without capacity', () => {
      expect(evaluate(undefined, cap())).toEqual({
        status: 'warn',
        summary: "capacity not compared: the primary's is unknown",
        findings: [],
      });
    });

    it('the secondary without capacity', () => {
      expect(evaluate(cap(), undefined)).toEqual({
        status: 'warn',
        summary: "capacity not compared: the secondary's is unknown",
        findings: [],
      });
    });

    it('the primary has never reported (down)', () => {
      expect(capacity.evaluate(context({ secondary: state('b', { capacity: cap() }) }))).toEqual({
        status: 'warn',
        summary: "capacity not compared: the primary's is unknown",
        findings: [],
      });
    });

    it('the secondary has never reported', () => {
      expect(capacity.evaluate(context({ primary: state('a', { capacity: cap() }) }))).toEqual({
        status: 'warn',
        summary: "capacity not compared: the secondary's is unknown",
        findings: [],
      });
    });

    it('neither has reported: the primary is named first', () => {
      expect(capacity.evaluate(context())).toEqual({
        status: 'warn',
        summary: "capacity not compared: the primary's is unknown",
        findings: [],
      });
    });
  });
});
