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

export function ago(iso: string | undefined, now = serverNow()): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
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

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
