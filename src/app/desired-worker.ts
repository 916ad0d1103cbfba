/**
 * Loading the desired state off the thread that answers HTTP. A large folder takes seconds to
 * parse (YAML at roughly half a megabyte a second), and a running server must keep answering
 * reports, reads and /healthz meanwhile; `serve` reloads through here when the folder changes.
 *
 * This file is both sides: run as a worker, it loads the folder named in its workerData and
 * posts the result; `loadDesiredInWorker` starts one such worker per load (reloads are rare).
 */
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadDesired, reviveDesired } from '../desired';
import type { Desired } from '../model/desired';
import type { ErrorCode, Issue } from '../shared/errors';
import { DriftguardError, asDriftguardError } from '../shared/errors';

interface LoaderData {
  desiredLoader: { dir: string };
}

type Answer =
  | { ok: true; desired: Desired }
  | { ok: false; error: { code: ErrorCode; message: string; issues: Issue[] } };

if (!isMainThread && parentPort && (workerData as Partial<LoaderData>)?.desiredLoader) {
  const { dir } = (workerData as LoaderData).desiredLoader;
  let answer: Answer;
  try {
    answer = { ok: true, desired: loadDesired(dir) };
  } catch (err) {
    const error = asDriftguardError(err);
    answer = { ok: false, error: { code: error.code, message: error.message, issues: [...error.issues] } };
  }
  parentPort.postMessage(answer);
}

/** loadDesired(dir) in a worker thread: the same Desired, or the same DesiredStateError. */
export function loadDesiredInWorker(dir: string): Promise<Desired> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'desired-worker.js'), {
      workerData: { desiredLoader: { dir } } satisfies LoaderData,
    });
    let settled = false;
    worker.once('message', (answer: Answer) => {
      settled = true;
      if (answer.ok) resolve(reviveDesired(answer.desired));
      else
        reject(new DriftguardError(answer.error.code, answer.error.message, { issues: answer.error.issues }));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(asDriftguardError(err));
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(
          new DriftguardError(
            'E_INTERNAL',
            `the desired-state loader stopped (exit ${code}) without an answer`,
          ),
        );
    });
  });
}
