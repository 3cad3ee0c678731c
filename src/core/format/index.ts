/**
 * The product's shared vocabulary as text: costs, qualities, shadow prices, thresholds,
 * policy labels, the split and input problems. The CLI, the report, the extension and the
 * panel all write these through this module, so a format is defined (and tested) once.
 * Pure functions, no editor or DOM API.
 */
export * from './numbers.ts';
export * from './units.ts';
export * from './threshold.ts';
export * from './policy.ts';
export * from './split.ts';
export * from './issue.ts';
export * from './plain.ts';
export * from './verdict.ts';
export * from './json.ts';
export * from './costs.ts';
