/**
 * The report@1 chains of the fleet bench's simulated agents, made with the agent's own code
 * (`buildReport`, `nextRunId`/`reportIdOf`): each node starts with a full report of this host's
 * state, then sends a heartbeat (hashes only) or a delta (one category that really changed) on
 * every round. A node's chain advances only when the server accepted its report, as the agent's
 * does (its next report is built against the hashes the server holds).
 *
 * Full reports are the same 250 KB of categories for every node: that part is serialised once
 * and sent as a shared Buffer between a per-node head and tail, which is checked at start to be
 * byte for byte what `JSON.stringify(buildReport(…))` gives.
 */
import { buildReport } from '../src/app/build-report';
import type { Report } from '../src/model/report';
import type { Category, NodeState } from '../src/model/state';
import { hashOf } from '../src/shared/canonical-json';
import { nextRunId, reportIdOf } from '../agents/report-ids';

/** The sysctl a delta toggles (the role wants 10) and the package whose version a delta bumps. */
const SYSCTL = 'kernel.panic';
const PACKAGE = 'openssh-client';

export interface SimNode {
  name: string;
  /** Position in the fleet: where in each minute the node reports. */
  index: number;
  runId: string;
  seq: number;
  /** The category hashes the server holds for this node. */
  hashes: Partial<Record<Category, string>>;
  /** Deltas accepted so far: even ones change a sysctl, odd ones a package version. */
  deltas: number;
  /** The value of SYSCTL the server holds. */
  sysctl: string;
}

export interface Outgoing {
  node: SimNode;
  body: string | readonly (string | Buffer)[];
  kind: 'full' | 'delta' | 'heartbeat';
  /** Applies the report to the node's chain: call when the server accepted it. */
  accepted(): void;
}

export class FleetReports {
  readonly nodes: SimNode[];
  /** Every category of the host's state, as full reports send it. */
  private readonly fullCategories: Buffer;
  private readonly packageKey: string;

  constructor(
    private readonly host: NodeState,
    names: readonly string[],
  ) {
    const runStart = new Date();
    this.nodes = names.map((name, index) => ({
      name,
      index,
      runId: nextRunId(runStart, []),
      seq: 0,
      hashes: {},
      deltas: 0,
      sysctl: host.sysctls?.live[SYSCTL] ?? '0',
    }));
    this.fullCategories = Buffer.from(JSON.stringify(buildReport(host, 'x').categories));
    const packages = Object.keys(host.packages?.items ?? {});
    const key = packages.find((id) => host.packages?.items[id]?.name === PACKAGE) ?? packages[0];
    if (!host.sysctls || key === undefined)
      throw new Error('the fleet bench changes a sysctl and a package: this host reported neither');
    this.packageKey = key;
    this.checkFullReport();
  }

  /** Bytes of a full report's categories (what a full report weighs). */
  get fullBytes(): number {
    return this.fullCategories.length;
  }

  /** Sizes of what a delta sends: the sysctls and the packages category. */
  get deltaBytes(): { sysctls: number; packages: number } {
    return {
      sysctls: JSON.stringify(buildReport(this.host, 'x').categories.sysctls).length,
      packages: JSON.stringify(buildReport(this.host, 'x').categories.packages).length,
    };
  }

  /** The node's first report: every category. */
  full(node: SimNode, collectedAt: string): Outgoing {
    const reportId = reportIdOf(node.runId, ++node.seq);
    const head = this.head(node, reportId, collectedAt);
    return {
      node,
      body: [head, this.fullCategories, '}'],
      kind: 'full',
      accepted: () => {
        node.hashes = { ...this.host.hashes };
      },
    };
  }

  /** The node's next report: a delta when `change`, else a heartbeat. */
  next(node: SimNode, collectedAt: string, change: boolean): Outgoing {
    const reportId = reportIdOf(node.runId, ++node.seq);
    const state: NodeState = { ...this.host, node: node.name, collectedAt, hashes: node.hashes };
    if (!change) {
      return {
        node,
        body: JSON.stringify(buildReport(state, reportId, node.hashes)),
        kind: 'heartbeat',
        accepted: () => undefined,
      };
    }
    let sysctl = node.sysctl;
    if (node.deltas % 2 === 0) {
      // Toggled between what the role wants and something else: drift opens and resolves.
      sysctl = sysctl === '10' ? '0' : '10';
      state.sysctls = { ...this.host.sysctls!, live: { ...this.host.sysctls!.live, [SYSCTL]: sysctl } };
    } else {
      const item = this.host.packages!.items[this.packageKey]!;
      state.packages = {
        ...this.host.packages!,
        items: {
          ...this.host.packages!.items,
          [this.packageKey]: { ...item, version: `${item.version}+fleet${node.deltas}` },
        },
      };
    }
    const category: Category = node.deltas % 2 === 0 ? 'sysctls' : 'packages';
    state.hashes = { ...node.hashes, [category]: hashOf(state[category]) };
    const report: Report = buildReport(state, reportId, node.hashes);
    return {
      node,
      body: JSON.stringify(report),
      kind: 'delta',
      accepted: () => {
        node.hashes = state.hashes;
        node.deltas++;
        node.sysctl = sysctl;
      },
    };
  }

  /** The report up to its categories' value: `{"schema":…,"categories":`. */
  private head(node: SimNode, reportId: string, collectedAt: string): string {
    const envelope = buildReport({ ...this.host, node: node.name, collectedAt }, reportId, this.host.hashes);
    const text = JSON.stringify(envelope);
    if (!text.endsWith('"categories":{}}')) throw new Error('a report no longer ends with its categories');
    return text.slice(0, -'{}}'.length);
  }

  /** A full report sent in pieces is exactly the agent's. */
  private checkFullReport(): void {
    const node: SimNode = { ...(this.nodes[0] as SimNode) };
    const collectedAt = new Date().toISOString();
    const pieces = this.full(node, collectedAt).body as readonly (string | Buffer)[];
    const ours = Buffer.concat(pieces.map((piece) => Buffer.from(piece))).toString();
    const agents = JSON.stringify(
      buildReport({ ...this.host, node: node.name, collectedAt }, reportIdOf(node.runId, node.seq)),
    );
    if (ours !== agents) throw new Error('the bench’s full report differs from the agent’s');
  }
}
