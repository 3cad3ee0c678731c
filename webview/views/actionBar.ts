/**
 * The panel's action bar: the selected vertex (or, with none, the recommended policy) with
 * "Apply to config"; after an apply, its outcome with Undo, kept while the same policy is shown.
 * Nothing is offered from a result of an earlier analysis. Where the bar sits (sticky at the
 * bottom, or under the chart in a narrow panel) is the page's layout, in `app.ts`.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeButton } from '@vscode-elements/elements';
import { formatCostPerQuery, formatPercent, formatPolicy } from '../../src/core/format/index.ts';
import type { PanelController } from '../controller.ts';
import { custom, el, exact, replaceChildren, setData, showMessage } from '../dom.ts';
import { vertexAt } from '../envelopeIndex.ts';
import { holdoutFiguresOf } from '../recommendation.ts';

export class ActionBar {
  readonly element: HTMLElement = el('section', { id: 'vertex-action', hidden: true });
  /** The outcome of the last apply or undo, and of which policy of which analysis. */
  private lastApply: { key: string; policy: string; ok: boolean; message: string; undoable?: boolean } | undefined;
  /**
   * The bar drawn last: what it shows (its buttons stay while that is the same, so that a redraw
   * for another reason, such as the status turning to computing, never takes a button from under a
   * click), and where an apply's or undo's outcome goes when it comes.
   */
  private drawn: { shows: string; key: string; policy: string; outcome: HTMLElement; undo: VscodeButton } | undefined;

  constructor(private readonly ctl: PanelController) {}

  render(): void {
    const s = this.ctl.snapshot;
    const result = s?.result;
    const index = this.ctl.selectedVertex;
    const selected = result ? vertexAt(result, index) : undefined;
    const rec = this.ctl.recommendation;
    const recommended = rec?.feasible ? rec.vertex : undefined;
    const target = selected ?? recommended;
    this.element.hidden = !s || !result || !target;
    if (!s || !result || !target) {
      this.drawn = undefined;
      return;
    }
    const stale = s.status === 'error';
    const policy = target.policy;
    const policyKey = JSON.stringify(policy);
    const figures = this.ctl.figuresOf(result);
    const held = figures === 'held-out' ? (selected ? holdoutFiguresOf(result, policy) : rec?.holdout) : undefined;
    const shown = held ?? target;
    const what = selected ? `Selected vertex ${index! + 1}: ${formatPolicy(policy)}` : `Recommended: ${formatPolicy(policy)}`;
    const detail = ` — ${formatCostPerQuery(shown.cost)}, ${formatPercent(shown.quality, 2)} ${held ? 'held out' : 'in-sample'}`;
    const shows = JSON.stringify([s.key, stale, policyKey, selected ? index : null, what, detail]);
    if (this.drawn?.shows === shows && this.element.contains(this.drawn.undo)) return;
    const apply = custom<VscodeButton>(
      'vscode-button',
      { id: 'apply-policy', disabled: stale, title: stale ? 'The last analysis failed: nothing is applied from an earlier one.' : undefined },
      'Apply to config',
    );
    // "Clear" alone in a narrow panel, so that both buttons keep to one row.
    const clear = selected ? custom<VscodeButton>('vscode-button', { id: 'clear-selection', secondary: true }, 'Clear', el('span', { class: 'wide-only' }, '\u00a0selection')) : undefined;
    const outcome = el('span', { id: 'action-message', class: 'message', role: 'status' });
    const undo = custom<VscodeButton>('vscode-button', { id: 'undo-apply', secondary: true, hidden: true }, 'Undo');
    const key = s.key;
    this.drawn = { shows, key, policy: policyKey, outcome, undo };
    // The outcome of the last apply stays while the same policy is shown.
    const last = this.lastApply;
    if (last && last.key === key && last.policy === policyKey) this.showOutcome(last);
    apply.addEventListener('click', () => {
      this.showOutcome({ ok: true, message: 'Writing to the config…' });
      void this.ctl.applyPolicy(policy).then((r) => this.settle({ ...r, key, policy: policyKey }));
    });
    undo.addEventListener('click', () => {
      this.showOutcome({ ok: true, message: 'Taking it back…' });
      void this.ctl.undoApply().then((r) => this.settle({ ...r, undoable: false, key, policy: policyKey }));
    });
    clear?.addEventListener('click', () => this.ctl.selectVertex(undefined));
    replaceChildren(this.element, el('span', { class: 'selected-policy' }, what, el('span', { class: 'muted' }, detail)), apply, undo, clear, outcome);
    setData(this.element, {
      index: selected ? index : undefined,
      source: selected ? 'selected' : 'recommended',
      models: policy.models.join(','),
      threshold: policy.kind === 'single' ? '' : exact(policy.thresholds[0]),
    });
  }

  /** Keeps the outcome of an apply or undo, and shows it on the bar drawn now when that bar shows the same policy of the same analysis (it may have been drawn anew while the request was under way). */
  private settle(r: { key: string; policy: string; ok: boolean; message: string; undoable?: boolean }): void {
    this.lastApply = r;
    if (this.drawn?.key === r.key && this.drawn.policy === r.policy) this.showOutcome(r);
  }

  /** Shows an outcome on the bar drawn now, with Undo when it can be taken back. */
  private showOutcome(r: { ok: boolean; message: string; undoable?: boolean }): void {
    if (!this.drawn) return;
    showMessage(this.drawn.outcome, r);
    this.drawn.undo.hidden = !(r.ok && r.undoable);
  }
}
