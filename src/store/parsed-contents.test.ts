import { ParsedContents } from './parsed-contents';

describe('parsed contents kept in memory', () => {
  it('gives back what was parsed, by category and hash', () => {
    const kept = new ParsedContents(1000);
    const value = kept.parse('os', 'sha256:a', '{"id":"debian"}');
    expect(value).toEqual({ id: 'debian' });
    expect(kept.get('os', 'sha256:a')).toBe(value);
    expect(kept.get('users', 'sha256:a')).toBeUndefined();
    expect(kept.get('os', 'sha256:b')).toBeUndefined();
  });

  it('lets the least recently used go when the texts exceed the room, and keeps nothing larger than it', () => {
    const kept = new ParsedContents(30); // room for two ten-character texts, not three
    kept.parse('os', 'a', '"aaaaaaaa"');
    kept.parse('os', 'b', '"bbbbbbbb"');
    expect(kept.get('os', 'a')).toBe('aaaaaaaa'); // a is now the most recently used
    kept.parse('os', 'c', '"cccccccccccc"');
    expect(kept.get('os', 'b')).toBeUndefined();
    expect(kept.get('os', 'a')).toBe('aaaaaaaa');
    expect(kept.get('os', 'c')).toBe('cccccccccccc');
    expect(kept.parse('os', 'd', `"${'d'.repeat(40)}"`)).toBe('d'.repeat(40));
    expect(kept.get('os', 'd')).toBeUndefined();
    expect(kept.get('os', 'a')).toBe('aaaaaaaa');
  });
});
