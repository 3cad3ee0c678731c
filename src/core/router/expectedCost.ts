import type { ModelColumns } from '../types.ts';
import { mean } from '../stats.ts';

/** How a model's expected cost per query is predicted before generation. */
export interface CostModel {
  readonly model: string;
  /** `tokens`: price per input and output token fitted on calibration, times the query's input tokens and the mean output tokens. `mean`: the model's mean calibration cost. */
  readonly method: 'tokens' | 'mean';
  readonly meanCost: number;
  /** Fitted dollars per input and per output token (method `tokens`). */
  readonly perInputToken?: number;
  readonly perOutputToken?: number;
  /** Mean output tokens on calibration (method `tokens`). */
  readonly meanOutputTokens?: number;
}

/** Share of calibration queries that must carry token counts for token pricing. */
const MIN_TOKEN_SHARE = 0.9;

/**
 * Fits a model's cost per query as cost = a * tokensIn + b * tokensOut (a, b >= 0, least
 * squares) on calibration queries that have both counts; falls back to the mean cost when
 * fewer than 90% of them do, or when the fit explains less than 90% of the cost variation
 * around zero. O(n).
 */
export function fitCostModel(m: ModelColumns): CostModel {
  const meanCost = mean(m.cost);
  const fallback: CostModel = { model: m.name, method: 'mean', meanCost };
  if (!m.tokensIn || !m.tokensOut) return fallback;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let sxc = 0;
  let syc = 0;
  let scc = 0;
  let used = 0;
  let outSum = 0;
  for (let i = 0; i < m.cost.length; i++) {
    const x = m.tokensIn[i];
    const y = m.tokensOut[i];
    const c = m.cost[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    used++;
    outSum += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
    sxc += x * c;
    syc += y * c;
    scc += c * c;
  }
  if (used < MIN_TOKEN_SHARE * m.cost.length || used === 0 || scc === 0) return fallback;
  // Non-negative least squares in two variables: the unconstrained solution, else the better one-variable fit.
  const det = sxx * syy - sxy * sxy;
  let a = det > 0 ? (sxc * syy - syc * sxy) / det : -1;
  let b = det > 0 ? (syc * sxx - sxc * sxy) / det : -1;
  if (!(a >= 0 && b >= 0)) {
    const aOnly = sxx > 0 ? Math.max(0, sxc / sxx) : 0;
    const bOnly = syy > 0 ? Math.max(0, syc / syy) : 0;
    const residual = (pa: number, pb: number) => scc - 2 * (pa * sxc + pb * syc) + pa * pa * sxx + 2 * pa * pb * sxy + pb * pb * syy;
    if (residual(aOnly, 0) <= residual(0, bOnly)) {
      a = aOnly;
      b = 0;
    } else {
      a = 0;
      b = bOnly;
    }
  }
  const residual = scc - 2 * (a * sxc + b * syc) + a * a * sxx + 2 * a * b * sxy + b * b * syy;
  if (!(residual <= 0.1 * scc)) return fallback;
  return { model: m.name, method: 'tokens', meanCost, perInputToken: a, perOutputToken: b, meanOutputTokens: outSum / used };
}

/**
 * Expected cost of each query for a model, known before generation: input tokens priced by the
 * cost model plus the mean output, or the mean cost where the query's input tokens are unknown
 * (or the model uses `mean`). O(n).
 */
export function expectedCosts(costModel: CostModel, m: ModelColumns): Float64Array {
  const out = new Float64Array(m.cost.length);
  for (let i = 0; i < out.length; i++) {
    const tin = m.tokensIn?.[i];
    out[i] = costModel.method === 'tokens' && tin !== undefined && Number.isFinite(tin) ? costModel.perInputToken! * tin + costModel.perOutputToken! * costModel.meanOutputTokens! : costModel.meanCost;
  }
  return out;
}
