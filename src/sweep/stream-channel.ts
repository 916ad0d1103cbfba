/**
 * A {@link DumpChannel} over a pair of byte streams — the stdin and stdout of the remote script,
 * whether an ssh2 exec channel or a local `sh` process. The owner reports the end of the
 * process or channel with `ended()`; a batch still being waited for then fails with what the
 * script said on stderr.
 */
import type { Readable, Writable } from 'node:stream';
import { CommandError } from '../shared/errors';
import type { RawBatch } from './parse-dump';
import { DumpStream } from './parse-dump';
import { QUIT_LINE } from './requests';
import type { DumpChannel } from './session';

const STDERR_KEPT = 4000;

export class StreamDumpChannel implements DumpChannel {
  private readonly stream = new DumpStream();
  private waiting: { resolve: (batch: RawBatch) => void; reject: (err: Error) => void } | undefined;
  private failure: Error | undefined;
  private stderrText = '';

  constructor(
    private readonly input: Writable,
    output: Readable,
    errors?: Readable,
  ) {
    output.on('data', (chunk: Buffer) => {
      this.stream.push(chunk);
      this.pump();
    });
    errors?.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    // A script that exits early closes its stdin: the write error is reported through ended().
    input.on('error', () => undefined);
  }

  /** What the script wrote on stderr (the last few KB). */
  get stderr(): string {
    return this.stderrText;
  }

  /** The process or channel is gone: `why` says how (exit code, signal, connection lost). */
  ended(why: string): void {
    if (!this.failure) {
      const said = this.stderrText.trim();
      this.failure = new CommandError(
        `the sweep script ended before answering (${why})${said ? `: ${said}` : ''}`,
      );
    }
    this.pump();
  }

  send(text: string): void {
    this.input.write(text);
  }

  nextBatch(): Promise<RawBatch> {
    if (this.waiting) return Promise.reject(new Error('one batch at a time'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.pump();
    });
  }

  /** Asks the script to clean up and exit. */
  quit(): void {
    if (!this.input.writableEnded) this.input.end(QUIT_LINE);
  }

  private pump(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    let batch: RawBatch | undefined;
    try {
      batch = this.stream.takeBatch();
    } catch (err) {
      this.waiting = undefined;
      waiting.reject(err as Error);
      return;
    }
    if (batch) {
      this.waiting = undefined;
      waiting.resolve(batch);
    } else if (this.failure) {
      this.waiting = undefined;
      waiting.reject(this.failure);
    }
  }
}
