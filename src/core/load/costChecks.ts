/**
 * Cost accounting, at the join: where each model's costs came from in each file (the records'
 * own `cost`, their tokens x a price entry, or tokens estimated from their texts), and the
 * warnings that say a model's costs are not what its calls cost. One warning per model and
 * check, at the first record concerned (by file, then line), with the fix:
 * - a logged `cost` more than 20% away from the record's tokens x the table's prices;
 * - token counts with a logged cost of 0;
 * - `tokens_in` the same on every record, or `tokens_out` 0 on every record (a logging default);
 * - a price table that cannot price a model whose costs it would check (a model priced from
 *   tokens without a price already has its error, `noPrice`, and gets no second message).
 */
import { costOfTokens, type PriceLookup } from '../prices/index.ts';
import type { FileCostSource } from '../types.ts';
import * as M from './messages.ts';
import { COST_FROM_ESTIMATE, COST_FROM_RECORD, COST_FROM_TOKENS, NO_LINE, type CollectorInternals, type ModelBuilder } from './columns.ts';

/** Relative gap between a logged cost and its tokens x prices beyond which the cost is said to disagree. */
export const COST_TOLERANCE = 0.2;
/** Fewest records with token counts before counts that never change are called a logging default. */
export const MIN_RECORDS_CONSTANT = 10;

/** The earliest record (by file, then line) of those offered. */
class First {
  file = -1;
  line = 0;
  q = -1;
  offer(file: number, storedLine: number, q: number): void {
    if (this.file === -1 || file < this.file || (file === this.file && storedLine < this.line)) {
      this.file = file;
      this.line = storedLine;
      this.q = q;
    }
  }
}

/**
 * Logs the cost warnings of every model with accepted records and returns, per file, where its
 * models' costs came from. O(n k).
 */
export function costAccounting(c: CollectorInternals, models: readonly ModelBuilder[], total: number): FileCostSource[][] {
  const perFile: Map<string, [number, number, number]>[] = c.files.map(() => new Map());
  const keys = new Map<string, string>();
  for (const m of models) {
    const lookup = c.priceLookup(m.name);
    if (lookup?.kind === 'found') keys.set(m.name, lookup.key);
    checkModel(c, m, total, lookup, perFile);
  }
  return perFile.map((counts) =>
    [...counts]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([model, [fromRecords, fromTokens, fromEstimatedTokens]]) => {
        const key = fromTokens + fromEstimatedTokens > 0 ? keys.get(model) : undefined;
        return { model, fromRecords, fromTokens, fromEstimatedTokens, ...(key !== undefined ? { priceKey: key } : {}) };
      }),
  );
}

function checkModel(c: CollectorInternals, m: ModelBuilder, total: number, lookup: PriceLookup | undefined, perFile: Map<string, [number, number, number]>[]): void {
  const { tokensIn, tokensOut, tokensReasoning, tokensCached, costFrom, cost, line, file } = m;
  const price = lookup?.kind === 'found' ? lookup.price : undefined;
  let withTokensIn = 0;
  let firstIn = NaN;
  let inVaries = false;
  let withTokensOut = 0;
  let outAllZero = true;
  const firstWithTokens = new First();
  let ownWithTokens = 0;
  const firstOwn = new First();
  let zero = 0;
  const firstZero = new First();
  let compared = 0;
  let disagree = 0;
  const firstDisagree = new First();
  let sumLogged = 0;
  let sumPriced = 0;
  let counts: [number, number, number] | undefined;
  let countsFile = -1;
  for (let q = 0; q < total; q++) {
    const stored = line[q]!;
    if (stored === NO_LINE) continue;
    const f = file[q]!;
    if (f !== countsFile) {
      const map = perFile[f]!;
      counts = map.get(m.name);
      if (!counts) map.set(m.name, (counts = [0, 0, 0]));
      countsFile = f;
    }
    const from = costFrom ? costFrom[q]! : COST_FROM_RECORD;
    counts![from === COST_FROM_TOKENS ? 1 : from === COST_FROM_ESTIMATE ? 2 : 0]++;
    if (!tokensIn || from === COST_FROM_ESTIMATE) continue;
    const a = tokensIn[q]!;
    const b = tokensOut ? tokensOut[q]! : NaN;
    if (!Number.isNaN(a)) {
      if (withTokensIn++ === 0) firstIn = a;
      else if (a !== firstIn) inVaries = true;
      firstWithTokens.offer(f, stored, q);
    }
    if (!Number.isNaN(b)) {
      withTokensOut++;
      if (b !== 0) outAllZero = false;
    }
    if (from !== COST_FROM_RECORD || Number.isNaN(a) || Number.isNaN(b)) continue;
    ownWithTokens++;
    firstOwn.offer(f, stored, q);
    const logged = cost[q]!;
    if (logged === 0) {
      if (a + b > 0) {
        zero++;
        firstZero.offer(f, stored, q);
      }
      continue;
    }
    if (!price) continue;
    const priced = costOfTokens(price, a, b, tokensReasoning ? tokensReasoning[q] : undefined, tokensCached ? tokensCached[q] : undefined);
    compared++;
    sumLogged += logged;
    sumPriced += priced;
    if (Math.abs(logged - priced) > COST_TOLERANCE * priced) {
      disagree++;
      firstDisagree.offer(f, stored, q);
    }
  }
  const at = (first: First, problem: M.Problem): void => c.log.add(first.file, first.line - 1, problem);
  if (disagree > 0) {
    const q = firstDisagree.q;
    const priced = costOfTokens(price!, tokensIn![q]!, tokensOut![q]!, tokensReasoning?.[q], tokensCached?.[q]);
    at(firstDisagree, M.costDisagreesWithTokens(m.name, disagree, compared, lookup?.kind === 'found' ? lookup.key : '', cost[q]!, priced, sumPriced > 0 ? sumLogged / sumPriced : Infinity));
  }
  if (zero > 0) at(firstZero, M.zeroCostWithTokens(m.name, zero, ownWithTokens, price !== undefined));
  if (withTokensIn >= MIN_RECORDS_CONSTANT && !inVaries) at(firstWithTokens, M.constantTokens(m.name, 'tokens_in', firstIn, withTokensIn, m.fromTokens > 0));
  else if (withTokensOut >= MIN_RECORDS_CONSTANT && outAllZero) at(firstWithTokens, M.constantTokens(m.name, 'tokens_out', 0, withTokensOut, m.fromTokens > 0));
  // A model priced from tokens without a price has its error already (one message per model).
  if (lookup !== undefined && lookup.kind !== 'found' && ownWithTokens > 0 && m.unpriced === 0) at(firstOwn, M.costsUnchecked(m.name, ownWithTokens, lookup));
}
