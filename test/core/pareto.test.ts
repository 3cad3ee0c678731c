import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paretoIndices } from '../../src/core/pareto.ts';

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/**
 * The Pareto set by pairwise comparison: i is kept unless some j has cost <= and quality >=,
 * one strictly, or the same point earlier in preference (priority, then index). Cost ascending.
 */
function naivePareto(cost: number[], quality: number[], priority?: number[]): number[] {
  const kept: number[] = [];
  for (let i = 0; i < cost.length; i++) {
    let out = false;
    for (let j = 0; j < cost.length && !out; j++) {
      if (j === i) continue;
      const weakly = cost[j] <= cost[i] && quality[j] >= quality[i];
      const strictly = cost[j] < cost[i] || quality[j] > quality[i];
      const preferred = (priority ? priority[j] - priority[i] : 0) < 0 || ((priority ? priority[j] === priority[i] : true) && j < i);
      out = weakly && (strictly || preferred);
    }
    if (!out) kept.push(i);
  }
  return kept.sort((a, b) => cost[a] - cost[b]);
}

test('paretoIndices: nearly sorted points (a few swapped neighbours), shuffled ones and ties give the pairwise-comparison Pareto set', () => {
  const r = lcg(3);
  for (let trial = 0; trial < 60; trial++) {
    const n = 5 + Math.floor(r() * 60);
    // Coarse values so that equal costs and equal points occur.
    let cost = Array.from({ length: n }, (_, i) => Math.round((i + r() * 3) * 4) / 4);
    const quality = cost.map((c) => Math.round((Math.sqrt(c) + r()) * 4) / 4);
    if (trial % 3 === 2) cost = cost.map(() => Math.round(r() * n) / 2);
    const priority = trial % 4 === 0 ? cost.map(() => Math.floor(r() * 3)) : undefined;
    assert.deepEqual(paretoIndices(cost, quality, priority), naivePareto(cost, quality, priority), `trial ${trial}`);
  }
});
