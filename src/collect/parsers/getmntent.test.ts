import { parseGetmntent } from './getmntent';

const passnoOf = (numbers: string): number | undefined =>
  parseGetmntent(`/dev/sdx1 /x ext4 defaults ${numbers}\n`)[0]?.passno;

/** Each as systemd-fstab-generator (glibc's sscanf " %d %d ") read it: see units-fstab-generator. */
describe('parseGetmntent: freq and passno as sscanf reads them', () => {
  it.each([
    ['\\v and \\f are white space to C', '0\v2', 2],
    ['\\f', '0\f3', 3],
    ['U+00A0 is not: the second number does not parse', '0\u00a02', 0],
    ['beyond 32 bits: the low 32 bits', '0 4294967297', 1],
    ['a multiple of 2^32 is 0', '0 4294967296', 0],
    ['beyond 2^53, exactly', '0 9007199254740993', 1],
    ['the largest long', '0 9223372036854775807', -1],
    ['beyond a long: saturated at its largest', '0 18446744073709551617', -1],
    ['beyond a long below: saturated at its smallest', '0 -9223372036854775809', 0],
  ])('%s (%j)', (_what, numbers, passno) => {
    expect(passnoOf(numbers)).toBe(passno);
  });
});
