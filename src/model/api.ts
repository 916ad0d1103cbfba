/**
 * The shapes of the API's answers that the dashboard reads (web/ imports these as types): the
 * server builds them in src/app (queries, pair-readiness, trends), the page shows them.
 */
import type { Finding, Severity } from './finding';
import type { Plan } from './plan';
import type { RunRecord, RunStatus, RunVia } from './run';
import type { Readiness, Verdict } from './readiness';
import type { Category } from './state';

export type SeverityCounts = Record<Severity, number>;

export interface NodeSummary {
  name: string;
  /** Declared as a Node in the desired state. */
  declared: boolean;
  roles: string[];
  pairs: { pair: string; role: 'primary' | 'secondary' }[];
  /** When the server last received a report (a heartbeat too); absent: never reported. */
  lastSeen?: string;
  /** When the latest state was collected on the node: what readiness judges freshness on. */
  collectedAt?: string;
  reportAgeSeconds?: number;
  collectionErrors: number;
  drift: SeverityCounts;
  /** The same open drift findings, per category. */
  driftByCategory: Partial<Record<Category, SeverityCounts>>;
  /** How old the latest state may be (the strictest maxReportAge of its pairs, else the default). */
  maxReportAgeSeconds: number;
  /** Its latest state is older than that (or it never reported): what it says may no longer be true. */
  stale: boolean;
}

export interface PairSummary {
  name: string;
  primary: string;
  secondary: string;
  parity: SeverityCounts;
  /** Both nodes have reported, so parity could be evaluated. */
  evaluated: boolean;
  /** The latest recorded readiness verdict (the monitor's or an asked one); absent before the first. */
  readiness?: ReadinessBrief;
}

export interface ReadinessBrief {
  verdict: Verdict;
  failing: string[];
  evaluatedAt: string;
  lastEvaluatedAt: string;
}

/** A finding as the API shows it: the finding, and since when it has been open. */
export interface TimedFinding extends Finding {
  firstSeen: string;
  lastSeen: string;
  resolvedAt?: string;
}

export interface CategoryVersion {
  category: Category;
  hash: string;
  collectedAt: string;
  receivedAt: string;
}

export interface NodeChanges {
  node: string;
  since: string;
  /** Category versions collected after `since`. */
  versions: CategoryVersion[];
  /** The differences between the node then and now, in parity's words (then = first, now = second). */
  differences: Finding[];
}

export interface ReadinessHistory {
  pair: string;
  current?: ReadinessBrief;
  /** The last time the pair said GO; absent if it never did. */
  lastGo?: { evaluatedAt: string; lastEvaluatedAt: string };
  /** What changed on the secondary since the pair last said GO. */
  secondaryChangesSinceLastGo?: NodeChanges;
  history: ReadinessBrief[];
}

/** The last recorded readiness, as `GET /pairs/:name/readiness/latest` answers. */
export type RecordedReadiness = Readiness & { lastEvaluatedAt: string };

export interface WhoAmI {
  /** `anonymous` when the server lets reads through without a token and none was sent. */
  role: 'admin' | 'reader' | 'node' | 'anonymous';
  label?: string;
  node?: string;
  /** The server's clock, so a page can tell how old things are even when its own clock is off. */
  serverTime: string;
}

/** Counts per severity at each point of a trend. */
export interface SeveritySeries {
  error: number[];
  warning: number[];
  info: number[];
}

/** `GET /api/v1/trends`: open findings and readiness over time, sampled at `points`. */
export interface Trends {
  since: string;
  until: string;
  /** The sampling instants, in seconds since the epoch (what uPlot plots). */
  points: number[];
  /** Open drift findings of every node together. */
  drift: SeveritySeries;
  /** Open parity findings of every pair together. */
  parity: SeveritySeries;
  /** Pairs whose verdict was NO-GO, and GO, at each point (no verdict yet: neither). */
  readiness: { go: number[]; noGo: number[] };
  pairs: Record<string, { parity: SeveritySeries; verdict: (Verdict | null)[] }>;
}

/** Of the items both nodes of a pair have (and parity does not ignore), how many are identical. */
export type ParityTally = Partial<
  Record<
    'packages' | 'mounts' | 'units' | 'sysctls' | 'files' | 'users',
    { compared: number; identical: number }
  >
>;

/** `GET /pairs/:name/parity`: the open parity findings, and per category how much is the same. */
export interface PairParity {
  pair: string;
  primary: string;
  secondary: string;
  findings: TimedFinding[];
  /** Absent until both nodes have reported. */
  tally?: ParityTally;
}

// ---------------------------------------------------------------------------------------------
// enforcement (the store keeps these; the API answers them as they are)

/** `GET /plans/:id`, `POST /plans`, `POST /plans/:id/approve`. */
export interface StoredPlan {
  id: string;
  target: string;
  hash: string;
  via: RunVia;
  plan: Plan;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  approvedAt?: string;
  approvedBy?: string;
}

/** An entry of `GET /plans`: the stored plan without its fixes, with their counts. */
export type PlanListItem = Omit<StoredPlan, 'plan'> & { changes: number; advice: number };

/** An entry of `GET /runs`: a run without its fixes. */
export interface RunSummary {
  id: string;
  kind: RunRecord['kind'];
  trigger: RunRecord['trigger'];
  actor: string;
  via: RunRecord['via'];
  target: string;
  dryRun: boolean;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  reason?: string;
  /** The plan it ran, when it ran one. */
  planId?: string;
}

/** `POST /plans/:id/run` (202). */
export interface RunStarted {
  run: RunSummary;
  /** The run's event stream, an absolute path. */
  events: string;
}

export type AuditEventName =
  | 'plan-created'
  | 'plan-approved'
  | 'run-started'
  | 'run-succeeded'
  | 'run-failed'
  | 'run-refused'
  | 'run-abandoned'
  | 'restored';

/** An entry of `GET /audit`. */
export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  event: AuditEventName;
  runId?: string;
  planId?: string;
  node?: string;
  detail: Record<string, unknown>;
}

/** An entry of `GET /locks`: a node being changed by a run. */
export interface NodeLock {
  node: string;
  runId: string;
  holder: string;
  acquiredAt: string;
  heartbeatAt: string;
}
