import { appendLine, replaceLine } from './lines';

describe('replaceLine', () => {
  it('replaces the first line (line numbers are 1-based) and keeps every other byte', () => {
    expect(replaceLine('one\ntwo\nthree\n', 1, (line) => `${line}!`)).toBe('one!\ntwo\nthree\n');
  });

  it('replaces the last line of a text without a final newline', () => {
    expect(replaceLine('one\ntwo', 2, () => 'TWO')).toBe('one\nTWO');
  });

  it('hands the edit exactly the old line, CR and blanks included', () => {
    const seen: string[] = [];
    replaceLine('a\n  b \r\nc', 2, (line) => {
      seen.push(line);
      return line;
    });
    expect(seen).toEqual(['  b \r']);
  });

  it('treats what follows a final newline as an empty last line', () => {
    expect(replaceLine('one\n', 2, (line) => `[${line}]`)).toBe('one\n[]');
  });

  it('refuses a line the text does not have, past the end or before the first', () => {
    expect(() => replaceLine('one\ntwo', 3, (line) => line)).toThrow(new Error('the file has no line 3'));
    expect(() => replaceLine('one\ntwo', 0, (line) => line)).toThrow(new Error('the file has no line 0'));
  });
});

describe('appendLine', () => {
  it('appends to an empty text without a blank line before', () => {
    expect(appendLine('', 'x')).toBe('x\n');
  });

  it('adds the missing newline of a last line first', () => {
    expect(appendLine('a', 'x')).toBe('a\nx\n');
  });

  it('appends right after a final newline', () => {
    expect(appendLine('a\n', 'x')).toBe('a\nx\n');
    expect(appendLine('\n', 'x')).toBe('\nx\n');
  });
});
