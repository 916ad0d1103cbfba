/**
 * A plan for a person: wave by wave, each fix with its commands and the diff of every file it
 * writes, then what is left to people — so the review before `apply --yes` is of exactly what
 * will run.
 */
import type { Colors } from 'picocolors/types';
import type { Fix, Plan } from '../../model/plan';
import { changesOf } from '../../model/plan';
import { diffLines } from './diff';
import { plural } from './findings';
import { displayCommand } from './readiness';

const CATEGORY_WIDTH = 12;

function fixLines(fix: Fix, n: number, colors: Colors): string[] {
  const lines = [
    `  ${String(n).padStart(2)}. ${colors.bold(fix.category.padEnd(CATEGORY_WIDTH))}${fix.description}`,
  ];
  const indent = '        ';
  for (const file of fix.files) {
    if (file.diff) lines.push(...diffLines(file.diff, colors, indent));
    else lines.push(`${indent}${file.remove ? 'remove' : 'write'} ${file.path}`);
  }
  for (const command of fix.commands) lines.push(`${indent}${colors.dim('$')} ${displayCommand(command)}`);
  if (fix.reloadSystemd)
    lines.push(`${indent}${colors.dim('$')} systemctl daemon-reload ${colors.dim('(where systemd runs)')}`);
  return lines;
}

/**
 * `applying` is how `apply` shows the plan it is about to carry out: the closing line then says
 * what happens next instead of how to apply.
 */
export function renderPlan(plan: Plan, colors: Colors, applying?: { dryRun: boolean }): string {
  const changes = changesOf(plan);
  const advice = plan.fixes.filter((fix) => fix.action === 'advice');
  const roleOf = new Map(plan.nodes.map((node) => [node.node, node.role]));
  const lines = [
    colors.bold(`plan ${plan.target}`) +
      colors.dim(
        ` · ${plural(changes.length, 'change')} on ${plural(plan.waves.flat().length, 'node')} in ${plural(plan.waves.length, 'wave')}, ${advice.length} for a person · ${plan.hash.slice(0, 19)}…`,
      ),
    colors.dim(`  states: ${plan.nodes.map((node) => `${node.node} of ${node.collectedAt}`).join(', ')}`),
  ];
  let n = 0;
  plan.waves.forEach((wave, index) => {
    lines.push('');
    const names = wave.map((node) => (roleOf.get(node) ? `${node} (${roleOf.get(node)})` : node));
    lines.push(colors.bold(`wave ${index + 1}: ${names.join(', ')}`));
    for (const fix of changes.filter((f) => wave.includes(f.node))) lines.push(...fixLines(fix, ++n, colors));
  });
  if (advice.length > 0) {
    lines.push('', colors.bold(`for a person — never applied (${advice.length}):`));
    for (const fix of advice) {
      lines.push(
        `  ${colors.yellow('!')} ${fix.node}  ${colors.bold(fix.category.padEnd(CATEGORY_WIDTH))}${fix.description}`,
      );
      if (fix.reason) lines.push(`        ${colors.dim(`(${fix.reason})`)}`);
      for (const command of fix.commands) lines.push(`        ${colors.dim('$')} ${displayCommand(command)}`);
    }
  }
  lines.push('');
  if (changes.length === 0 && advice.length === 0)
    lines.push(colors.green(`nothing to do: ${plan.target} conforms`));
  else if (changes.length === 0)
    lines.push(
      colors.yellow(`nothing driftguard may change; ${plural(advice.length, 'thing')} for a person`),
    );
  else if (applying?.dryRun)
    lines.push(colors.yellow(`a dry run: nothing is changed on the nodes (apply with --yes)`));
  else if (applying) lines.push(`applying ${plural(changes.length, 'change')}:`);
  else
    lines.push(
      `apply with: driftguard apply ${plan.target} --yes  ${colors.dim('(without --yes: a dry run)')}`,
    );
  return lines.join('\n') + '\n';
}
