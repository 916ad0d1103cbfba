import { execFileSync } from 'node:child_process';
import { shJoin, shQuote } from './shell-quote';

/** What the shell makes of a command line: each argument on its own, NUL-separated. */
function wordsSeenByShell(commandLine: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${commandLine}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shQuote', () => {
  const awkward = [
    '',
    'plain',
    "it's",
    "''",
    'two words',
    '$HOME `id` $(id) ${x}',
    'back\\slash \\',
    'new\nline',
    'tab\there',
    '* ? [a] ~ # ; & | < > ( ) { } !',
    '-n',
    "'; rm -rf / #",
    'ünïcødé ✓',
  ];

  it.each(awkward)('keeps %j as one literal word for /bin/sh', (word) => {
    expect(wordsSeenByShell(shQuote(word))).toEqual([word]);
  });

  it('joins an argv so that the shell sees exactly those words', () => {
    expect(wordsSeenByShell(shJoin(awkward))).toEqual(awkward);
  });

  it('refuses a NUL byte, which no argv can carry', () => {
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
  });

  it('wraps in single quotes and escapes only the single quote', () => {
    expect(shQuote("a'b")).toBe(`'a'\\''b'`);
  });
});
