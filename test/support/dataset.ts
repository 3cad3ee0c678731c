import type { Dataset, ModelColumns } from '../../src/core/types.ts';

/** Builds a dataset from plain per-model arrays, latencies optional (test helper; no validation). */
export function makeDataset(models: Record<string, { q: number[]; s: number[]; c: number[]; l?: number[] }>, split?: string[]): Dataset {
  const names = Object.keys(models).sort();
  const n = models[names[0]].q.length;
  const cols: ModelColumns[] = names.map((name) => ({
    name,
    quality: Float64Array.from(models[name].q),
    confidence: Float64Array.from(models[name].s),
    cost: Float64Array.from(models[name].c),
    ...(models[name].l ? { latencyMs: Float64Array.from(models[name].l!) } : {}),
  }));
  const ids = Array.from({ length: n }, (_, i) => `q${i}`);
  if (!split) return { n, ids, models: cols };
  const splitNames = [...new Set(split)];
  return { n, ids, models: cols, splitNames, splitCodes: Uint8Array.from(split, (s) => splitNames.indexOf(s)) };
}
