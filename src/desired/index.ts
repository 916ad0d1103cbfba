/**
 * Desired state: load a desired-state folder (YAML → JSON Schema → normalised model → semantic
 * rules, every error at file:line:col) and ask it what a node should be.
 */
export { loadDesired, desiredFromFiles } from './load';
export { effectiveSpec, watchListFor, watchPathsFor } from './compose';
export { nodeByName, pairByName, pairsOf, roleByName } from './lookup';
export { normaliseTarget, normaliseTargets, resolveTargets } from './targets';
export { displayPath } from './read-folder';
export { reviveDesired } from './dict';
