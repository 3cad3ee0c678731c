/**
 * An independent reference computation of the pairwise envelope, written plainly from SPEC.md
 * for the golden tests: JSON.parse per line, Map joins, every threshold evaluated directly,
 * O(n^2)-style Pareto filtering. It shares no code with src/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { Dataset } from '../../src/core/types.ts';

export interface RefRecord {
  correct: number;
  confidence: number;
  cost: number;
  split: string;
}

export interface RefData {
  models: string[];
  ids: string[];
  rec: Map<string, Map<string, RefRecord>>;
}

export function readFolder(dir: string): RefData {
  const models: string[] = [];
  const rec = new Map<string, Map<string, RefRecord>>();
  for (const f of readdirSync(dir)
    .filter((x) => /\.jsonl(\.gz)?$/.test(x))
    .sort()) {
    const name = f.replace(/\.jsonl(\.gz)?$/, '');
    models.push(name);
    const m = new Map<string, RefRecord>();
    const bytes = readFileSync(join(dir, f));
    for (const line of (f.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line);
      m.set(o.id, { correct: Number(o.correct), confidence: o.confidence, cost: o.cost, split: o.split });
    }
    rec.set(name, m);
  }
  const ids = [...rec.get(models[0])!.keys()].filter((id) => models.every((mm) => rec.get(mm)!.has(id)));
  return { models, ids, rec };
}

export interface RefPoint {
  cost: number;
  quality: number;
  models: string[];
  threshold: number | null;
  /** The next lower distinct confidence of the cheap model below `threshold`. */
  below?: number;
  escalation: number;
}

/**
 * Reference for the thresholds a policy states: a number strictly between `lo` and `hi` with
 * the fewest significant digits, found by rounding the gap's middle to 1, 2, ... significant
 * digits and trying one unit either side (the product rounds by decimal place instead).
 */
export function readableBetween(lo: number, hi: number): number {
  const mid = (lo + hi) / 2;
  for (let p = 1; p <= 17; p++) {
    const rounded = Number(mid.toPrecision(p));
    const unit = 10 ** (Math.floor(Math.log10(Math.abs(rounded) || 1)) - p + 1);
    const inside = [rounded, rounded - unit, rounded + unit].map((x) => Number(x.toPrecision(p))).filter((x) => lo < x && x < hi);
    if (inside.length > 0) return inside.sort((a, b) => Math.abs(a - mid) - Math.abs(b - mid))[0];
  }
  return hi;
}

/** All single and pair-threshold points on the given ids; pairs ordered by mean cost (ties by name). */
export function allPoints(data: RefData, ids: string[]): { points: RefPoint[]; order: string[] } {
  const meanOf = (m: string, f: (r: RefRecord) => number) => ids.reduce((s, id) => s + f(data.rec.get(m)!.get(id)!), 0) / ids.length;
  const order = [...data.models].sort((a, b) => meanOf(a, (r) => r.cost) - meanOf(b, (r) => r.cost) || (a < b ? -1 : 1));
  const points: RefPoint[] = order.map((m) => ({ cost: meanOf(m, (r) => r.cost), quality: meanOf(m, (r) => r.correct), models: [m], threshold: null, escalation: 0 }));
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const A = data.rec.get(order[i])!;
      const B = data.rec.get(order[j])!;
      const ts = [...new Set(ids.map((id) => A.get(id)!.confidence))].sort((x, y) => x - y);
      for (const [k, t] of [...ts.slice(1), Infinity].entries()) {
        let c = 0;
        let q = 0;
        let e = 0;
        for (const id of ids) {
          const a = A.get(id)!;
          const b = B.get(id)!;
          if (a.confidence < t) {
            c += a.cost + b.cost;
            q += b.correct;
            e++;
          } else {
            c += a.cost;
            q += a.correct;
          }
        }
        points.push({ cost: c / ids.length, quality: q / ids.length, models: [order[i], order[j]], threshold: Number.isFinite(t) ? t : null, below: ts[k], escalation: e / ids.length });
      }
    }
  }
  return { points, order };
}

/** Pareto set, cost ascending: keep a point when no other has cost <= and quality >= (one strictly), with a tolerance for float sums. */
export function pareto(points: RefPoint[], eps = 1e-12): RefPoint[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const out: RefPoint[] = [];
  for (const p of sorted) {
    const dominated = points.some((o) => o !== p && o.cost <= p.cost + eps && o.quality >= p.quality - eps && (o.cost < p.cost - eps || o.quality > p.quality + eps));
    if (dominated) continue;
    if (out.length > 0 && Math.abs(out[out.length - 1].cost - p.cost) <= eps && Math.abs(out[out.length - 1].quality - p.quality) <= eps) continue;
    out.push(p);
  }
  return out;
}

/** The reference reader's records of a folder as a Dataset with the records' train/test split (so a test does not depend on the loader). */
export function referenceDataset(dir: string): Dataset {
  const data = readFolder(dir);
  const names = ['train', 'test'];
  const column = (m: string, f: (r: RefRecord) => number) => Float64Array.from(data.ids, (id) => f(data.rec.get(m)!.get(id)!));
  return {
    n: data.ids.length,
    ids: data.ids,
    models: data.models.map((m) => ({ name: m, quality: column(m, (r) => r.correct), confidence: column(m, (r) => r.confidence), cost: column(m, (r) => r.cost) })),
    splitNames: names,
    splitCodes: Uint8Array.from(data.ids, (id) => names.indexOf(data.rec.get(data.models[0])!.get(id)!.split)),
  };
}
