import { parseArgs } from 'node:util';
import type { ComparisonFamily, ComparisonResult, Estimate } from '../../core/compare/types.ts';
import { compare } from '../../core/compare/compare.ts';
import { loadEvalFiles } from '../../core/load/index.ts';
import { loadDetails, printIssues, requireUsableQueries, withJsonOnFailure } from './analyze.ts';
import { learnConfidence } from '../../core/confidence/learned.ts';
import { ASCII_ARROW, policyShort, resultJson, splitLine } from '../../core/format/index.ts';
import { EXIT, InputError, UsageError, type CliIO } from '../io.ts';
import { confidenceFromOptions, INPUT_OPTIONS, INPUT_USAGE, joinNegativeValues, loadOptionsFrom, numberOption, splitFromOptions } from '../options.ts';
import { dollars, lambdaText, percent, table } from '../format.ts';

export const COMPARE_USAGE = `Usage: cascade-frontier compare <files or folders...> [options]

Compares, held out, the policies a team could deploy on its own evaluation results: the best
single model, the pairwise cascade envelope, the full fixed chain of all models, the best
subsequence of up to four models, a pre-generation router trained on the prompts, and the
perfect-routing bound. Everything is chosen (and the router trained) on the calibration split
and measured on the holdout split, with bootstrap intervals, and answers: is escalation worth
it, do longer chains help, and does a router beat the best cascade?

Options:
${INPUT_USAGE}
  --bootstrap N           bootstrap resamples for intervals (default 1000; 0 for none)
  --max-subsequence K     longest subsequence searched, 1 to 6 (default 4)
  --router-features F     auto (default: embeddings when records have them, else prompt
                          n-grams), ngrams or embeddings
  -h, --help              this text

Exit codes: 0 success (problems in records are reported as warnings), 1 no usable input,
2 wrong usage.`;

/** `cascade-frontier compare`: returns the exit code. */
export async function runCompare(argv: readonly string[], io: CliIO): Promise<number> {
  const options = { ...INPUT_OPTIONS, bootstrap: { type: 'string' }, 'max-subsequence': { type: 'string' }, 'router-features': { type: 'string' } } as const;
  const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, options), allowPositionals: true, options });
  if (values.help) {
    io.out(COMPARE_USAGE);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('name at least one evaluation file or folder');
  const bootstrapResamples = numberOption('bootstrap', values.bootstrap, (x) => Number.isInteger(x) && x >= 0 && x <= 100000, 'a whole number from 0 to 100000');
  const maxSubsequence = numberOption('max-subsequence', values['max-subsequence'], (x) => Number.isInteger(x) && x >= 1 && x <= 6, 'a whole number from 1 to 6');
  const features = values['router-features'];
  if (features !== undefined && features !== 'auto' && features !== 'ngrams' && features !== 'embeddings') {
    throw new UsageError(`--router-features must be auto, ngrams or embeddings, got ${JSON.stringify(features)}`);
  }
  const { split, seed } = splitFromOptions(values);
  const confidence = confidenceFromOptions(values);
  return withJsonOnFailure('compare', values.json, io, async () => {
    const loaded = await loadEvalFiles(positionals, loadOptionsFrom(values));
    const details = loadDetails(loaded);
    requireUsableQueries(loaded, details, io);
    let result: ComparisonResult;
    try {
      const dataset = confidence === 'learned' ? learnConfidence(loaded.dataset, split).dataset : loaded.dataset;
      result = compare(dataset, {
        ...(split ? { split } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(bootstrapResamples !== undefined ? { bootstrapResamples } : {}),
        ...(maxSubsequence !== undefined ? { maxSubsequence } : {}),
        ...(features !== undefined ? { router: { features } } : {}),
        issues: loaded.issues,
      });
    } catch (e) {
      throw new InputError((e as Error).message, details);
    }
    if (values.json) {
      io.out(resultJson({ ...result, files: loaded.files, ...(loaded.folders ? { folders: loaded.folders } : {}), ...(loaded.prices ? { prices: loaded.prices } : {}) }));
    } else {
      io.out(renderComparison(result));
      printIssues(result.warnings, io);
    }
    return EXIT.ok;
  });
}

/** 78.0% [76.1, 79.8] */
function pctWithInterval(e: Estimate): string {
  if (e.value === null) return '-';
  return e.interval ? `${percent(e.value)} [${(e.interval[0] * 100).toFixed(1)}, ${(e.interval[1] * 100).toFixed(1)}]` : percent(e.value);
}

/** +2.5 [1.7, 3.2] quality points */
function pointsWithInterval(e: Estimate): string {
  if (e.value === null) return '-';
  const f = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  return e.interval ? `${f(e.value)} [${f(e.interval[0])}, ${f(e.interval[1])}]` : f(e.value);
}

function sizeText(f: ComparisonFamily, r: ComparisonResult): string {
  if (!f.available) return 'unavailable';
  switch (f.id) {
    case 'router':
    case 'bound':
      return `${f.holdout.length} points`;
    case 'bestSubsequence':
      return `${f.inSample.length} of ${r.search.subsequenceCandidates} subsets`;
    default:
      return `${f.inSample.length} policies`;
  }
}

/** The readable report of `compare` (without the problems list, printed on stderr). */
export function renderComparison(r: ComparisonResult): string {
  const out: string[] = [];
  const where = r.heldOut ? 'held out' : 'in-sample';
  out.push(`Cascade Frontier comparison: ${r.models.length} models, ${r.n} queries`);
  out.push(`  ${splitLine(r.split, 'comparison')}`);
  out.push(
    r.heldOut
      ? '  Policies are chosen and the router is trained on calibration; every figure below is measured on holdout unless marked in-sample.'
      : '  Without a holdout split every figure below is in-sample: optimistic for the families with the most choices.',
  );
  out.push('');
  out.push('Models (cheap to expensive by calibration cost)');
  out.push(
    table(
      ['model', 'calibration $/1k', 'quality', `${where} $/1k`, 'quality'],
      r.models.map((m) => [m.name, dollars(m.calibration.cost * 1000), percent(m.calibration.quality), dollars(m.holdout.cost * 1000), percent(m.holdout.quality)]),
      new Set([1, 2, 3, 4]),
    ),
  );
  out.push('');
  const level = Math.round(r.settings.level * 100);
  const rangeText = r.range ? `${dollars(r.range.from * 1000)} to ${dollars(r.range.to * 1000)} per 1k queries` : 'no range (the models cost the same)';
  out.push(`Comparison (${where}; area over ${rangeText}; ${level}% bootstrap intervals, ${r.settings.bootstrapResamples} resamples)`);
  const rows = r.families.map((f) => [
    f.label + (f.kind === 'bound' ? ' (bound)' : ''),
    sizeText(f, r),
    pctWithInterval(f.area),
    f.id === 'envelope' ? '-' : pointsWithInterval(f.areaVsEnvelope),
    f.aiq.value === null ? '-' : percent(f.aiq.value),
    f.apgr.value === null ? '-' : percent(f.apgr.value),
    f.inSampleArea === null ? '-' : percent(f.inSampleArea),
  ]);
  rows.push(['best cascade (any of the above cascades)', '', pctWithInterval(r.bestCascade.area), '', '', '', '']);
  out.push(table(['family', 'size', 'area', 'vs envelope (points)', 'AIQ', 'APGR', 'in-sample area'], rows, new Set([2, 3, 4, 5, 6])));
  for (const f of r.families) if (!f.available) out.push(`  ${f.label}: unavailable. ${f.reason}`);
  out.push('');
  out.push('Verdicts');
  for (const v of Object.values(r.verdicts)) {
    out.push(`  ${v.question}`);
    out.push(`    ${v.detail}`);
  }
  if (r.bestCascade.maxStructuralShare !== null) {
    out.push(`  (Along the best cascade's frontier the structural share of spend reaches ${percent(r.bestCascade.maxStructuralShare)}.)`);
  }
  out.push('');
  out.push(...renderChainBalance(r));
  out.push('');
  out.push(...renderRouter(r));
  out.push('');
  out.push('Legend');
  if (r.range) out.push(`  area: ${r.range.definition}.`);
  if (r.reference) {
    out.push(`  AIQ: ${r.reference.aiqDefinition}; here ${r.reference.weak} ${dollars(r.reference.from * 1000)}/1k to ${r.reference.strong} ${dollars(r.reference.to * 1000)}/1k.`);
    out.push(`  APGR: ${r.reference.apgrDefinition}; cheapest ${r.reference.weak}, best ${r.reference.strong} (above 100% beats the best model's quality at lower cost).`);
  } else out.push('  AIQ and APGR: not computed (the best model is also the cheapest).');
  out.push('  vs envelope: difference of areas in quality points (paired bootstrap). in-sample area: on the calibration queries the policies were chosen on.');
  out.push('  The perfect-routing bound knows every answer in advance: an upper limit for any router on these models, not a policy.');
  return out.join('\n');
}

function renderChainBalance(r: ComparisonResult): string[] {
  const full = r.families.find((f) => f.id === 'fullChain');
  const points = (full?.inSample ?? []).filter((p) => p.boundaryRatios && p.boundaryRatios.length > 0);
  if (points.length === 0) return [];
  const out = ['Full chain balance (calibration): at an optimum every boundary buys the same quality per dollar (first-order conditions)'];
  const pick = points.length <= 6 ? points : [0, 1, 2, 3, 4, 5].map((i) => points[Math.round((i * (points.length - 1)) / 5)]);
  out.push(
    table(
      ['$/1k', 'quality', 'optimised for (pts per +$1/1k)', 'boundary ratios reached (pts per +$1/1k)'],
      pick.map((p) => {
        const ratios = p.boundaryRatios!.filter((b) => b.reached > 0 && b.lambda !== null).map((b) => lambdaText(b.lambda));
        return [dollars(p.cost * 1000), percent(p.quality), lambdaText(p.lambda ?? null), ratios.join(', ') || '-'];
      }),
      new Set([0, 1, 2]),
    ),
  );
  const best = r.families.find((f) => f.id === 'bestSubsequence');
  const longest = best?.inSample.filter((p) => (p.policy?.models.length ?? 0) > 2) ?? [];
  if (longest.length > 0) {
    const p = longest[longest.length - 1];
    out.push(`  Longest-chain point of the best subsequence: ${policyShort(p.policy!, ASCII_ARROW)} (${dollars(p.cost * 1000)}/1k, ${percent(p.quality)} in-sample).`);
  }
  return out;
}

function renderRouter(r: ComparisonResult): string[] {
  if (!r.router.available) return [`Router: unavailable. ${r.router.reason}`];
  const out = [`Router: ${r.router.features}.`];
  const methods = new Set(r.router.costModels?.map((c) => c.method));
  out.push(
    `  Expected cost: ${methods.has('tokens') ? 'input tokens priced at per-token rates fitted on calibration, plus the mean output' : "each model's mean calibration cost"}` +
      `${methods.size > 1 ? ' (mean cost for models without token counts)' : ''}; it pays only the model it picks.`,
  );
  if (r.router.logLossSkill !== undefined) {
    out.push(
      `  Routing signal: held-out log-loss ${r.router.logLossSkill >= 0 ? `${(r.router.logLossSkill * 100).toFixed(1)}% below` : `${(-r.router.logLossSkill * 100).toFixed(1)}% above`} predicting each model's calibration success rate.`,
    );
  }
  for (const w of r.router.warnings ?? []) out.push(`  ${w}`);
  return out;
}
