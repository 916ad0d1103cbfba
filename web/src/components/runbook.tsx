/**
 * The pair's runbook: which node is which, how to reach it, what moves with a failover, the DRBD
 * resources, and how the replicated device comes up at boot on each node — what the PyPI team
 * had no shared document of when their primary hung at boot in November 2013.
 */
import type { PairRunbook, RunbookNode } from '../../../src/model/runbook';
import { duration, utc } from '../format';
import { href } from '../router';
import { BootChainView } from './boot-chain';
import { Time } from './common';
import { quoteArg } from './findings';

/** "collected 14 days ago" on screen, with the instant itself for paper. */
function When({ at, label }: { at: string | undefined; label: string }) {
  if (!at) return <span class="muted">never</span>;
  return (
    <>
      <Time at={at} label={label} /> <span class="muted utc">({utc(at)})</span>
    </>
  );
}

function sshCommand(ssh: NonNullable<RunbookNode['ssh']>): string {
  const port = ssh.port === 22 ? [] : ['-p', String(ssh.port)];
  return ['ssh', ...port, `${ssh.user}@${ssh.host}`].map(quoteArg).join(' ');
}

function NodeCard({ node }: { node: RunbookNode }) {
  return (
    <section class="runbook-node" data-runbook-node={node.name} aria-labelledby={`runbook-${node.name}`}>
      <h3 id={`runbook-${node.name}`}>
        <a href={href.node(node.name)}>{node.name}</a> <span class="tag">{node.side}</span>
      </h3>
      <dl class="facts">
        <dt>Roles</dt>
        <dd>{node.roles.length > 0 ? node.roles.join(', ') : <span class="muted">none declared</span>}</dd>
        <dt>Reach it</dt>
        <dd>
          {node.ssh ? (
            <code class="command">$ {sshCommand(node.ssh)}</code>
          ) : (
            <span class="muted">no ssh declared</span>
          )}
        </dd>
        <dt>Probes</dt>
        <dd>
          {node.probes.length > 0 ? (
            <ul class="plain">
              {node.probes.map((probe) => (
                <li key={probe.name}>
                  {probe.name}: <code>{probe.tcp}</code>
                </li>
              ))}
            </ul>
          ) : (
            <span class="muted">none declared</span>
          )}
        </dd>
        <dt>Latest state</dt>
        <dd>
          {node.collectedAt ? (
            <>
              collected <When at={node.collectedAt} label="collected" />, received{' '}
              <When at={node.receivedAt} label="received" />
            </>
          ) : (
            <span class="stale-cell">never reported: what follows comes from the desired state only</span>
          )}
        </dd>
      </dl>
      <h4>Failover mounts</h4>
      {node.failoverMounts.length > 0 ? (
        <table class="compact">
          <thead>
            <tr>
              <th scope="col">Mount point</th>
              <th scope="col">Device</th>
              <th scope="col">Type</th>
              <th scope="col">Options</th>
            </tr>
          </thead>
          <tbody>
            {node.failoverMounts.map((mount) => (
              <tr key={mount.mountPoint} data-failover-mount={mount.mountPoint}>
                <th scope="row">
                  <code>{mount.mountPoint}</code>
                </th>
                <td>
                  <code>{mount.device ?? '—'}</code>
                </td>
                <td>{mount.fstype ?? '—'}</td>
                <td>
                  <code>{mount.options.join(',') || '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">None: nothing moves with the primary.</p>
      )}
      <h4>DRBD resources</h4>
      {node.replication.length > 0 ? (
        <table class="compact">
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Role</th>
              <th scope="col">Connection</th>
              <th scope="col">Disk</th>
              <th scope="col">Peer disk</th>
              <th scope="col">Device</th>
            </tr>
          </thead>
          <tbody>
            {node.replication.map((resource) => (
              <tr key={resource.resource} data-drbd={resource.resource}>
                <th scope="row">{resource.resource}</th>
                <td>{resource.role ?? '—'}</td>
                <td>{resource.connection ?? '—'}</td>
                <td>{resource.disk ?? '—'}</td>
                <td>{resource.peerDisk ?? '—'}</td>
                <td>
                  <code>{resource.device ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">{node.collectedAt ? 'None reported.' : 'Unknown until the node reports.'}</p>
      )}
    </section>
  );
}

export function RunbookView({ runbook }: { runbook: PairRunbook }) {
  const ignored = Object.entries(runbook.parityIgnore).filter(([, patterns]) => patterns.length > 0);
  return (
    <>
      <p class="note">
        <b>{runbook.primary}</b> is the primary and <b>{runbook.secondary}</b> the secondary. The secondary
        must have at least {runbook.capacityMinRatio}× the primary's capacity, and a state older than{' '}
        {duration(runbook.maxReportAgeSeconds)} is too old to say GO on.
        {ignored.length > 0 && (
          <>
            {' '}
            Parity ignores{' '}
            {ignored.map(([category, patterns], index) => (
              <span key={category}>
                {index > 0 && '; '}
                {category}: <code>{patterns.join(', ')}</code>
              </span>
            ))}
            .
          </>
        )}
      </p>
      <div class="side-by-side">
        {runbook.nodes.map((node) => (
          <NodeCard key={node.name} node={node} />
        ))}
      </div>
      <h3>Boot chain of the replicated device</h3>
      <p class="note muted">
        What the boot starts to mount each failover mount or mount on a replicated device, and in which order:
        an arrow from A to B labelled Requires means A pulls B in; After means A starts only once B has.
      </p>
      {runbook.nodes.map((node) => (
        <section key={node.name} class="boot-chains" data-boot-chains={node.name}>
          <h4>
            {node.name} <span class="tag">{node.side}</span>
          </h4>
          {node.bootChains.length > 0 ? (
            node.bootChains.map((chain) => (
              <BootChainView key={chain.mountPoint} chain={chain} node={node.name} />
            ))
          ) : (
            <p class="muted">
              {node.collectedAt
                ? 'No mount on a replicated device, and no failover mount the node knows.'
                : 'Unknown until the node reports its units.'}
            </p>
          )}
        </section>
      ))}
    </>
  );
}
