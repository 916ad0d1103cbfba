import * as fs from 'node:fs';
import { diffNodes } from '../../app/diff-nodes';
import type { NodeDiff } from '../../app/diff-nodes';
import { loadDesired } from '../../desired';
import type { Finding } from '../../model/finding';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes';
import { DEFAULT_DESIRED } from '../defaults';
import type { CliIo } from '../io';
import { printJson } from '../io';
import { plural, renderFindings } from '../render/findings';
import type { StateOptions } from './shared';
import { stateSourceFrom } from './shared';

export interface DiffOptions extends StateOptions {
  desired?: string;
}

export async function runDiff(a: string, b: string, options: DiffOptions, io: CliIo): Promise<number> {
  const desiredDir = options.desired ?? (fs.existsSync(DEFAULT_DESIRED) ? DEFAULT_DESIRED : undefined);
  const desired = desiredDir ? loadDesired(desiredDir) : undefined;
  const result = await diffNodes(stateSourceFrom(options, io.env), a, b, desired);
  if (options.json) printJson(io, result);
  else io.out(renderDiff(result, io));
  return result.status === 'same' ? EXIT_OK : EXIT_FINDINGS;
}

function sideTitle(side: NodeDiff['first']): string {
  return side.label === side.node ? side.node : `${side.node} (${side.label})`;
}

export function renderDiff(result: NodeDiff, io: CliIo): string {
  const { colors } = io;
  const first = sideTitle(result.first);
  const second = sideTitle(result.second);
  const sections: { title: string; findings: Finding[] }[] = [
    {
      title: `Only on ${first} — what ${result.second.node} lacks`,
      findings: result.findings.filter((f) => f.side === 'only-first'),
    },
    {
      title: `Only on ${second} — what ${result.first.node} lacks`,
      findings: result.findings.filter((f) => f.side === 'only-second'),
    },
    {
      title: 'Different on both',
      findings: result.findings.filter((f) => f.side !== 'only-first' && f.side !== 'only-second'),
    },
  ];
  const lines = [
    colors.bold(`${first} ↔ ${second}`) +
      colors.dim(
        `${result.pair ? ` · pair ${result.pair}` : ''} · states of ${result.first.collectedAt} and ${result.second.collectedAt}`,
      ),
  ];
  for (const section of sections) {
    lines.push(
      '',
      colors.bold(`${section.title}: ${section.findings.length === 0 ? 'nothing' : section.findings.length}`),
    );
    lines.push(...renderFindings(section.findings, colors));
  }
  lines.push(
    '',
    result.status === 'same'
      ? colors.green(`${result.first.node} and ${result.second.node} are the same`)
      : colors.red(
          `${result.first.node} and ${result.second.node} differ: ${plural(result.findings.length, 'difference')}`,
        ),
  );
  return lines.join('\n') + '\n';
}
