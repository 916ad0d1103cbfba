import { parseSize } from './size';

describe('parseSize', () => {
  it.each([
    ['1048576', 1048576],
    ['512K', 512 * 1024],
    ['100M', 100 * 1024 * 1024],
    ['100MiB', 100 * 1024 * 1024],
    ['2g', 2 * 1024 ** 3],
    ['1 GB', 1024 ** 3],
    ['10B', 10],
  ])('%s = %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it('ignores blanks around the size, as a value read from an env file carries them', () => {
    expect(parseSize(' 100M\n')).toBe(100 * 1024 * 1024);
    expect(parseSize('\t512 KiB ')).toBe(512 * 1024);
  });

  it.each(['', 'M', '1.5M', '-1M', '10X', '10 MM', '99999999999T'])('refuses %j', (text) =>
    expect(parseSize(text)).toBeUndefined(),
  );
});
