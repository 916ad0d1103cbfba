import { byText, compareText } from './order';

describe('compareText', () => {
  it('answers -1, 0 or 1 by UTF-16 code units, whatever the locale says', () => {
    expect(compareText('a', 'b')).toBe(-1);
    expect(compareText('b', 'a')).toBe(1);
    expect(compareText('a', 'a')).toBe(0);
    // A prefix first; upper case before lower case; é (U+00E9) after z; an emoji (a surrogate
    // pair, D83D DE00) before U+FFFF, as code units order them and code points would not.
    expect(compareText('ab', 'abc')).toBe(-1);
    expect(compareText('B', 'a')).toBe(-1);
    expect(compareText('é', 'z')).toBe(1);
    expect(compareText('\u{1F600}', '\uFFFF')).toBe(-1);
  });
});

describe('byText', () => {
  it('sorts by the text it is given, keeping items of the same text in their order', () => {
    const items = [
      { name: 'srv-pypi.mount', n: 1 },
      { name: '-.mount', n: 2 },
      { name: 'srv-pypi.mount', n: 3 },
      { name: 'Srv.mount', n: 4 },
    ];
    expect(items.sort(byText((item) => item.name))).toEqual([
      { name: '-.mount', n: 2 },
      { name: 'Srv.mount', n: 4 },
      { name: 'srv-pypi.mount', n: 1 },
      { name: 'srv-pypi.mount', n: 3 },
    ]);
  });
});
