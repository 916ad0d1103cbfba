/**
 * Cron expressions of Schedules are checked with node-cron's own validator — the library the
 * scheduler runs them with — so that whatever loads also schedules, and the other way round.
 *
 * One restriction on top: exactly five fields (minute hour day-of-month month day-of-week),
 * the classic crontab form of DESIGN §6. node-cron also takes a sixth, leading seconds field;
 * `0 3 * * * *` would then mean "at second 0 of minute 3 of every hour", which someone who
 * reads crontabs would not guess, and enforcement has no use for second precision.
 */
import { validateDetailed } from 'node-cron';

/** `undefined` when valid, else why not. */
export function checkCron(expression: string): string | undefined {
  const fields = expression.trim().split(/[ \t]+/);
  // After trim() only an empty text has an empty first field, and it is one field: refused here.
  if (fields.length !== 5) {
    return `a cron expression has five fields (minute hour day-of-month month day-of-week), \`${expression}\` has ${fields[0] === '' ? 0 : fields.length}`;
  }
  const result = validateDetailed(expression);
  if (result.valid) return undefined;
  return result.errors.map((e) => e.message.replace(' is a invalid ', ' is an invalid ')).join('; ');
}
