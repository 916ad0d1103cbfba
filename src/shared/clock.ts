/**
 * The one place that reads the wall clock. `DRIFTGUARD_NOW` (ISO 8601) pins it, so checked-in
 * example states and their expected outputs are reproducible byte for byte.
 */
export function currentTime(env: NodeJS.ProcessEnv = process.env): Date {
  const pinned = env.DRIFTGUARD_NOW;
  if (pinned) {
    const date = new Date(pinned);
    if (Number.isNaN(date.getTime())) throw new Error(`DRIFTGUARD_NOW is not an ISO 8601 time: ${pinned}`);
    return date;
  }
  return new Date();
}
