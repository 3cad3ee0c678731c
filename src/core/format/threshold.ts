/**
 * Confidence thresholds as text. A threshold `t` means: the stage answers when its confidence
 * is >= t; `null` stands for +infinity (the stage never answers: always escalate). Three
 * renderings, each for one purpose:
 * - {@link thresholdExact}: the exact number, for terminal output and labels (`+inf`);
 * - {@link thresholdForConfig}: the exact number as written into a cascade config (`null`);
 * - {@link thresholdDisplay}: for people reading a panel or a report (`+∞ (always escalate)`).
 */

/**
 * The threshold exactly: the shortest text that parses back to the same number (and so the
 * same policy), `+inf` for null. O(1).
 * @example thresholdExact(-0.05823759) // '-0.05823759'
 */
export function thresholdExact(t: number | null): string {
  return t === null ? '+inf' : String(t);
}

/**
 * The threshold as written into a cascade config: the shortest text that parses back to the
 * same number, `null` for +infinity (YAML and JSON both read it). -Infinity (the stage answers
 * every query, even one whose confidence is -Infinity) is `-.inf` in YAML and the string
 * `"-Infinity"` in JSON, which has no such number. O(1).
 * @example thresholdForConfig(null) // 'null'
 * @example thresholdForConfig(-Infinity, 'json') // '"-Infinity"'
 */
export function thresholdForConfig(t: number | null, format: 'yaml' | 'json' = 'yaml'): string {
  if (t === null || t === Infinity) return 'null';
  if (t === -Infinity) return format === 'yaml' ? '-.inf' : '"-Infinity"';
  return String(t);
}

/**
 * A config's threshold value read from text (a YAML or JSON string): `-.inf`, `-inf` or
 * `-Infinity` is -Infinity, `.inf`, `inf` or `Infinity` +infinity (null); undefined for any other text. O(1).
 */
export function thresholdFromConfigText(text: string): number | null | undefined {
  const t = text.trim().toLowerCase();
  if (t === '-.inf' || t === '-inf' || t === '-infinity') return -Infinity;
  if (t === '.inf' || t === 'inf' || t === 'infinity' || t === '+.inf' || t === '+inf' || t === '+infinity') return null;
  return undefined;
}

export interface ThresholdDisplayOptions {
  /** The exact number instead of four significant digits. */
  readonly exact?: boolean;
  /** `+∞` alone, without `(always escalate)` (inside a longer label). */
  readonly bare?: boolean;
}

/**
 * The threshold for reading: four significant digits without trailing zeros (or the exact
 * number), `+∞ (always escalate)` for null, `—` when there is none. O(1).
 * @example thresholdDisplay(-0.05823759) // '-0.05824'
 * @example thresholdDisplay(null, { bare: true }) // '+∞'
 */
export function thresholdDisplay(t: number | null | undefined, options: ThresholdDisplayOptions = {}): string {
  if (t === undefined) return '—';
  if (t === null) return options.bare ? '+∞' : '+∞ (always escalate)';
  if (options.exact || Number.isInteger(t)) return String(t);
  // Four significant digits without trailing zeros, also in exponent form (`-6e-7`, not `-6.000e-7`).
  return t
    .toPrecision(4)
    .replace(/(\.\d*?)0+(e|$)/, '$1$2')
    .replace(/\.(e|$)/, '$1');
}
