/**
 * systemd time spans (systemd.time(7)): parse_sec() and format_timespan(…, 0), as the fstab
 * generator uses them to turn `x-systemd.idle-timeout=600` into `TimeoutIdleSec=10min`.
 * Microseconds throughout; `infinity` is its own value.
 */
const USEC_PER_SEC = 1_000_000;

const UNITS: [string, number][] = [
  ['seconds', USEC_PER_SEC],
  ['second', USEC_PER_SEC],
  ['sec', USEC_PER_SEC],
  ['s', USEC_PER_SEC],
  ['minutes', 60 * USEC_PER_SEC],
  ['minute', 60 * USEC_PER_SEC],
  ['min', 60 * USEC_PER_SEC],
  ['months', 2_629_800 * USEC_PER_SEC],
  ['month', 2_629_800 * USEC_PER_SEC],
  ['M', 2_629_800 * USEC_PER_SEC],
  ['msec', 1000],
  ['ms', 1000],
  ['m', 60 * USEC_PER_SEC],
  ['hours', 3600 * USEC_PER_SEC],
  ['hour', 3600 * USEC_PER_SEC],
  ['hr', 3600 * USEC_PER_SEC],
  ['h', 3600 * USEC_PER_SEC],
  ['days', 86_400 * USEC_PER_SEC],
  ['day', 86_400 * USEC_PER_SEC],
  ['d', 86_400 * USEC_PER_SEC],
  ['weeks', 604_800 * USEC_PER_SEC],
  ['week', 604_800 * USEC_PER_SEC],
  ['w', 604_800 * USEC_PER_SEC],
  ['years', 31_557_600 * USEC_PER_SEC],
  ['year', 31_557_600 * USEC_PER_SEC],
  ['y', 31_557_600 * USEC_PER_SEC],
  ['usec', 1],
  ['us', 1],
  ['μs', 1],
];

/** parse_sec(): `90`, `1min 30s`, `2h`, `infinity`; undefined when systemd would reject it. */
export function parseTimespan(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === 'infinity') return Number.POSITIVE_INFINITY;
  if (trimmed === '') return undefined;
  let total = 0;
  let rest = trimmed;
  while (rest.length > 0) {
    const number = /^(\d+(?:\.\d*)?|\.\d+)\s*/.exec(rest);
    if (!number) return undefined;
    rest = rest.slice(number[0].length);
    let multiplier = USEC_PER_SEC; // a bare number is seconds
    const unit = UNITS.find(([name]) => rest.startsWith(name) && !/^[a-zA-Zμ]/.test(rest.slice(name.length)));
    if (unit) {
      multiplier = unit[1];
      rest = rest.slice(unit[0].length);
    } else if (/^[a-zA-Zμ]/.test(rest)) return undefined;
    total += Math.round(Number.parseFloat(number[1] as string) * multiplier);
    rest = rest.trimStart();
  }
  return total;
}

const FORMAT: [string, number][] = [
  ['y', 31_557_600 * USEC_PER_SEC],
  ['month', 2_629_800 * USEC_PER_SEC],
  ['w', 604_800 * USEC_PER_SEC],
  ['d', 86_400 * USEC_PER_SEC],
  ['h', 3600 * USEC_PER_SEC],
  ['min', 60 * USEC_PER_SEC],
  ['s', USEC_PER_SEC],
  ['ms', 1000],
  ['us', 1],
];

/** format_timespan(…, accuracy 0): `10min`, `1min 30s`, `1.500000s`, `infinity`. */
export function formatTimespan(usec: number): string {
  if (usec === Number.POSITIVE_INFINITY) return 'infinity';
  if (usec <= 0) return '0';
  const parts: string[] = [];
  let rest = usec;
  for (const [name, size] of FORMAT) {
    if (rest <= 0) break;
    if (rest < size) continue;
    const whole = Math.floor(rest / size);
    const remainder = rest % size;
    // Sub-second remainders are shown as a decimal fraction of the unit, as systemd does for s/ms.
    if (remainder > 0 && size <= USEC_PER_SEC && size > 1) {
      let digits = 0;
      for (let cc = size; cc > 1; cc = Math.floor(cc / 10)) digits++;
      // systemd prints every digit down to the microsecond: 1.500000s, 2.250ms.
      const fraction = String(remainder).padStart(digits, '0');
      parts.push(`${whole}.${fraction}${name}`);
      break;
    }
    parts.push(`${whole}${name}`);
    rest = remainder;
  }
  return parts.join(' ');
}

/** What the generator writes for a time option: the normalised span, or undefined if invalid. */
export function normaliseTimespan(text: string): string | undefined {
  const usec = parseTimespan(text);
  return usec === undefined ? undefined : formatTimespan(usec);
}
