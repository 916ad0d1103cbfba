/**
 * `check NODE`: the node against its roles (drift) and against its partner in every pair it
 * belongs to (parity). The pair is always compared primary first, whichever node is checked,
 * so "only on primary" means the same thing from both sides.
 *
 * Parity differences are the secondary's to fix (DESIGN §11): they are shown from both sides,
 * but count against the node only where it is the secondary. A conforming primary is clean.
 */
import { drift, isActionable, parity } from '../compare';
import { effectiveSpec, nodeByName, pairsOf } from '../desired';
import type { Desired } from '../model/desired';
import type { Finding } from '../model/finding';
import type { CollectorErrorEntry } from '../model/state';
import { errorMessage, NotFoundError } from '../shared/errors';
import type { StateSource } from './state-source';

export interface PairParity {
  pair: string;
  /** The checked node's place in the pair. */
  role: 'primary' | 'secondary';
  peer: string;
  /** Parity could not be evaluated (no state of the peer): why. */
  unavailable?: string;
  findings: Finding[];
}

export interface NodeCheck {
  node: string;
  roles: string[];
  collectedAt: string;
  /** Collectors that failed on the node, as it reported them. */
  collectionErrors: CollectorErrorEntry[];
  drift: Finding[];
  parity: PairParity[];
  /** `drift` when any drift finding, or any parity finding of a pair where the node is the secondary, is above info. */
  status: 'clean' | 'drift';
}

export async function checkNode(desired: Desired, states: StateSource, node: string): Promise<NodeCheck> {
  const declaration = nodeByName(desired, node);
  const state = await states.latest(node);
  const driftFindings = drift(effectiveSpec(desired, node), state);

  const pairs: PairParity[] = [];
  for (const pair of pairsOf(desired, node)) {
    const role = pair.primary === node ? 'primary' : 'secondary';
    const peer = role === 'primary' ? pair.secondary : pair.primary;
    try {
      const peerState = await states.latest(peer);
      const [first, second] = role === 'primary' ? [state, peerState] : [peerState, state];
      pairs.push({
        pair: pair.name,
        role,
        peer,
        findings: parity(first, second, {
          labels: { first: 'primary', second: 'secondary' },
          ignore: pair.parity.ignore,
        }),
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      pairs.push({ pair: pair.name, role, peer, unavailable: errorMessage(err), findings: [] });
    }
  }

  const actionable =
    driftFindings.some(isActionable) ||
    pairs.some((p) => countsAgainstNode(p) && p.findings.some(isActionable));
  return {
    node,
    roles: declaration.roles,
    collectedAt: state.collectedAt,
    collectionErrors: state.errors,
    drift: driftFindings,
    parity: pairs,
    status: actionable ? 'drift' : 'clean',
  };
}

/** Whether a pair's parity differences are the checked node's to fix: it is the secondary. */
export function countsAgainstNode(pair: PairParity): boolean {
  return pair.role === 'secondary';
}
