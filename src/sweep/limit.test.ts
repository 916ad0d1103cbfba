import { mapLimited } from './limit';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapLimited', () => {
  it('never has more than `limit` tasks running, and keeps input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimited([30, 5, 20, 1, 10, 2, 15], 3, async (ms, index) => {
      running++;
      peak = Math.max(peak, running);
      await tick(ms);
      running--;
      return `${index}:${ms}`;
    });
    expect(peak).toBe(3);
    expect(results).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2', '6:15']);
  });

  it('runs everything at once when the limit is above the count, and copes with nothing', async () => {
    let peak = 0;
    let running = 0;
    await mapLimited([1, 2], 8, async () => {
      peak = Math.max(peak, ++running);
      await tick(5);
      running--;
    });
    expect(peak).toBe(2);
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
  });

  it('refuses a limit that would run nothing', async () => {
    await expect(mapLimited([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
