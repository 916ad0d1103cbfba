import { drift } from '../../compare';
import type { ReadinessCheck } from '../types';
import { resultOf } from '../types';

/** The secondary must be what its roles say — it is about to carry the service. */
export const secondaryConforms: ReadinessCheck = {
  id: 'secondary-conforms',
  evaluate(ctx) {
    if (!ctx.secondary)
      return { status: 'fail', summary: 'no state of the secondary to check', findings: [] };
    const findings = drift(ctx.secondarySpec, ctx.secondary);
    return resultOf(findings, {
      pass: `${ctx.pair.secondary} conforms to its roles`,
      fail: (n) => `${ctx.pair.secondary} drifts from its roles in ${n} ${n === 1 ? 'way' : 'ways'}`,
      warn: (n) => `${ctx.pair.secondary} conforms, with ${n} ${n === 1 ? 'warning' : 'warnings'}`,
    });
  },
};
