import { persistedFor } from '../../compare';
import { NOT_COLLECTED } from '../../model/finding';
import type { ReadinessFinding } from '../../model/readiness';
import type { NodeState } from '../../model/state';
import type { ReadinessCheck } from '../types';
import { resultOf } from '../types';

/**
 * kernel.panic = 0 means a panicked node sits in its panic until someone reaches it out of band
 * — the PyPI 2013 primary did. Both nodes, live and persisted: a value set only live is gone
 * after the next reboot, and no persisted value means the kernel's default, 0.
 */
function panicFindings(state: NodeState): ReadinessFinding[] {
  const base = {
    category: 'sysctls' as const,
    key: 'kernel.panic',
    node: state.node,
    severity: 'error' as const,
  };
  if (!state.sysctls) {
    return [
      {
        ...base,
        key: NOT_COLLECTED,
        kind: 'missing',
        message: `kernel.panic of ${state.node} is unknown: sysctls were not collected`,
      },
    ];
  }
  const findings: ReadinessFinding[] = [];
  const live = state.sysctls.live['kernel.panic'];
  if (live === undefined || Number(live) === 0) {
    findings.push({
      ...base,
      kind: 'mismatch',
      aspect: 'live',
      expected: '> 0',
      actual: live ?? '(absent)',
      message: `${state.node} does not reboot after a kernel panic: kernel.panic is ${live ?? 'absent'} live`,
    });
  }
  const persisted = persistedFor(state.sysctls, 'kernel.panic');
  if (!persisted) {
    findings.push({
      ...base,
      kind: 'not-persisted',
      aspect: 'persisted',
      expected: '> 0',
      message: `${state.node} has no persisted kernel.panic: after a reboot it is the kernel default, 0`,
    });
  } else if (Number(persisted.value) === 0) {
    findings.push({
      ...base,
      kind: 'not-persisted',
      aspect: 'persisted',
      expected: '> 0',
      actual: persisted.value,
      message: `${state.node} persists kernel.panic = 0 (${persisted.source})`,
    });
  }
  return findings;
}

function neverReported(node: string): ReadinessFinding {
  return {
    category: 'sysctls',
    key: 'kernel.panic',
    node,
    severity: 'warning',
    kind: 'missing',
    message: `kernel.panic of ${node} is unknown: it has not reported`,
  };
}

export const panicReboot: ReadinessCheck = {
  id: 'panic-reboot',
  evaluate(ctx) {
    const findings = [
      ...[ctx.primary, ctx.secondary].filter((s): s is NodeState => s !== undefined).flatMap(panicFindings),
      // A node that never reported (the primary may be down) is not said to reboot: unknown.
      ...(ctx.primary ? [] : [neverReported(ctx.pair.primary)]),
      ...(ctx.secondary ? [] : [neverReported(ctx.pair.secondary)]),
    ];
    return resultOf(findings, {
      pass: 'both nodes reboot after a kernel panic, live and persisted',
      fail: (n) => `a panicked node would not reboot by itself (${n} ${n === 1 ? 'setting' : 'settings'})`,
      warn: (n) => `kernel.panic not known on both nodes (${n} to look at)`,
    });
  },
};
