import type { ReadinessFinding } from '../../model/readiness';
import type { ReadinessCheck } from '../types';

/**
 * The secondary's declared probes (SSH, BMC/out-of-band) must answer: PyPI's out-of-band access
 * had not been tested since an upgrade, and failed when it was needed. Probes run outside this
 * pure check; their results come in. No probe declared, or probes not run: a warning.
 */
export const reachability: ReadinessCheck = {
  id: 'reachability',
  evaluate(ctx) {
    const declared = ctx.desired.nodes[ctx.pair.secondary]?.probes ?? [];
    const node = ctx.pair.secondary;
    if (declared.length === 0) {
      return {
        status: 'warn',
        summary: `no probe is declared for ${node}: its SSH and out-of-band access are untested`,
        findings: [
          {
            category: 'probes',
            key: node,
            kind: 'missing',
            severity: 'warning',
            node,
            message: `declare probes for ${node} (e.g. ssh tcp:22, bmc tcp:623) so a failover knows it can reach it`,
          },
        ],
      };
    }
    if (!ctx.probes) {
      return {
        status: 'warn',
        summary: `${declared.length} ${declared.length === 1 ? 'probe was' : 'probes were'} not run`,
        findings: declared.map((probe) => ({
          category: 'probes' as const,
          key: probe.name,
          kind: 'missing' as const,
          severity: 'warning' as const,
          node,
          message: `probe ${probe.name} (${probe.tcp}) was not run`,
        })),
      };
    }
    const findings: ReadinessFinding[] = [];
    for (const probe of declared) {
      const result = ctx.probes.find((r) => r.node === node && r.name === probe.name);
      if (result?.ok) continue;
      findings.push({
        category: 'probes',
        key: probe.name,
        kind: 'mismatch',
        severity: 'error',
        node,
        expected: 'answers',
        actual: result ? (result.error ?? 'no answer') : 'not run',
        message: `probe ${probe.name} of ${node} (${probe.tcp}) does not answer: ${result ? (result.error ?? 'no answer') : 'not run'}`,
      });
    }
    return {
      status: findings.length ? 'fail' : 'pass',
      summary: findings.length
        ? `${findings.length} of ${declared.length} ${declared.length === 1 ? 'probe' : 'probes'} of ${node} ${findings.length === 1 ? 'does' : 'do'} not answer`
        : declared.length === 1
          ? `the probe of ${node} answers`
          : `all ${declared.length} probes of ${node} answer`,
      findings,
    };
  },
};
