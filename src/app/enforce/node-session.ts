/**
 * A node as apply and restore see it: a shell to run argv on, its files, and a way to collect
 * its state afresh — over one SSH connection (the sweep's dump script, kept running between
 * collections), or locally under a root with the collectors reading the disk directly.
 */
import type { NodeDecl } from '../../model/desired';
import type { Category, NodeState } from '../../model/state';
import { REMOTE_SCRIPT } from '../../sweep/remote-script';
import { collectThroughDump } from '../../sweep/session';
import { StreamDumpChannel } from '../../sweep/stream-channel';
import type { SshIdentity } from '../../transport/identity';
import type { KnownHosts } from '../../transport/known-hosts';
import type { NodeShell } from '../../transport/node-shell';
import { LocalShell, SshShell } from '../../transport/node-shell';
import { connectSsh } from '../../transport/ssh';
import { TransportError } from '../../transport/errors';
import { collectNode } from '../collect-node';
import { NodeFiles } from './node-files';

export interface NodeSession {
  readonly node: string;
  /** `ssh://root@10.0.0.12:22`, `local`, `chroot:/srv/node` */
  readonly description: string;
  readonly shell: NodeShell;
  readonly files: NodeFiles;
  /** A fresh state of the node (all categories, or these). */
  collect(categories?: readonly Category[]): Promise<NodeState>;
  /** Whether systemd runs on the node (sd_booted(): /run/systemd/system exists), asked once. */
  systemdRunning(): Promise<boolean>;
  close(): Promise<void>;
}

export interface CollectContext {
  /** The paths the node's roles watch. */
  watchPaths: string[];
  /** Of those, the ones recorded by hash only (`sensitive: true`): collected as the agent and the sweep do. */
  sensitivePaths?: string[];
  now: () => Date;
}

/** sd_booted(), asked of the node once per session. */
function systemdProbe(shell: NodeShell): () => Promise<boolean> {
  let answer: Promise<boolean> | undefined;
  return () =>
    (answer ??= shell.run(['test', '-d', '/run/systemd/system']).then((result) => result.code === 0));
}

export function localSession(node: string, root: string, context: CollectContext): NodeSession {
  const shell = new LocalShell(root);
  return {
    node,
    description: shell.description,
    shell,
    files: new NodeFiles(shell),
    systemdRunning: systemdProbe(shell),
    async collect(categories) {
      const collected = await collectNode({
        root,
        node,
        watchList: () => ({ paths: context.watchPaths, sensitive: context.sensitivePaths ?? [] }),
        now: context.now(),
        ...(categories ? { categories } : {}),
      });
      return collected.state;
    },
    close: () => shell.close(),
  };
}

export interface SshSessionOptions extends CollectContext {
  knownHosts: KnownHosts;
  identity: SshIdentity;
  connectTimeoutMs: number;
  /** Run every command under `sudo -n` (a login that is not root). */
  sudo?: boolean;
}

/** Connects (host key checked before anything is sent) and keeps one connection for the whole run. */
export async function sshSession(node: NodeDecl, options: SshSessionOptions): Promise<NodeSession> {
  const ssh = node.ssh;
  if (!ssh) throw new TransportError('protocol', `node ${node.name} has no ssh: entry in the desired state`);
  const connection = await connectSsh({
    node: node.name,
    host: ssh.host,
    port: ssh.port,
    user: ssh.user,
    knownHosts: options.knownHosts,
    identity: options.identity,
    connectTimeoutMs: options.connectTimeoutMs,
  });
  const description = `ssh://${ssh.user}@${ssh.host}:${ssh.port}`;
  const shell = new SshShell(connection, description, options.sudo);
  let dump: Promise<{ channel: StreamDumpChannel; close: () => void }> | undefined;
  const openDump = async () => {
    const stream = await shell.openStream(['sh', '-c', REMOTE_SCRIPT, 'driftguard-sweep']);
    const channel = new StreamDumpChannel(stream, stream, stream.stderr);
    stream.on('close', (code: number | null) => channel.ended(`exit code ${code ?? 'unknown'}`));
    return { channel, close: () => channel.quit() };
  };
  return {
    node: node.name,
    description,
    shell,
    files: new NodeFiles(shell),
    systemdRunning: systemdProbe(shell),
    async collect(categories) {
      // One dump script serves every collection of the run: each asks again for everything it reads.
      dump ??= openDump();
      const { channel } = await dump;
      const { state } = await collectThroughDump(channel, {
        node: node.name,
        now: options.now(),
        watchPaths: options.watchPaths,
        sensitivePaths: options.sensitivePaths ?? [],
        description,
        ...(categories ? { categories } : {}),
      });
      return state;
    },
    async close() {
      if (dump) (await dump.catch(() => undefined))?.close();
      await shell.close();
    },
  };
}
