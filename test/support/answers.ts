import type { Dataset, ModelColumns } from '../../src/core/types.ts';

/** A small seeded generator (LCG), independent of the code under test. */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

const TOPICS = ['algebra', 'history', 'chemistry', 'poetry', 'geology', 'law', 'music', 'biology'];
const HEDGES = ['I am not sure, but maybe', 'It might possibly be', 'Perhaps, though I cannot say for certain,'];

/**
 * Queries with prompts and, per model, answer texts but no logged confidence
 * (`confidenceSource` `none`): a model answers right with a chance set by its strength and
 * the topic's difficulty; a wrong answer is hedged ("I am not sure...") with chance `hedge`,
 * a right one with chance 0.1, so the answer text says something about correctness.
 * Costs rise with strength. `split` labels the first `calibration` queries `train`, the rest `test`.
 */
export function answerDataset(n: number, options: { seed?: number; hedge?: number; calibration?: number; strengths?: Record<string, number> } = {}): Dataset {
  const random = lcg(options.seed ?? 7);
  const hedge = options.hedge ?? 0.7;
  const strengths = options.strengths ?? { cheap: 0.45, mid: 0.65, strong: 0.85 };
  const names = Object.keys(strengths).sort();
  const prompts: string[] = [];
  const difficulty: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.floor(random() * TOPICS.length);
    prompts.push(`Question ${i} about ${TOPICS[t]}: what is the value of item ${Math.floor(random() * 50)}?`);
    difficulty.push((t / (TOPICS.length - 1)) * 0.4 - 0.2);
  }
  const models: ModelColumns[] = names.map((name, k) => {
    const quality = new Float64Array(n);
    const cost = new Float64Array(n);
    const responses: string[] = [];
    for (let i = 0; i < n; i++) {
      const right = random() < Math.min(0.98, Math.max(0.02, strengths[name] - difficulty[i]));
      quality[i] = right ? 1 : 0;
      const word = `value ${Math.floor(random() * 100)}`;
      const hedged = random() < (right ? 0.1 : hedge);
      responses.push(hedged ? `${HEDGES[Math.floor(random() * HEDGES.length)]} ${word}.` : `The answer is ${word}.`);
      cost[i] = 0.0001 * (k + 1) ** 2 * (1 + 0.1 * random());
    }
    return { name, quality, confidence: new Float64Array(n), cost, confidenceSource: 'none' as const, responses };
  });
  const calibration = options.calibration ?? Math.floor(n / 2);
  return {
    n,
    ids: Array.from({ length: n }, (_, i) => `q${i}`),
    models,
    prompts,
    splitNames: ['train', 'test'],
    splitCodes: Uint8Array.from({ length: n }, (_, i) => (i < calibration ? 0 : 1)),
  };
}

/** AUROC by counting every (right, wrong) pair, ties one half: the definition, O(n^2). */
export function aurocByPairs(score: ArrayLike<number>, quality: ArrayLike<number>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < score.length; i++) {
    if (quality[i] !== 1) continue;
    for (let j = 0; j < score.length; j++) {
      if (quality[j] !== 0) continue;
      pairs++;
      wins += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}
