/**
 * Pair fits kept from one recommendation to the next (see `selectForBudgets` in rule.ts). The
 * editor's analysis process asks the rule again at every save, with the same settings and
 * budgets, and a save mostly changes one model's file: every pair that model is not part of
 * would be fitted and cross-validated again on the same columns, to the same numbers. A pair
 * whose two models' columns (confidence, cost, quality) are bit for bit those of the kept fit,
 * under the same settings, budgets and latency cap, takes the kept fit: its full fit at each
 * budget and its out-of-fold outcomes, which a new fit would make to the last bit (the rule is
 * deterministic for a given seed). Only inside `keepBetweenCalls` (keptBetweenCalls.ts).
 */
import type { ModelColumns } from '../types.ts';
import { keeping } from '../keptBetweenCalls.ts';
import { sameBits } from '../keptSums.ts';

/** One pair's fit at each budget (in ascending budget order), as `selectForBudgets` uses it. */
export interface PairFit {
  /** The full fit's point per budget (-1: nothing fits), its threshold, the threshold below, mean cost, its upper bound, mean quality, escalation rate. */
  readonly point: Int32Array;
  readonly threshold: Float64Array;
  readonly below: Float64Array;
  readonly cost: Float64Array;
  readonly costUpper: Float64Array;
  readonly quality: Float64Array;
  readonly escalated: Float64Array;
  /** Per budget, the out-of-fold outcome per query (averaged over the repeats) where it was made; must not be written to. */
  readonly oof: readonly (Float64Array | undefined)[];
}

interface KeptFit {
  readonly fit: PairFit;
  /** The settings it was made under (the first part of its key). */
  readonly settings: string;
  /** The versions of the cheap and the expensive model's columns it was made from. */
  readonly cheap: number;
  readonly expensive: number;
  readonly maxThreshold: number;
  readonly bytes: number;
}

interface KeptModel {
  readonly version: number;
  readonly confidence: Float64Array;
  readonly cost: Float64Array;
  readonly quality: Float64Array;
}

/** How much is kept (see {@link configureKeptPairs}). */
interface KeptLimits {
  /**
   * Fits of at most this many bytes (a budget or a few: the recommendation) are kept apart from
   * larger ones (the budget grid's, up to several MB a pair), so that neither pushes the other out.
   */
  readonly smallFitBytes: number;
  /** Most bytes the kept fits take, small and large. */
  readonly smallBytes: number;
  readonly largeBytes: number;
}

/** 1 MB, and 16 and 32 MB: about 130 and 250 out-of-fold columns of 16,000 queries. */
const DEFAULT_LIMITS: KeptLimits = { smallFitBytes: 1024 * 1024, smallBytes: 16 * 1024 * 1024, largeBytes: 32 * 1024 * 1024 };
let limits = DEFAULT_LIMITS;
/** Models whose columns are kept to compare with: beyond, every one is let go. */
const MAX_KEPT_MODELS = 64;

/** Kept fits by settings and pair, the one used last at the end. */
const fits = new Map<string, KeptFit>();
/** Bytes of the small and of the large fits kept. */
const keptBytes = { small: 0, large: 0 };
/** The last columns seen of each model (by name and queries), and a version that changes with them. */
const models = new Map<string, KeptModel>();
let nextVersion = 1;
/** Fits taken as they were since the process started (for tests and benchmarks). */
let reused = 0;

/** How many pair fits were taken as kept. */
export function keptPairsCount(): number {
  return reused;
}

/** The fits kept now, and the bytes of the small and the large ones (for tests). */
export function keptPairsHeld(): { readonly fits: number; readonly smallBytes: number; readonly largeBytes: number } {
  return { fits: fits.size, smallBytes: keptBytes.small, largeBytes: keptBytes.large };
}

/** Sets how much is kept (for tests: the defaults when called without limits); lets every kept fit go. */
export function configureKeptPairs(next: KeptLimits = DEFAULT_LIMITS): void {
  limits = next;
  releaseKeptPairs();
}

/** Lets every kept fit and column go (a process about to sit idle, or a test starting afresh). O(1). */
export function releaseKeptPairs(): void {
  fits.clear();
  keptBytes.small = 0;
  keptBytes.large = 0;
  models.clear();
}

/**
 * The kept fits of one call of the rule: `settings` says everything the fits depend on besides
 * the two models' columns and the latency cap (queries, folds, repeats, seed, smoothing, budgets,
 * confidence); `cols` are the call's models, compared once with those last seen. O(k n).
 */
export class KeptPairs {
  /** The models' versions; undefined outside `keepBetweenCalls` (nothing recalled or kept). */
  private readonly versions: number[] | undefined;

  constructor(
    private readonly settings: string,
    private readonly cols: readonly ModelColumns[],
  ) {
    this.versions = keeping() ? cols.map((m) => versionOf(m)) : undefined;
  }

  /** False outside `keepBetweenCalls`: nothing is recalled, and nothing need be handed to {@link keep}. */
  get active(): boolean {
    return this.versions !== undefined;
  }

  /** The kept fit of cheap model a then expensive model b (indices into the call's models) under a latency cap, if any. */
  recall(a: number, b: number, maxThreshold: number): PairFit | undefined {
    if (!this.versions) return undefined;
    const key = this.key(a, b);
    const kept = fits.get(key);
    if (!kept || kept.cheap !== this.versions[a] || kept.expensive !== this.versions[b] || !Object.is(kept.maxThreshold, maxThreshold)) return undefined;
    fits.delete(key);
    fits.set(key, kept);
    reused++;
    return kept.fit;
  }

  /**
   * Keeps the fit of a then b. When that would take more than its share ({@link KeptLimits}),
   * the fits made under other settings go first, those used longest ago first; then the fit is
   * not kept (a call that keeps more than fits keeps its first pairs, which the next call finds,
   * rather than pushing out the first with the last). O(kept fits).
   */
  keep(a: number, b: number, maxThreshold: number, fit: PairFit): void {
    if (!this.versions) return;
    let bytes = 8 * 7 * fit.point.length;
    for (const out of fit.oof) if (out) bytes += out.byteLength;
    const key = this.key(a, b);
    const old = fits.get(key);
    if (old) drop(key, old);
    const pool = poolOf(bytes);
    const most = pool === 'small' ? limits.smallBytes : limits.largeBytes;
    for (const [k, f] of fits) {
      if (keptBytes[pool] + bytes <= most) break;
      if (f.settings !== this.settings && poolOf(f.bytes) === pool) drop(k, f);
    }
    if (keptBytes[pool] + bytes > most) return;
    fits.set(key, { fit, settings: this.settings, cheap: this.versions[a]!, expensive: this.versions[b]!, maxThreshold, bytes });
    keptBytes[pool] += bytes;
  }

  private key(a: number, b: number): string {
    return `${this.settings}\u0000${this.cols[a]!.name}\u0000${this.cols[b]!.name}`;
  }
}

function poolOf(bytes: number): 'small' | 'large' {
  return bytes <= limits.smallFitBytes ? 'small' : 'large';
}

function drop(key: string, f: KeptFit): void {
  fits.delete(key);
  keptBytes[poolOf(f.bytes)] -= f.bytes;
}

/** The version of a model's columns: the kept one when they are the same bit for bit, else a new one (and they are kept). O(n). */
function versionOf(m: ModelColumns): number {
  const key = `${m.quality.length} ${m.name}`;
  const kept = models.get(key);
  if (kept && sameBits(kept.confidence, m.confidence) && sameBits(kept.cost, m.cost) && sameBits(kept.quality, m.quality)) return kept.version;
  if (!kept && models.size >= MAX_KEPT_MODELS) models.clear();
  const version = nextVersion++;
  models.set(key, { version, confidence: m.confidence.slice(), cost: m.cost.slice(), quality: m.quality.slice() });
  return version;
}
