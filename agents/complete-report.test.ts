import { buildReport } from '../src/app/build-report';
import { categoryHashes } from '../src/collect';
import type { NodeState } from '../src/model/state';
import { completeReport } from './complete-report';

function state(swappiness: string): NodeState {
  const value: NodeState = {
    schema: 'driftguard/state@1',
    node: 'pypi-2',
    collectedAt: '2026-11-22T10:00:00.000Z',
    capacity: { cpus: 4, memoryBytes: 16 * 1024 ** 3 },
    sysctls: { live: { 'vm.swappiness': swappiness }, persisted: {} },
    errors: [],
    hashes: {},
  } as unknown as NodeState;
  value.hashes = categoryHashes(value);
  return value;
}

describe('completeReport', () => {
  const held = state('60');
  const heartbeat = buildReport(held, 'r-1', held.hashes);
  const lookup = (category: string, hash: string) =>
    held.hashes[category as 'sysctls'] === hash ? held[category as 'sysctls'] : undefined;

  it('adds the content the server lacks, found by hash, keeping the id', () => {
    const result = completeReport(heartbeat, ['sysctls'], lookup);
    expect(result.kind).toBe('complete');
    if (result.kind !== 'complete') return;
    expect(result.report.reportId).toBe('r-1');
    expect(result.report.categories).toEqual({ sysctls: held.sysctls });
    expect(heartbeat.categories).toEqual({}); // the spooled original is not changed in place
  });

  it('says which content it no longer holds', () => {
    const older = buildReport(state('10'), 'r-0', state('10').hashes);
    expect(completeReport(older, ['sysctls', 'capacity'], lookup)).toEqual({
      kind: 'unavailable',
      categories: ['sysctls'],
    });
  });

  it('notices a server asking for what the report already carries', () => {
    const full = buildReport(held, 'r-2');
    expect(completeReport(full, ['capacity'], lookup)).toEqual({
      kind: 'already-sent',
      categories: ['capacity'],
    });
  });
});
