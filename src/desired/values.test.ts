import { parseDuration, parseMode, parsePackageRule, parseSha256, sysctlValueText } from './values';

describe('parsePackageRule', () => {
  it('present, absent, each Debian relation (with or without a space) and a bare version meaning =', () => {
    expect(parsePackageRule('present')).toEqual({ ok: true, value: { state: 'present' } });
    expect(parsePackageRule(' absent ')).toEqual({ ok: true, value: { state: 'absent' } });
    const cases: [string, string, string][] = [
      ['>= 3.11', '>=', '3.11'],
      ['>=3.11', '>=', '3.11'],
      ['<< 2:1.0', '<<', '2:1.0'],
      ['<= 1.0~rc1-1', '<=', '1.0~rc1-1'],
      ['>> 0', '>>', '0'],
      ['= 2.9.5-1+b1', '=', '2.9.5-1+b1'],
      ['1.2-3', '=', '1.2-3'],
      ['1:2.0', '=', '1:2.0'],
    ];
    for (const [text, relation, version] of cases) {
      expect([text, parsePackageRule(text)]).toEqual([
        text,
        { ok: true, value: { state: 'present', relation, version } },
      ]);
    }
  });

  // A bare version must start with a digit: 0 and 9 do, `/` and `:` (just outside them) do not.
  it.each(['0.9-1', '9.1'])(
    '%j, a bare version starting with the lowest or highest digit, means = that version',
    (text) => {
      expect(parsePackageRule(text)).toEqual({
        ok: true,
        value: { state: 'present', relation: '=', version: text },
      });
    },
  );

  it.each(['/1', ':1'])('%j, next to the digits, is not a package rule', (text) => {
    expect(parsePackageRule(text)).toEqual({
      ok: false,
      error: `\`${text}\` is not a package rule: write \`present\`, \`absent\`, a relation like \`">= 1.2"\` or an exact version`,
    });
  });

  it('refuses the ambiguous < and >, words, empty versions and invalid Debian versions', () => {
    const errors = (text: string): string => {
      const parsed = parsePackageRule(text);
      return parsed.ok ? 'ok' : parsed.error;
    };
    expect(errors('> 1.0')).toBe('`>` is ambiguous (dpkg reads it as `>=`); write `>>`, `>=` or `=`');
    expect(errors('< 1.0')).toBe('`<` is ambiguous (dpkg reads it as `<=`); write `<<`, `<=` or `=`');
    expect(errors('installed')).toContain('`installed` is not a package rule');
    expect(errors('>=')).toBe('`>=` has an operator but no version');
    expect(errors('>= 1.0 beta')).toBe(
      '`1.0 beta` is not a valid Debian version: version string has embedded spaces',
    );
    expect(errors('= a1.0')).toBe(
      '`a1.0` is not a valid Debian version: version number does not start with digit',
    );
    expect(errors('= 1.0-')).toBe('`1.0-` is not a valid Debian version: revision number is empty');
    expect(errors('= 1:')).toBe('`1:` is not a valid Debian version: nothing after colon in version number');
    expect(errors('1.0-1_2')).toBe(
      '`1.0-1_2` is not a valid Debian version: invalid character in revision number',
    );
  });
});

describe('sysctlValueText', () => {
  it('prints numbers in decimal and collapses blanks in strings', () => {
    expect(sysctlValueText(10)).toBe('10');
    expect(sysctlValueText(0)).toBe('0');
    expect(sysctlValueText(-1)).toBe('-1');
    expect(sysctlValueText(16, '0x10')).toBe('16');
    expect(sysctlValueText(' 32768 \t 60999 ')).toBe('32768 60999');
    expect(sysctlValueText('4096\t87380\t6291456')).toBe('4096 87380 6291456');
  });

  // What YAML hands over for these: the nearest double, and the text as written.
  it.each([
    ['18446744073709551615', '18446744073709551615'],
    ['+9007199254740993', '9007199254740993'],
    ['0xFFFFffffFFFFffff', '18446744073709551615'],
    ['0o1777777777777777777777', '18446744073709551615'],
  ])('keeps an integer beyond 2^53 written %s exactly: %s', (source, exact) => {
    const value = Number(BigInt(source));
    expect(sysctlValueText(value, source)).toBe(exact);
  });

  it('prints the value YAML read when the source is not that integer: a float, an octal of YAML 1.1', () => {
    expect(sysctlValueText(1.8e19, '1.8e19')).toBe('18000000000000000000');
    // `%YAML 1.1` reads 0777 as octal, 511; as an integer of YAML 1.2 it would be 777.
    expect(sysctlValueText(511, '0777')).toBe('511');
  });
});

describe('file values', () => {
  it('modes: three or four octal digits, padded to four', () => {
    expect(parseMode('640')).toEqual({ ok: true, value: '0640' });
    expect(parseMode('0640')).toEqual({ ok: true, value: '0640' });
    expect(parseMode('2755')).toEqual({ ok: true, value: '2755' });
    expect(parseMode('0999').ok).toBe(false);
    expect(parseMode('64').ok).toBe(false);
    expect(parseMode('u=rw').ok).toBe(false);
  });

  it('sha256: bare or prefixed hex, any case, to sha256:<lower-case hex>', () => {
    const hex = 'ab'.repeat(32);
    expect(parseSha256(hex)).toEqual({ ok: true, value: `sha256:${hex}` });
    expect(parseSha256(`sha256:${hex.toUpperCase()}`)).toEqual({ ok: true, value: `sha256:${hex}` });
    expect(parseSha256(hex.slice(2)).ok).toBe(false);
    expect(parseSha256(`md5:${hex}`).ok).toBe(false);
  });
});

describe('parseDuration', () => {
  it('numbers with units, and combinations, to milliseconds', () => {
    expect(parseDuration('90s')).toEqual({ ok: true, value: 90_000 });
    expect(parseDuration('10m')).toEqual({ ok: true, value: 600_000 });
    expect(parseDuration('1h')).toEqual({ ok: true, value: 3_600_000 });
    expect(parseDuration('1h30m')).toEqual({ ok: true, value: 5_400_000 });
    expect(parseDuration('500ms')).toEqual({ ok: true, value: 500 });
    expect(parseDuration('2d')).toEqual({ ok: true, value: 172_800_000 });
  });

  it('refuses bare numbers, unknown units, blanks and signs', () => {
    for (const text of ['600', '10 m', '10min', '-5m', 'm', '', '1.5h'])
      expect([text, parseDuration(text).ok]).toEqual([text, false]);
  });

  it('refuses a number left without a unit at the end, and a word that is no unit even when Object.prototype has it', () => {
    const usage = (text: string) =>
      `\`${text}\` is not a duration: write a number with a unit, like 90s, 10m, 1h30m (units ms s m h d)`;
    expect(['1h30', '1constructor'].map((text) => parseDuration(text))).toEqual([
      { ok: false, error: usage('1h30') },
      { ok: false, error: usage('1constructor') },
    ]);
  });
});
