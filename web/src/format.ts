/** Times and counts as the pages show them. */

/** How far the server's clock is ahead of this browser's (set from /whoami). */
let serverOffsetMs = 0;

export function setServerTime(iso: string): void {
  serverOffsetMs = Date.parse(iso) - Date.now();
}

/** Now, by the server's clock: ages on the page agree with the CLI's whatever this clock says. */
export function serverNow(): number {
  return Date.now() + serverOffsetMs;
}

/** How long ago an instant was ("3 min ago"), or how long until it comes ("in 58 min"). */
export function ago(iso: string | undefined, now = serverNow()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  // A few seconds ahead is the clocks' and the network's jitter, not the future.
  return seconds < -5 ? `in ${duration(-seconds)}` : `${duration(Math.max(0, seconds))} ago`;
}

/** An instant as people read it in an incident channel: UTC, to the second. */
export function utc(iso: string | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

/** "1 fix", "3 fixes": the plural is the word and an s unless given. */
export function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}
