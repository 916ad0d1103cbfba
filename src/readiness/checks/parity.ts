/**
 * The six parity checks: one category each, primary against secondary, with the pair's ignore
 * rules. The finding's `node` is the secondary — the node a fix would change before a failover.
 */
import { parity } from '../../compare';
import type { RoleSpec } from '../../model/desired';
import type { Finding } from '../../model/finding';
import type { ReadinessCheckId, ReadinessFinding } from '../../model/readiness';
import type { Category } from '../../model/state';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { resultOf } from '../types';

function parityFindings(ctx: ReadinessContext, category: Category): Finding[] {
  return parity(ctx.primary!, ctx.secondary!, {
    labels: { first: 'primary', second: 'secondary' },
    ignore: ctx.pair.parity.ignore,
    categories: [category],
  });
}

/** Files either node's roles mark `parity: true`: only those must be identical. */
function parityFiles(...specs: RoleSpec[]): Set<string> {
  const paths = new Set<string>();
  for (const spec of specs)
    for (const [path, rule] of Object.entries(spec.files)) if (rule.parity) paths.add(path);
  return paths;
}

function parityCheck(
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
        warn: (n) => `${words.what} identical, ${n} to look at`,
      });
    },
  };
}

export const parityPackages = parityCheck('parity-packages', 'packages', {
  what: 'packages',
  one: 'package',
});
export const paritySysctls = parityCheck('parity-sysctls', 'sysctls', { what: 'sysctls', one: 'sysctl' });
/** fstab definitions; live mounts differ by design (a failover mount is mounted on the primary only). */
export const parityMounts = parityCheck('parity-mounts', 'mounts', { what: 'fstab mounts', one: 'fstab' });
export const parityUnits = parityCheck('parity-units', 'units', { what: 'units', one: 'unit' });
export const parityUsers = parityCheck('parity-users', 'users', {
  what: 'users and groups',
  one: 'user or group',
});
export const parityFilesCheck = parityCheck('parity-files', 'files', {
  what: 'parity files',
  one: 'parity file',
  select: (findings, ctx) => {
    const wanted = parityFiles(ctx.primarySpec, ctx.secondarySpec);
    // A parity file recorded on one side only is a difference too: it was not read on the other.
    return findings
      .filter((f) => wanted.has(f.key))
      .map((f) => (f.severity === 'warning' ? { ...f, severity: 'error' } : f));
  },
});
