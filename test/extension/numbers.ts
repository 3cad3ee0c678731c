// Reading numbers back from text the product shows (CodeLens titles, hovers, table cells),
// whatever the display precision: "0.0012", "$1.20/1k", "38.5%", "−0.41".

export interface ShownNumber {
  readonly value: number;
  /** Half a unit of the last digit shown (after scaling), i.e. how far rounding may have moved it. */
  readonly halfUlp: number;
  /** True when written as a percentage (value already divided by 100). */
  readonly percent: boolean;
}

/** Every number in `text`, with its display precision; `%` numbers are returned as fractions. */
export function numbersIn(text: string): ShownNumber[] {
  const out: ShownNumber[] = [];
  const re = /([-−]?)(\d+(?:,\d{3})*(?:\.(\d+))?(?:[eE][-+]?\d+)?)(\s*%)?/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const sign = m[1] ? -1 : 1;
    const body = m[2]!.replace(/,/g, '');
    const decimals = m[3]?.length ?? 0;
    const exp = /[eE]([-+]?\d+)/.exec(body);
    const scale = m[4] ? 0.01 : 1;
    const value = sign * Number(body) * scale;
    const halfUlp = 0.5 * 10 ** (-decimals + (exp ? Number(exp[1]) : 0)) * scale;
    out.push({ value, halfUlp, percent: Boolean(m[4]) });
  }
  return out;
}

/**
 * True when `text` shows `expected`, rounded to whatever precision the text uses (a little
 * slack for binary rounding). A number shown too coarsely to tell (rounding error above 5%
 * of the value, like "0" for 0.0003) does not count. `scale` multiplies `expected` first
 * (e.g. 1000 for dollars per 1k queries).
 */
export function showsNumber(text: string, expected: number, scale = 1): boolean {
  const want = expected * scale;
  return numbersIn(text).some((n) => (want === 0 || n.halfUlp <= Math.abs(want) * 0.05) && Math.abs(n.value - want) <= n.halfUlp * 1.001 + 1e-12);
}
