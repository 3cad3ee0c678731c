/**
 * The report's confidence-signal section (AUROC, calibration error, flags, a reliability diagram
 * per model as inline SVG) and the drift warning shown before the recommendation.
 */
import type { AnalysisResult, ModelSummary } from '../core/types.ts';
import { driftWarnings } from '../core/drift/warnings.ts';
import { formatPercent } from '../core/format/index.ts';
import { calibrationAuroc, learnedLegend } from '../core/confidence/diagnosis.ts';
import { reliabilityPlot, type ReliabilityPlot } from '../../webview/reliabilityPlot.ts';
import { fragment, h, type Markup } from './markup.ts';

/** The drift warnings, before the recommendation; undefined when the splits look alike. */
export function driftNotice(r: AnalysisResult): Markup | undefined {
  const warnings = driftWarnings(r.drift, r.split);
  if (warnings.length === 0) return undefined;
  return h(
    'section',
    { class: 'caution drift', id: 'drift' },
    warnings.map((w) => h('p', {}, h('strong', {}, 'Warning: '), withCode(w))),
  );
}

/** A sentence whose `backquoted` parts are code. */
function withCode(text: string): Markup[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', {}, part) : fragment(part)));
}

/** Inline SVG of a reliability diagram (static markup: it needs no script). */
function reliabilitySvg(plot: ReliabilityPlot): Markup {
  const { box, size } = plot;
  return h(
    'svg',
    { viewbox: `0 0 ${size} ${size}`, width: size, height: size, role: 'img', 'aria-label': plot.label, class: 'reliability-plot' },
    h('rect', { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top, class: 'frame' }),
    h('line', { x1: box.left, y1: box.bottom, x2: box.right, y2: box.top, class: 'diagonal' }),
    h('text', { x: box.left, y: size - 4, class: 'tick' }, '0'),
    h('text', { x: box.right, y: size - 4, class: 'tick end' }, 'stated 1'),
    h('text', { x: box.left - 3, y: box.top + 8, class: 'tick end' }, '1'),
    plot.series.map((s) =>
      h(
        'g',
        { class: `series ${s.split}` },
        h('path', { d: s.path }),
        s.points.map((p) => h('circle', { cx: p.x, cy: p.y, r: 2.5 }, h('title', {}, `${s.split}: ${p.label}`))),
      ),
    ),
  );
}

function auroc(x: number | null): string {
  return x === null ? '—' : x.toFixed(3);
}

function ece(x: number | null): string {
  return x === null ? '—' : formatPercent(x);
}

function flags(m: ModelSummary): string {
  const s = m.confidenceSignal;
  const out: string[] = [];
  if (m.learnedConfidence) out.push(m.learnedConfidence.littleSignal ? 'learned, little signal' : 'learned');
  else if (s.weak) out.push('weak');
  if (s.degenerate) out.push(`degenerate: ${s.distinctValues} value${s.distinctValues === 1 ? '' : 's'}, ${formatPercent(s.commonValuesShare)} on the 5 commonest`);
  return out.length > 0 ? out.join('; ') : '—';
}

/** Every model's confidence signal: a table and the reliability diagrams. */
export function signalsSection(r: AnalysisResult): Markup {
  const held = r.split.nHoldout > 0;
  const headers = ['Model', 'Scale', 'AUROC', ...(held ? ['Held-out AUROC'] : []), 'ECE', ...(held ? ['Held-out ECE'] : []), 'Flags'];
  const plots = r.models.filter((m) => m.confidenceSignal.reliability.length > 0);
  const legend = learnedLegend(r.models, held);
  return h(
    'section',
    { id: 'signals' },
    h('h2', {}, 'Confidence signals'),
    h(
      'p',
      { class: 'note' },
      'AUROC: the chance that a right answer has a higher confidence than a wrong one, ties counting one half (0.5 is chance; under 0.55 is weak for a first stage). ECE: the mean gap between the confidence read as a probability (a log-probability through exp) and the share answered right, over 10 equal-mass bins. Degenerate: constant, or a few values for most queries.',
    ),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { id: 'signal-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            headers.map((c, i) => h('th', { scope: 'col', class: i > 1 && i < headers.length - 1 ? 'num' : undefined }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          r.models.map((m) =>
            h(
              'tr',
              { 'data-model': m.name, class: m.confidenceSignal.weak || m.confidenceSignal.degenerate ? 'flagged' : undefined },
              h('td', { class: 'name' }, m.name),
              h('td', {}, m.confidenceSignal.scale),
              h('td', { class: 'num' }, auroc(calibrationAuroc(m))),
              held ? h('td', { class: 'num' }, auroc(m.confidenceAurocHoldout)) : undefined,
              h('td', { class: 'num' }, ece(m.calibrationError)),
              held ? h('td', { class: 'num' }, ece(m.confidenceSignal.calibrationErrorHoldout)) : undefined,
              h('td', {}, flags(m)),
            ),
          ),
        ),
      ),
    ),
    legend !== undefined ? h('p', { class: 'note', id: 'learned-legend' }, `Learned${legend.slice('learned'.length)}`) : undefined,
    plots.length > 0
      ? [
          h(
            'p',
            { class: 'note' },
            `Reliability: the stated probability against the share answered right, per bin${held ? '; filled points calibration, hollow held out' : ''}. On the diagonal the confidence is calibrated.`,
          ),
          h(
            'div',
            { class: 'reliability-grid' },
            plots.map((m) =>
              h(
                'figure',
                { class: 'reliability', 'data-model': m.name },
                reliabilitySvg(reliabilityPlot(m.name, m.confidenceSignal.reliability, m.confidenceSignal.reliabilityHoldout)),
                h('figcaption', {}, m.name),
              ),
            ),
          ),
        ]
      : undefined,
  );
}
