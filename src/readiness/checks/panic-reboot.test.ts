import type { NodeState, SysctlsState } from '../../model/state';
import { context } from '../../../test/helpers/readiness-context';
import { state } from '../../../test/helpers/states';
import { panicReboot } from './panic-reboot';

const SOURCE = '/etc/sysctl.d/10-panic.conf:1';

/** kernel.panic live and persisted (undefined: absent). */
function panic(live: string | undefined, persisted: string | undefined): SysctlsState {
  return {
    live: live === undefined ? { 'vm.swappiness': '60' } : { 'vm.swappiness': '60', 'kernel.panic': live },
    persisted: persisted === undefined ? {} : { 'kernel.panic': { value: persisted, source: SOURCE } },
  };
}

function node(name: string, sysctls: SysctlsState | undefined): NodeState {
  return state(name, sysctls ? { sysctls } : {});
}

function evaluate(primary: NodeState | undefined, secondary: NodeState | undefined) {
  return panicReboot.evaluate(context({ primary, secondary }));
}

const PASS = {
  status: 'pass',
  summary: 'both nodes reboot after a kernel panic, live and persisted',
  findings: [],
};

describe('panic-reboot', () => {
  it('has the id of the contract', () => {
    expect(panicReboot.id).toBe('panic-reboot');
  });

  it('passes when both nodes have a positive kernel.panic, live and persisted', () => {
    expect(evaluate(node('a', panic('10', '10')), node('b', panic('1', '1')))).toEqual(PASS);
  });

  it('passes on a negative kernel.panic (reboot at once), live and persisted', () => {
    expect(evaluate(node('a', panic('-1', '-1')), node('b', panic('-1', '-1')))).toEqual(PASS);
  });

  it('fails on kernel.panic 0 live on the primary, persisted > 0', () => {
    expect(evaluate(node('a', panic('0', '10')), node('b', panic('10', '10')))).toEqual({
      status: 'fail',
      summary: 'a panicked node would not reboot by itself (1 setting)',
      findings: [
        {
          category: 'sysctls',
          key: 'kernel.panic',
          node: 'a',
          severity: 'error',
          kind: 'mismatch',
          aspect: 'live',
          expected: '> 0',
          actual: '0',
          message: 'a does not reboot after a kernel panic: kernel.panic is 0 live',
        },
      ],
    });
  });

  it('fails on kernel.panic 0 live on the secondary', () => {
    expect(evaluate(node('a', panic('10', '10')), node('b', panic('0', '10'))).findings).toEqual([
      {
        category: 'sysctls',
        key: 'kernel.panic',
        node: 'b',
        severity: 'error',
        kind: 'mismatch',
        aspect: 'live',
        expected: '> 0',
        actual: '0',
        message: 'b does not reboot after a kernel panic: kernel.panic is 0 live',
      },
    ]);
  });

  it('fails when kernel.panic is absent live', () => {
    expect(evaluate(node('a', panic(undefined, '10')), node('b', panic('10', '10')))).toEqual({
      status: 'fail',
      summary: 'a panicked node would not reboot by itself (1 setting)',
      findings: [
        {
          category: 'sysctls',
          key: 'kernel.panic',
          node: 'a',
          severity: 'error',
          kind: 'mismatch',
          aspect: 'live',
          expected: '> 0',
          actual: '(absent)',
          message: 'a does not reboot after a kernel panic: kernel.panic is absent live',
        },
      ],
    });
  });

  it('fails when kernel.panic is persisted as 0, naming where', () => {
    expect(evaluate(node('a', panic('10', '10')), node('b', panic('10', '0')))).toEqual({
      status: 'fail',
      summary: 'a panicked node would not reboot by itself (1 setting)',
      findings: [
        {
          category: 'sysctls',
          key: 'kernel.panic',
          node: 'b',
          severity: 'error',
          kind: 'not-persisted',
          aspect: 'persisted',
          expected: '> 0',
          actual: '0',
          message: `b persists kernel.panic = 0 (${SOURCE})`,
        },
      ],
    });
  });

  it('fails when kernel.panic is not persisted: the kernel default after a reboot is 0', () => {
    expect(evaluate(node('a', panic('10', undefined)), node('b', panic('10', '10')))).toEqual({
      status: 'fail',
      summary: 'a panicked node would not reboot by itself (1 setting)',
      findings: [
        {
          category: 'sysctls',
          key: 'kernel.panic',
          node: 'a',
          severity: 'error',
          kind: 'not-persisted',
          aspect: 'persisted',
          expected: '> 0',
          message: 'a has no persisted kernel.panic: after a reboot it is the kernel default, 0',
        },
      ],
    });
  });

  it('reads a persisted value set through a sysctl.d glob', () => {
    const glob = (value: string): SysctlsState => ({
      live: { 'kernel.panic': '10' },
      persisted: { 'kernel.pani*': { value, source: '/etc/sysctl.d/90-glob.conf:2' } },
    });
    expect(evaluate(node('a', glob('10')), node('b', glob('10')))).toEqual(PASS);
    expect(evaluate(node('a', glob('10')), node('b', glob('0'))).findings.map((f) => f.message)).toEqual([
      'b persists kernel.panic = 0 (/etc/sysctl.d/90-glob.conf:2)',
    ]);
  });

  it('counts every setting of both nodes, the primary first, live before persisted', () => {
    const result = evaluate(node('a', panic('0', '0')), node('b', panic(undefined, undefined)));
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('a panicked node would not reboot by itself (4 settings)');
    expect(result.findings.map((f) => [f.node, f.kind, f.aspect, f.actual])).toEqual([
      ['a', 'mismatch', 'live', '0'],
      ['a', 'not-persisted', 'persisted', '0'],
      ['b', 'mismatch', 'live', '(absent)'],
      ['b', 'not-persisted', 'persisted', undefined],
    ]);
  });

  it('fails when a node’s sysctls were not collected: kernel.panic is unknown', () => {
    expect(evaluate(node('a', panic('10', '10')), node('b', undefined))).toEqual({
      status: 'fail',
      summary: 'a panicked node would not reboot by itself (1 setting)',
      findings: [
        {
          category: 'sysctls',
          key: '(not collected)',
          node: 'b',
          severity: 'error',
          kind: 'missing',
          message: 'kernel.panic of b is unknown: sysctls were not collected',
        },
      ],
    });
  });

  const unknown = (node: string) => ({
    category: 'sysctls',
    key: 'kernel.panic',
    node,
    severity: 'warning',
    kind: 'missing',
    message: `kernel.panic of ${node} is unknown: it has not reported`,
  });

  it('warns, never passes, when the primary never reported: its kernel.panic is unknown', () => {
    expect(evaluate(undefined, node('b', panic('10', '10')))).toEqual({
      status: 'warn',
      summary: 'kernel.panic not known on both nodes (1 to look at)',
      findings: [unknown('a')],
    });
    expect(
      evaluate(undefined, node('b', panic('0', '10'))).findings.map((f) => [f.node, f.aspect, f.severity]),
    ).toEqual([
      ['b', 'live', 'error'],
      ['a', undefined, 'warning'],
    ]);
  });

  it('judges the primary, and warns of the secondary, when the secondary never reported', () => {
    expect(
      evaluate(node('a', panic('0', '10')), undefined).findings.map((f) => [f.node, f.aspect, f.severity]),
    ).toEqual([
      ['a', 'live', 'error'],
      ['b', undefined, 'warning'],
    ]);
  });

  it('warns of both when neither node reported (fresh-reports fails that)', () => {
    expect(evaluate(undefined, undefined)).toEqual({
      status: 'warn',
      summary: 'kernel.panic not known on both nodes (2 to look at)',
      findings: [unknown('a'), unknown('b')],
    });
  });
});
