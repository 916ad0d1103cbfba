/**
 * The states the server benchmarks send: this host's state, made each node's own the way real
 * nodes of one role differ — its hostname (os, the kernel.hostname sysctl, /etc/hostname) and
 * one package at a version of its own (a node part-way through an upgrade). The server keeps
 * parsed contents by hash (src/store/parsed-contents.ts); were every node's state the same, a
 * benchmark would measure a fleet of clones. Categories that are the same on every node of a
 * role in practice (capacity, mounts, units, users) stay as they are.
 */
import { createHash } from 'node:crypto';
import type { Category, NodeState } from '../src/model/state';
import { hashOf } from '../src/shared/canonical-json';

function withOwnPackage(state: NodeState, node: string, revision: number): NodeState['packages'] {
  const packages = state.packages;
  if (!packages) return packages;
  const names = Object.keys(packages.items).sort();
  if (names.length === 0) return packages;
  // A node-dependent package, so nodes do not all change the same one.
  const hash = createHash('sha256').update(node).digest();
  const name = names[hash.readUInt32BE(0) % names.length] as string;
  const entry = packages.items[name]!;
  return {
    ...packages,
    items: { ...packages.items, [name]: { ...entry, version: `${entry.version}+${node}.${revision}` } },
  };
}

/** Sysctl values set on top of the host's (a delta of the sysctls category). */
export type SysctlOverrides = Readonly<Record<string, string>>;

/**
 * `host` as node `node` would report it at `collectedAt`; `revision` changes the node's own
 * package version (a delta: a new revision is a changed packages category), `sysctls` sets
 * live values. Only the categories made the node's own are hashed again (the rest keep the
 * host's hashes): a benchmark builds thousands of these while it measures.
 */
export function nodeState(
  host: NodeState,
  node: string,
  collectedAt: string,
  revision = 0,
  sysctls: SysctlOverrides = {},
): NodeState {
  const state: NodeState = {
    ...host,
    node,
    collectedAt,
    ...(host.os ? { os: { ...host.os, hostname: node } } : {}),
    ...(host.sysctls
      ? { sysctls: { ...host.sysctls, live: { ...host.sysctls.live, 'kernel.hostname': node, ...sysctls } } }
      : {}),
    ...(host.files
      ? {
          files: {
            items: {
              ...host.files.items,
              '/etc/hostname': {
                path: '/etc/hostname',
                exists: true,
                type: 'file',
                sha256: `sha256:${createHash('sha256').update(`${node}\n`).digest('hex')}`,
                mode: '0644',
                owner: 'root',
                group: 'root',
                size: node.length + 1,
                text: `${node}\n`,
              },
            },
          },
        }
      : {}),
  };
  state.packages = withOwnPackage(host, node, revision);
  const own: Category[] = ['os', 'sysctls', 'files', 'packages'];
  state.hashes = { ...host.hashes };
  for (const category of own)
    if (state[category] !== undefined) state.hashes[category] = hashOf(state[category]);
  return state;
}
