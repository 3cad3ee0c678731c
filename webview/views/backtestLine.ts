/**
 * The panel's line on how far to trust the recommendation on these files: the backtest of the
 * recommendation rule (chosen on calibration queries, measured on holdout queries, over budgets
 * and seeded re-splits), as `cascade-frontier backtest` prints it, or its status while it runs.
 */
import type { BacktestSummary } from '../../src/core/backtest.ts';
import { formatPercent, formatPoints } from '../../src/core/format/index.ts';
import type { PanelController } from '../controller.ts';
import { busyMark, el, exact, replaceChildren, setData } from '../dom.ts';

/** "On your data, recommendations held out: +2.3 pts, over budget in 6% of budgets". */
export function backtestSentence(b: BacktestSummary): string {
  const f = b.rules.noiseAware;
  return `On your data, recommendations held out: ${formatPoints(f.meanGain)} over the best single model by calibration, over budget in ${formatPercent(f.overShare, 0)} of budgets.`;
}

/** The figures behind the sentence, for its tooltip: interval, shares, the in-sample rule, what was run. */
export function backtestDetail(b: BacktestSummary): string {
  const f = b.rules.noiseAware;
  const i = b.rules.inSample;
  const splits = b.splits.length;
  return (
    `Mean gain ${formatPoints(f.meanGain)} [${formatPoints(f.gainInterval[0])}, ${formatPoints(f.gainInterval[1])}], ` +
    `worse by more than 0.5 pt in ${formatPercent(f.worseShare, 1)}, more than 2% over budget in ${formatPercent(f.overShare, 1)}, ` +
    `${formatPoints(f.meanDistance).replace('+', '')} from the held-out optimum; ` +
    `the in-sample rule: ${formatPoints(i.meanGain)}, worse in ${formatPercent(i.worseShare, 1)}, over budget in ${formatPercent(i.overShare, 1)}. ` +
    `${splits} splits (the given one and ${splits - 1} seeded re-splits) × ${b.budgets} budgets from the cheapest to the dearest model; ` +
    'cascade-frontier backtest prints the whole table.'
  );
}

export class BacktestLine {
  readonly element: HTMLElement = el('p', { id: 'backtest-line', class: 'muted', hidden: true });
  private shown: BacktestSummary | undefined;
  private note = '';

  constructor(private readonly ctl: PanelController) {}

  /** Rebuilt only when the backtest or its status changes. */
  render(): void {
    const s = this.ctl.snapshot;
    const b = s?.backtest;
    const note = s?.backtestStatus === 'unavailable' ? `unavailable:${s.backtestReason ?? ''}` : s?.backtestStatus === 'computing' ? 'computing' : '';
    if (b === this.shown && note === this.note) return;
    this.shown = b;
    this.note = note;
    const box = this.element;
    box.hidden = !s?.result;
    setData(box, {
      status: s?.backtestStatus ?? '',
      gain: exact(b?.rules.noiseAware.meanGain),
      overShare: exact(b?.rules.noiseAware.overShare),
      worseShare: exact(b?.rules.noiseAware.worseShare),
    });
    box.removeAttribute('title');
    if (b) {
      box.title = backtestDetail(b);
      replaceChildren(box, backtestSentence(b), s?.backtestStatus === 'computing' ? el('span', {}, ' (recomputing…)') : undefined);
    } else if (s?.backtestStatus === 'computing') {
      replaceChildren(box, busyMark(), 'Backtesting the recommendation on these files…');
    } else if (s?.backtestStatus === 'unavailable') {
      replaceChildren(box, `No backtest of the recommendation: ${s.backtestReason ?? 'unknown reason'}`);
    } else {
      box.hidden = true;
      replaceChildren(box);
    }
  }
}
