/**
 * The panel's held-out comparison section: the table of families (area, difference with the
 * envelope, AIQ, APGR, in-sample area) and the verdicts, or the comparison's status while it is
 * computed or when it is unavailable. Rows come from the `comparison.ts` view model.
 */
import type { ComparisonResult } from '../../src/core/compare/types.ts';
import { comparisonCaption, comparisonRows, verdictLines } from '../comparison.ts';
import type { PanelController } from '../controller.ts';
import { busyMark, el, exact, replaceChildren } from '../dom.ts';
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
        ? el(
            'p',
            { id: 'comparison-status', class: 'muted', 'data-status': 'computing' },
            busyMark(),
            comparison ? 'Recomputing the comparison (showing the previous one)…' : 'Computing the comparison…',
          )
        : s?.comparisonStatus === 'unavailable'
          ? el('p', { id: 'comparison-status', class: 'error', 'data-status': 'unavailable' }, `The comparison is unavailable: ${s.comparisonReason ?? 'unknown reason'}`)
          : undefined;
    if (!s || !comparison) {
      this.element.hidden = !status;
      replaceChildren(this.element, heading, status);
      return;
    }
    this.element.hidden = false;
    // Explicit roles keep it a table for assistive technology when a narrow panel stacks its rows
    // (a row a block, each figure on its own line after its column's name, `data-label`).
    const columns = ['Family', 'Area', 'vs envelope', 'AIQ', 'APGR', 'In-sample area'] as const;
    const head = el('thead', { role: 'rowgroup' }, el('tr', { role: 'row' }, ...columns.map((h) => el('th', { scope: 'col', role: 'columnheader' }, h))));
    const cell = (column: (typeof columns)[number], text: string) => el('td', { class: 'num', role: 'cell', 'data-label': column }, text);
    const body = el(
      'tbody',
      { role: 'rowgroup' },
      ...comparisonRows(comparison).map((r) =>
        el(
          'tr',
          {
            role: 'row',
            'data-family': r.family,
            'data-available': String(r.available),
            'data-area': exact(r.area.value),
            'data-area-low': exact(r.area.interval?.[0]),
            'data-area-high': exact(r.area.interval?.[1]),
            'data-vs-envelope': exact(r.areaVsEnvelope?.value),
          },
          el('th', { scope: 'row', role: 'rowheader' }, r.label),
          ...(r.available
            ? [cell('Area', r.cells.area), cell('vs envelope', r.cells.vsEnvelope), cell('AIQ', r.cells.aiq), cell('APGR', r.cells.apgr), cell('In-sample area', r.cells.inSampleArea)]
            : [el('td', { colspan: 5, class: 'unavailable', role: 'cell' }, `Unavailable: ${r.reason ?? ''}`)]),
        ),
      ),
    );
    rovingRows(body);
    const table = el('table', { id: 'comparison-table', role: 'table' }, el('caption', {}, comparisonCaption(comparison)), head, body);
    const verdicts = el(
      'ul',
      { id: 'comparison-verdicts' },
      ...verdictLines(comparison).map((v) => el('li', { 'data-verdict': v.id, 'data-answer': v.answer }, el('strong', {}, v.question), ' ', v.detail)),
    );
    replaceChildren(this.element, heading, status, el('div', { class: 'table-scroll comparison-scroll' }, table), verdicts);
  }
}
