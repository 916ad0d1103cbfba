/**
 * Edits of a text file as lines, for every file the planner edits (fstab, driftguard's own
 * files): each touches only the line it is about, so every other byte stays as it was.
 */

/** Replaces line `lineNumber` (1-based) of a text; every other byte stays. */
export function replaceLine(text: string, lineNumber: number, edit: (line: string) => string): string {
  const lines = text.split('\n');
  const index = lineNumber - 1;
  const line = lines[index];
  if (line === undefined) throw new Error(`the file has no line ${lineNumber}`);
  lines[index] = edit(line);
  return lines.join('\n');
}

/** Appends a line, after a newline if the text does not end with one. */
export function appendLine(text: string, line: string): string {
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
}
