import type { RoleSpec } from '../../model/desired';
import { NOT_COLLECTED } from '../../model/finding';
import { parityCheck } from './parity-check';

/** Files either node's roles mark `parity: true`: only those must be identical. */
function parityFiles(...specs: RoleSpec[]): Set<string> {
  const paths = new Set<string>();
  for (const spec of specs)
    for (const [path, rule] of Object.entries(spec.files)) if (rule.parity) paths.add(path);
  return paths;
}

/** A `parity: true` file differs (the diff is attached), or was read on one side only. */
export const parityFilesCheck = parityCheck('parity-files', 'files', {
  what: 'parity files',
  one: 'parity file',
  select: (findings, ctx) => {
    const wanted = parityFiles(ctx.primarySpec, ctx.secondarySpec);
    // A parity file recorded on one side only is a difference too: it was not read on the other.
    // Files not collected on a side at all: the parity files cannot be compared (a warning).
    const notCollected = findings.filter((f) => f.key === NOT_COLLECTED && wanted.size > 0);
    // Every difference in a parity file is an error, one recorded on one side only included.
    const differences = findings
      .filter((f) => wanted.has(f.key))
      .map((f) => ({ ...f, severity: 'error' as const }));
    return [...notCollected, ...differences];
  },
});
