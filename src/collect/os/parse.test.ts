import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstValueLine, parseOsRelease } from './parse';

describe('parseOsRelease', () => {
  it('reads the real Debian 12 file', () => {
    const text = fs.readFileSync(
      path.resolve(__dirname, '../../../test/fixtures/nodes/debian12-clean/usr/lib/os-release'),
      'utf8',
    );
    expect(parseOsRelease(text)).toMatchObject({
      PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)',
      ID: 'debian',
      VERSION_ID: '12',
      VERSION_CODENAME: 'bookworm',
    });
  });

  it('handles double quotes, single quotes and unquoted values', () => {
    expect(parseOsRelease('A="x y"\nB=\'it is $HOME\'\nC=plain\n')).toEqual({
      A: 'x y',
      B: 'it is $HOME',
      C: 'plain',
    });
  });

  it('unescapes \\" \\\\ \\$ \\` in double quotes and keeps other backslashes, like sh', () => {
    expect(parseOsRelease('A="say \\"hi\\" \\\\ \\$x \\`y\\` \\n"\n')).toEqual({
      A: 'say "hi" \\ $x `y` \\n',
    });
  });

  it('unescapes any character after a backslash outside quotes and drops trailing blanks', () => {
    expect(parseOsRelease('A=a\\ b  \nB=c\\  \n')).toEqual({ A: 'a b', B: 'c ' });
  });

  it('concatenates adjacent quoted and unquoted parts', () => {
    expect(parseOsRelease('A="x"\'y\'z\n')).toEqual({ A: 'xyz' });
  });

  it('joins a double-quoted value continued on the next line', () => {
    expect(parseOsRelease('A="one \\\ntwo"\n')).toEqual({ A: 'one two' });
  });

  it('skips comments at line start (# and ;), blank lines and lines without "="', () => {
    expect(parseOsRelease('# c\n; c\n\nNOT_AN_ASSIGNMENT\nA=1 # not a comment here\n')).toEqual({
      A: '1 # not a comment here',
    });
  });

  it('lets a later assignment win and reads a last line without newline', () => {
    expect(parseOsRelease('ID=a\nID=b')).toEqual({ ID: 'b' });
  });

  it('strips blanks around the key and after "="', () => {
    expect(parseOsRelease('  ID  =   debian\n')).toEqual({ ID: 'debian' });
  });
});

describe('firstValueLine', () => {
  it('returns the first non-empty, non-comment line trimmed', () => {
    expect(firstValueLine('# set by the installer\n\n  pypi-1  \n')).toBe('pypi-1');
  });

  it('is undefined for an empty file', () => {
    expect(firstValueLine('\n\n')).toBeUndefined();
  });
});
