import { countCpuinfoProcessors, countCpuList, memTotalBytes } from './parse';

describe('countCpuList', () => {
  it.each([
    ['0-3\n', 4],
    ['0\n', 1],
    ['0-3,6,8-11\n', 9],
    ['\n', 0],
  ])('%j → %d', (text, count) => {
    expect(countCpuList(text)).toBe(count);
  });

  it.each(['3-1', 'a-b', '0-', '0,,1'])('rejects %j', (text) => {
    expect(countCpuList(text)).toBeUndefined();
  });
});

describe('countCpuinfoProcessors', () => {
  it('counts x86 processor stanzas', () => {
    expect(countCpuinfoProcessors('processor\t: 0\nvendor_id\t: x\n\nprocessor\t: 1\nvendor_id\t: x\n')).toBe(
      2,
    );
  });

  it('counts s390x "processor N:" lines and ignores look-alike keys', () => {
    const s390 =
      'vendor_id       : IBM/S390\n# processors    : 2\nprocessor 0: version = FF\nprocessor 1: version = FF\n';
    expect(countCpuinfoProcessors(s390)).toBe(2);
    expect(countCpuinfoProcessors('processors: 4\nprocessor_id: 1\n')).toBe(0);
  });
});

describe('memTotalBytes', () => {
  it('converts MemTotal kB (KiB) to bytes', () => {
    expect(memTotalBytes('MemTotal:       16371516 kB\nMemFree:  1 kB\n')).toBe(16371516 * 1024);
  });

  it('is undefined without a MemTotal line', () => {
    expect(memTotalBytes('MemFree:  1 kB\n')).toBeUndefined();
  });
});
