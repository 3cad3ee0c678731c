/**
 * The panel's budget bar: a slider and a field for the budget in dollars per query (with the
 * same budget per thousand queries beside them), and "Save budget to config" with its outcome.
 * The budget lives in the controller; this view moves it and shows it, leaving alone the control
 * the user is moving, and keeps "Saved…" in view while the config is as the panel saved it.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton, VscodeTextfield } from '@vscode-elements/elements';
import { formatCost, formatCostPer1k } from '../../src/core/format/index.ts';
import type { PanelController } from '../controller.ts';
import { custom, el, exact, setData, showMessage } from '../dom.ts';
import { budgetRange, budgetToSlider, sliderToBudget, SLIDER_STEPS } from '../recommendation.ts';

/** What a saved budget leaves as it was: the analysis, the target and the cascade of its config. */
function configRest(s: { readonly key: string; readonly target?: number; readonly cascade?: unknown } | undefined): string {
  return JSON.stringify([s?.key, s?.target ?? null, s?.cascade ?? null]);
}

export class BudgetBar {
  private readonly slider: HTMLInputElement = el('input', { id: 'budget-slider', type: 'range', min: 0, max: SLIDER_STEPS, step: 1, 'aria-label': 'Budget in dollars per query' });
  private readonly field: VscodeTextfield = custom<VscodeTextfield>('vscode-textfield', { id: 'budget-input', 'aria-label': 'Budget in dollars per query', placeholder: '$/query' });
  private readonly note: HTMLElement = el('span', { id: 'budget-per-1k', class: 'muted' });
  private readonly outcome: HTMLElement = el('span', { id: 'budget-message', class: 'message', role: 'status' });
  readonly element: HTMLElement;
  /** The budget control the user is moving (left as it is while redrawing). */
  private source: 'slider' | 'field' | undefined;
  /** True while a budget is being saved (its message stays until the answer). */
  private saving = false;
  /**
   * The budget last saved from the panel (with the rest of the config and the budget before),
   * while "Saved…" is shown: the message stays while the config is as saved and goes when it changes.
   */
  private saved: { readonly budget: number; readonly before: number | undefined; readonly rest: string; seen: boolean } | undefined;

  constructor(private readonly ctl: PanelController) {
    const save = custom<VscodeButton>('vscode-button', { id: 'save-budget', secondary: true }, 'Save budget to config');
    this.element = el(
      'section',
      { class: 'bar budget', 'aria-label': 'Budget' },
      el('label', { class: 'field', for: 'budget-slider' }, 'Budget'),
      this.slider,
      this.field,
      this.note,
      save,
      this.outcome,
    );
    this.slider.addEventListener('input', () => {
      const result = this.ctl.snapshot?.result;
      if (!result) return;
      this.source = 'slider';
      this.ctl.setBudget(sliderToBudget(Number(this.slider.value), budgetRange(result)));
    });
    this.field.addEventListener('change', () => {
      const v = Number(this.field.value.replace(/[$,\s]|\/query/g, ''));
      if (!(Number.isFinite(v) && v > 0)) {
        showMessage(this.outcome, { ok: false, message: 'Enter a budget in dollars per query, e.g. 0.0002.' });
        return;
      }
      this.source = 'field';
      this.ctl.setBudget(v);
    });
    save.addEventListener('click', () => {
      this.saving = true;
      const requested = this.ctl.budget;
      const before = this.ctl.snapshot;
      showMessage(this.outcome, { ok: true, message: 'Saving…' });
      void this.ctl.saveBudget().then((r) => {
        this.saving = false;
        // The config states the budget as written, which can be rounded away from the one asked for.
        const written = r.budget ?? requested;
        this.saved = r.ok && written !== undefined ? { budget: written, before: before?.budget, rest: configRest(before), seen: false } : undefined;
        showMessage(this.outcome, r);
      });
    });
  }

  /** The budget moved: an earlier outcome goes, and the controls follow (all but the one being moved). */
  budgetMoved(): void {
    showMessage(this.outcome, { ok: true, message: '' });
    this.render();
    this.source = undefined;
  }

  /** A new snapshot: an earlier error no longer describes what is shown, nor "Saved…" once the config changed. */
  snapshotChanged(): void {
    if (this.saving || this.stillAsSaved()) return;
    this.saved = undefined;
    showMessage(this.outcome, { ok: true, message: '' });
  }

  render(): void {
    const from = this.source;
    const result = this.ctl.snapshot?.result;
    const budget = this.ctl.budget;
    this.slider.disabled = !result;
    if (!result || budget === undefined) {
      this.note.textContent = '';
      return;
    }
    if (from !== 'slider') this.slider.value = String(budgetToSlider(budget, budgetRange(result)));
    // Three significant digits, as a budget is written and shown everywhere else.
    if (from !== 'field') this.field.value = String(Number(budget.toPrecision(3)));
    this.note.textContent = `= ${formatCostPer1k(budget)}`;
    // Screen readers announce the budget in dollars, not the slider's step number.
    this.slider.setAttribute('aria-valuetext', formatCost(budget));
    setData(this.slider, { budget: exact(budget) });
  }

  /**
   * True while the config is as the panel saved it: its budget the saved one (three significant
   * digits of it) or, until the saved one is read back, the one before; the rest unchanged.
   */
  private stillAsSaved(): boolean {
    const saved = this.saved;
    const s = this.ctl.snapshot;
    if (!saved || !s || s.status === 'error' || configRest(s) !== saved.rest) return false;
    if (s.budget !== undefined && Math.abs(s.budget - saved.budget) <= 0.005 * saved.budget) {
      saved.seen = true;
      return true;
    }
    return !saved.seen && s.budget === saved.before;
  }
}
