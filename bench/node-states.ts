/**
 * The states the server benchmarks send: this host's state, made each node's own the way real
 * nodes of one role differ — its hostname (os, the kernel.hostname sysctl, /etc/hostname) and
 * one package at a version of its own (a node part-way through an upgrade). The server keeps
 * parsed contents by hash (src/store/parsed-contents.ts); were every node's state the same, a
 * benchmark would measure a fleet of clones. Categories that are the same on every node of a
 * role in practice (capacity, mounts, units, users) stay as they are.
 */
import { createHash } from 'node:crypto';
import { categoryHashes } from '../src/collect';
import type { NodeState } from '../src/model/state';

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

/**
 * `host` as node `node` would report it at `collectedAt`; `revision` changes the node's own
 * package version (a delta: a new revision is a changed packages category).
 */
export function nodeState(host: NodeState, node: string, collectedAt: string, revision = 0): NodeState {
  const state: NodeState = {
    ...host,
    node,
    collectedAt,
    ...(host.os ? { os: { ...host.os, hostname: node } } : {}),
    ...(host.sysctls
      ? { sysctls: { ...host.sysctls, live: { ...host.sysctls.live, 'kernel.hostname': node } } }
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
  state.hashes = categoryHashes(state);
  return state;
}
