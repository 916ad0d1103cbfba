/** A run record for tests of what stores and carries runs: an apply from the CLI over SSH on n-1. */
import type { RunRecord } from '../../src/model/run';

export function runRecord(
  fields: Pick<RunRecord, 'id' | 'status' | 'startedAt'> & Partial<RunRecord>,
): RunRecord {
  return {
    kind: 'apply',
    trigger: 'cli',
    actor: 'test',
    via: 'ssh',
    target: 'node:n-1',
    dryRun: false,
    nodes: [],
    ...fields,
  };
}
