/**
 * The evaluation worker of `serve`, built, as serve runs it: closed while it still evaluates, it
 * finishes the evaluations, stores their findings and ends. The close used to wait for the
 * worker's next message, whatever it was: an evaluation's answer came first, and `serve` hung at
 * SIGTERM (seen in a full `npm test`: a server that never exited).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkerEvaluator } from '../../src/app/worker-evaluator';
import { importStates } from '../../src/app/import-states';
import { loadDesired } from '../../src/desired';
import { openStore } from '../../src/store';
import { REPO } from '../helpers/cli';

test('closing the evaluation worker while it evaluates ends once the evaluations are stored', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-worker-'));
  try {
    const db = path.join(dir, 'driftguard.db');
    const desired = loadDesired(path.join(REPO, 'desired-state'));
    const store = await openStore(db);
    await importStates(store, desired, path.join(REPO, 'examples/states'), new Date('2026-11-22T10:30:00Z'));
    await store.close();

    // The built worker (dist/src/app/evaluation-worker.js), which the built class starts.
    const built = (await import(path.join(REPO, 'dist/src/app/worker-evaluator.js'))) as {
      WorkerEvaluator: typeof WorkerEvaluator;
    };
    const evaluated: string[] = [];
    const errors: string[] = [];
    const evaluator = new built.WorkerEvaluator(
      { location: db, durable: false },
      (node, message) => errors.push(`${node}: ${message}`),
      { evaluated: (summary) => evaluated.push(summary.node) },
    );
    evaluator.setDesired(desired);
    evaluator.schedule('pypi-1');
    evaluator.schedule('pypi-2');
    // The nodes are handed to the worker on the next turn: let that go before the close.
    await new Promise((resolve) => setImmediate(resolve));
    await evaluator.close();

    expect({ evaluated: evaluated.sort(), errors }).toEqual({ evaluated: ['pypi-1', 'pypi-2'], errors: [] });
    const reopened = await openStore(db);
    try {
      expect((await reopened.findings.open('node:pypi-2', 'drift')).length).toBeGreaterThan(0);
      expect((await reopened.findings.open('pair:pypi', 'parity')).length).toBeGreaterThan(0);
    } finally {
      await reopened.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
