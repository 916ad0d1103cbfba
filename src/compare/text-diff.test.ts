import { unifiedDiff } from './text-diff';

const lines = (...values: (string | number)[]) => values.map((value) => `${value}\n`).join('');

describe('unifiedDiff', () => {
  it('reads like diff -u, labelled node:path, without the diff package’s header', () => {
    expect(
      unifiedDiff(
        '/etc/drbd.d/r0.res',
        'pypi-1',
        'pypi-2',
        'resource r0 {\n  protocol C;\n}\n',
        'resource r0 {\n  protocol A;\n}\n',
      ),
    ).toBe(
      [
        '--- pypi-1:/etc/drbd.d/r0.res',
        '+++ pypi-2:/etc/drbd.d/r0.res',
        '@@ -1,3 +1,3 @@',
        ' resource r0 {',
        '-  protocol C;',
        '+  protocol A;',
        ' }',
        '',
      ].join('\n'),
    );
  });

  it('shows three lines of context around a change, as diff -u does', () => {
    expect(
      unifiedDiff(
        '/etc/hosts',
        'a',
        'b',
        lines(1, 2, 3, 4, 5, 6, 7, 8, 9),
        lines(1, 2, 3, 4, 'five', 6, 7, 8, 9),
      ),
    ).toBe(
      lines(
        '--- a:/etc/hosts',
        '+++ b:/etc/hosts',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-5',
        '+five',
        ' 6',
        ' 7',
        ' 8',
      ),
    );
  });

  it('has no Index: header either when both sides carry the same label (one node then and now)', () => {
    expect(unifiedDiff('/etc/motd', 'pypi-2', 'pypi-2', 'old\n', 'new\n')).toBe(
      lines('--- pypi-2:/etc/motd', '+++ pypi-2:/etc/motd', '@@ -1,1 +1,1 @@', '-old', '+new'),
    );
  });

  it('ends with exactly one newline when the file has none at its end', () => {
    expect(unifiedDiff('/etc/hostname', 'a', 'b', 'pypi-1', 'pypi-2')).toBe(
      lines(
        '--- a:/etc/hostname',
        '+++ b:/etc/hostname',
        '@@ -1,1 +1,1 @@',
        '-pypi-1',
        '\\ No newline at end of file',
        '+pypi-2',
        '\\ No newline at end of file',
      ),
    );
  });

  it('keeps lines of = in the files themselves', () => {
    expect(unifiedDiff('/etc/banner', 'a', 'b', '====\nold\n', '====\nnew\n')).toBe(
      lines('--- a:/etc/banner', '+++ b:/etc/banner', '@@ -1,2 +1,2 @@', ' ====', '-old', '+new'),
    );
  });
});
