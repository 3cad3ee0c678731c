/**
 * The panel's confidence-signal section (AUROC, calibration error, flags and a reliability
 * diagram per model) and the drift warning shown before the recommendation.
 */
import type { AnalysisResult, ModelSummary } from '../../src/core/types.ts';
import { driftWarnings } from '../../src/core/drift/warnings.ts';
import { formatPercent } from '../../src/core/format/index.ts';
import { calibrationAuroc, learnedLegend } from '../../src/core/confidence/diagnosis.ts';
import type { PanelController } from '../controller.ts';
import { el, replaceChildren } from '../dom.ts';
import { reliabilityPlot, type ReliabilityPlot } from '../reliabilityPlot.ts';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number>>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

/** The diagram as SVG: axes box, the diagonal, one line of points per split (each point titled with its figures). */
export function reliabilitySvg(plot: ReliabilityPlot): SVGSVGElement {
  const { box, size } = plot;
  const root = svg('svg', { viewBox: `0 0 ${size} ${size}`, width: size, height: size, role: 'img', 'aria-label': plot.label, class: 'reliability-plot' });
  root.append(
    svg('rect', { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top, class: 'frame' }),
    svg('line', { x1: box.left, y1: box.bottom, x2: box.right, y2: box.top, class: 'diagonal' }),
    svg('text', { x: box.left, y: size - 4, class: 'tick' }, '0'),
    svg('text', { x: box.right, y: size - 4, class: 'tick end' }, 'stated 1'),
    svg('text', { x: box.left - 3, y: box.top + 8, class: 'tick end' }, '1'),
  );
  for (const s of plot.series) {
    const g = svg('g', { class: `series ${s.split}` }, svg('path', { d: s.path }));
    for (const p of s.points) g.append(svg('circle', { cx: p.x, cy: p.y, r: 2.5 }, svg('title', {}, `${s.split}: ${p.label}`)));
    root.append(g);
  }
  return root;
}

function auroc(x: number | null): string {
  return x === null ? '—' : x.toFixed(2);
}

function flags(m: ModelSummary): string {
  if (m.confidenceSource === 'none') return 'no confidence';
  const s = m.confidenceSignal;
  const learned = m.learnedConfidence ? (m.learnedConfidence.littleSignal ? 'learned, little signal' : 'learned') : '';
  return [learned, s.weak && !m.learnedConfidence ? 'weak' : '', s.degenerate ? 'degenerate' : ''].filter(Boolean).join(', ') || '—';
}

/** The section's view: `driftElement` goes before the recommendation, `element` below the tables. */
export class SignalsSection {
  readonly driftElement = el('section', { id: 'drift', class: 'drift', role: 'status', hidden: true });
  private readonly body = el('div', { id: 'signals' });
  readonly element = el('section', { class: 'signals', id: 'signals-section' }, el('h2', {}, 'Confidence signals'), this.body);
  private shown: AnalysisResult | undefined;

  constructor(private readonly ctl: PanelController) {}

  render(): void {
    const result = this.ctl.snapshot?.result;
    if (result === this.shown && this.body.hasChildNodes()) return;
    this.shown = result;
    const warnings = result ? driftWarnings(result.drift, result.split, 'config') : [];
    this.driftElement.hidden = warnings.length === 0;
    replaceChildren(
      this.driftElement,
      ...warnings.map((w) => el('p', { class: 'drift-warning' }, el('strong', {}, 'Warning: '), ...w.split('`').map((part, i) => (i % 2 === 1 ? el('code', {}, part) : part)))),
    );
    this.element.hidden = !result;
    if (!result) return replaceChildren(this.body);
    const held = result.split.nHoldout > 0;
    const legend = learnedLegend(result.models, held);
    const headers = ['Model', 'Scale', 'AUROC', ...(held ? ['Held-out AUROC'] : []), 'ECE', ...(held ? ['Held-out ECE'] : []), 'Flags'];
    const numeric = (i: number) => i > 1 && i < headers.length - 1;
    const head = el('tr', {}, ...headers.map((t, i) => el('th', { scope: 'col', class: numeric(i) ? 'num' : undefined }, t)));
    const rows = result.models.map((m) => {
      const s = m.confidenceSignal;
      const cells = [
        m.name,
        s.scale,
        auroc(calibrationAuroc(m)),
        ...(held ? [auroc(m.confidenceAurocHoldout)] : []),
        m.calibrationError === null ? '—' : formatPercent(m.calibrationError),
        ...(held ? [s.calibrationErrorHoldout === null ? '—' : formatPercent(s.calibrationErrorHoldout)] : []),
        flags(m),
      ];
      const data = {
        'data-model': m.name,
        'data-auroc': calibrationAuroc(m) ?? undefined,
        'data-auroc-holdout': m.confidenceAurocHoldout ?? undefined,
        'data-calibration-error': m.calibrationError ?? undefined,
        'data-bins': s.reliability.length,
        'data-flags': [s.weak ? 'weak' : '', s.degenerate ? 'degenerate' : ''].filter(Boolean).join(' '),
      };
      return el(
        'tr',
        { ...data, class: s.weak || s.degenerate ? 'flagged' : undefined },
        ...cells.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', { class: numeric(i) ? 'num' : undefined }, c))),
      );
    });
    const plots = result.models
      .filter((m) => m.confidenceSignal.reliability.length > 0)
      .map((m) =>
        el(
          'figure',
          { class: 'reliability', 'data-model': m.name },
          reliabilitySvg(reliabilityPlot(m.name, m.confidenceSignal.reliability, m.confidenceSignal.reliabilityHoldout)),
          el('figcaption', {}, m.name),
        ),
      );
    replaceChildren(
      this.body,
      el(
        'p',
        { class: 'muted' },
        'AUROC: the chance that a right answer has a higher confidence than a wrong one (0.5 is chance; under 0.55 is weak for a first stage). ECE: mean gap between the confidence read as a probability and the share answered right, over 10 equal-mass bins.',
      ),
      el('div', { class: 'table-scroll', tabindex: 0, 'aria-label': 'Confidence signals by model' }, el('table', { id: 'signal-table' }, el('thead', {}, head), el('tbody', {}, ...rows))),
      legend !== undefined ? el('p', { class: 'muted', id: 'learned-legend' }, `Learned${legend.slice('learned'.length)}`) : undefined,
      plots.length > 0
        ? el(
            'p',
            { class: 'muted' },
            held
              ? 'Reliability: stated probability against the share right per bin; filled calibration, hollow held out; on the diagonal the confidence is calibrated.'
              : 'Reliability: stated probability against the share right per bin; on the diagonal the confidence is calibrated.',
          )
        : undefined,
      plots.length > 0 ? el('div', { class: 'reliability-grid' }, ...plots) : undefined,
    );
  }
}
