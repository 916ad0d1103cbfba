/**
 * The one quoting function for text that must reach a remote shell as a single word. SSH runs
 * an exec request through the remote user's login shell, so whatever driftguard sends there is
 * shell syntax; node-specific data never goes into that string (it travels on stdin), and the
 * constant script that does is quoted here.
 *
 * POSIX single quotes keep every byte literally except the single quote itself, which cannot
 * appear inside them: `it's` becomes `'it'\''s'` (close, escaped quote, reopen). NUL cannot be
 * passed in an argv at all, so it is refused rather than silently cut.
 */
export function shQuote(word: string): string {
  if (word.includes('\0')) throw new Error('a shell word cannot contain a NUL byte');
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** An argv as one shell command line, each word quoted. */
export function shJoin(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ');
}
