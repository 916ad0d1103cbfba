import type { Colors } from 'picocolors/types';

/** A unified diff for a terminal: removed lines red, added green, hunk headers cyan; indented. */
export function diffLines(diff: string, colors: Colors, indent: string): string[] {
  return diff
    .trimEnd()
    .split('\n')
    .map((line) => {
      const painted =
        line.startsWith('+++') || line.startsWith('---')
          ? colors.bold(line)
          : line.startsWith('+')
            ? colors.green(line)
            : line.startsWith('-')
              ? colors.red(line)
              : line.startsWith('@@')
                ? colors.cyan(line)
                : line.startsWith('#')
                  ? colors.yellow(line)
                  : line;
      return `${indent}${painted}`;
    });
}
