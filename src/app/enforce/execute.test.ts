import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Desired } from '../../model/desired';
import type { Plan } from '../../model/plan';
import { PLAN_SCHEMA_ID } from '../../model/plan';
import type { Store } from '../../store';
import { openStore } from '../../store';
import type { RunRecord } from '../../model/run';
import { ConflictError } from '../../shared/errors';
import { TransportError } from '../../transport/errors';
import { executePlan } from './execute';
import { restoreRun } from './restore';
import { runRecord } from '../../../test/helpers/run-record';

const plan: Plan = {
  schema: PLAN_SCHEMA_ID,
  target: 'node:n-1',
  createdAt: '2026-12-06T12:00:00.000Z',
  desiredHash: 'sha256:0',
  nodes: [{ node: 'n-1', collectedAt: '2026-12-06T12:00:00.000Z', basis: {} }],
  waves: [['n-1']],
  fixes: [],
  hash: 'sha256:1',
};

const now = () => new Date('2026-12-06T12:01:00.000Z');

/** A run of `plan` whose sessions cannot be opened, for `reason`. */
function runFailingToOpen(store: Store, reason: Error) {
  return executePlan(
    // The desired state is read only once a node is reached: these runs never reach one.
    { plan, desired: {} as Desired, trigger: 'cli', actor: 'test', via: 'ssh', dryRun: false },
    { store, now, open: () => Promise.reject(reason) },
  );
}

/** A finished run that wrote a file on n-1: something to restore. */
const applied: RunRecord = runRecord({
  id: 'r-20261206-115000-abcdef',
  status: 'succeeded',
  startedAt: '2026-12-06T11:50:00.000Z',
  nodes: [
    {
      node: 'n-1',
      wave: 1,
      status: 'succeeded',
      backupDir: '/var/lib/driftguard/backups/r-20261206-115000-abcdef',
      fixes: [
        {
          fixId: 'n-1/files/x',
          category: 'files',
          key: '/etc/x',
          description: 'x',
          status: 'applied',
          files: [{ path: '/etc/x', before: { sha256: null } }],
          commands: [],
        },
      ],
    },
  ],
});

describe('runs and the nodes they cannot have', () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-execute-'));
    store = await openStore(path.join(dir, 'driftguard.db'));
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails as "cannot reach" the node when the connection does not come up', async () => {
    const down = new TransportError('unreachable', 'n-1 is unreachable: connection refused');
    const run = await runFailingToOpen(store, down);
    expect(run).toMatchObject({
      status: 'failed',
      reason: 'cannot reach n-1: n-1 is unreachable: connection refused',
    });
    expect(await store.runs.locks()).toEqual([]);
  });

  it('refuses an apply or a restore on a node another run is changing, recording why', async () => {
    await store.runs.lock(['n-1'], 'r-20261206-115900-zzzzzz', 'elsewhere', now());
    await store.runs.create(applied);
    const never = () => Promise.reject(new Error('no session may be opened'));
    // Refused before any session is opened (`never` would fail it otherwise, with another error).
    await expect(
      executePlan(
        { plan, desired: {} as Desired, trigger: 'cli', actor: 'test', via: 'ssh', dryRun: false },
        { store, now, open: never },
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    const restore = restoreRun(
      { runId: applied.id, trigger: 'cli', actor: 'test', dryRun: false },
      { store, now, open: never },
    );
    await expect(restore).rejects.toBeInstanceOf(ConflictError);
    const refused = await Promise.all(
      (await store.runs.list({ status: 'refused' })).map((run) => store.runs.get(run.id)),
    );
    // Both started in the same second: their order in the list is their ids' random part's.
    expect(refused.map((run) => [run?.kind, run?.nodes.map((n) => n.status)]).sort()).toEqual([
      ['apply', ['not-attempted']],
      ['restore', ['not-attempted']],
    ]);
    for (const run of refused)
      expect(run?.reason).toContain('is being changed by run r-20261206-115900-zzzzzz');
  });
});
