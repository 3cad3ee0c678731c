/**
 * The panel's held-out comparison section: the table of families (area, difference with the
 * envelope, AIQ, APGR, in-sample area) and the verdicts, or the comparison's status while it is
 * computed or when it is unavailable. Rows come from the `comparison.ts` view model.
 */
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { ComparisonResult } from '../../src/core/compare/types.ts';
import { comparisonCaption, comparisonRows, verdictLines } from '../comparison.ts';
import type { PanelController } from '../controller.ts';
import { custom, el, exact, replaceChildren } from '../dom.ts';
import { rovingRows } from '../rovingRows.ts';

export class ComparisonSection {
  readonly element: HTMLElement = el('section', { id: 'comparison', class: 'comparison' });
  private shown: ComparisonResult | undefined;
  private note = '';

  constructor(private readonly ctl: PanelController) {}

  /** Rebuilt only when the comparison or its status changes. */
  render(): void {
    const s = this.ctl.snapshot;
    const comparison = s?.comparison;
    const note = s?.comparisonStatus === 'unavailable' ? `unavailable:${s.comparisonReason ?? ''}` : s?.comparisonStatus === 'computing' ? 'computing' : '';
    if (comparison === this.shown && note === this.note) return;
    this.shown = comparison;
    this.note = note;
    const heading = el('h2', {}, 'Held-out comparison: chains, router and bound');
    const status =
      s?.comparisonStatus === 'computing'
        ? el('p', { id: 'comparison-status', class: 'muted', 'data-status': 'computing' }, custom('vscode-progress-ring', { class: 'ring' }), comparison ? 'Recomputing the comparison (showing the previous one)…' : 'Computing the comparison…')
        : s?.comparisonStatus === 'unavailable'
          ? el('p', { id: 'comparison-status', class: 'error', 'data-status': 'unavailable' }, `The comparison is unavailable: ${s.comparisonReason ?? 'unknown reason'}`)
          : undefined;
    if (!s || !comparison) {
      this.element.hidden = !status;
      replaceChildren(this.element, heading, status);
      return;
    }
    this.element.hidden = false;
    const head = el('thead', {}, el('tr', {}, ...['Family', 'Area', 'vs envelope', 'AIQ', 'APGR', 'In-sample area'].map((h) => el('th', { scope: 'col' }, h))));
    const body = el(
      'tbody',
      {},
      ...comparisonRows(comparison).map((r) =>
        el(
          'tr',
          {
            'data-family': r.family,
            'data-available': String(r.available),
            'data-area': exact(r.area.value),
            'data-area-low': exact(r.area.interval?.[0]),
            'data-area-high': exact(r.area.interval?.[1]),
            'data-vs-envelope': exact(r.areaVsEnvelope?.value),
          },
          el('th', { scope: 'row' }, r.label),
          ...(r.available
            ? [
                el('td', { class: 'num' }, r.cells.area),
                el('td', { class: 'num' }, r.cells.vsEnvelope),
                el('td', { class: 'num' }, r.cells.aiq),
                el('td', { class: 'num' }, r.cells.apgr),
                el('td', { class: 'num' }, r.cells.inSampleArea),
              ]
            : [el('td', { colspan: 5, class: 'unavailable' }, `Unavailable: ${r.reason ?? ''}`)]),
        ),
      ),
    );
    rovingRows(body);
    const table = el('table', { id: 'comparison-table' }, el('caption', {}, comparisonCaption(comparison)), head, body);
    const verdicts = el(
      'ul',
      { id: 'comparison-verdicts' },
      ...verdictLines(comparison).map((v) => el('li', { 'data-verdict': v.id, 'data-answer': v.answer }, el('strong', {}, v.question), ' ', v.detail)),
    );
    replaceChildren(this.element, heading, status, el('div', { class: 'table-scroll' }, table), verdicts);
  }
}
