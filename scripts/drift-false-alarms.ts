// How often the calibration/holdout drift check warns on seeded random splits of a data set
// (false alarms: a random split has no drift), and what it says on the data's own split.
// Usage: node --import tsx scripts/drift-false-alarms.ts <folder> [--seeds N]
import { parseArgs } from 'node:util';
import { loadEvalFiles } from '../src/core/load/index.ts';
import { splitDataset } from '../src/core/split.ts';
import { splitDrift } from '../src/core/drift/drift.ts';
import { driftWarnings } from '../src/core/drift/warnings.ts';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { seeds: { type: 'string' } } });
  if (positionals.length !== 1) throw new Error('usage: drift-false-alarms.ts <folder> [--seeds N]');
  const seeds = Number(values.seeds ?? 300);
  const { dataset } = await loadEvalFiles([positionals[0]], { keepPrompts: false });
  const given = splitDataset(dataset);
  if (given.holdout) {
    console.log(`own split (${given.info.kind}): ${given.info.nCalibration} calibration, ${given.info.nHoldout} holdout queries`);
    for (const w of driftWarnings(splitDrift(given.calibration, given.holdout), given.info)) console.log(`  ${w}`);
  }
  const count = { any: 0, quality: 0, cost: 0, confidence: 0 };
  for (let seed = 1; seed <= seeds; seed++) {
    const s = splitDataset(dataset, { kind: 'random', seed, holdoutFraction: 0.5 });
    const d = splitDrift(s.calibration, s.holdout!);
    const q = d.models.some((m) => m.quality.drifted);
    const c = d.models.some((m) => m.cost.drifted);
    const k = d.models.some((m) => m.confidence.drifted);
    count.quality += Number(q);
    count.cost += Number(c);
    count.confidence += Number(k);
    count.any += Number(q || c || k);
  }
  console.log(`random half splits, seeds 1..${seeds}: ${count.any} warned (${((100 * count.any) / seeds).toFixed(1)}%): quality ${count.quality}, cost ${count.cost}, confidence ${count.confidence}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
