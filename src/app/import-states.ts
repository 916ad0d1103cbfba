/**
 * Feeding saved states (a `--states` folder, `examples/states`) into the store at start, so a
 * server has something to show before any agent reports. Each file becomes a full report whose
 * id is derived from its content: importing the same files again changes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Desired } from '../model/desired';
import { sha256Hex } from '../shared/canonical-json';
import { errorMessage } from '../shared/errors';
import type { Store } from '../store';
import { buildReport } from './build-report';
import { ingestReport, SERVER_CALLER } from './ingest';
import { parseStateFile } from './state-source';

export interface ImportResult {
  imported: string[];
  skipped: { file: string; reason: string }[];
}

export async function importStates(
  store: Store,
  desired: Desired | undefined,
  dir: string,
  now: Date,
): Promise<ImportResult> {
  const result: ImportResult = { imported: [], skipped: [] };
  for (const name of fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()) {
    const file = path.join(dir, name);
    try {
      const text = fs.readFileSync(file, 'utf8');
      const state = parseStateFile(file, text);
      if (desired && !desired.nodes[state.node]) {
        result.skipped.push({ file, reason: `node ${state.node} is not declared in the desired state` });
        continue;
      }
      const outcome = await ingestReport(
        store,
        buildReport(state, `import-${sha256Hex(text).slice(0, 32)}`),
        SERVER_CALLER,
        now,
      );
      if (outcome.stored) result.imported.push(state.node);
    } catch (err) {
      result.skipped.push({ file, reason: errorMessage(err) });
    }
  }
  return result;
}
