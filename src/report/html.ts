/**
 * The standalone report as one HTML page: every table and figure written here, in Node, as
 * escaped static markup (readable without scripts, in any viewer), plus the chart drawn by an
 * inline script from the data embedded as JSON. The page loads nothing: its Content Security
 * Policy allows no source at all but the one inline script and the one inline stylesheet, by
 * their hashes.
 */
import { createHash } from 'node:crypto';
import type { AnalysisResult, CascadeEvaluation, EnvelopeVertex, FileSummary, Measured, Recommendation, ShadowPrice } from '../core/types.ts';
import {
  describeBudgetCheck,
  describeChoiceNotes,
  describeVerdict,
  formatDollars,
  formatLambda,
  formatModels,
  formatMu,
  formatPercent,
  formatPoints,
  formatPolicyExact,
  lambdaPoints,
  policyShort,
  splitLine,
  thresholdDisplay,
} from '../core/format/index.ts';
import { samePolicy } from '../core/policy.ts';
import { escapeHtml, fragment, h, jsonForScript, type Child, type Markup } from './markup.ts';
import { REPORT_DATA_ID, type ReportData } from './data.ts';
import { REPORT_CSS } from './style.ts';
import { driftNotice, signalsSection } from './signals.ts';

/** `sha256-<base64>` of a text, as a CSP source expression. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page's Content Security Policy: nothing may load; only the page's own script and style run. */
export function reportCsp(script: string, style: string): string {
  return ["default-src 'none'", `script-src ${cspHash(script)}`, `style-src ${cspHash(style)}`, "base-uri 'none'", "form-action 'none'"].join('; ');
}

/** Four significant digits without trailing zeros, e.g. `-0.5553`, `-6e-7`. */
function short(x: number): string {
  return String(Number(x.toPrecision(4)));
}

function per1k(cost: number): string {
  return `${formatDollars(cost * 1000)} per 1k queries`;
}

function costWith1k(cost: number): Markup {
  return fragment(formatDollars(cost), h('span', { class: 'per-1k' }, ` · ${formatDollars(cost * 1000)}/1k`));
}

function costInterval(m: Measured): string {
  return m.costInterval ? ` [${formatDollars(m.costInterval[0] * 1000)} – ${formatDollars(m.costInterval[1] * 1000)}]` : '';
}

function qualityInterval(m: Measured): string {
  return m.qualityInterval ? ` [${formatPercent(m.qualityInterval[0])} – ${formatPercent(m.qualityInterval[1])}]` : '';
}

/** `79.3% [77.3% – 81.3%] at $0.208 [$0.201 – $0.214] per 1k queries, 19.2% escalated, 1,531 queries`. */
function measured(m: Measured): string {
  return `${formatPercent(m.quality)}${qualityInterval(m)} at ${formatDollars(m.cost * 1000)}${costInterval(m)} per 1k queries, ${formatPercent(m.escalationRate)} escalated, ${m.n.toLocaleString('en-US')} queries`;
}

/** A hull slope in plain units (left / right when they differ), with its reciprocal. */
function shadowText(sp: ShadowPrice): string {
  const one = (lambda: number | null, mu: number | null) =>
    lambda === null ? 'undefined (left of the cheapest policy)' : lambda === 0 ? '0: more budget buys no quality here' : `${formatLambda(lambda)}; ${formatMu(mu)}`;
  if (sp.lambdaLeft === sp.lambdaRight) return one(sp.lambdaRight, sp.muRight);
  return `left of it ${one(sp.lambdaLeft, sp.muLeft)}; right of it ${one(sp.lambdaRight, sp.muRight)}`;
}

function facts(rows: readonly (readonly [string, Child] | false | undefined)[]): Markup {
  return h(
    'dl',
    { class: 'facts' },
    rows.filter((r): r is readonly [string, Child] => !!r).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function dateText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function header(data: ReportData): Markup {
  const r = data.result;
  const m = data.meta;
  return h(
    'header',
    {},
    h('h1', {}, 'Cascade Frontier report'),
    h(
      'p',
      { class: 'lead' },
      'Cost-quality frontier of two-model cascades (a cheap model answers, and escalates to an expensive one when its confidence is below a threshold), from per-query evaluation results.',
    ),
    h(
      'dl',
      { class: 'meta', id: 'report-meta' },
      h('dt', {}, 'Dataset'),
      h('dd', { id: 'meta-inputs' }, m.inputs.join(', ')),
      h('dt', {}, 'Models'),
      h('dd', {}, `${r.models.length}: ${r.models.map((x) => x.name).join(', ')}`),
      h('dt', {}, 'Queries'),
      h('dd', {}, `${r.n.toLocaleString('en-US')} joint queries (a record for every model)`),
      h('dt', {}, 'Split'),
      h('dd', {}, splitLine(r.split)),
      h('dt', {}, 'Statistics'),
      h('dd', {}, statisticsLine(r)),
      h('dt', {}, 'Generated'),
      h('dd', {}, `${dateText(m.generatedAt)} by cascade-frontier ${m.toolVersion}`),
      h('dt', {}, 'Command'),
      h('dd', {}, h('code', {}, ['cascade-frontier', ...m.command].map(shellWord).join(' '))),
    ),
  );
}

/** A command-line word quoted for a POSIX shell when it needs it. */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

function askText(rec: Recommendation): string {
  const parts: string[] = [];
  if (rec.budget !== undefined) parts.push(`a budget of ${formatDollars(rec.budget)}/query (${per1k(rec.budget)})`);
  if (rec.target !== undefined) parts.push(`a quality target of ${formatPercent(rec.target)}`);
  return parts.join(' and ');
}

/** What the best single model is compared within: the budget, or for a target the chosen policy's cost. */
function limitText(rec: Recommendation): string {
  return rec.budget !== undefined ? 'within the budget' : 'at no more than its cost';
}

function verdict(rec: Recommendation, hasHoldout: boolean): Markup | undefined {
  if (!rec.choice) return undefined;
  if (rec.verdict) {
    const v = rec.verdict;
    const held =
      v.candidate && v.holdoutGain !== undefined
        ? ` Held out, ${policyShort(v.candidate.policy)} ${v.answer === 'yes' ? 'gains' : 'would have gained'} ${formatPoints(v.holdoutGain, 1)} over ${v.versus}.`
        : '';
    return h('span', { class: `verdict ${v.answer}`, id: 'escalation-verdict', 'data-answer': v.answer }, describeVerdict(v) + held);
  }
  const where = hasHoldout && rec.bestSingle?.holdout ? 'held out' : 'in-sample';
  if (!rec.bestSingle) return h('span', {}, `No single model fits ${limitText(rec)}, so there is nothing to compare with.`);
  const gain = rec.gainOverBestSingle ?? 0;
  const yes = rec.escalationWorthIt === true;
  const text =
    rec.choice.policy.kind === 'single'
      ? `No: no cascade beats the best single model ${limitText(rec)}, ${rec.bestSingle.model}.`
      : `${yes ? 'Yes' : 'No'}: ${formatPoints(gain, 1)} ${where} over the best single model ${limitText(rec)}, ${rec.bestSingle.model}.`;
  return h('span', { class: `verdict ${yes ? 'yes' : 'no'}`, id: 'escalation-verdict' }, text);
}

/** Where the held-out figures miss what was asked: over the budget, or under the target. */
function cautions(rec: Recommendation): Markup[] {
  if (!rec.choice) return [];
  const out: Markup[] = [];
  for (const note of describeChoiceNotes(rec)) out.push(h('p', { class: 'caution' }, note));
  if (rec.holdout && rec.budget !== undefined && rec.holdout.cost > rec.budget) {
    out.push(
      h(
        'p',
        { class: 'caution' },
        `Held out, this policy costs ${formatDollars(rec.holdout.cost)}/query, above the budget of ${formatDollars(rec.budget)}/query (escalated ${formatPercent(rec.holdout.escalationRate)} held out, ${formatPercent(rec.choice.escalationRate)} on calibration).${rec.rule === 'noise-aware' ? '' : ' Leave some margin, or pick a cheaper vertex.'}`,
      ),
    );
  }
  if (rec.holdout && rec.target !== undefined && rec.holdout.quality < rec.target) {
    out.push(
      h(
        'p',
        { class: 'caution' },
        `Held out, this policy reaches ${formatPercent(rec.holdout.quality)}, below the target of ${formatPercent(rec.target)} (${formatPercent(rec.choice.quality)} on calibration). Aim higher than the target, or gather more calibration queries.`,
      ),
    );
  }
  return out;
}

/** The answer first: what to deploy for the budget or target, and whether escalation pays. */
function answer(r: AnalysisResult): Markup {
  const rec = r.recommendation;
  if (!rec) {
    return h(
      'section',
      { class: 'answer neutral', id: 'answer' },
      h(
        'p',
        {},
        'No budget or quality target was given, so there is no recommendation: the chart and the envelope table show every choice. Run the report with ',
        h('code', {}, '--budget DOLLARS'),
        ' or ',
        h('code', {}, '--target QUALITY'),
        ' for one.',
      ),
    );
  }
  const hasHoldout = r.holdout !== undefined;
  if (!rec.feasible || !rec.choice) {
    return h('section', { class: 'answer infeasible', id: 'answer', 'data-feasible': 'false' }, h('p', {}, `For ${askText(rec)}, no policy fits: ${rec.reason ?? ''}`));
  }
  const p = rec.choice.policy;
  const shown = rec.holdout ?? rec.inSample;
  return h(
    'section',
    { class: 'answer', id: 'answer', 'data-feasible': 'true' },
    h('p', { class: 'muted' }, `Recommendation for ${askText(rec)}`),
    h(
      'p',
      { class: 'policy' },
      p.kind === 'single'
        ? `Deploy ${p.models[0]} alone`
        : `Deploy ${formatModels(p)}: ${p.models[0]} answers when its confidence ≥ ${thresholdDisplay(p.thresholds[0], { exact: true })}, else ${p.models[1]} answers`,
    ),
    shown ? h('p', {}, `${rec.holdout ? 'Held out' : 'In-sample'}: ${measured(shown)}.`) : undefined,
    h('p', {}, 'Is escalation worth it? ', verdict(rec, hasHoldout)),
    cautions(rec),
  );
}

function recommendationSection(r: AnalysisResult): Markup | undefined {
  const rec = r.recommendation;
  if (!rec || !rec.feasible || !rec.choice) return undefined;
  const v = rec.choice;
  const p = v.policy;
  const hasHoldout = r.holdout !== undefined;
  const local = rec.localShadowPrice;
  const best = rec.bestSingle;
  return h(
    'section',
    { id: 'recommendation' },
    h('h2', {}, 'Recommendation'),
    facts([
      ['Policy', formatPolicyExact(p)],
      p.kind !== 'single' && ['Threshold', `${thresholdDisplay(p.thresholds[0], { exact: true })} (${p.models[0]} answers when its confidence is at or above it)`],
      ['Escalation rate', `${formatPercent(v.escalationRate)} in-sample${rec.holdout ? `, ${formatPercent(rec.holdout.escalationRate)} held out` : ''}`],
      rec.inSample && ['In-sample (calibration)', measured(rec.inSample)],
      rec.holdout && ['Held out', measured(rec.holdout)],
      rec.budgetCheck && ['Budget check (calibration)', describeBudgetCheck(rec.budgetCheck)],
      v.latency && ['Latency (calibration)', `${Math.round(v.latency.meanMs)} ms mean, ${Math.round(v.latency.p95Ms)} ms p95 (an escalated query waits for both models)`],
      ['Shadow price at this vertex', shadowText(v.shadowPrice)],
      local && [
        'Local pair ratio',
        `E[q_b − q_a] / E[c_b] over the ${local.windowQueries} calibration queries with confidence in [${short(local.confidenceFrom)}, ${short(local.confidenceTo)}]: ${formatLambda(local.lambda)}${local.lambda !== null && local.lambda < 0 ? ' (negative: escalating these queries loses quality on average)' : ''}`,
      ],
      best
        ? [`Best single model ${limitText(rec)}`, `${best.model}: ${measured(best.inSample)} in-sample${best.holdout && hasHoldout ? `; ${measured(best.holdout)} held out` : ''}`]
        : [`Best single model ${limitText(rec)}`, 'none fits'],
      ['Is escalation worth it?', verdict(rec, hasHoldout)],
      rec.inSampleChoice &&
        !samePolicy(rec.inSampleChoice.policy, p) && [
          'In-sample rule',
          `${policyShort(rec.inSampleChoice.policy)}: the highest calibration quality within the budget (${formatPercent(rec.inSampleChoice.quality)}), not recommended because the rule above accounts for sampling noise`,
        ],
    ]),
    h(
      'p',
      { class: 'note' },
      'Shadow price: the slope of the upper concave hull of the envelope, in quality points bought by one more dollar per 1,000 queries (λ / 10), and its reciprocal, dollars per 1,000 queries for one more quality point (10 μ). Intervals are bootstrap percentile intervals.',
    ),
  );
}

function cascadeSection(c: CascadeEvaluation | undefined, hasHoldout: boolean): Markup | undefined {
  if (!c) return undefined;
  return h(
    'section',
    { id: 'cascade' },
    h('h2', {}, 'Configured cascade'),
    facts([
      ['Policy', formatPolicyExact(c.policy)],
      ['In-sample (calibration)', measured(c.inSample)],
      hasHoldout && c.holdout && ['Held out', measured(c.holdout)],
      ['Envelope at the same cost', `${formatPercent(c.envelopeQualityAtCost)} (gap ${formatPoints(c.gapToEnvelope, 1).replace(/^\+/, '')})`],
      [
        'Dominated by',
        c.dominatedBy ? `${formatPolicyExact(c.dominatedBy.policy)}: ${formatPercent(c.dominatedBy.quality)} at ${formatDollars(c.dominatedBy.cost)}/query` : 'nothing: it lies on the envelope',
      ],
      c.bestThresholdSamePair && [
        'Best threshold of the same pair within its cost',
        `${thresholdDisplay(c.bestThresholdSamePair.policy.thresholds[0], { exact: true })}: ${formatPercent(c.bestThresholdSamePair.quality)} at ${formatDollars(c.bestThresholdSamePair.cost)}/query, escalated ${formatPercent(c.bestThresholdSamePair.escalationRate)}`,
      ],
      ['Shadow price at its cost', shadowText(c.shadowPrice)],
    ]),
  );
}

function chartSection(r: AnalysisResult, data: ReportData): Markup {
  const hasHoldout = r.holdout !== undefined && r.holdout.length > 0;
  const { total, kept } = data.meta.pairPoints;
  const radio = (name: string, value: string, label: string, checked: boolean, disabled = false) =>
    h('label', {}, h('input', { type: 'radio', name, value, id: `${name}-${value}`, checked, disabled }), ` ${label}`);
  return h(
    'section',
    { id: 'chart-section' },
    h('h2', {}, 'Frontier'),
    h(
      'div',
      { class: 'controls', id: 'chart-controls', hidden: true },
      h('fieldset', {}, h('legend', {}, 'Cost axis'), radio('x-scale', 'log', 'Log', true), radio('x-scale', 'linear', 'Linear', false)),
      h('fieldset', {}, h('legend', {}, 'Figures'), radio('sample', 'in-sample', 'In-sample', true), radio('sample', 'held-out', 'Held out', false, !hasHoldout)),
      h('label', {}, h('input', { type: 'checkbox', id: 'toggle-pairs' }), ` Pair curves (${r.pairs.length})`),
      h('button', { type: 'button', id: 'reset-zoom' }, 'Reset zoom'),
    ),
    h('div', { id: 'chart-container' }, h('canvas', { id: 'frontier-chart', role: 'img', 'aria-label': 'Cost-quality frontier: cost per query against quality' })),
    h('p', { id: 'chart-message', role: 'status' }),
    h(
      'p',
      { class: 'note' },
      'Single models are labelled points; the bold step line is the envelope (the best pair and threshold for each budget, chosen on calibration queries); diamonds mark switching points, where the pair realising the envelope changes; the dashed line is the upper concave hull, labelled where only a randomised mix of two policies reaches it; the star is the recommendation. Hover a point for its figures, scroll to zoom, drag to pan, double-click to reset; click a vertex to find it in the table.',
    ),
    total !== kept
      ? h(
          'p',
          { class: 'note' },
          `Pair curves are drawn from ${kept.toLocaleString('en-US')} of their ${total.toLocaleString('en-US')} points (spread evenly over cost); the envelope and the tables are complete.`,
        )
      : undefined,
  );
}

/** Cost per 1,000 queries, with the cost per query as the cell's tooltip. */
function cost1kCell(cost: number): Markup {
  return h('td', { class: 'num', title: `${formatDollars(cost)}/query` }, formatDollars(cost * 1000));
}

function vertexTable(r: AnalysisResult): Markup {
  const hasHoldout = r.holdout !== undefined && r.holdout.length === r.envelope.length;
  const chosen = r.recommendation?.envelopeIndex;
  const group = (label: string, span: number, cls?: string) => h('th', { scope: 'colgroup', colspan: span, class: cls }, label);
  const col = (label: string, num = true, title?: string) => h('th', { scope: 'col', class: num ? 'num' : undefined, title }, label);
  const head = h(
    'thead',
    {},
    h('tr', { class: 'groups' }, group('', 3), group('Calibration (in-sample)', 3, 'group'), hasHoldout ? group('Held out', 3, 'group') : undefined, group('Shadow price λ', 2, 'group'), group('', 1)),
    h(
      'tr',
      {},
      col('#'),
      col('Policy', false),
      col('Threshold'),
      ...[0, ...(hasHoldout ? [1] : [])].flatMap(() => [col('Escalated'), col('$ / 1k queries'), col('Quality')]),
      col('left', true, 'Quality points bought by one more dollar per 1,000 queries, left of the vertex'),
      col('right', true, 'Quality points bought by one more dollar per 1,000 queries, right of the vertex'),
      col('On hull', false),
    ),
  );
  const row = (v: EnvelopeVertex, i: number) => {
    const ho = hasHoldout ? r.holdout![i].holdout : undefined;
    const recommended = chosen === i;
    return h(
      'tr',
      {
        'data-index': i,
        'data-models': v.policy.models.join(','),
        'data-cost': String(v.cost),
        'data-quality': String(v.quality),
        class: [recommended ? 'recommended' : '', v.onHull ? '' : 'off-hull'].filter(Boolean).join(' ') || undefined,
      },
      h('td', { class: 'num' }, i + 1),
      h('td', { class: 'name' }, formatModels(v.policy), recommended ? h('span', { class: 'tag' }, 'recommended') : undefined),
      h('td', { class: 'num mono' }, v.policy.kind === 'single' ? '—' : thresholdDisplay(v.policy.thresholds[0], { exact: true, bare: true })),
      h('td', { class: 'num' }, formatPercent(v.escalationRate)),
      cost1kCell(v.cost),
      h('td', { class: 'num' }, formatPercent(v.quality, 2)),
      ...(ho ? [h('td', { class: 'num' }, formatPercent(ho.escalationRate)), cost1kCell(ho.cost), h('td', { class: 'num' }, formatPercent(ho.quality, 2))] : []),
      h('td', { class: 'num', title: formatMu(v.shadowPrice.muLeft) }, lambdaPoints(v.shadowPrice.lambdaLeft, 'grouped')),
      h('td', { class: 'num', title: formatMu(v.shadowPrice.muRight) }, lambdaPoints(v.shadowPrice.lambdaRight, 'grouped')),
      h('td', { class: 'hull' }, v.onHull ? 'yes' : 'no'),
    );
  };
  return h(
    'section',
    { id: 'vertices' },
    h('h2', {}, 'Envelope vertices'),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { id: 'vertex-table', 'data-vertex-count': r.envelope.length },
        h(
          'caption',
          {},
          `${r.envelope.length} vertices, cost ascending, chosen on calibration queries${hasHoldout ? ' and measured again on the holdout queries' : ''}. Costs are dollars per 1,000 queries (hover for the cost per query). λ: quality points bought by one more dollar per 1,000 queries, left and right of the vertex (hover for the reciprocal). On hull “no”: only a randomised mix of its neighbours reaches the hull there.`,
        ),
        head,
        h('tbody', {}, r.envelope.map(row)),
      ),
    ),
  );
}

function switchingTable(r: AnalysisResult): Markup {
  return h(
    'section',
    { id: 'switching' },
    h('h2', {}, 'Switching points'),
    r.switchingPoints.length === 0
      ? h('p', { class: 'muted' }, 'None: one pair (or one model) realises the whole envelope.')
      : h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { id: 'switching-table' },
            h('caption', {}, 'Budgets at which the pair realising the envelope changes.'),
            h('thead', {}, h('tr', {}, h('th', { class: 'num', scope: 'col' }, 'Budget'), h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'To'))),
            h(
              'tbody',
              {},
              r.switchingPoints.map((s) =>
                h('tr', {}, h('td', { class: 'num' }, costWith1k(s.budget)), h('td', { class: 'name' }, formatModels(s.from)), h('td', { class: 'name' }, formatModels(s.to))),
              ),
            ),
          ),
        ),
  );
}

function modelTable(r: AnalysisResult): Markup {
  return h(
    'section',
    { id: 'models' },
    h('h2', {}, 'Models'),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { id: 'model-table' },
        h('caption', {}, `Calibration figures${r.split.kind === 'none' ? '' : ` (${r.split.nCalibration.toLocaleString('en-US')} queries)`}, cheap to expensive.`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Model', 'Cost', 'Quality', 'Confidence range'].map((c, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : undefined }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          r.models.map((m) =>
            h(
              'tr',
              {},
              h('td', { class: 'name' }, m.name),
              h('td', { class: 'num' }, costWith1k(m.cost)),
              h('td', { class: 'num' }, formatPercent(m.quality, 2)),
              h(
                'td',
                { class: 'num mono' },
                m.confidenceMin === null || m.confidenceMax === null ? 'none' : `${short(m.confidenceMin)} … ${short(m.confidenceMax)}${m.confidenceSource === 'learned' ? ' (learned)' : ''}`,
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function fileTable(files: readonly FileSummary[]): Markup {
  const list = (xs: readonly string[]) => (xs.length === 0 ? '—' : xs.join('; '));
  return h(
    'section',
    { id: 'files' },
    h('h2', {}, 'Files read'),
    files.length === 0
      ? h('p', { class: 'muted' }, 'No input files.')
      : h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { id: 'file-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['File', 'Format', 'Models', 'Records', 'Rejected', 'Derived', 'Missing'].map((c) => h('th', { scope: 'col', class: c === 'Records' || c === 'Rejected' ? 'num' : undefined }, c)),
              ),
            ),
            h(
              'tbody',
              {},
              files.map((f) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'name mono' }, f.file),
                  h('td', {}, f.format),
                  h('td', { class: 'name' }, f.models.join(', ') || '—'),
                  h('td', { class: 'num' }, f.records.toLocaleString('en-US')),
                  h('td', { class: 'num' }, f.rejected.toLocaleString('en-US')),
                  h('td', {}, list(f.derived)),
                  h('td', {}, list(f.missing)),
                ),
              ),
            ),
          ),
        ),
  );
}

function warningList(r: AnalysisResult): Markup {
  return h(
    'section',
    { id: 'warnings' },
    h('h2', {}, 'Warnings'),
    r.warnings.length === 0
      ? h('p', { class: 'muted', id: 'no-warnings' }, 'None: every record was read.')
      : h(
          'ul',
          { class: 'warnings', id: 'warning-list' },
          r.warnings.map((w) => h('li', {}, w)),
        ),
  );
}

/**
 * The whole page for `data`, with `script` (the chart's browser bundle) inline. O(size of the
 * data). @throws Error when the script could end its own element (it contains `</script`).
 */
export function renderReportHtml(data: ReportData, script: string): string {
  if (/<\/script|<!--/i.test(script)) throw new Error('the report script contains "</script" or "<!--" and cannot be inlined');
  const r = data.result;
  const title = `Cascade Frontier report: ${data.meta.inputs.join(', ')}`;
  const body = h(
    'main',
    { id: 'report-root', 'data-status': 'static' },
    header(data),
    driftNotice(r),
    answer(r),
    chartSection(r, data),
    recommendationSection(r),
    cascadeSection(r.cascade, r.holdout !== undefined),
    vertexTable(r),
    switchingTable(r),
    modelTable(r),
    signalsSection(r),
    fileTable(data.files),
    warningList(r),
    h(
      'footer',
      {},
      h(
        'p',
        {},
        'Every number follows the Cascade Frontier specification: a pair answers with the cheap model when its confidence is at or above the threshold, else escalates and pays both calls; policies are chosen on calibration queries and measured again on holdout queries.',
      ),
      h('p', {}, 'This file is self-contained and loads nothing from the network. The chart is drawn with Chart.js (MIT License, Chart.js Contributors), embedded in the page.'),
    ),
  );
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${reportCsp(script, REPORT_CSS)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<meta name="generator" content="cascade-frontier ${escapeHtml(data.meta.toolVersion)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    body.html,
    `<script type="application/json" id="${REPORT_DATA_ID}">${jsonForScript(data)}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** How the intervals were computed: bootstrap percentile, normal from the stated number of queries on. */
function statisticsLine(r: AnalysisResult): string {
  const level = `${Math.round(r.settings.level * 100)}%`;
  const from = r.settings.normalIntervalsFrom.toLocaleString('en-US');
  return `${r.settings.bootstrapResamples.toLocaleString('en-US')} bootstrap resamples (seed ${r.settings.seed}), ${level} percentile intervals; normal ${level} intervals over ${from} queries or more`;
}
