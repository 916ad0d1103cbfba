/**
 * What the fleet bench watches besides the answers to its reports:
 *
 * - evaluation lag: the server's live stream (`GET /api/v1/events`, model/live.ts) says
 *   `node-evaluated` when a node's drift and its pairs' parity were evaluated again; the lag of a
 *   report that changed something is from its 201 arriving here to that event arriving here —
 *   when a dashboard could show the result;
 * - the server process: RSS (VmRSS, VmHWM of /proc/PID/status, sampled every second) and CPU.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';

interface Waiting {
  /** When the first report not yet evaluated was accepted (its 201 received). */
  accepted?: number;
  /** The node was evaluated while its report was still unanswered: the answer comes with the result. */
  evaluatedEarly?: boolean;
}

/** Evaluation lag per node, from the node-evaluated events of the server's live stream. */
export class EvaluationWatch {
  private readonly waiting = new Map<string, Waiting>();
  private lags: number[] = [];
  private request: http.ClientRequest | undefined;
  private drained: (() => void) | undefined;

  /** Opens the stream; resolves once the server said hello. */
  open(port: number, token: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.request = http.get(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/events',
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        },
        (response) => {
          if (response.statusCode !== 200) reject(new Error(`GET /api/v1/events: ${response.statusCode}`));
          response.setEncoding('utf8');
          let buffer = '';
          response.on('data', (chunk: string) => {
            buffer += chunk;
            for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              if (block.startsWith('event: hello\n')) resolve();
              if (!block.startsWith('event: node-evaluated\n')) continue;
              const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { node: string };
              this.evaluated(data.node);
            }
          });
        },
      );
      this.request.on('error', reject);
    });
  }

  close(): void {
    this.request?.destroy();
  }

  /** A report that changes something was sent for the node. */
  sent(node: string): void {
    if (!this.waiting.has(node)) this.waiting.set(node, {});
  }

  /** ... and accepted (201): its evaluation is owed from now, unless it was seen already. */
  accepted(node: string): void {
    const entry = this.waiting.get(node);
    if (!entry) return;
    if (entry.evaluatedEarly) {
      this.resolve(node, 0);
      return;
    }
    entry.accepted ??= performance.now();
  }

  /** ... or not accepted: nothing to evaluate. */
  refused(node: string): void {
    const entry = this.waiting.get(node);
    if (entry && entry.accepted === undefined) this.waiting.delete(node);
  }

  private evaluated(node: string): void {
    const entry = this.waiting.get(node);
    if (!entry) return;
    if (entry.accepted === undefined) entry.evaluatedEarly = true;
    else this.resolve(node, performance.now() - entry.accepted);
  }

  private resolve(node: string, lag: number): void {
    this.waiting.delete(node);
    this.lags.push(lag);
    if (this.waiting.size === 0) this.drained?.();
  }

  /** Reports accepted and not evaluated yet. */
  get owed(): number {
    let owed = 0;
    for (const entry of this.waiting.values()) if (entry.accepted !== undefined) owed++;
    return owed;
  }

  /** Resolves when every accepted report was evaluated, or after `timeoutMs`; returns how many still wait. */
  async drain(timeoutMs: number): Promise<number> {
    if (this.waiting.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.drained = undefined;
    }
    return this.owed;
  }

  /** The lags measured since the last call (ms), and the reports still owed an evaluation, forgotten. */
  take(): { lags: number[]; owed: number } {
    const taken = { lags: this.lags, owed: this.owed };
    this.lags = [];
    this.waiting.clear();
    return taken;
  }
}

/** kB fields of /proc/PID/status, in bytes. */
function statusBytes(pid: number): { rss: number; hwm: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/**
 * The server's resident memory, sampled every second; `peak` is the highest sample since
 * `reset`. `alsoEverySecond`: more to sample at the same time.
 */
export class RssSampler {
  private timer: NodeJS.Timeout;
  peak = 0;

  constructor(
    private readonly pid: number,
    alsoEverySecond: () => void = () => undefined,
  ) {
    this.timer = setInterval(() => {
      this.sample();
      alsoEverySecond();
    }, 1000);
    this.timer.unref();
  }

  sample(): { rss: number; hwm: number } {
    const now = statusBytes(this.pid);
    this.peak = Math.max(this.peak, now.rss);
    return now;
  }

  reset(): void {
    this.peak = 0;
    this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
