/**
 * Report ids: `<run>-<seq>`, e.g. `0mi4x2c1k7q3f9a2k8d-00000042`. The server stores a (node, reportId)
 * once and answers a repeat as a duplicate, so an id must never be reused for other content — not
 * after a restart, not after the clock jumps back. The spool names its files after the ids, and
 * delivers them in lexical order, so lexical order must also be the order of collection:
 *   - run: the start time in base 36, fixed width (lexical = numeric), then random characters,
 *     so two runs never share an id even if the clock was reset between them;
 *   - seq: the report's number within the run, fixed width.
 * A run's start time is raised above every run still in the spool (see `nextRunId`), so a clock
 * that went back cannot sort new reports before the old ones they follow.
 */
import { randomInt } from 'node:crypto';

const TIME_WIDTH = 9; // base 36: enough for milliseconds until the year 5188
// 36^10 ≈ 3.7e15: two runs started in the same millisecond do not collide in any realistic life.
const RANDOM_WIDTH = 10;
const SEQ_WIDTH = 8;
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

const RUN_ID = new RegExp(`^([0-9a-z]{${TIME_WIDTH}})[0-9a-z]{${RANDOM_WIDTH}}$`);
const REPORT_ID = new RegExp(`^([0-9a-z]{${TIME_WIDTH + RANDOM_WIDTH}})-(\\d{${SEQ_WIDTH}})$`);

function randomChars(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += BASE36[randomInt(36)];
  return out;
}

/** A run id that starts after `now` and after every run in `existing` (ids of spooled reports). */
export function nextRunId(now: Date, existing: Iterable<string>): string {
  let time = now.getTime();
  for (const reportId of existing) {
    const parsed = parseReportId(reportId);
    if (parsed && parsed.startedAt >= time) time = parsed.startedAt + 1;
  }
  return time.toString(36).padStart(TIME_WIDTH, '0') + randomChars(RANDOM_WIDTH);
}

export function reportIdOf(runId: string, seq: number): string {
  if (!RUN_ID.test(runId)) throw new Error(`not a run id: ${runId}`);
  return `${runId}-${String(seq).padStart(SEQ_WIDTH, '0')}`;
}

/** The parts of an id this agent made; undefined for anything else (a file someone dropped in). */
export function parseReportId(
  reportId: string,
): { runId: string; startedAt: number; seq: number } | undefined {
  const match = REPORT_ID.exec(reportId);
  if (!match) return undefined;
  const runId = match[1] as string;
  return { runId, startedAt: parseInt(runId.slice(0, TIME_WIDTH), 36), seq: Number(match[2]) };
}
