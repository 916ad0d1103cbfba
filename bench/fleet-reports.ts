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
  /**
   * The categories a delta sends, by what changed (`sysctls=0`, `packages+3`): every node's
   * n-th change is the same change, so its content and hash are made once (with buildReport).
   */
  private readonly changes = new Map<string, { category: Category; hash: string; sent: Buffer }>();

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
    this.checkPieces();
  }

  /** Bytes of a full report's categories (what a full report weighs). */
  get fullBytes(): number {
    return this.fullCategories.length;
  }

  /** Sizes of what a delta sends: the sysctls and the packages category. */
  get deltaBytes(): { sysctls: number; packages: number } {
    const sent = buildReport(this.host, 'x').categories;
    return { sysctls: JSON.stringify(sent.sysctls).length, packages: JSON.stringify(sent.packages).length };
  }

  /** The node's first report: every category. */
  full(node: SimNode, collectedAt: string): Outgoing {
    const reportId = reportIdOf(node.runId, ++node.seq);
    return {
      node,
      body: this.pieces(node, reportId, collectedAt, this.host.hashes, this.fullCategories),
      kind: 'full',
      accepted: () => {
        node.hashes = { ...this.host.hashes };
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
    // opens and resolves); odd ones bump the package's version.
    const sysctl = node.deltas % 2 === 0 ? (node.sysctl === '10' ? '0' : '10') : node.sysctl;
    const changed =
      node.deltas % 2 === 0 ? this.change(`sysctls=${sysctl}`) : this.change(`packages+${node.deltas}`);
    const hashes = { ...node.hashes, [changed.category]: changed.hash };
    return {
      node,
      body: this.pieces(node, reportId, collectedAt, hashes, changed.sent),
      kind: 'delta',
      accepted: () => {
        node.hashes = hashes;
        node.deltas++;
        node.sysctl = sysctl;
      },
    };
  }

  /** What a delta sends for this change (made with buildReport the first time). */
  private change(key: string): { category: Category; hash: string; sent: Buffer } {
    let known = this.changes.get(key);
    if (known) return known;
    const host = this.host;
    const state: NodeState = { ...host };
    const [category, value] = key.startsWith('sysctls=')
      ? (['sysctls', key.slice('sysctls='.length)] as const)
      : (['packages', key.slice('packages+'.length)] as const);
    if (category === 'sysctls')
      state.sysctls = { ...host.sysctls!, live: { ...host.sysctls!.live, [SYSCTL]: value } };
    else {
      const item = host.packages!.items[this.packageKey]!;
      const items = {
        ...host.packages!.items,
        [this.packageKey]: { ...item, version: `${item.version}+fleet${value}` },
      };
      state.packages = { ...host.packages!, items };
    }
    const hash = hashOf(state[category]);
    state.hashes = { ...host.hashes, [category]: hash };
    const sent = Buffer.from(JSON.stringify(buildReport(state, 'x', host.hashes).categories));
    known = { category, hash, sent };
    this.changes.set(key, known);
    return known;
  }

  /**
   * A report as the agent's buildReport serialises it, in pieces: the envelope up to its
   * categories (`{"schema":…,"categories":`), the categories sent (shared), and `}`.
   */
  private pieces(
    node: SimNode,
    reportId: string,
    collectedAt: string,
    hashes: Partial<Record<Category, string>>,
    categories: Buffer,
  ): readonly (string | Buffer)[] {
    const envelope = JSON.stringify(
      buildReport({ ...this.host, node: node.name, collectedAt, hashes }, reportId, hashes),
    );
    if (!envelope.endsWith('"categories":{}}'))
      throw new Error('a report no longer ends with its categories');
    return [envelope.slice(0, -'{}}'.length), categories, '}'];
  }

  /** A full report and a delta sent in pieces are exactly the agent's. */
  private checkPieces(): void {
    const node: SimNode = { ...(this.nodes[0] as SimNode) };
    const collectedAt = new Date().toISOString();
    const text = (outgoing: Outgoing) =>
      Buffer.concat(
        (outgoing.body as readonly (string | Buffer)[]).map((piece) => Buffer.from(piece)),
      ).toString();
    const full = this.full(node, collectedAt);
    const agents = buildReport(
      { ...this.host, node: node.name, collectedAt },
      reportIdOf(node.runId, node.seq),
    );
    if (text(full) !== JSON.stringify(agents))
      throw new Error('the bench’s full report differs from the agent’s');
    full.accepted();
    const delta = this.next(node, collectedAt, true);
    const sysctls = this.changes.get(`sysctls=${node.sysctl === '10' ? '0' : '10'}`)!;
    const state: NodeState = {
      ...this.host,
      node: node.name,
      collectedAt,
      sysctls: JSON.parse(sysctls.sent.toString()).sysctls,
      hashes: { ...node.hashes, sysctls: sysctls.hash },
    };
    if (text(delta) !== JSON.stringify(buildReport(state, reportIdOf(node.runId, node.seq), node.hashes)))
      throw new Error('the bench’s delta differs from the agent’s');
  }
}
