import { formatBytes } from '../../shared/format';
import type { ReadinessFinding } from '../../model/readiness';
import type { ReadinessCheck } from '../types';
import { resultOf } from '../types';

/** The secondary must carry the primary's load: CPUs and memory at least minRatio × the primary's. */
export const capacity: ReadinessCheck = {
  id: 'capacity',
  evaluate(ctx) {
    const ratio = ctx.pair.capacity.minRatio;
    const primary = ctx.primary?.capacity;
    const secondary = ctx.secondary?.capacity;
    if (!primary || !secondary) {
      return {
        status: 'warn',
        summary: `capacity not compared: ${primary ? "the secondary's" : "the primary's"} is unknown`,
        findings: [],
      };
    }
    const findings: ReadinessFinding[] = [];
    const measures = [
      { key: 'cpus', label: 'CPUs', a: primary.cpus, b: secondary.cpus, show: String },
      {
        key: 'memoryBytes',
        label: 'memory',
        a: primary.memoryBytes,
        b: secondary.memoryBytes,
        show: formatBytes,
      },
    ];
    for (const measure of measures) {
      // To 15 significant digits: in binary floating point 50 × 1.1 is 55.00000000000001, and a
      // secondary of exactly minRatio × the primary would be short of it.
      const needed = Number((measure.a * ratio).toPrecision(15));
      if (measure.b >= needed) continue;
      findings.push({
        category: 'capacity',
        key: measure.key,
        kind: 'mismatch',
        severity: 'error',
        node: ctx.pair.secondary,
        expected: Math.ceil(needed),
        actual: measure.b,
        message: `the secondary has ${measure.show(measure.b)} ${measure.label}, the primary ${measure.show(measure.a)}: below ${ratio} × the primary (${measure.show(Math.ceil(needed))})`,
      });
    }
    return resultOf(findings, {
      pass: `the secondary has at least ${ratio} × the primary's CPUs and memory`,
      fail: () => "the secondary is underpowered for the primary's load",
    });
  },
};
