/**
 * How well the recommendation holds up on new queries: the backtest of `cascade-frontier
 * backtest` over the reference MMLU and MedMCQA results (the split as given and 20 seeded random
 * re-splits of the same sizes, 25 log-spaced budgets each), for the in-sample rule and the
 * noise-aware rule, against the goals: worse than the naive choice by more than 0.5 point in at
 * most 5% of budgets, over budget by more than 2% held out in at most 10%, a mean gain over the
 * naive choice of at least +2.0 points.
 *
 *   npm run bench:recommend [-- --data DIR,DIR] [--repeats R] [--ablations]
 *
 * --ablations also runs the noise-aware rule with one ingredient changed at a time (no
 * smoothing, no cross-validation, no cost margin, a looser gain bound), on the same splits.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { loadEvalFiles } from '../src/core/load/index.ts';
import { backtest, ruleFigures, RULES, type BacktestCell, type RuleFigures, type RuleName } from '../src/core/backtest.ts';
import type { SelectionOptions } from '../src/core/select/rule.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const shared = resolve(__dirname, '../../shared/data');
const dirs = (option('data') ?? ['mmlu', 'medmcqa'].map((d) => resolve(shared, d)).join(',')).split(',');
const repeats = Number(option('repeats') ?? 20);
const GOALS = { worse: 0.05, over: 0.1, gain: 0.02 };
const LABEL: Record<RuleName, string> = { inSample: 'in-sample rule', noiseAware: 'noise-aware rule' };

function pts(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`;
}

function row(name: string, f: RuleFigures): string {
  const ok = (good: boolean) => (good ? 'met' : 'MISSED');
  return (
    `  ${name.padEnd(18)} gain ${pts(f.meanGain)} pts [${pts(f.gainInterval[0])}, ${pts(f.gainInterval[1])}] (${ok(f.meanGain >= GOALS.gain)})` +
    `   worse ${(f.worseShare * 100).toFixed(1)}% (${ok(f.worseShare <= GOALS.worse)})` +
    `   over ${(f.overShare * 100).toFixed(1)}% (${ok(f.overShare <= GOALS.over)})` +
    `   distance to optimum ${(f.meanDistance * 100).toFixed(2)} pts   (${f.cells} budgets)`
  );
}

async function main(): Promise<void> {
  const all: BacktestCell[] = [];
  const given: BacktestCell[] = [];
  const resplits: BacktestCell[] = [];
  let offset = 0;
  for (const dir of dirs) {
    if (!existsSync(dir)) {
      console.error(`${dir} not found: the reference data lives in ../shared/data beside the repository.`);
      process.exitCode = 1;
      return;
    }
    const loaded = await loadEvalFiles([dir], { keepPrompts: false });
    const started = performance.now();
    const r = backtest(loaded.dataset, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, repeats });
    const ms = performance.now() - started;
    // Split numbers made unique across data sets, so intervals resample whole splits.
    const cells = r.cells.map((c) => ({ ...c, split: c.split + offset }));
    offset += r.splits.length;
    all.push(...cells);
    given.push(...cells.filter((c) => c.split === offset - r.splits.length));
    resplits.push(...cells.filter((c) => c.split !== offset - r.splits.length));
    console.log(`${basename(dir)}: ${r.n} queries, ${r.splits[0].nCalibration} calibration; given split + ${repeats} re-splits x ${r.budgets} budgets in ${(ms / 1000).toFixed(1)} s`);
    for (const rule of RULES) console.log(row(LABEL[rule], r.rules[rule]));
  }
  const sections: [string, BacktestCell[]][] = [
    ['All data sets, given splits and re-splits (the goal)', all],
    ['All data sets, random re-splits only', resplits],
    ['All data sets, given splits only', given],
  ];
  for (const [title, cells] of sections) {
    console.log(`\n${title}:`);
    for (const rule of RULES) console.log(row(LABEL[rule], ruleFigures(cells, rule)));
  }
  if (args.includes('--ablations')) {
    const variants: [string, SelectionOptions][] = [
      ['no smoothing', { smoothing: 0 }],
      ['no cross-validation (in-sample gain)', { crossValidate: false }],
      ['no cost margin (confidence 0.5)', { budgetConfidence: 0.5 }],
      ['gain bound at 80%', { gainConfidence: 0.8 }],
      ['smoothing 0.2', { smoothing: 0.2 }],
    ];
    console.log('\nAblations of the noise-aware rule, all data sets, given splits and re-splits:');
    for (const [name, selection] of variants) {
      const cells: BacktestCell[] = [];
      let at = 0;
      for (const dir of dirs) {
        const loaded = await loadEvalFiles([dir], { keepPrompts: false });
        const r = backtest(loaded.dataset, { split: { kind: 'field', calibration: 'train', holdout: 'test' }, repeats, selection });
        cells.push(...r.cells.map((c) => ({ ...c, split: c.split + at })));
        at += r.splits.length;
      }
      console.log(row(name.slice(0, 18), ruleFigures(cells, 'noiseAware')) + `   [${name}]`);
    }
  }
  console.log(
    `\nGoals: worse <= ${GOALS.worse * 100}% of budgets, over budget <= ${GOALS.over * 100}%, mean gain >= +${GOALS.gain * 100} pts; intervals are 95% percentile bootstraps over whole splits.`,
  );
}

void main();
