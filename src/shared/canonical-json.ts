import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so that equal values always serialise to the
 * same bytes. Category hashes depend on this: an agent re-sends a category only when its hash
 * changes, and a hash must not change because a Map was filled in another order.
 *
 * Written straight into one string rather than by building a key-sorted copy of the value and
 * calling JSON.stringify: states hold thousands of small objects, and the copy doubled the
 * garbage a collection makes. Undefined properties are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (write(value[i]) ?? 'null');
    return out + ']';
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return write((value as { toJSON(): unknown }).toJSON());
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const child = write(record[key]);
    if (child === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + child;
    first = false;
  }
  return out + '}';
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256:<hex>` of the canonical JSON of a value. */
export function hashOf(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}

/**
 * The canonical text of a value whose hash is claimed to be `claimed`, or undefined when the
 * claim is false. Fast path: a value that arrived in canonical key order (what buildReport
 * sends) serialises to its canonical text with the native JSON.stringify — and if that text has
 * the claimed hash, it is the canonical text. Otherwise the sorting writer decides.
 */
export function verifiedCanonicalText(value: unknown, claimed: string): string | undefined {
  const fast = JSON.stringify(value);
  if (`sha256:${sha256Hex(fast)}` === claimed) return fast;
  const canonical = canonicalJson(value);
  return `sha256:${sha256Hex(canonical)}` === claimed ? canonical : undefined;
}

/** A copy of a value with every object's keys in canonical order (as far as JavaScript keeps order). */
export function canonicalCopy<T>(value: T): T {
  return JSON.parse(canonicalJson(value)) as T;
}
