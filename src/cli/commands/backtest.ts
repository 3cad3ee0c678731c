import { parseArgs } from 'node:util';
import type { BacktestResult, RuleFigures, RuleName } from '../../core/backtest.ts';
import { backtest, BACKTEST_DEFAULTS } from '../../core/backtest.ts';
import { loadEvalFiles } from '../../core/load/index.ts';
import { listWarnings } from '../../core/prepare.ts';
import { EXIT, InputError, UsageError, type CliIO } from '../io.ts';
import { INPUT_OPTIONS, INPUT_USAGE, loadOptionsFrom, numberOption, splitFromOptions } from '../options.ts';
import { dollars, table } from '../format.ts';
import { loadDetails, printIssues, renderFiles, requireUsableQueries, SELECTION_USAGE, selectionFromOptions } from './analyze.ts';

export const BACKTEST_USAGE = `Usage: cascade-frontier backtest <files or folders...> [options]

How far to trust the recommendation on your own data. On the split as given and on random
re-splits of the same queries (same calibration and holdout sizes), for budgets log-spaced from
the cheapest to the dearest model, each rule picks a policy on calibration queries and is
measured on the holdout queries against the naive choice (the single model of highest
calibration quality within the budget). For the in-sample rule (highest calibration quality
within the budget) and the noise-aware rule the recommendation uses, it reports the mean
held-out gain over the naive choice with its interval, the share of budgets worse than the
naive choice by more than 0.5 point, the share over budget by more than 2% held out, and the
mean distance to the held-out optimum (the best any policy reaches on the holdout queries).

Options:
  --budgets N             budgets per split, log-spaced (default ${BACKTEST_DEFAULTS.budgets})
  --repeats R             random re-splits after the given one (default ${BACKTEST_DEFAULTS.repeats}; seeded by --seed)
${INPUT_USAGE}
${SELECTION_USAGE}
  -h, --help              this text

Exit codes: 0 success, 1 no usable input or no holdout queries, 2 wrong usage.`;

const RULE_LABELS: Readonly<Record<RuleName, string>> = {
  inSample: 'in-sample (highest calibration quality within the budget)',
  noiseAware: 'noise-aware (what analyze recommends)',
};

/** `+2.3 pts` for a gain in quality units. */
function pts(x: number): string {
  if (!Number.isFinite(x)) return '-';
  const v = (x * 100).toFixed(1);
  return `${x > 0 && Number(v) !== 0 ? '+' : ''}${v} pts`;
}

function share(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-';
}

function figureRows(rules: Readonly<Record<RuleName, RuleFigures>>): string[][] {
  return (Object.keys(RULE_LABELS) as RuleName[]).map((name) => {
    const f = rules[name];
    return [
      RULE_LABELS[name],
      pts(f.meanGain),
      `[${pts(f.gainInterval[0]).replace(' pts', '')}, ${pts(f.gainInterval[1])}]`,
      share(f.worseShare),
      share(f.overShare),
      pts(f.meanDistance).replace('+', ''),
    ];
  });
}

const HEADER = ['rule', 'mean gain', '95% interval', 'worse by > 0.5 pt', 'over budget by > 2%', 'distance to optimum'];

/** The one line the panel shows too: the noise-aware rule held out on this data. */
export function backtestLine(r: BacktestResult): string {
  const f = r.rules.noiseAware;
  return `On your data, recommendations held out: ${pts(f.meanGain)} over the naive choice, over budget in ${share(f.overShare)} of budgets, worse by more than 0.5 point in ${share(f.worseShare)}.`;
}

/** The readable report of `backtest`. */
export function renderBacktest(r: BacktestResult): string {
  const out: string[] = [];
  const first = r.splits[0];
  const given =
    r.split.kind === 'field'
      ? `the split ${r.split.field} = "${r.split.calibration}" / "${r.split.holdout}"`
      : r.split.kind === 'random'
        ? `a seeded random split (seed ${r.split.seed})`
        : 'the split';
  out.push(
    `Backtest: ${r.n} queries; ${given} and ${r.repeats} random re-split${r.repeats === 1 ? '' : 's'} (${first.nCalibration} calibration, ${first.nHoldout} holdout queries each), ${r.budgets} budgets each`,
  );
  const budgets = r.cells.filter((c) => c.split === 0).map((c) => c.budget);
  if (budgets.length > 0)
    out.push(`  budgets log-spaced from the cheapest to the dearest model on calibration (on the first split ${dollars(budgets[0])} to ${dollars(budgets[budgets.length - 1])}/query)`);
  out.push('  Policies are chosen on calibration queries and measured on holdout queries, against the naive choice: the single model');
  out.push('  of highest calibration quality within the budget. Gain and distance are in quality points.');
  out.push('');
  out.push(`All ${r.splits.length} splits (${r.rules.noiseAware.cells} budgets judged; interval over ${r.settings.intervalOver === 'splits' ? 'whole splits' : 'budgets'}):`);
  out.push(table(HEADER, figureRows(r.rules), new Set([1, 3, 4, 5])));
  out.push('');
  out.push(`The split as given only (${first.rules.noiseAware.cells} budgets; interval over budgets):`);
  out.push(table(HEADER, figureRows(first.rules), new Set([1, 3, 4, 5])));
  out.push('');
  out.push(backtestLine(r));
  const s = r.settings.selection;
  out.push(
    `  Noise-aware rule: cost upper bound at ${Math.round(s.budgetConfidence * 100)}% confidence, escalation when the gain's ${Math.round(s.gainConfidence * 100)}% lower bound is above 0, ${s.repeats} x ${s.folds}-fold cross-validation, smoothing half-width ${s.smoothingWindow} queries${s.maxLatencyP95Ms !== undefined ? `, p95 latency at most ${s.maxLatencyP95Ms} ms` : ''}.`,
  );
  return out.join('\n');
}

/** `cascade-frontier backtest`: returns the exit code. */
export async function runBacktest(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { ...INPUT_OPTIONS, budgets: { type: 'string' }, repeats: { type: 'string' }, 'budget-confidence': { type: 'string' }, 'max-latency-p95': { type: 'string' } },
  });
  if (values.help) {
    io.out(BACKTEST_USAGE);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('name at least one evaluation file or folder');
  const budgets = numberOption('budgets', values.budgets, (x) => Number.isInteger(x) && x >= 2 && x <= 1000, 'a whole number from 2 to 1000');
  const repeats = numberOption('repeats', values.repeats, (x) => Number.isInteger(x) && x >= 0 && x <= 1000, 'a whole number from 0 to 1000');
  const { split, seed } = splitFromOptions(values);
  if (split?.kind === 'none') throw new UsageError('the backtest measures on holdout queries: drop --no-split');
  const selection = selectionFromOptions(values);
  const loaded = await loadEvalFiles(positionals, loadOptionsFrom(values));
  requireUsableQueries(loaded, loadDetails(loaded), io);
  let result: BacktestResult;
  try {
    result = backtest(loaded.dataset, {
      ...(split ? { split } : {}),
      ...(budgets !== undefined ? { budgets } : {}),
      ...(repeats !== undefined ? { repeats } : {}),
      ...(seed !== undefined ? { seed } : {}),
      selection,
    });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  if (values.json) io.out(JSON.stringify({ ...result, files: loaded.files }, null, 2));
  else {
    io.out(renderBacktest(result));
    io.out('');
    io.out(renderFiles(loaded.files));
    printIssues(listWarnings(loaded.issues, []), io);
  }
  return EXIT.ok;
}
