/**
 * Parsed category contents kept in memory, keyed by category and content hash. A hash names
 * one canonical JSON text (ingest checks every text against its hash before storing it), so a
 * cached value is exactly what parsing the stored text again would give — whichever node and
 * version it came from. The evaluation worker uses it: drift, parity and readiness after a
 * report read the same two states again and again, and parsing them was most of their cost.
 *
 * Values are shared between the states built from them, so they are frozen: a reader that
 * tried to change one would fail at once instead of changing every state that holds it — and
 * frozen values are what compare remembers results for (src/compare/remembered.ts).
 */
import { deepFreeze } from '../shared/deep-freeze';

export class ParsedContents {
  private readonly entries = new Map<string, { value: unknown; chars: number }>();
  private chars = 0;

  /** @param maxChars how much JSON text the kept values may come from, in all (least recently used go first) */
  constructor(private readonly maxChars: number) {}

  /** The parsed value of `text` (category `category`, hash `hash`): kept, or parsed and kept. */
  parse(category: string, hash: string, text: string): unknown {
    const value: unknown = deepFreeze(JSON.parse(text));
    this.keep(`${category} ${hash}`, value, text.length);
    return value;
  }

  get(category: string, hash: string): unknown {
    const key = `${category} ${hash}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Most recently used last: Map keeps insertion order, and eviction takes from the front.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  private keep(key: string, value: unknown, chars: number): void {
    if (chars > this.maxChars) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.chars -= previous.chars;
    }
    this.entries.set(key, { value, chars });
    this.chars += chars;
    for (const [oldest, entry] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= entry.chars;
    }
  }
}
