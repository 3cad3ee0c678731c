/**
 * JSON has no Infinity, and `JSON.stringify` writes it as `null`, which in a policy already
 * means "always escalate". A confidence can be -Infinity (Python's json writes it for a
 * log-probability of zero) or Infinity: every JSON this product writes states such a number as
 * the string `"-Infinity"` or `"Infinity"`, which `Number()` in JavaScript and `float()` in
 * Python read back. (A threshold of +infinity stays `null`: the policy always escalates.)
 */

/** `JSON.stringify` replacer: a non-finite number (NaN aside) becomes its string. */
export function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && (value === Infinity || value === -Infinity) ? String(value) : value;
}

/** JSON text of a result, non-finite numbers written as strings (see {@link nonFiniteAsString}). O(size). */
export function resultJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, nonFiniteAsString, indent);
}

/** A number written by {@link resultJson}: the number itself, or the string `"-Infinity"` / `"Infinity"`; undefined for anything else. */
export function jsonNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return undefined;
}
