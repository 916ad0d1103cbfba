/**
 * Run and plan ids that a person can read, paste and sort: `r-20261206-211405-k3f9a2` — the
 * start time in UTC to the second, then six random characters (36^6: two runs started in the
 * same second collide about once in two billion). They name backup folders on nodes, so they
 * use only `[a-z0-9-]`.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The stamp and the random part, after the `r-` or `p-`. */
const STAMPED = '[0-9]{8}-[0-9]{6}-[a-z0-9]{6}$';
export const RUN_ID_PATTERN = `^r-${STAMPED}`;
export const PLAN_ID_PATTERN = `^p-${STAMPED}`;
const RUN_ID = new RegExp(RUN_ID_PATTERN);

function stamp(now: Date): string {
  const iso = now.toISOString(); // 2026-12-06T21:14:05.123Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

function random(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export function newRunId(now: Date): string {
  return `r-${stamp(now)}-${random(6)}`;
}

export function newPlanId(now: Date): string {
  return `p-${stamp(now)}-${random(6)}`;
}

export function isRunId(text: string): boolean {
  return RUN_ID.test(text);
}
