/**
 * Taking in a report (src/model/report.ts): who may send it, whether its content matches its
 * hashes, whether the server has what the report only names by hash — then one transaction
 * that stores the report, the categories that changed, and the node's last-seen time. All of
 * it or nothing: a refused report leaves the store as it was.
 */
import type { Report, ReportKind } from '../model/report';
import { reportKind } from '../model/report';
import type { Category } from '../model/state';
import { CATEGORIES } from '../model/state';
import { verifiedCanonicalText } from '../shared/canonical-json';
import { AuthError, DriftguardError, RequestError } from '../shared/errors';
import { formatDuration } from '../shared/format';
import { MAX_CLOCK_SKEW_MS, msAhead, utcInstant } from '../shared/time';
import type { Store, TokenInfo } from '../store';

export interface IngestResult {
  stored: boolean;
  duplicate: boolean;
  kind: ReportKind;
  /** Categories whose content changed (or that stopped being collected). */
  changed: Category[];
}

/** The caller the server's own writes run as (imports, schedules, its in-process agent): allowed to write any node's state. */
export const SERVER_CALLER: TokenInfo = {
  id: 0,
  role: 'admin',
  label: 'driftguard server',
  createdAt: '1970-01-01T00:00:00.000Z',
};

/** A node's token reports only as that node; an admin token (the SSH sweep) as any node. */
export function authorizeReport(caller: TokenInfo, node: string): void {
  if (caller.role === 'admin') return;
  if (caller.role === 'node' && caller.node === node) return;
  if (caller.role === 'node') {
    throw new AuthError(
      'E_FORBIDDEN',
      `this token belongs to node ${caller.node}: it cannot report as ${node}`,
    );
  }
  throw new AuthError('E_FORBIDDEN', `a ${caller.role} token cannot send reports`);
}

/**
 * The content of every category sent must be what its hash says: checked before anything is
 * stored. Returns each category's canonical JSON text — what the store keeps.
 */
function verifiedContent(report: Report): Map<Category, string> {
  const texts = new Map<Category, string>();
  for (const category of Object.keys(report.categories) as Category[]) {
    const claimed = report.hashes[category];
    if (claimed === undefined) {
      throw new RequestError(`the report sends ${category} but lists no hash for it`, [
        { message: 'missing hash', path: `/hashes/${category}` },
      ]);
    }
    const text = verifiedCanonicalText(report.categories[category], claimed);
    if (text === undefined) {
      throw new RequestError(`the content of ${category} does not match its hash`, [
        { message: `hash of the content is not ${claimed}`, path: `/categories/${category}` },
      ]);
    }
    texts.set(category, text);
  }
  return texts;
}

/**
 * When the report was collected, as an instant in UTC. A node's clock may run a little ahead of
 * the server's (MAX_CLOCK_SKEW_MS); further ahead, the report is refused: stored, it would rank
 * as newer than every honest report until the real time caught up, and make a silent node look
 * fresh (nothing is stored, and the answer names both clocks).
 */
function collectionInstant(report: Report, receivedAt: Date): string {
  const collectedAt = utcInstant(report.collectedAt);
  if (collectedAt === undefined) {
    throw new RequestError(`collectedAt ${JSON.stringify(report.collectedAt)} is not a point in time`, [
      { message: 'not a valid date and time', path: '/collectedAt' },
    ]);
  }
  const ahead = msAhead(collectedAt, receivedAt);
  if (ahead > MAX_CLOCK_SKEW_MS) {
    throw new DriftguardError(
      'E_CLOCK_SKEW',
      `report ${report.reportId} of ${report.node} was collected at ${collectedAt} by the node's clock, ` +
        `${formatDuration(ahead)} ahead of the server's clock (${receivedAt.toISOString()}); at most ` +
        `${formatDuration(MAX_CLOCK_SKEW_MS)} is allowed: set the node's clock (NTP) right`,
      { details: { collectedAt, serverTime: receivedAt.toISOString() } },
    );
  }
  return collectedAt;
}

/**
 * Whether a report collected at `collectedAt` is older than the node's latest state. A latest
 * state stamped beyond the skew ahead of the server's clock (stored before that was refused)
 * orders nothing: otherwise it would lock the node out until that time.
 */
function isOutOfOrder(collectedAt: string, latest: string, receivedAt: Date): boolean {
  if (msAhead(latest, receivedAt) > MAX_CLOCK_SKEW_MS) return false;
  return Date.parse(collectedAt) < Date.parse(latest);
}

export async function ingestReport(
  store: Store,
  sent: Report,
  caller: TokenInfo,
  receivedAt: Date,
): Promise<IngestResult> {
  authorizeReport(caller, sent.node);
  const texts = verifiedContent(sent);
  const kind = reportKind(sent);
  const received = receivedAt.toISOString();
  const report = { ...sent, collectedAt: collectionInstant(sent, receivedAt) };

  return store.transaction(
    async ({ states, evaluations }) => {
      if (await states.reportSeen(report.node, report.reportId))
        return { stored: false, duplicate: true, kind, changed: [] };

      const node = await states.node(report.node);
      if (node && isOutOfOrder(report.collectedAt, node.collectedAt, receivedAt)) {
        throw new DriftguardError(
          'E_OUT_OF_ORDER',
          `report ${report.reportId} was collected at ${report.collectedAt}, before the latest state of ${report.node} (${node.collectedAt})`,
        );
      }

      const latest = await states.latestHashes(report.node);
      const needed = CATEGORIES.filter((category) => {
        const hash = report.hashes[category];
        return hash !== undefined && !texts.has(category) && latest.get(category) !== hash;
      });
      if (needed.length > 0) {
        throw new DriftguardError(
          'E_NEEDS_CATEGORIES',
          `the server does not have this content of ${needed.join(', ')}: send it`,
          {
            details: { categories: needed },
          },
        );
      }

      const changed: Category[] = [];
      for (const category of CATEGORIES) {
        const hash = report.hashes[category];
        if (hash === undefined) {
          if (latest.has(category)) {
            await states.dropCategory(report.node, category);
            changed.push(category);
          }
          continue;
        }
        const content = texts.get(category);
        if (content === undefined || latest.get(category) === hash) continue;
        await states.putCategory({
          node: report.node,
          category,
          hash,
          content,
          collectedAt: report.collectedAt,
          receivedAt: received,
        });
        changed.push(category);
      }
      await states.recordReport({
        node: report.node,
        reportId: report.reportId,
        receivedAt: received,
        collectedAt: report.collectedAt,
        kind,
        changed,
      });
      await states.touchNode(report.node, {
        receivedAt: received,
        collectedAt: report.collectedAt,
        errors: report.errors,
      });
      // Owed an evaluation until one records it (by this instance; by another if this one dies).
      if (changed.length > 0) await evaluations.mark(report.node, received);
      return { stored: true, duplicate: false, kind, changed };
    },
    { serializeOn: `report:${report.node}` },
  );
}
