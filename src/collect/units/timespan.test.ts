import { formatTimespan, normaliseTimespan, parseTimespan } from './timespan';

describe('time spans', () => {
  it('parses systemd time spans', () => {
    expect(parseTimespan('90')).toBe(90_000_000);
    expect(parseTimespan('1min 30s')).toBe(90_000_000);
    expect(parseTimespan('1h30min')).toBe(5_400_000_000);
    expect(parseTimespan('250ms')).toBe(250_000);
    expect(parseTimespan('infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseTimespan('5 parsecs')).toBeUndefined();
  });

  it('formats them as systemd writes them', () => {
    expect(formatTimespan(600_000_000)).toBe('10min');
    expect(formatTimespan(90_000_000)).toBe('1min 30s');
    expect(formatTimespan(1_500_000)).toBe('1.500000s');
    expect(normaliseTimespan('infinity')).toBe('infinity');
    expect(normaliseTimespan('bogus')).toBeUndefined();
  });
});
