/**
 * A ReadinessContext for unit tests of one readiness check (src/readiness/checks): the pair `ab`
 * (primary a, secondary b) with the defaults the desired-state loader gives a Pair, nodes with
 * no roles and no probes, empty role specs, and a fixed clock. A test overrides what it is about.
 */
import type { Desired, NodeDecl, PairDecl } from '../../src/model/desired';
import type { ReadinessContext } from '../../src/readiness/types';
import { spec } from './states';

export const NOW = new Date('2026-11-22T12:00:00.000Z');

export function pairDecl(overrides: Partial<PairDecl> = {}): PairDecl {
  return {
    kind: 'Pair',
    name: 'ab',
    primary: 'a',
    secondary: 'b',
    parity: { ignore: {} },
    capacity: { minRatio: 1 },
    readiness: { maxReportAgeMs: 10 * 60 * 1000 },
    at: { file: 'd.yaml', line: 1, col: 1 },
    ...overrides,
  };
}

export function nodeDecl(name: string, overrides: Partial<NodeDecl> = {}): NodeDecl {
  return { kind: 'Node', name, roles: [], probes: [], at: { file: 'd.yaml', line: 1, col: 1 }, ...overrides };
}

export function context(overrides: Partial<ReadinessContext> = {}): ReadinessContext {
  const pair = overrides.pair ?? pairDecl();
  const desired: Desired = overrides.desired ?? {
    dir: '/desired',
    roles: {},
    nodes: { [pair.primary]: nodeDecl(pair.primary), [pair.secondary]: nodeDecl(pair.secondary) },
    pairs: { [pair.name]: pair },
    schedules: {},
    hash: 'sha256:0',
  };
  return { pair, desired, now: NOW, primarySpec: spec(), secondarySpec: spec(), ...overrides };
}
