/**
 * Enforcement's pure core (DESIGN §9): `makePlan` turns findings into reviewable fixes; the
 * I/O shell that carries a plan out lives in src/app/enforce/.
 */
export { basisOf, makePlan, planHash, staleAgainst } from './plan';
export type { PlanInput } from './plan';
export { findingsFor, planCategories } from './findings';
export type { StateLookup } from './findings';
export { monitoringAdvice } from './fixes/advice';
export { fingerprintOf } from './fixes/common';
