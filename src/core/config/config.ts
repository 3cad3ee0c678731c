import type { ConfidenceSignal, SplitOption } from '../options.ts';
import { CONFIDENCE_SIGNALS, isConfidenceSignal } from '../adapters/confidence.ts';
import type { PolicySpec, PriceTable } from '../types.ts';
import { configTree, entryOf, type ScalarNode, type Span, type TreeEntry, type TreeNode } from './tree.ts';
import { thresholdFromConfigText } from '../format/threshold.ts';

/** A value read from the config together with where it is written. */
export interface Located<T> {
  readonly value: T;
  /** The value's text. */
  readonly span: Span;
  /** The key's text, when the value sits under a key. */
  readonly keySpan?: Span;
}

/** Kinds of config problems, stable so code actions can match them. */
export type ConfigProblemCode = 'syntax' | 'schema' | 'unknown-key';

export interface ConfigProblem {
  readonly span: Span;
  readonly severity: 'error' | 'warning';
  readonly code: ConfigProblemCode;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** One stage of the configured cascade. */
export interface ConfigStage {
  /** The whole stage (the `{model, threshold}` object). */
  readonly span: Span;
  readonly model?: Located<string>;
  /** `null` stands for +infinity (always escalate), as in `PolicySpec`. */
  readonly threshold?: Located<number | null>;
}

/** A cascade config file, validated, with the place of every value a provider shows or edits. */
export interface CascadeConfig {
  readonly format: 'yaml' | 'json';
  /** Eval file globs, relative to the config's folder. */
  readonly evals?: { readonly span: Span; readonly keySpan: Span; readonly globs: readonly Located<string>[] };
  readonly split?: Located<SplitOption>;
  readonly prices?: { readonly span: Span; readonly table: PriceTable; readonly models: readonly Located<string>[] };
  /** A price list file instead of an inline table (ours, LiteLLM's or OpenRouter's), relative to the config's folder. */
  readonly pricesFile?: Located<string>;
  /** The provider (or comma-separated providers, in order) whose entry prices a model the price list lists under several providers. */
  readonly priceProvider?: Located<string>;
  /** `true`: records with their prompt or answer text but no tokens or cost get tokens estimated as characters / 4 (as `--estimate-tokens`). */
  readonly estimateTokens?: Located<boolean>;
  /** Dollars per query. */
  readonly budget?: Located<number>;
  /** Quality in [0, 1]. */
  readonly target?: Located<number>;
  /** Confidence that the recommended policy's mean cost per query is within the budget, in (0, 1). */
  readonly budgetConfidence?: Located<number>;
  /** Largest p95 latency in milliseconds a recommended policy may have. */
  readonly maxLatencyP95Ms?: Located<number>;
  /**
   * How a confidence is made from token log-probabilities, for harness outputs that log them; or
   * `learned`: models without a logged confidence get one learned from their answer texts.
   */
  readonly confidence?: Located<ConfidenceSetting>;
  readonly cascade?: { readonly span: Span; readonly keySpan: Span; readonly stages: readonly ConfigStage[] };
  readonly problems: readonly ConfigProblem[];
}

/** Longer texts are not parsed: a cascade config is a few lines, a huge one is a mistake or hostile. */
export const MAX_CONFIG_CHARS = 1_000_000;

/** Top-level keys, in the order the docs and the schema list them. */
export const CONFIG_KEYS = ['$schema', 'evals', 'split', 'prices', 'priceProvider', 'estimateTokens', 'confidence', 'budget', 'target', 'budgetConfidence', 'maxLatencyP95Ms', 'cascade'] as const;
const SPLIT_KEYS = ['field', 'calibration', 'holdout', 'holdoutFraction', 'seed'] as const;
const STAGE_KEYS = ['model', 'threshold'] as const;
const PRICE_KEYS = ['input', 'output'] as const;

/**
 * Reads and validates a cascade config (`cascade.config.yaml` and friends). Never throws: every
 * syntax and schema problem is returned with its place and a fix, and whatever is valid is
 * still read. O(text length).
 */
export function parseCascadeConfig(text: string, format: 'yaml' | 'json'): CascadeConfig {
  if (text.length > MAX_CONFIG_CHARS) {
    const message = `this file has ${text.length} characters; a cascade config is a few lines, so it is not read (the limit is ${MAX_CONFIG_CHARS}).`;
    return { format, problems: [{ span: { start: 0, end: 0 }, severity: 'error', code: 'schema', message }] };
  }
  const parsed = configTree(text, format);
  const problems: ConfigProblem[] = parsed.problems.map((p) => ({ span: p.span, severity: 'error', code: 'syntax', message: p.message }));
  const schema = (span: Span, message: string, severity: 'error' | 'warning' = 'error') => problems.push({ span, severity, code: 'schema', message });
  const root = parsed.root;
  if (!root) return { format, problems };
  if (root.kind !== 'object') {
    schema(root.span, `a cascade config is a mapping of keys (${CONFIG_KEYS.slice(1).join(', ')}).`);
    return { format, problems };
  }
  for (const entry of root.entries) {
    if (!(CONFIG_KEYS as readonly string[]).includes(entry.key)) {
      problems.push({ span: entry.keySpan, severity: 'warning', code: 'unknown-key', message: `unknown key ${JSON.stringify(entry.key)}; a cascade config knows ${CONFIG_KEYS.slice(1).join(', ')}.` });
    }
  }
  const evals = readEvals(entryOf(root, 'evals'), schema);
  const split = readSplit(entryOf(root, 'split'), schema, problems);
  const pricesEntry = entryOf(root, 'prices');
  const pricesFile =
    pricesEntry?.value?.kind === 'scalar' && isString(pricesEntry.value)
      ? readString(pricesEntry, schema, 'prices names a price list file (a path relative to this config) or maps each model to dollars per million tokens.')
      : undefined;
  const prices = pricesFile ? undefined : readPrices(pricesEntry, schema, problems);
  const priceProvider = readString(
    entryOf(root, 'priceProvider'),
    schema,
    'priceProvider names the provider whose price entries to use, e.g. together_ai (several, comma-separated, in order of preference).',
  );
  const estimateTokens = readBoolean(
    entryOf(root, 'estimateTokens'),
    schema,
    'estimateTokens must be true or false: true estimates tokens as characters / 4 of the prompt and the answer, to price records that have the texts but no tokens or cost (the same as --estimate-tokens).',
  );
  const budget = readNumber(entryOf(root, 'budget'), schema, (x) => x > 0 && Number.isFinite(x), 'budget must be dollars per query, a number greater than 0 (e.g. 0.0002).');
  const target = readNumber(entryOf(root, 'target'), schema, (x) => x >= 0 && x <= 1, 'target must be a quality between 0 and 1 (e.g. 0.85).');
  const budgetConfidence = readNumber(entryOf(root, 'budgetConfidence'), schema, (x) => x > 0 && x < 1, 'budgetConfidence must be a confidence between 0 and 1, exclusive (e.g. 0.9).');
  const maxLatencyP95Ms = readNumber(entryOf(root, 'maxLatencyP95Ms'), schema, (x) => x > 0 && Number.isFinite(x), 'maxLatencyP95Ms must be milliseconds, a number greater than 0 (e.g. 800).');
  const cascade = readCascade(entryOf(root, 'cascade'), schema, problems);
  const confidence = readConfidence(entryOf(root, 'confidence'), schema);
  return {
    format,
    ...(evals ? { evals } : {}),
    ...(split ? { split } : {}),
    ...(prices ? { prices } : {}),
    ...(pricesFile ? { pricesFile } : {}),
    ...(priceProvider ? { priceProvider } : {}),
    ...(estimateTokens ? { estimateTokens } : {}),
    ...(budget ? { budget } : {}),
    ...(target ? { target } : {}),
    ...(budgetConfidence ? { budgetConfidence } : {}),
    ...(maxLatencyP95Ms ? { maxLatencyP95Ms } : {}),
    ...(confidence ? { confidence } : {}),
    ...(cascade ? { cascade } : {}),
    problems,
  };
}

/**
 * The configured cascade as a policy, when every stage has a model and every stage but the last
 * a threshold (else undefined: the problems say what is missing).
 */
export function configPolicy(config: CascadeConfig): PolicySpec | undefined {
  const stages = config.cascade?.stages;
  if (!stages || stages.length === 0) return undefined;
  const models: string[] = [];
  const thresholds: (number | null)[] = [];
  for (let i = 0; i < stages.length; i++) {
    const model = stages[i].model?.value;
    if (model === undefined) return undefined;
    models.push(model);
    if (i < stages.length - 1) {
      const t = stages[i].threshold;
      if (!t) return undefined;
      thresholds.push(t.value);
    }
  }
  return { kind: models.length === 1 ? 'single' : models.length === 2 ? 'pair' : 'chain', models, thresholds };
}

/** The stage whose text contains `offset`, with its index. */
export function stageAt(config: CascadeConfig, offset: number): { index: number; stage: ConfigStage } | undefined {
  const stages = config.cascade?.stages ?? [];
  for (let index = 0; index < stages.length; index++) {
    const s = stages[index];
    if (offset >= s.span.start && offset <= s.span.end) return { index, stage: s };
  }
  return undefined;
}

type Report = (span: Span, message: string, severity?: 'error' | 'warning') => void;

function valueSpan(entry: TreeEntry): Span {
  return entry.value?.span ?? entry.keySpan;
}

function readNumber(entry: TreeEntry | undefined, report: Report, valid: (x: number) => boolean, message: string): Located<number> | undefined {
  if (!entry) return undefined;
  const v = entry.value;
  if (v?.kind !== 'scalar' || typeof v.value !== 'number' || !valid(v.value)) {
    report(valueSpan(entry), message);
    return undefined;
  }
  return { value: v.value, span: v.span, keySpan: entry.keySpan };
}

function readBoolean(entry: TreeEntry | undefined, report: Report, message: string): Located<boolean> | undefined {
  if (!entry) return undefined;
  const v = entry.value;
  if (v?.kind !== 'scalar' || typeof v.value !== 'boolean') {
    report(valueSpan(entry), message);
    return undefined;
  }
  return { value: v.value, span: v.span, keySpan: entry.keySpan };
}

/** The config's `confidence`: a token log-probability signal, or `learned` (a confidence learned from the answer texts for models that log none). */
export type ConfidenceSetting = ConfidenceSignal | 'learned';

function readConfidence(entry: TreeEntry | undefined, report: Report): Located<ConfidenceSetting> | undefined {
  if (!entry) return undefined;
  const v = entry.value;
  if (v?.kind !== 'scalar' || !(isConfidenceSignal(v.value) || v.value === 'learned')) {
    report(
      valueSpan(entry),
      `confidence must be one of ${CONFIDENCE_SIGNALS.join(', ')} (how a harness's token log-probabilities become a confidence), or learned (a confidence learned from the answer texts for models that log none).`,
    );
    return undefined;
  }
  return { value: v.value as ConfidenceSetting, span: v.span, keySpan: entry.keySpan };
}

/** The load and analysis options of a config's `confidence`: a signal to read, or a learned confidence (which keeps the answer texts). */
export function confidenceOptions(config: Pick<CascadeConfig, 'confidence'> | undefined): { confidenceSignal?: ConfidenceSignal; learned: boolean } {
  const v = config?.confidence?.value;
  if (v === undefined) return { learned: false };
  return v === 'learned' ? { learned: true } : { confidenceSignal: v, learned: false };
}

/** A non-empty string value, or undefined after reporting `message`. */
function readString(entry: TreeEntry | undefined, report: Report, message: string): Located<string> | undefined {
  if (!entry) return undefined;
  const v = entry.value;
  if (v?.kind !== 'scalar' || !isString(v) || v.value.trim() === '') {
    report(valueSpan(entry), message);
    return undefined;
  }
  return { value: v.value.trim(), span: v.span, keySpan: entry.keySpan };
}

function readEvals(entry: TreeEntry | undefined, report: Report): CascadeConfig['evals'] {
  if (!entry) return undefined;
  const v = entry.value;
  const message = 'evals must be a glob or a list of globs relative to this file (e.g. [evals/*.jsonl]).';
  const items: readonly TreeNode[] = v?.kind === 'array' ? v.items : v ? [v] : [];
  if (!v || (v.kind !== 'array' && !isString(v))) {
    report(valueSpan(entry), message);
    return undefined;
  }
  const globs: Located<string>[] = [];
  for (const item of items) {
    if (isString(item) && item.value.trim() !== '') globs.push({ value: item.value, span: item.span });
    else report(item.span, message);
  }
  if (globs.length === 0) report(valueSpan(entry), 'evals lists no globs: add at least one, e.g. evals/*.jsonl.');
  return { span: v.span, keySpan: entry.keySpan, globs };
}

function readSplit(entry: TreeEntry | undefined, report: Report, problems: ConfigProblem[]): Located<SplitOption> | undefined {
  if (!entry) return undefined;
  const v = entry.value;
  const usage = 'split is {field, calibration, holdout} (labels in a record field), {holdoutFraction, seed} (a seeded random split) or none (everything is calibration).';
  if (v?.kind === 'scalar' && (v.value === 'none' || v.value === false)) return { value: { kind: 'none' }, span: v.span, keySpan: entry.keySpan };
  if (v?.kind !== 'object') {
    report(valueSpan(entry), usage);
    return undefined;
  }
  warnUnknownKeys(v, SPLIT_KEYS, 'split', problems);
  const str = (key: string): string | undefined => {
    const e = entryOf(v, key);
    if (!e) return undefined;
    if (!e.value || !isString(e.value)) {
      report(valueSpan(e), `split.${key} must be a string.`);
      return undefined;
    }
    return e.value.value;
  };
  const num = (key: string, valid: (x: number) => boolean, expect: string): number | undefined => {
    const e = entryOf(v, key);
    if (!e) return undefined;
    if (e.value?.kind !== 'scalar' || typeof e.value.value !== 'number' || !valid(e.value.value)) {
      report(valueSpan(e), `split.${key} must be ${expect}.`);
      return undefined;
    }
    return e.value.value;
  };
  const fraction = num('holdoutFraction', (x) => x > 0 && x < 1, 'a number between 0 and 1 (e.g. 0.5)');
  const seed = num('seed', (x) => Number.isInteger(x) && x >= 0, 'a whole number >= 0');
  const field = str('field');
  const calibration = str('calibration');
  const holdout = str('holdout');
  const byField = entryOf(v, 'field') || entryOf(v, 'calibration') || entryOf(v, 'holdout');
  const random = entryOf(v, 'holdoutFraction') || entryOf(v, 'seed');
  if (byField && random) {
    report(v.span, `${usage} Use either the field keys or the random keys, not both.`);
    return undefined;
  }
  if (random) return { value: { kind: 'random', seed: seed ?? 1, holdoutFraction: fraction ?? 0.5 }, span: v.span, keySpan: entry.keySpan };
  if (calibration !== undefined && holdout !== undefined && calibration === holdout) {
    report(v.span, 'split.calibration and split.holdout must differ: the policy is chosen on one and reported on the other.');
    return undefined;
  }
  return {
    value: { kind: 'field', calibration: calibration ?? 'train', holdout: holdout ?? 'test', ...(field !== undefined ? { field } : {}) },
    span: v.span,
    keySpan: entry.keySpan,
  };
}

function readPrices(entry: TreeEntry | undefined, report: Report, problems: ConfigProblem[]): CascadeConfig['prices'] {
  if (!entry) return undefined;
  const v = entry.value;
  if (v?.kind !== 'object') {
    report(valueSpan(entry), "prices maps each model to dollars per million tokens: {model-name: {input: 0.15, output: 0.6}}, or names a price list file (ours, LiteLLM's or OpenRouter's).");
    return undefined;
  }
  const table = new Map<string, { inputPerMillion: number; outputPerMillion: number }>();
  const models: Located<string>[] = [];
  for (const e of v.entries) {
    const p = e.value;
    const message = `prices.${e.key} must be {input: dollars per million input tokens, output: dollars per million output tokens}, both numbers >= 0.`;
    if (p?.kind !== 'object') {
      report(valueSpan(e), message);
      continue;
    }
    warnUnknownKeys(p, PRICE_KEYS, `prices.${e.key}`, problems);
    const read = (key: string) => {
      const x = entryOf(p, key)?.value;
      return x?.kind === 'scalar' && typeof x.value === 'number' && x.value >= 0 && Number.isFinite(x.value) ? x.value : undefined;
    };
    const input = read('input');
    const output = read('output');
    if (input === undefined || output === undefined) {
      report(p.span, message);
      continue;
    }
    table.set(e.key, { inputPerMillion: input, outputPerMillion: output });
    models.push({ value: e.key, span: e.keySpan, keySpan: e.keySpan });
  }
  return { span: v.span, table, models };
}

function readCascade(entry: TreeEntry | undefined, report: Report, problems: ConfigProblem[]): CascadeConfig['cascade'] {
  if (!entry) return undefined;
  const v = entry.value;
  const usage = 'cascade is a list of stages, cheap first: [{model: cheap, threshold: t}, ..., {model: expensive}].';
  if (v?.kind !== 'array') {
    report(valueSpan(entry), usage);
    return undefined;
  }
  if (v.items.length === 0) report(v.span, `the cascade has no stages. ${usage}`);
  const stages: ConfigStage[] = [];
  const seen = new Map<string, number>();
  v.items.forEach((item, i) => {
    const last = i === v.items.length - 1;
    if (item.kind !== 'object') {
      report(item.span, `stage ${i + 1}: ${usage}`);
      stages.push({ span: item.span });
      return;
    }
    warnUnknownKeys(item, STAGE_KEYS, `stage ${i + 1}`, problems);
    const modelEntry = entryOf(item, 'model');
    let model: Located<string> | undefined;
    if (!modelEntry) report(item.span, `stage ${i + 1} needs a model: the name used in the eval files.`);
    else if (!modelEntry.value || !isString(modelEntry.value) || modelEntry.value.value.trim() === '') report(valueSpan(modelEntry), `stage ${i + 1}: model must be a model name from the eval files.`);
    else {
      model = { value: modelEntry.value.value, span: modelEntry.value.span, keySpan: modelEntry.keySpan };
      const before = seen.get(model.value);
      if (before !== undefined) report(model.span, `stage ${i + 1} repeats ${model.value} (already stage ${before + 1}): each model appears once in a cascade.`);
      seen.set(model.value, i);
    }
    const thresholdEntry = entryOf(item, 'threshold');
    let threshold: Located<number | null> | undefined;
    if (thresholdEntry) {
      const t = thresholdEntry.value;
      if (last) {
        report(thresholdEntry.keySpan, `the last stage always answers, so it takes no threshold: remove it (or add a stage after it).`);
      } else if (t?.kind === 'scalar' && typeof t.value === 'number' && !Number.isNaN(t.value)) {
        threshold = { value: t.value === Infinity ? null : t.value, span: t.span, keySpan: thresholdEntry.keySpan };
      } else if (t?.kind === 'scalar' && t.value === null && !isEmptyScalar(t)) {
        threshold = { value: null, span: t.span, keySpan: thresholdEntry.keySpan };
      } else if (t?.kind === 'scalar' && typeof t.value === 'string' && thresholdFromConfigText(t.value) !== undefined) {
        // JSON has no -Infinity: a config writes it as the string "-Infinity".
        threshold = { value: thresholdFromConfigText(t.value)!, span: t.span, keySpan: thresholdEntry.keySpan };
      } else {
        report(
          valueSpan(thresholdEntry),
          `stage ${i + 1}: threshold must be a number on the model's confidence scale (the stage answers when its confidence >= threshold), or null to always escalate.`,
        );
      }
    } else if (!last) {
      report(item.span, `stage ${i + 1} needs a threshold: it answers when its confidence >= threshold, else the query goes to stage ${i + 2}.`);
    }
    stages.push({ span: item.span, ...(model ? { model } : {}), ...(threshold ? { threshold } : {}) });
  });
  return { span: v.span, keySpan: entry.keySpan, stages };
}

function warnUnknownKeys(node: TreeNode & { kind: 'object' }, known: readonly string[], where: string, problems: ConfigProblem[]): void {
  for (const e of node.entries) {
    if (!known.includes(e.key)) {
      problems.push({ span: e.keySpan, severity: 'warning', code: 'unknown-key', message: `unknown key ${JSON.stringify(e.key)} in ${where}; it knows ${known.join(', ')}.` });
    }
  }
}

function isString(node: TreeNode): node is ScalarNode & { value: string } {
  return node.kind === 'scalar' && typeof node.value === 'string';
}

/** YAML `threshold:` with nothing after the colon parses as null with an empty span: that is a missing value, not "always escalate". */
function isEmptyScalar(node: ScalarNode): boolean {
  return node.span.end <= node.span.start;
}
