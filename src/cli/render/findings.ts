/**
 * Findings as text for a person: grouped by category, the category named once, severity as a
 * mark, file diffs indented under their finding. Colour comes from `io.colors`, which is a
 * no-op unless stdout is a terminal.
 */
import type { Colors } from 'picocolors/types';
import type { Finding } from '../../model/finding';
import { CATEGORIES } from '../../model/state';
import { diffLines } from './diff';
import { compareText } from '../../shared/order';

const CATEGORY_WIDTH = Math.max(...CATEGORIES.map((category) => category.length)) + 2;

function mark(result: Finding, colors: Colors): string {
  switch (result.severity) {
    case 'error':
      return colors.red('✗');
    case 'warning':
      return colors.yellow('!');
    default:
      return colors.dim('·');
  }
}

/** Lines for a list of findings, in the order given, with the category shown when it changes. */
export function renderFindings(findings: readonly Finding[], colors: Colors, indent = '  '): string[] {
  const lines: string[] = [];
  let previous: string | undefined;
  for (const result of findings) {
    const category = result.category === previous ? '' : result.category;
    previous = result.category;
    lines.push(
      `${indent}${mark(result, colors)} ${colors.bold(category.padEnd(CATEGORY_WIDTH))}${result.message}`,
    );
    if (result.diff)
      lines.push(...diffLines(result.diff, colors, `${indent}    ${' '.repeat(CATEGORY_WIDTH)}`));
  }
  return lines;
}

/** Stable order for display: category order, then key (the comparators' own order within a key). */
export function byCategory(a: Finding, b: Finding): number {
  return CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || compareText(a.key, b.key);
}

export function plural(
  count: number,
  word: string,
  words = /(s|x|ch|sh)$/.test(word) ? `${word}es` : `${word}s`,
): string {
  return `${count} ${count === 1 ? word : words}`;
}
