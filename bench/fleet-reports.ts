/**
 * The report@1 chains of the fleet bench's simulated agents, made with the agent's own code
 * (`buildReport`, `nextRunId`/`reportIdOf`): each node starts with a full report of its own
 * state, then sends a heartbeat (hashes only) or a delta (one category that really changed) on
 * every round. A node's chain advances only when the server accepted its report, as the agent's
 * does (its next report is built against the hashes the server holds).
 *
 * Every node's state is its own (bench/node-states.ts: this host's, with the node's hostname and
 * one package at a version of its own), and so is every change: the server keeps parsed contents
 * and stores texts by hash, and a fleet of clones would measure only its best case. Categories
 * the nodes of one role share in practice (units, users, mounts, capacity) stay shared.
 */
import { buildReport } from '../src/app/build-report';
import type { Category, NodeState } from '../src/model/state';
import { nextRunId, reportIdOf } from '../agents/report-ids';
import { nodeState } from './node-states';

/** The sysctl a delta toggles (the role wants 10). */
const SYSCTL = 'kernel.panic';

export interface SimNode {
  name: string;
  /** Position in the fleet: where in each minute the node reports. */
  index: number;
  runId: string;
  seq: number;
  /** The category hashes the server holds for this node. */
  hashes: Partial<Record<Category, string>>;
  /** Deltas accepted so far: even ones change a sysctl, odd ones the node's own package version. */
  deltas: number;
  /** The value of SYSCTL the server holds. */
  sysctl: string;
  /** The revision of the node's own package the server holds. */
  revision: number;
}

export interface Outgoing {
  node: SimNode;
  body: string;
  kind: 'full' | 'delta' | 'heartbeat';
  /** Applies the report to the node's chain: call when the server accepted it. */
  accepted(): void;
}

export class FleetReports {
  readonly nodes: SimNode[];

  constructor(
    private readonly host: NodeState,
    names: readonly string[],
  ) {
    if (!host.sysctls || !host.packages)
      throw new Error('the fleet bench changes a sysctl and a package: this host reported neither');
    const runStart = new Date();
    this.nodes = names.map((name, index) => ({
      name,
      index,
      runId: nextRunId(runStart, []),
      seq: 0,
      hashes: {},
      deltas: 0,
      sysctl: host.sysctls?.live[SYSCTL] ?? '0',
      revision: 0,
    }));
  }

  /** The node's state with this sysctl value and package revision. */
  private stateOf(node: SimNode, collectedAt: string, sysctl: string, revision: number): NodeState {
    return nodeState(this.host, node.name, collectedAt, revision, { [SYSCTL]: sysctl });
  }

  /** Bytes of a full report and of what each kind of delta sends, for the first node. */
  sizes(): { full: number; sysctls: number; packages: number } {
    const node = this.nodes[0]!;
    const sent = buildReport(this.stateOf(node, new Date().toISOString(), node.sysctl, 0), 'x').categories;
    return {
      full: JSON.stringify(sent).length,
      sysctls: JSON.stringify(sent.sysctls).length,
      packages: JSON.stringify(sent.packages).length,
    };
  }

  /** The node's first report: every category. */
  full(node: SimNode, collectedAt: string): Outgoing {
    const reportId = reportIdOf(node.runId, ++node.seq);
    const state = this.stateOf(node, collectedAt, node.sysctl, node.revision);
    return {
      node,
      body: JSON.stringify(buildReport(state, reportId)),
      kind: 'full',
      accepted: () => {
        node.hashes = { ...state.hashes };
      },
    };
  }

  /** The node's next report: a delta when `change`, else a heartbeat. */
  next(node: SimNode, collectedAt: string, change: boolean): Outgoing {
    const reportId = reportIdOf(node.runId, ++node.seq);
    if (!change) {
      const state: NodeState = { ...this.host, node: node.name, collectedAt, hashes: node.hashes };
      return {
        node,
        body: JSON.stringify(buildReport(state, reportId, node.hashes)),
        kind: 'heartbeat',
        accepted: () => undefined,
      };
    }
    // Even changes toggle the sysctl between what the role wants and something else (drift
    // opens and resolves); odd ones bump the node's own package (the pair's parity changes).
    const sysctl = node.deltas % 2 === 0 ? (node.sysctl === '10' ? '0' : '10') : node.sysctl;
    const revision = node.deltas % 2 === 0 ? node.revision : node.revision + 1;
    const state = this.stateOf(node, collectedAt, sysctl, revision);
    return {
      node,
      body: JSON.stringify(buildReport(state, reportId, node.hashes)),
      kind: 'delta',
      accepted: () => {
        node.hashes = { ...state.hashes };
        node.deltas++;
        node.sysctl = sysctl;
        node.revision = revision;
      },
    };
  }
}
