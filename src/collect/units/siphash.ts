/**
 * SipHash-2-4 (Aumasson and Bernstein), as systemd's siphash24() computes it: the hash systemd
 * puts in the names of units whose paths are too long to name them by (unit_name_hash_long).
 * Returns the 64-bit result as 8 bytes, little-endian — the order `hexmem()` prints.
 */
const MASK = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK;
}

function readLe64(bytes: Uint8Array, offset: number): bigint {
  let value = 0n;
  for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(bytes[offset + i] ?? 0);
  return value;
}

export function siphash24(data: Uint8Array, key: Uint8Array): Buffer {
  const k0 = readLe64(key, 0);
  const k1 = readLe64(key, 8);
  const v = [
    k0 ^ 0x736f6d6570736575n,
    k1 ^ 0x646f72616e646f6dn,
    k0 ^ 0x6c7967656e657261n,
    k1 ^ 0x7465646279746573n,
  ];
  const round = (): void => {
    v[0] = (v[0]! + v[1]!) & MASK;
    v[1] = rotl(v[1]!, 13n) ^ v[0];
    v[0] = rotl(v[0], 32n);
    v[2] = (v[2]! + v[3]!) & MASK;
    v[3] = rotl(v[3]!, 16n) ^ v[2];
    v[0] = (v[0] + v[3]) & MASK;
    v[3] = rotl(v[3], 21n) ^ v[0];
    v[2] = (v[2] + v[1]) & MASK;
    v[1] = rotl(v[1], 17n) ^ v[2];
    v[2] = rotl(v[2], 32n);
  };
  const compress = (m: bigint): void => {
    v[3] = v[3]! ^ m;
    round();
    round();
    v[0] = v[0]! ^ m;
  };
  const whole = data.length - (data.length % 8);
  for (let offset = 0; offset < whole; offset += 8) compress(readLe64(data, offset));
  let last = BigInt(data.length & 0xff) << 56n;
  for (let i = data.length - 1; i >= whole; i--) last |= BigInt(data[i] as number) << BigInt(8 * (i - whole));
  compress(last);
  v[2] = v[2]! ^ 0xffn;
  for (let i = 0; i < 4; i++) round();
  const hash = v[0]! ^ v[1]! ^ v[2] ^ v[3]!;
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(hash);
  return out;
}
