/**
 * How a run reaches its nodes: over SSH (the node's `ssh:` entry, host key pinned) or locally
 * (this host, or a tree under `root` run with chroot — one node only). Sessions opened while
 * planning are reused by the run that follows, so a node is connected to once.
 */
import { nodeByName } from '../../desired';
import { watchListFor } from '../../desired/compose';
import type { Desired } from '../../model/desired';
import { UsageError } from '../../shared/errors';
import type { SshIdentity } from '../../transport/identity';
import type { KnownHosts } from '../../transport/known-hosts';
import type { NodeSession } from './node-session';
import { localSession, sshSession } from './node-session';

export type SessionOptions =
  | { via: 'local'; root: string; now: () => Date }
  | {
      via: 'ssh';
      knownHosts: KnownHosts;
      identity: SshIdentity;
      connectTimeoutMs: number;
      sudo?: boolean;
      now: () => Date;
    };

export function sessionOpener(
  desired: Desired,
  options: SessionOptions,
): (node: string) => Promise<NodeSession> {
  let localNode: string | undefined;
  return async (node) => {
    // The same files, sensitive ones by hash only, as the agent and the sweep record.
    const { paths: watchPaths, sensitive: sensitivePaths } = watchListFor(desired, node);
    if (options.via === 'local') {
      // One root is one node: a second node through the same root would be the same machine.
      if (localNode !== undefined && localNode !== node)
        throw new UsageError(
          `--via local reaches one node (${localNode}); ${node} needs its own run, or --via ssh`,
        );
      localNode = node;
      return localSession(node, options.root, { watchPaths, sensitivePaths, now: options.now });
    }
    const declaration = nodeByName(desired, node);
    if (!declaration.ssh)
      throw new UsageError(
        `node ${node} has no ssh: entry in ${desired.dir}: give it one, or apply on the node itself with --via local (or through its agent)`,
      );
    return sshSession(declaration, { ...options, watchPaths, sensitivePaths });
  };
}

/** Opens each node once, for planning and the run after it; closes what is left open. */
export class SessionPool {
  private readonly opened = new Map<string, Promise<NodeSession>>();

  constructor(private readonly openNode: (node: string) => Promise<NodeSession>) {}

  readonly open = (node: string): Promise<NodeSession> => {
    let session = this.opened.get(node);
    if (!session) {
      session = this.openNode(node);
      this.opened.set(node, session);
    }
    return session;
  };

  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.opened.values()].map((session) => session.then((s) => s.close()).catch(() => undefined)),
    );
  }
}
