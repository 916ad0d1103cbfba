/**
 * Progress of a sweep for the person running it, on stderr: a cli-progress bar on a terminal,
 * one plain line per finished node otherwise (logs, CI). stdout is left to the result.
 */
import { SingleBar } from 'cli-progress';
import { formatBytes } from '../shared/format';
import type { SweepEvent, SweepResult } from './run';

export interface SweepProgress {
  onEvent(event: SweepEvent): void;
  stop(): void;
}

/**
 * One line about a finished node. A failure is only named here: why it failed (which may take
 * several lines: a changed host key and the line to fix it) is said once, in the summary.
 */
export function describeResult(result: SweepResult): string {
  if (!result.ok) return `${result.node}: FAILED (${result.reason})`;
  const rounds = result.rounds === 1 ? '1 round' : `${result.rounds} rounds`;
  const reused = result.reused.length > 0 ? `, unchanged: ${result.reused.join(' ')}` : '';
  return `${result.node}: reached (${rounds}, ${formatBytes(result.bytes)}, ${Math.round(result.ms)} ms${reused})`;
}

export function sweepProgress(
  total: number,
  output: { tty?: NodeJS.WriteStream; line(text: string): void },
): SweepProgress {
  let done = 0;
  let failed = 0;
  if (output.tty) {
    const bar = new SingleBar({
      stream: output.tty,
      format: 'sweeping {bar} {value}/{total} nodes | {failed} failed | {last}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 24,
    });
    bar.start(total, 0, { failed: 0, last: '' });
    return {
      onEvent(event) {
        if (event.kind !== 'finished') return;
        if (!event.result.ok) failed++;
        bar.increment(1, { failed, last: event.result.node });
      },
      stop: () => bar.stop(),
    };
  }
  return {
    onEvent(event) {
      if (event.kind !== 'finished') return;
      done++;
      output.line(`[${done}/${total}] ${describeResult(event.result)}`);
    },
    stop: () => undefined,
  };
}
