import { siphash24 } from './siphash';

describe('siphash24', () => {
  it('gives the reference vectors of the SipHash paper (key 00..0f, messages 00, 00 01, …)', () => {
    const key = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
    const message = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i));
    // Appendix A of "SipHash: a fast short-input PRF", as little-endian bytes.
    expect(siphash24(message(0), key).toString('hex')).toBe('310e0edd47db6f72');
    expect(siphash24(message(1), key).toString('hex')).toBe('fd67dc93c539f874');
    expect(siphash24(message(8), key).toString('hex')).toBe('6224939a79f5f593');
    expect(siphash24(message(15), key).toString('hex')).toBe('e545be4961ca29a1');
  });
});
