/**
 * What the six parity checks share (each is its own module: parity-packages.ts …): one category
 * each, primary against secondary, with the pair's ignore rules. The finding's `node` is the
 * secondary — the node a fix would change before a failover.
 */
import { parity } from '../../compare';
import type { Finding } from '../../model/finding';
import { NOT_COLLECTED } from '../../model/finding';
import type { ReadinessCheckId, ReadinessFinding } from '../../model/readiness';
import type { Category } from '../../model/state';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { resultOf } from '../types';

function parityFindings(ctx: ReadinessContext, category: Category): Finding[] {
  if (ctx.primary![category] === undefined && ctx.secondary![category] === undefined) {
    // parity() says nothing of a category neither side has: not "identical", unknown.
    return [
      {
        category,
        key: NOT_COLLECTED,
        kind: 'missing',
        severity: 'warning',
        message: `${category} cannot be compared: collected on neither node`,
      },
    ];
  }
  return parity(ctx.primary!, ctx.secondary!, {
    labels: { first: 'primary', second: 'secondary' },
    ignore: ctx.pair.parity.ignore,
    categories: [category],
  });
}

export function parityCheck(
  id: ReadinessCheckId,
  category: Category,
  words: { what: string; one: string; select?: (findings: Finding[], ctx: ReadinessContext) => Finding[] },
): ReadinessCheck {
  return {
    id,
    evaluate(ctx) {
      if (!ctx.primary || !ctx.secondary) {
        return {
          status: 'warn',
          summary: `${words.what} not compared: ${ctx.primary ? 'the secondary' : 'the primary'} has no state`,
          findings: [],
        };
      }
      const all = parityFindings(ctx, category);
      const selected = words.select ? words.select(all, ctx) : all;
      const findings: ReadinessFinding[] = selected.map((finding) => ({
        ...finding,
        node: ctx.pair.secondary,
      }));
      return resultOf(findings, {
        pass: `${words.what} identical`,
        fail: (n) => `${n} ${words.one} ${n === 1 ? 'difference' : 'differences'}`,
        // The warnings parity gives are categories not collected: nothing to call identical.
        warn: (n) => `${words.what} not fully compared (${n} to look at)`,
      });
    },
  };
}
