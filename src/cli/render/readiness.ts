/**
 * A readiness verdict for a person: the verdict first and large, one line per check, and under
 * each failing or warning check its findings with their evidence and the fix plan would propose.
 */
import type { Colors } from 'picocolors/types';
import type { CheckResult, ProposedFix, Readiness } from '../../model/readiness';
import { shQuote } from '../../transport/shell-quote';
import { diffLines } from './diff';

const ID_WIDTH = 20;

/** An argv as a person would type it: quoted only where the shell needs it. Shown, never run. */
export function displayCommand(argv: readonly string[]): string {
  return argv.map((word) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : shQuote(word))).join(' ');
}

function statusMark(status: CheckResult['status'], colors: Colors): string {
  return status === 'pass' ? colors.green('✓') : status === 'warn' ? colors.yellow('!') : colors.red('✗');
}

function fixLines(fix: ProposedFix, colors: Colors, indent: string): string[] {
  const label = fix.action === 'change' ? colors.cyan('fix') : colors.yellow('by hand');
  const lines = [`${indent}${label} on ${fix.node}: ${fix.description}`];
  for (const command of fix.commands) lines.push(`${indent}  ${colors.dim('$')} ${displayCommand(command)}`);
  for (const file of fix.files) {
    if (file.diff) lines.push(...diffLines(file.diff, colors, `${indent}  `));
    else lines.push(`${indent}  ${file.path}`);
  }
  return lines;
}

export function renderReadiness(result: Readiness, colors: Colors): string {
  const go = result.verdict === 'GO';
  const banner = go ? colors.bold(colors.green(' GO ')) : colors.bold(colors.red(' NO-GO '));
  const lines = [
    `${banner}  ${colors.bold(result.pair)}: fail over from ${result.primary} to ${result.secondary}?  ${colors.dim(`evaluated ${result.evaluatedAt}`)}`,
    '',
  ];
  for (const check of result.checks) {
    lines.push(`  ${statusMark(check.status, colors)} ${check.id.padEnd(ID_WIDTH)}${check.summary}`);
    if (check.status === 'pass') continue;
    for (const finding of check.findings) {
      if (finding.severity === 'info') continue;
      const mark = finding.severity === 'error' ? colors.red('✗') : colors.yellow('!');
      lines.push(`      ${mark} ${finding.message}`);
      for (const evidence of finding.evidence ?? []) lines.push(`          ${colors.dim(evidence)}`);
      if (finding.diff)
        lines.push(
          ...finding.diff
            .trimEnd()
            .split('\n')
            .map((line) => `          ${line}`),
        );
      if (finding.fix) lines.push(...fixLines(finding.fix, colors, '          '));
    }
  }
  const failed = result.checks.filter((c) => c.status === 'fail').length;
  const warned = result.checks.filter((c) => c.status === 'warn').length;
  lines.push('');
  lines.push(
    go
      ? colors.green(
          `GO: ${result.secondary} can take over from ${result.primary}${warned ? ` (${warned} ${warned === 1 ? 'warning' : 'warnings'})` : ''}`,
        )
      : colors.red(
          `NO-GO: ${failed} of ${result.checks.length} checks fail${warned ? `, ${warned} warn` : ''} — do not fail over to ${result.secondary} yet`,
        ),
  );
  return lines.join('\n') + '\n';
}
