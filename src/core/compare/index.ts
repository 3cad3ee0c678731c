/**
 * The held-out comparison of cascades, longer chains, a pre-generation router and the
 * perfect-routing bound: `compare(dataset, options)` returns a plain-data `ComparisonResult`
 * (what `cascade-frontier compare --json` prints and a panel can draw).
 */
export { compare, COMPARE_DEFAULTS, AREA_DEFINITION, AIQ_DEFINITION, APGR_DEFINITION, type CompareOptions } from './compare.ts';
export type { ComparisonFamily, ComparisonPoint, ComparisonResult, Estimate, FamilyId, Verdict } from './types.ts';
export { configureParallelCompare } from './parallel.ts';
