import fc from 'fast-check';
import { makeDataset } from './dataset.ts';

/**
 * Random datasets for property tests: 2-4 models, 1 to `maxQueries` queries, quality 0, 1 or
 * 0.5, confidences and costs drawn from a few values so that ties happen.
 */
export function tiedDatasets(maxQueries: number): fc.Arbitrary<ReturnType<typeof makeDataset>> {
  return fc
    .record({ k: fc.integer({ min: 2, max: 4 }), n: fc.integer({ min: 1, max: maxQueries }) })
    .chain(({ k, n }) =>
      fc.array(
        fc.record({
          q: fc.array(fc.constantFrom(0, 1, 0.5), { minLength: n, maxLength: n }),
          s: fc.array(
            fc.integer({ min: 0, max: 6 }).map((x) => x / 2),
            { minLength: n, maxLength: n },
          ),
          c: fc.array(
            fc.integer({ min: 0, max: 20 }).map((x) => x / 8),
            { minLength: n, maxLength: n },
          ),
        }),
        { minLength: k, maxLength: k },
      ),
    )
    .map((ms) => makeDataset(Object.fromEntries(ms.map((m, i) => [`m${i}`, m]))));
}
