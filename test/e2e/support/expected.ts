// Expected figures for a workspace, computed without the extension: the cascade config is
// read with the `yaml` package, its eval globs are expanded here, and the numbers come from
// the CLI's `analyze --json` on the same files.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AnalysisResult } from '../../../src/core/types.ts';
import type { CheckFindingLine, ExpectedValues } from './expectedTypes.ts';
import { ROOT } from './paths.ts';

export type { ExpectedValues } from './expectedTypes.ts';

const CLI = join(ROOT, 'dist', 'cli.js');

interface RawConfig {
  evals?: string[] | string;
  split?: 'none' | { field?: string; calibration?: string; holdout?: string; holdoutFraction?: number; seed?: number };
  budget?: number;
  cascade?: { model: string; threshold?: number | null }[];
}

/** `**`, `*`, `?` and `{a,b}` globs, matched against `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && re.includes('(?:')) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(relative(base, p).split(sep).join('/'));
  }
  return out.sort();
}

/** Runs `cascade-frontier analyze --json` and returns its result. */
export function analyzeWithCli(files: readonly string[], flags: readonly string[]): AnalysisResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const out = execFileSync(process.execPath, [CLI, 'analyze', ...files, ...flags, '--json', '--bootstrap', '0'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return JSON.parse(out) as AnalysisResult;
}

/** The eval file (relative to `folder`) holding `model`'s results: named after it, or naming it in its records. */
export function evalFileFor(folder: string, model: string): string {
  const files = listFiles(folder).filter((f) => /\.(jsonl|json|csv)$/.test(f));
  const stem = (f: string): string =>
    f
      .split('/')
      .pop()!
      .replace(/\.[^.]+$/, '');
  const byName = files.find((f) => stem(f) === model);
  if (byName) return byName;
  const byContent = files.find((f) => new RegExp(`"model"\\s*:\\s*${JSON.stringify(model).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(readFileSync(join(folder, f), 'utf8')));
  if (!byContent) throw new Error(`no eval file in ${folder} holds results of ${model}`);
  return byContent;
}

/** 1-based position of the first stage's threshold value in the config text. */
export function thresholdPosition(text: string): { line: number; column: number } {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^cascade\s*:/.test(l));
  for (let i = Math.max(start, 0); i < lines.length; i++) {
    const m = /^(\s*(?:-\s*)?threshold\s*:\s*)(\S)/.exec(lines[i]!);
    if (m) return { line: i + 1, column: m[1]!.length + 1 };
  }
  throw new Error('the cascade config has no threshold under cascade:');
}

/** Expected figures for the workspace at `folder`, whose config is `configFile` (relative). */
export function computeExpected(folder: string, configFile = 'cascade.config.yaml'): ExpectedValues {
  const text = readFileSync(join(folder, configFile), 'utf8');
  const config = parseYaml(text) as RawConfig;
  const configDir = join(folder, configFile, '..');
  const globs = config.evals === undefined ? ['**/*.jsonl'] : Array.isArray(config.evals) ? config.evals : [config.evals];
  const all = listFiles(configDir);
  const files = all.filter((f) => globs.some((g) => globToRegExp(g.replace(/^\.\//, '')).test(f))).map((f) => join(configDir, f));
  if (files.length === 0) throw new Error(`no eval files match ${globs.join(', ')} in ${configDir}`);

  const stages = config.cascade ?? [];
  if (stages.length !== 2 || typeof stages[0]?.threshold !== 'number') throw new Error(`${configFile}: the tests expect a two-stage cascade with a numeric threshold`);
  const cheap = stages[0].model;
  const expensive = stages[1]!.model;
  const threshold = stages[0].threshold;
  if (config.budget === undefined) throw new Error(`${configFile}: the tests expect a budget`);
  const budget = config.budget;

  const splitFlags: string[] = [];
  const split = config.split;
  if (split === 'none') splitFlags.push('--no-split');
  else if (split && (split.holdoutFraction !== undefined || split.seed !== undefined)) splitFlags.push('--holdout-fraction', String(split.holdoutFraction ?? 0.5), '--seed', String(split.seed ?? 1));
  else if (split) splitFlags.push('--split-field', split.field ?? 'split', '--calibration', split.calibration ?? 'train', '--holdout', split.holdout ?? 'test');
  const flags = ['--budget', String(budget), '--cascade', `${cheap},${expensive},${threshold}`, ...splitFlags];
  const result = analyzeWithCli(files, flags);

  const pair = result.pairs.find((p) => p.cheap === cheap && p.expensive === expensive);
  if (!pair) throw new Error(`the CLI reports no pair ${cheap} -> ${expensive}`);
  // The in-sample best point of the pair within the budget (ties go to the cheaper one), by brute
  // force over the pair's curve: what the suggestion would be without the noise-aware rule.
  let best: { threshold: number | null; cost: number; quality: number; escalationRate: number } | undefined;
  for (const p of pair.points) {
    if (p.cost > budget * (1 + 1e-12)) continue;
    if (!best || p.quality > best.quality || (p.quality === best.quality && p.cost < best.cost)) best = p;
  }
  if (!best) throw new Error(`no threshold of ${cheap} -> ${expensive} fits the budget ${budget}`);
  const cascade = result.cascade;
  if (!cascade) throw new Error('the CLI did not evaluate the configured cascade');
  // What the editor suggests: the recommendation's threshold when it deploys this pair, else the
  // recommendation rule's threshold for the pair, as the CLI gives them.
  const choice = result.recommendation?.feasible ? result.recommendation.choice : undefined;
  const samePair = choice && choice.policy.models.length === 2 && choice.policy.models[0] === cheap && choice.policy.models[1] === expensive;
  const suggested = samePair ? choice : cascade.suggestedThreshold;
  if (!suggested) throw new Error(`the CLI suggests no threshold of ${cheap} -> ${expensive} within the budget ${budget}`);
  const env = result.envelope;
  return {
    workspace: folder,
    configFile,
    budget,
    cascade: { cheap, expensive, threshold },
    thresholdPosition: thresholdPosition(text),
    recommendation: {
      models: result.recommendation?.choice?.policy.models ?? [],
      threshold: result.recommendation?.choice?.policy.thresholds[0] ?? null,
      verdict: result.recommendation?.verdict?.answer ?? null,
      inSampleModels: result.recommendation?.inSampleChoice?.policy.models ?? [],
    },
    recommendedThreshold: suggested.policy.thresholds[0] ?? null,
    inSampleThreshold: best.threshold,
    configured: { cost: cascade.inSample.cost, quality: cascade.inSample.quality, escalationRate: cascade.inSample.escalationRate },
    recommended: { cost: suggested.cost, quality: suggested.quality, escalationRate: suggested.escalationRate },
    shadowPrice: { lambdaLeft: cascade.shadowPrice.lambdaLeft, lambdaRight: cascade.shadowPrice.lambdaRight },
    envelopeFirst: { cost: env[0]!.cost, quality: env[0]!.quality },
    envelopeLast: { cost: env[env.length - 1]!.cost, quality: env[env.length - 1]!.quality },
    envelopeVertices: env.length,
    pairPoints: result.pairs.reduce((n, p) => n + p.points.length, 0),
    ...(cascade.dominatedBy
      ? {
          dominatedBy: { models: cascade.dominatedBy.policy.models, threshold: cascade.dominatedBy.policy.thresholds[0] ?? null, cost: cascade.dominatedBy.cost, quality: cascade.dominatedBy.quality },
        }
      : {}),
    cascadeLine: text.split('\n').findIndex((l) => /^cascade\s*:/.test(l)) + 1,
    evalFile: relative(folder, files[0]!).split(sep).join('/'),
    cliInputs: { files, splitFlags },
    signals: result.models.map((m) => ({
      name: m.name,
      auroc: m.confidenceAuroc,
      aurocHoldout: m.confidenceAurocHoldout,
      calibrationError: m.calibrationError,
      bins: m.confidenceSignal.reliability.length,
    })),
  };
}

/** Held-out area of each comparison family (`singles`, `envelope`, `fullChain`, ...) by the CLI's `compare --json`. */
export function comparisonAreasWithCli(inputs: ExpectedValues['cliInputs']): Map<string, { available: boolean; area: number | null }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const out = execFileSync(process.execPath, [CLI, 'compare', ...inputs.files, ...inputs.splitFlags, '--json', '--bootstrap', '20'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const result = JSON.parse(out) as { families: { id: string; available: boolean; area?: { value: number } | null }[] };
  return new Map(result.families.map((f) => [f.id, { available: f.available, area: f.area?.value ?? null }]));
}

/** `cascade-frontier backtest --json` on the same inputs, with the re-splits the panel runs: the noise-aware rule's figures. */
export function backtestWithCli(inputs: ExpectedValues['cliInputs'], repeats: number): { meanGain: number; overShare: number; worseShare: number; splits: number } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const out = execFileSync(process.execPath, [CLI, 'backtest', ...inputs.files, ...inputs.splitFlags, '--repeats', String(repeats), '--json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const r = JSON.parse(out) as { rules: { noiseAware: { meanGain: number; overShare: number; worseShare: number } }; splits: unknown[] };
  return { ...r.rules.noiseAware, splits: r.splits.length };
}

/** `cascade-frontier check --json` on a config: its findings (what the editor's diagnostics on the config must be). */
export function checkFindingsWithCli(configPath: string): CheckFindingLine[] {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  let out: string;
  try {
    out = execFileSync(process.execPath, [CLI, 'check', configPath, '--json', '--bootstrap', '0'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (e) {
    // A failing check exits 1 and still prints its JSON.
    out = String((e as { stdout?: unknown }).stdout ?? '');
  }
  const r = JSON.parse(out) as { findings: CheckFindingLine[] };
  return r.findings.map(({ code, severity, line, column, message }) => ({ code, severity, line, column, message }));
}

/**
 * The findings of `check` on the workspace's config, and on a broken variant of it (a budget
 * just under the cascade's held-out cost, a price for a model the eval files lack), checked in a
 * copy of the workspace outside it.
 */
export function expectedCheck(folder: string, configFile: string, heldOutCost: number): NonNullable<ExpectedValues['check']> {
  const configPath = join(folder, configFile);
  const text = readFileSync(configPath, 'utf8');
  const budget = Number((heldOutCost * 0.99).toPrecision(6));
  const variant = text.replace(/^budget:.*$/m, `prices:\n  gpt-5-nano: {input: 0.05, output: 0.4}\nbudget: ${budget}`);
  if (variant === text) throw new Error(`${configFile}: the tests expect a budget: line`);
  const root = mkdtempSync(join(tmpdir(), 'cascade-e2e-check-'));
  try {
    const copy = join(root, 'workspace');
    cpSync(folder, copy, { recursive: true });
    writeFileSync(join(copy, configFile), variant);
    return { original: checkFindingsWithCli(configPath), variant: { text: variant, findings: checkFindingsWithCli(join(copy, configFile)) } };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
