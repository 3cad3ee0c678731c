/**
 * How fast the frontier chart is built (and, with --browser, drawn) for a large analysis:
 * 10 models (45 pair curves) over 100,000 queries, each pair curve with thousands of Pareto
 * points. The analysis is synthetic, generated here with a fixed seed, shaped like a real one
 * (concave-ish pair curves with noise, envelope, hull with randomised segments, switching
 * points, held-out figures).
 *
 *   node --import tsx scripts/bench-webview.ts            # chart model in Node
 *   node --import tsx scripts/bench-webview.ts --browser  # also the panel in headless Chromium
 *                                                         # (needs `npm run build` and /usr/bin/chromium)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AnalysisResult, EnvelopeVertex, HullVertex, PairCurveSummary, PolicySpec, SwitchingPoint } from '../src/core/types.ts';
import { buildChartModel, preparePairs, type ChartViewState } from '../webview/chartModel.ts';
import { readPalette } from '../webview/theme.ts';
import { seededRandom } from '../src/core/stats.ts';

const MODELS = 10;
const QUERIES = 100_000;
const SEED = 7;

/** A synthetic analysis of `k` models over `n` queries (curves have one point per distinct escalation count, thinned). */
export function syntheticAnalysis(k = MODELS, n = QUERIES, seed = SEED): AnalysisResult {
  const rnd = seededRandom(seed);
  const models = Array.from({ length: k }, (_, m) => {
    const cost = 1e-5 * Math.pow(10, (3 * m) / (k - 1)) * (0.9 + 0.2 * rnd());
    const quality = Math.min(0.95, 0.42 + (0.5 * m) / (k - 1) + 0.04 * (rnd() - 0.5));
    const signal = {
      scale: 'log-probability' as const,
      calibrationErrorHoldout: 0.05,
      reliability: [],
      reliabilityHoldout: [],
      distinctValues: n / 2,
      commonValuesShare: 10 / n,
      weak: false,
      degenerate: false,
    };
    return {
      name: `model-${String(m).padStart(2, '0')}`,
      cost,
      quality,
      n: n / 2,
      confidenceSource: 'logged' as const,
      confidenceMin: -8,
      confidenceMax: 0,
      confidenceAuroc: 0.75,
      confidenceAurocHoldout: 0.74,
      calibrationError: 0.05,
      confidenceSignal: signal,
    };
  });
  const policyOf = (a: string, b: string, t: number | null): PolicySpec => ({ kind: 'pair', models: [a, b], thresholds: [t] });
  const pairs: PairCurveSummary[] = [];
  const candidates: { cost: number; quality: number; escalationRate: number; policy: PolicySpec }[] = models.map((m) => ({
    cost: m.cost,
    quality: m.quality,
    escalationRate: 0,
    policy: { kind: 'single', models: [m.name], thresholds: [] },
  }));
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const A = models[a];
      const B = models[b];
      // A random walk of escalation counts: thousands of distinct thresholds per pair.
      const points: { threshold: number | null; cost: number; quality: number; escalationRate: number }[] = [];
      let escalated = 0;
      let gain = 0;
      let threshold = -8;
      const curvature = 1.3 + rnd();
      while (escalated < n / 2) {
        const step = 1 + Math.floor(rnd() * 6);
        escalated = Math.min(n / 2, escalated + step);
        const r = escalated / (n / 2);
        // Concave in expectation, noisy locally (so the Pareto set keeps most but not all points).
        gain = Math.max(gain - 0.001, (B.quality - A.quality) * (1 - Math.pow(1 - r, curvature)) + 0.0015 * (rnd() - 0.5));
        threshold += (8 / (n / 2)) * step;
        points.push({ threshold: escalated === n / 2 ? null : threshold, cost: A.cost + r * B.cost, quality: A.quality + gain, escalationRate: r });
      }
      // Keep the pair's own Pareto points, cost ascending (what the analysis sends).
      const pareto: typeof points = [];
      let best = -Infinity;
      for (const p of points) {
        if (p.quality > best) {
          pareto.push(p);
          best = p.quality;
        }
      }
      pairs.push({ cheap: A.name, expensive: B.name, points: pareto });
      for (const p of pareto) candidates.push({ cost: p.cost, quality: p.quality, escalationRate: p.escalationRate, policy: policyOf(A.name, B.name, p.threshold) });
    }
  }
  candidates.sort((x, y) => x.cost - y.cost || y.quality - x.quality);
  const env: typeof candidates = [];
  let best = -Infinity;
  for (const c of candidates) if (c.quality > best) (env.push(c), (best = c.quality));
  // Upper concave hull of the envelope (monotone chain).
  const hullIdx: number[] = [];
  env.forEach((p, i) => {
    while (hullIdx.length >= 2) {
      const o = env[hullIdx[hullIdx.length - 2]];
      const q = env[hullIdx[hullIdx.length - 1]];
      if ((q.cost - o.cost) * (p.quality - o.quality) - (q.quality - o.quality) * (p.cost - o.cost) >= 0) hullIdx.pop();
      else break;
    }
    hullIdx.push(i);
  });
  const onHull = new Set(hullIdx);
  const slope = (i: number, j: number) => (env[j].quality - env[i].quality) / (env[j].cost - env[i].cost);
  const envelope: EnvelopeVertex[] = env.map((v, i) => {
    let h = 0;
    while (h + 1 < hullIdx.length && hullIdx[h + 1] <= i) h++;
    const right = h + 1 < hullIdx.length ? slope(hullIdx[h], hullIdx[h + 1]) : 0;
    const left = hullIdx[h] === i ? (h > 0 ? slope(hullIdx[h - 1], hullIdx[h]) : null) : right;
    return { ...v, shadowPrice: { lambdaLeft: left, lambdaRight: right, muLeft: left ? 1 / left : null, muRight: right ? 1 / right : null }, onHull: onHull.has(i) };
  });
  const hull: HullVertex[] = hullIdx.map((i, h) => ({ cost: env[i].cost, quality: env[i].quality, policy: env[i].policy, randomizedToNext: h + 1 < hullIdx.length && hullIdx[h + 1] - i > 1 }));
  const switchingPoints: SwitchingPoint[] = [];
  for (let i = 1; i < env.length; i++) {
    if (env[i].policy.models.join() !== env[i - 1].policy.models.join()) switchingPoints.push({ budget: env[i].cost, from: env[i - 1].policy, to: env[i].policy });
  }
  return {
    version: 1,
    n,
    split: { kind: 'random', seed, holdoutFraction: 0.5, nCalibration: n / 2, nHoldout: n / 2 },
    models,
    envelope,
    hull,
    switchingPoints,
    pairs,
    holdout: envelope.map((v) => ({
      policy: v.policy,
      calibration: { cost: v.cost, quality: v.quality },
      holdout: { n: n / 2, cost: v.cost * (1 + 0.02 * (rnd() - 0.5)), quality: v.quality - 0.01 * rnd(), escalationRate: v.escalationRate },
    })),
    warnings: [],
    settings: { bootstrapResamples: 1000, normalIntervalsFrom: 20000, seed, level: 0.95, localWindow: 5000 },
  };
}

function timeIt(fn: () => void, runs: number): { median: number; min: number; max: number } {
  for (let i = 0; i < 3; i++) fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[runs >> 1], min: times[0], max: times[runs - 1] };
}

const fmt = (t: { median: number; min: number; max: number }) => `median ${t.median.toFixed(2)} ms (min ${t.min.toFixed(2)}, max ${t.max.toFixed(2)})`;

function benchNode(result: AnalysisResult): void {
  const palette = readPalette(() => '', 'dark');
  const pairPoints = result.pairs.reduce((s, p) => s + p.points.length, 0);
  console.log(
    `synthetic analysis: ${result.models.length} models, ${QUERIES.toLocaleString('en-US')} queries, ${result.pairs.length} pair curves with ${pairPoints.toLocaleString('en-US')} Pareto points (${Math.round(pairPoints / result.pairs.length)} per pair), ${result.envelope.length} envelope vertices, ${result.hull.length} hull vertices, ${result.switchingPoints.length} switching points`,
  );
  const base: ChartViewState = { xScale: 'log', showPairs: true, sample: 'in-sample', budget: result.envelope[result.envelope.length >> 1].cost, columns: 600 };
  const first = performance.now();
  preparePairs(result);
  console.log(`first sight of a result (pair curves sorted and checked once): ${(performance.now() - first).toFixed(2)} ms`);
  const model = buildChartModel(result, base, palette);
  console.log(
    `pair-curve points drawn after thinning to 600 columns (a 1200-pixel plot): ${model.stats.pairPointsDrawn.toLocaleString('en-US')} of ${model.stats.pairPointsIn.toLocaleString('en-US')}`,
  );
  console.log(`buildChartModel, pairs shown, log axis:   ${fmt(timeIt(() => buildChartModel(result, base, palette), 30))}`);
  console.log(`buildChartModel, pairs shown, linear axis: ${fmt(timeIt(() => buildChartModel(result, { ...base, xScale: 'linear' }, palette), 30))}`);
  console.log(`buildChartModel, pairs hidden (default):   ${fmt(timeIt(() => buildChartModel(result, { ...base, showPairs: false }, palette), 30))}`);
  const mid = result.envelope[result.envelope.length >> 1];
  const zoom = { xMin: mid.cost / 1.5, xMax: mid.cost * 1.5, yMin: mid.quality - 0.05, yMax: mid.quality + 0.05 };
  console.log(`buildChartModel, pairs shown, zoomed in:   ${fmt(timeIt(() => buildChartModel(result, { ...base, zoom }, palette), 30))}`);
}

async function benchBrowser(result: AnalysisResult): Promise<void> {
  const root = resolve(__dirname, '..');
  const chromiumPath = '/usr/bin/chromium';
  if (!existsSync(chromiumPath) || !existsSync(join(root, 'dist/webview.js'))) {
    console.log(`browser: skipped (needs ${chromiumPath} and dist/webview.js from npm run build)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const { frontierHtml } = await import('../src/extension/panel/html.ts');
  const origin = 'https://frontier.invalid';
  const html = frontierHtml({ cspSource: origin, nonce: 'benchnonce', scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/media/frontier.css`, title: 'bench' }).replace(
    '<body>',
    '<body class="vscode-dark">',
  );
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.route(`${origin}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/') return route.fulfill({ contentType: 'text/html', body: html });
      return route.fulfill({ contentType: path.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(join(root, path)) });
    });
    await page.addInitScript(
      "window.__sent = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m), getState: () => undefined, setState: () => {} }); window.addEventListener('message', () => { window.__received = performance.now(); }, { capture: true });",
    );
    await page.goto(`${origin}/`);
    await page.waitForFunction('window.__sent.length > 0');
    const snapshot = { key: 'bench', label: 'bench', result, files: [], issues: [], issueCounts: { errors: 0, warnings: 0 }, computedAt: Date.now(), status: 'idle' };
    const { PROTOCOL_VERSION } = await import('../src/protocol.ts');
    const message = { protocol: 'cascadeFrontier', version: PROTOCOL_VERSION, kind: 'notification', method: 'analysis/snapshot', params: { snapshot } };
    // The editor hands the page an already-deserialised message; so does this (the harness's own transfer is not timed).
    await page.evaluate((m) => void ((window as unknown as { __message: unknown }).__message = m), message);
    await page.evaluate("window.postMessage(window.__message, '*')");
    await page.waitForSelector('#vertex-table tbody tr');
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => r()))');
    const handled = await page.evaluate('performance.now() - window.__received');
    const renderMs = async () => Number(await page.getAttribute('#chart-container', 'data-render-ms'));
    console.log(`browser: snapshot received to painted (table, recommendation, first chart): ${Number(handled).toFixed(0)} ms, of which the chart ${(await renderMs()).toFixed(1)} ms`);
    await page.click('#toggle-pairs');
    console.log(`browser: pair curves on: chart update ${(await renderMs()).toFixed(1)} ms (${await page.getAttribute('#chart-container', 'data-pair-points-drawn')} points drawn)`);
    const times: number[] = [];
    for (const p of [100, 300, 500, 700, 900, 200, 400, 600, 800]) {
      await page.evaluate(`(() => { const s = document.getElementById('budget-slider'); s.value = '${p}'; s.dispatchEvent(new Event('input')); })()`);
      times.push(await renderMs());
    }
    times.sort((a, b) => a - b);
    console.log(`browser: budget moves with pair curves on: chart update median ${times[times.length >> 1].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
    const box = await page.locator('#frontier-chart').boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -300);
      await page.waitForTimeout(50);
      console.log(`browser: wheel zoom with pair curves on: chart update ${(await renderMs()).toFixed(1)} ms`);
    }
    console.log(
      `browser: chart instance id after all updates: ${await page.getAttribute('#chart-container', 'data-chart-instance')} (renders: ${await page.getAttribute('#chart-container', 'data-render-count')})`,
    );
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const result = syntheticAnalysis();
  benchNode(result);
  if (process.argv.includes('--browser')) await benchBrowser(result);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
