import { checkNode, countsAgainstNode } from '../../app/check-node';
import type { NodeCheck } from '../../app/check-node';
import { isActionable } from '../../compare';
import { loadDesired } from '../../desired';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';
import { byCategory, plural, renderFindings } from '../render/findings';
import type { StateOptions } from './shared';
import { stateSourceFrom } from './shared';

export interface CheckOptions extends StateOptions {
  desired: string;
}

export async function runCheck(node: string, options: CheckOptions, io: CliIo): Promise<number> {
  const desired = loadDesired(options.desired);
  const result = await checkNode(desired, stateSourceFrom(options, io.env), node);
  if (options.json) printJson(io, result);
  else io.out(renderCheck(result, io));
  return result.status === 'clean' ? EXIT_OK : EXIT_FINDINGS;
}

export function renderCheck(result: NodeCheck, io: CliIo): string {
  const { colors } = io;
  const lines: string[] = [];
  lines.push(
    colors.bold(`${result.node}`) +
      colors.dim(` · roles ${result.roles.join(', ') || '(none)'} · state of ${result.collectedAt}`),
  );
  for (const error of result.collectionErrors) {
    lines.push(`  ${colors.yellow('!')} ${error.collector} were not collected on the node: ${error.message}`);
  }
  lines.push('');
  const drift = [...result.drift].sort(byCategory);
  lines.push(
    colors.bold(`Drift from desired state: ${drift.length === 0 ? 'none' : plural(drift.length, 'finding')}`),
  );
  lines.push(...renderFindings(drift, colors));
  for (const pair of result.parity) {
    lines.push('');
    const title = `Parity with ${pair.peer} (pair ${pair.pair}, ${result.node} is the ${pair.role})`;
    if (pair.unavailable) {
      lines.push(colors.bold(`${title}: not evaluated`));
      lines.push(`  ${colors.yellow('!')} ${pair.unavailable}`);
      continue;
    }
    const findings = [...pair.findings].sort(byCategory);
    lines.push(
      colors.bold(`${title}: ${findings.length === 0 ? 'identical' : plural(findings.length, 'difference')}`),
    );
    lines.push(...renderFindings(findings, colors));
  }
  lines.push('');
  const actionable =
    result.drift.filter(isActionable).length +
    result.parity.reduce(
      (n, p) => n + (countsAgainstNode(p) ? p.findings.filter(isActionable).length : 0),
      0,
    );
  // Differences with a secondary are its to fix: say where they are, without counting them here.
  const secondaries = result.parity.filter((p) => !countsAgainstNode(p) && p.findings.some(isActionable));
  const theirs = secondaries.length
    ? ` (parity differences are ${secondaries.map((p) => p.peer).join(', ')}'s to fix: driftguard check ${secondaries[0]?.peer})`
    : '';
  lines.push(
    result.status === 'clean'
      ? colors.green(`${result.node} is clean`) + theirs
      : colors.red(`${result.node} drifts: ${plural(actionable, 'finding')} to act on`) + theirs,
  );
  return lines.join('\n') + '\n';
}
