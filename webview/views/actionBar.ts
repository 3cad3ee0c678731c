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
    if (!s || !result || !target) return;
    const stale = s.status === 'error';
    const policy = target.policy;
    const policyKey = JSON.stringify(policy);
    const apply = custom<VscodeButton>(
      'vscode-button',
      { id: 'apply-policy', disabled: stale, title: stale ? 'The last analysis failed: nothing is applied from an earlier one.' : undefined },
      'Apply to config',
    );
    // "Clear" alone in a narrow panel, so that both buttons keep to one row.
    const clear = selected ? custom<VscodeButton>('vscode-button', { id: 'clear-selection', secondary: true }, 'Clear', el('span', { class: 'wide-only' }, '\u00a0selection')) : undefined;
    const outcome = el('span', { id: 'action-message', class: 'message', role: 'status' });
    const undo = custom<VscodeButton>('vscode-button', { id: 'undo-apply', secondary: true, hidden: true }, 'Undo');
    const showOutcome = (r: { ok: boolean; message: string; undoable?: boolean }) => {
      showMessage(outcome, r);
      undo.hidden = !(r.ok && r.undoable);
    };
    // The outcome of the last apply stays while the same policy is shown.
    const last = this.lastApply;
    if (last && last.key === s.key && last.policy === policyKey) showOutcome(last);
    apply.addEventListener('click', () => {
      showMessage(outcome, { ok: true, message: 'Writing to the config…' });
      void this.ctl.applyPolicy(policy).then((r) => {
        this.lastApply = { ...r, key: s.key, policy: policyKey };
        showOutcome(r);
      });
    });
    undo.addEventListener('click', () => {
      showMessage(outcome, { ok: true, message: 'Taking it back…' });
      void this.ctl.undoApply().then((r) => {
        this.lastApply = { ...r, undoable: false, key: s.key, policy: policyKey };
        showOutcome({ ...r, undoable: false });
      });
    });
    clear?.addEventListener('click', () => this.ctl.selectVertex(undefined));
    const figures = this.ctl.figuresOf(result);
    const held = figures === 'held-out' ? (selected ? holdoutFiguresOf(result, policy) : rec?.holdout) : undefined;
    const shown = held ?? target;
    const what = selected ? `Selected vertex ${index! + 1}: ${formatPolicy(policy)}` : `Recommended: ${formatPolicy(policy)}`;
    replaceChildren(
      this.element,
      el('span', { class: 'selected-policy' }, what, el('span', { class: 'muted' }, ` — ${formatCostPerQuery(shown.cost)}, ${formatPercent(shown.quality, 2)} ${held ? 'held out' : 'in-sample'}`)),
      apply,
      undo,
      clear,
      outcome,
    );
    setData(this.element, {
      index: selected ? index : undefined,
      source: selected ? 'selected' : 'recommended',
      models: policy.models.join(','),
      threshold: policy.kind === 'single' ? '' : exact(policy.thresholds[0]),
    });
  }
}
