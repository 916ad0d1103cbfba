/**
 * C's isspace() in the C locale, for the parsers that follow glibc: space, \t, \n, \v, \f, \r.
 * Not JavaScript's `\s`, which also takes U+00A0 and the other Unicode blanks; glibc reads bytes,
 * and no byte of a UTF-8 character beyond ASCII is white space to it.
 */
export function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}
