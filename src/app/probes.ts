/**
 * Reachability probes (DESIGN §8 `reachability`): a TCP connection to each declared endpoint
 * of a node — its SSH, its BMC — with a timeout. Connect and close; nothing is sent.
 */
import * as net from 'node:net';
import type { Desired } from '../model/desired';
import type { ProbeResult } from '../model/readiness';

export function splitHostPort(target: string): { host: string; port: number } | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:\s]+):(\d{1,5})$/.exec(target);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port > 0 && port <= 65535 ? { host: (match[1] as string).replace(/^\[|\]$/g, ''), port } : undefined;
}

export function probeTcp(
  target: string,
  timeoutMs: number,
): Promise<{ ok: boolean; error?: string; latencyMs?: number }> {
  const address = splitHostPort(target);
  if (!address) return Promise.resolve({ ok: false, error: `not host:port: ${target}` });
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const socket = net.connect({ host: address.host, port: address.port });
    const finish = (result: { ok: boolean; error?: string }) => {
      socket.destroy();
      resolve({ ...result, latencyMs: Number(process.hrtime.bigint() - started) / 1e6 });
    };
    socket.setTimeout(timeoutMs, () => finish({ ok: false, error: `no answer within ${timeoutMs} ms` }));
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({
        ok: false,
        error: err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? err.message),
      }),
    );
  });
}

/** Every probe declared for these nodes, all at once. */
export async function runProbes(
  desired: Desired,
  nodes: readonly string[],
  timeoutMs: number,
): Promise<ProbeResult[]> {
  const jobs = nodes.flatMap((node) => (desired.nodes[node]?.probes ?? []).map((probe) => ({ node, probe })));
  return Promise.all(
    jobs.map(async ({ node, probe }) => ({
      node,
      name: probe.name,
      target: probe.tcp,
      ...(await probeTcp(probe.tcp, timeoutMs)),
    })),
  );
}
