/**
 * The panel's table of envelope vertices: one row per vertex (policy, threshold, escalation,
 * cost, quality, held-out figures, latency where known, shadow price), the recommended and the
 * selected rows marked.
 * A click, or Enter on the focused row, selects its vertex; the table is one tab stop and the
 * arrow keys move between rows. Large envelopes draw their cheapest rows first.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeButton } from '@vscode-elements/elements';
import type { AnalysisResult } from '../../src/core/types.ts';
import { formatDollars, formatModels, formatMu, formatPercent, lambdaPoints, thresholdDisplay } from '../../src/core/format/index.ts';
import type { PanelController } from '../controller.ts';
import { custom, el, exact, replaceChildren, setData } from '../dom.ts';
import { holdoutFiguresOf } from '../recommendation.ts';
import { focusRow, moveStop, rovingRows } from '../rovingRows.ts';
import { envelopeKept, envelopeTotal, wholeIndex } from '../envelopeIndex.ts';
import { ENVELOPE_TABLE_ROWS } from '../../src/core/envelopeThinning.ts';

/** Rows drawn before the user asks for all (layout of thousands of rows is slow; the host sends a large envelope thinned, with these rows). */
const MAX_TABLE_ROWS = ENVELOPE_TABLE_ROWS;

/** A table cell with the cost per query and, muted, per thousand queries. */
function costCell(cost: number, figures: 'in-sample' | 'held-out'): HTMLTableCellElement {
  return el('td', { class: `num ${figures}` }, formatDollars(cost), el('span', { class: 'per-1k' }, ` · ${formatDollars(cost * 1000)}/1k`));
}

/** What a row shows, as text: every number written out in full (NaN, the infinities and -0 each their own). */
function rowKey(values: readonly unknown[]): string {
  return JSON.stringify(values, (_, x: unknown) => (typeof x === 'number' ? (Object.is(x, -0) ? '-0' : String(x)) : x));
}

export class VertexTable {
  private readonly table: HTMLTableElement = el('table', { id: 'vertex-table' });
  readonly element: HTMLElement = el('section', { class: 'vertices' }, el('h2', {}, 'Envelope vertices'), el('div', { class: 'table-scroll' }, this.table));
  private result: AnalysisResult | undefined;
  private figures = '';
  private allRows = false;
  /** The rows' body, kept from result to result while the columns stay the same (its listeners bound once). */
  private body: HTMLTableSectionElement | undefined;
  /** The column headings `body` was drawn under. */
  private columns = '';
  /** What each row shows (its vertex's figures and place): a row that would show the same is kept, not drawn again. */
  private readonly rowKeys = new WeakMap<HTMLTableRowElement, string>();
  /** "Show all" had the focus: it goes to the first row it brought once they are drawn. */
  private focusNewRows = false;

  constructor(private readonly ctl: PanelController) {}

  /** Rebuilt only when the result or the figures change; budget moves just re-mark rows. */
  render(): void {
    const result = this.ctl.snapshot?.result;
    const figures = result ? this.ctl.figuresOf(result) : '';
    if (result === this.result && figures === this.figures && this.ctl.showAllRows === this.allRows) {
      this.markRows();
      return;
    }
    this.result = result;
    this.figures = figures;
    this.allRows = this.ctl.showAllRows;
    // A row or "Show all" with the keyboard's focus gets it back in the table drawn anew (a result or a comparison coming in redraws it).
    const focused = document.activeElement instanceof HTMLElement && this.table.contains(document.activeElement) ? document.activeElement : undefined;
    const focusedRow = focused?.closest<HTMLElement>('tr[data-index]')?.dataset.index;
    const focusedMore = focused?.id === 'show-all-vertices';
    if (!result) {
      replaceChildren(this.table);
      this.body = undefined;
      return;
    }
    const hasHoldout = !!result.holdout && result.holdout.length > 0;
    const hasLatency = result.envelope.some((v) => v.latency !== undefined);
    this.table.classList.toggle('figures-held-out', figures === 'held-out');
    const labels = [
      '#',
      'Policy',
      'Threshold',
      'Escalation',
      '$/query · $/1k queries',
      'Quality (in-sample)',
      ...(hasHoldout ? ['$/query · $/1k (held out)', 'Quality (held out)'] : []),
      ...(hasLatency ? ['Latency ms (mean · p95)'] : []),
      'λ (pts per $/1k)',
      'On hull',
    ];
    const columns = labels.join('\u0000');
    // The same columns: the body stays, and only the rows whose figures or place changed are drawn again.
    const reused = this.body !== undefined && columns === this.columns ? this.body : undefined;
    const body = reused ?? el('tbody', {});
    // Every row once the panel holds the whole envelope (a thinned one holds the first rows whole).
    const total = envelopeTotal(result);
    const whole = !envelopeKept(result);
    const shown = this.allRows && whole ? total : Math.min(total, MAX_TABLE_ROWS);
    const kept = body.rows;
    result.envelope.slice(0, shown).forEach((v, position) => {
      const i = wholeIndex(result, position);
      const h = hasHoldout ? holdoutFiguresOf(result, v.policy) : undefined;
      const key = rowKey([i, v.policy, v.escalationRate, v.cost, v.quality, h?.cost, h?.quality, v.latency?.meanMs, v.latency?.p95Ms, v.shadowPrice.muRight, v.shadowPrice.lambdaRight, v.onHull]);
      const old = kept[position] as HTMLTableRowElement | undefined;
      if (old && this.rowKeys.get(old) === key) return;
      const row = el(
        'tr',
        {
          'data-index': i,
          'data-models': v.policy.models.join(','),
          'data-threshold': v.policy.kind === 'single' ? '' : exact(v.policy.thresholds[0]),
          'data-cost': exact(v.cost),
          'data-quality': exact(v.quality),
          'data-escalation-rate': exact(v.escalationRate),
          'data-holdout-cost': exact(h?.cost),
          'data-holdout-quality': exact(h?.quality),
        },
        el('td', { class: 'num' }, i + 1),
        el('td', {}, formatModels(v.policy)),
        el('td', { class: 'num' }, v.policy.kind === 'single' ? '—' : thresholdDisplay(v.policy.thresholds[0])),
        el('td', { class: 'num' }, formatPercent(v.escalationRate)),
        costCell(v.cost, 'in-sample'),
        el('td', { class: 'num in-sample' }, formatPercent(v.quality, 2)),
        ...(hasHoldout ? [h ? costCell(h.cost, 'held-out') : el('td', { class: 'num held-out' }, '—'), el('td', { class: 'num held-out' }, h ? formatPercent(h.quality, 2) : '—')] : []),
        ...(hasLatency ? [el('td', { class: 'num', 'data-latency-p95': exact(v.latency?.p95Ms) }, v.latency ? `${Math.round(v.latency.meanMs)} · ${Math.round(v.latency.p95Ms)}` : '—')] : []),
        el('td', { class: 'num', title: formatMu(v.shadowPrice.muRight) }, lambdaPoints(v.shadowPrice.lambdaRight)),
        el('td', {}, v.onHull ? 'yes' : 'no'),
      );
      this.rowKeys.set(row, key);
      // A row drawn again takes no part in the tab order until the tab stop is placed below.
      row.setAttribute('tabindex', '-1');
      if (old) old.replaceWith(row);
      else body.append(row);
    });
    while (body.rows.length > shown) body.rows[body.rows.length - 1].remove();
    if (reused) {
      // The tab stop stays where it was, unless its row went.
      const stop = [...body.rows].findIndex((r) => r.getAttribute('tabindex') === '0');
      moveStop(body, stop >= 0 ? stop : Math.min(this.ctl.selectedVertex ?? 0, body.rows.length - 1));
    } else {
      // One listener for all rows (a large envelope has thousands).
      const rowIndex = (e: Event) => {
        const row = (e.target as Element | null)?.closest?.('tr[data-index]');
        return row instanceof HTMLElement ? Number(row.dataset.index) : undefined;
      };
      body.addEventListener('click', (e) => {
        const i = rowIndex(e);
        if (i !== undefined) this.ctl.selectVertex(i);
      });
      // One tab stop for the whole table: arrows move between rows, Enter or Space selects one.
      rovingRows(body, { active: this.ctl.selectedVertex ?? 0, onActivate: (row) => this.ctl.selectVertex(Number(row.dataset.index)) });
    }
    const waiting = this.allRows && !whole;
    const more =
      shown < total
        ? custom<VscodeButton>(
            'vscode-button',
            { id: 'show-all-vertices', secondary: true, disabled: waiting },
            waiting ? `Loading all ${total.toLocaleString('en-US')} vertices…` : `Show all ${total.toLocaleString('en-US')} vertices`,
          )
        : undefined;
    more?.addEventListener('click', () => {
      this.focusNewRows = document.activeElement === more;
      this.ctl.showAllVertices();
    });
    const caption = el(
      'caption',
      {},
      shown < total ? `The ${shown} cheapest of ${total.toLocaleString('en-US')} vertices` : `${total} vertices`,
      ', cost ascending (calibration figures). Select a row (click it, or arrow keys and Enter) to see it on the chart; Apply to config, below, writes it. ',
      more,
    );
    if (reused) this.table.caption?.replaceWith(caption);
    else {
      const head = el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...labels.map((h) =>
            el(
              'th',
              {
                scope: 'col',
                title: h.startsWith('λ')
                  ? 'Shadow price to the right of the vertex: quality points bought by one more dollar per 1k queries'
                  : h.startsWith('Latency')
                    ? 'On calibration queries; an escalated query waits for both models'
                    : undefined,
              },
              h,
            ),
          ),
        ),
      );
      replaceChildren(this.table, caption, head, body);
      this.body = body;
      this.columns = columns;
    }
    setData(this.table, { vertexCount: total, rowsShown: shown, verticesHeld: result.envelope.length });
    this.markRows();
    // The rows come a while after the click (the host sends them; long for a large envelope). When the user has gone to another
    // part of the editor meanwhile, the panel's page no longer has the focus, and a focus() in its frame would take it back; when
    // they have gone to another control of the panel, it has the focus: the rows do not get it, now or at a later redraw.
    const active = document.activeElement;
    const movedOn = !document.hasFocus() || (active !== null && active !== document.body && !this.table.contains(active));
    if (this.focusNewRows && movedOn) this.focusNewRows = false;
    // The button is gone with the rows it brought: the focus goes to the first of them (while they load, the button, disabled,
    // cannot take it, and it waits on the page).
    if (this.focusNewRows && more) more.focus();
    else if (this.focusNewRows && shown > MAX_TABLE_ROWS) {
      this.focusNewRows = false;
      focusRow(body, MAX_TABLE_ROWS);
    } else if (focusedRow !== undefined) {
      const at = [...body.rows].findIndex((r) => r.dataset.index === focusedRow);
      if (at >= 0) focusRow(body, at);
    } else if (focusedMore && more) more.focus();
  }

  /** Marks the recommended and the selected rows. */
  markRows(): void {
    const s = this.ctl.snapshot;
    const result = s?.result;
    if (!result) return;
    const rec = this.ctl.recommendation?.index;
    const sel = this.ctl.selectedVertex;
    for (const row of this.table.tBodies[0]?.rows ?? []) {
      const i = Number(row.dataset.index);
      row.classList.toggle('recommended', i === rec);
      row.classList.toggle('selected', i === sel);
      row.setAttribute('aria-selected', String(i === sel));
    }
    const body = this.table.tBodies[0];
    if (body && sel !== undefined && document.activeElement?.closest?.('#vertex-table') == null) moveStop(body, sel);
  }
}
