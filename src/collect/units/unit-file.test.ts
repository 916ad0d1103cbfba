import { parseUnitFile, splitWords } from './unit-file';

describe('parseUnitFile', () => {
  it('reads sections, repeated keys, comments and whitespace like systemd', () => {
    const text = [
      '# leading comment',
      'Orphan=ignored',
      '[Unit]',
      '  Description = PyPI web  ',
      'After=network.target',
      '; semicolon comment',
      'After=',
      'After=srv-pypi.mount',
      'NoEquals',
      '[Install]',
      'WantedBy=multi-user.target',
    ].join('\n');
    expect(parseUnitFile(text).map((a) => [a.section, a.key, a.value, a.line])).toEqual([
      ['Unit', 'Description', 'PyPI web', 4],
      ['Unit', 'After', 'network.target', 5],
      ['Unit', 'After', '', 7],
      ['Unit', 'After', 'srv-pypi.mount', 8],
      ['Install', 'WantedBy', 'multi-user.target', 11],
    ]);
  });

  it('joins continuation lines with a space and skips comments inside them', () => {
    const text =
      '[Unit]\nAfter=a.service \\\n# comment in between\n  b.service \\\n c.service\nBefore=d.service';
    expect(parseUnitFile(text)).toEqual([
      { section: 'Unit', key: 'After', value: 'a.service  b.service  c.service', line: 2 },
      { section: 'Unit', key: 'Before', value: 'd.service', line: 6 },
    ]);
  });

  it('keeps an escaped trailing backslash as part of the value', () => {
    expect(parseUnitFile('[Service]\nExecStart=/bin/echo a\\\\\nX=1')).toEqual([
      { section: 'Service', key: 'ExecStart', value: '/bin/echo a\\\\', line: 2 },
      { section: 'Service', key: 'X', value: '1', line: 3 },
    ]);
  });
});

describe('splitWords', () => {
  it('splits on whitespace, groups quotes, keeps escapes', () => {
    expect(splitWords(' a.service\tb.service  ')).toEqual(['a.service', 'b.service']);
    expect(splitWords('"a b" c')).toEqual(['a b', 'c']);
    expect(splitWords('srv-my\\x20data.mount')).toEqual(['srv-my\\x20data.mount']);
    expect(splitWords('')).toEqual([]);
  });
});
