import type { ReadinessFinding } from '../model/readiness';
import { resultOf } from './types';

function finding(key: string, severity: ReadinessFinding['severity']): ReadinessFinding {
  return { category: 'packages', key, kind: 'mismatch', severity, message: `${key} differs` };
}

const WORDS = {
  pass: 'all good',
  fail: (n: number) => `broken (${n} ${n === 1 ? 'cause' : 'causes'})`,
  warn: (n: number) => `look at ${n}`,
};

describe('resultOf', () => {
  it('passes with no findings, or info only, in the words for a pass', () => {
    expect(resultOf([], WORDS)).toEqual({ status: 'pass', summary: 'all good', findings: [] });
    const info = [finding('a', 'info')];
    expect(resultOf(info, WORDS)).toEqual({ status: 'pass', summary: 'all good', findings: info });
  });

  // A failure counts its errors; the warnings beside them are said apart, in the singular or plural.
  it.each([
    [0, 'broken (1 cause)'],
    [1, 'broken (1 cause), and 1 warning'],
    [2, 'broken (1 cause), and 2 warnings'],
  ])('fails on one error beside %i warning(s): "%s"', (warnings, summary) => {
    const findings = [
      finding('e', 'error'),
      ...Array.from({ length: warnings }, (_, i) => finding(`w${i}`, 'warning')),
    ];
    expect(resultOf(findings, WORDS)).toEqual({ status: 'fail', summary, findings });
  });

  it('warns in the words for a warning, counting warnings only, or in those for a failure when there are none', () => {
    const findings = [finding('w0', 'warning'), finding('w1', 'warning'), finding('i', 'info')];
    expect(resultOf(findings, WORDS)).toEqual({ status: 'warn', summary: 'look at 2', findings });
    expect(resultOf(findings, { pass: WORDS.pass, fail: WORDS.fail })).toEqual({
      status: 'warn',
      summary: 'broken (2 causes)',
      findings,
    });
  });
});
