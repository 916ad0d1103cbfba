import { MAX_BROADCAST_BYTES } from '../store';
import { broadcastMessages } from './live-events';

describe('live events as broadcast messages', () => {
  it('are one message each, as JSON', () => {
    const event = { type: 'node-reported' as const, node: 'pypi-2', at: '2026-12-07T04:00:00.000Z' };
    expect(broadcastMessages(event).map((message) => JSON.parse(message) as unknown)).toEqual([event]);
  });

  it('split a node-evaluated naming more pairs than one NOTIFY holds, every pair named once, in order', () => {
    const pairs = Array.from(
      { length: 200 },
      (_, n) => `pair-${String(n).padStart(3, '0')}-${'x'.repeat(80)}`,
    );
    const event = { type: 'node-evaluated' as const, node: 'n', pairs, at: '2026-12-07T04:00:00.000Z' };
    const messages = broadcastMessages(event);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages)
      expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_BROADCAST_BYTES);
    const parsed = messages.map((message) => JSON.parse(message) as typeof event);
    expect(parsed.flatMap((part) => part.pairs)).toEqual(pairs);
    expect(parsed.every((part) => part.node === 'n' && part.type === 'node-evaluated')).toBe(true);
  });
});
