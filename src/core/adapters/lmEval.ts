/**
 * lm-evaluation-harness `--log_samples` output: `samples_<task>_<date>.jsonl` beside
 * `results_<date>.json`, in a folder named after the model (`/` written as `__`).
 * Layout as written by `lm_eval/loggers/evaluation_tracker.py` (`save_results_samples`,
 * `save_results_aggregated`) and `lm_eval/evaluator.py` (the per-sample dict).
 */
import type { RawRecord } from '../types.ts';
import { softmaxMax } from './confidence.ts';
import type { AdapterIssue, AdapterOptions, AdapterResult, DetectStrength, HarnessAdapter, PlacedRecord, SiblingFiles } from './types.ts';
import { baseName, decodeText, folderName, headText, isObject, type JsonObject, makeIssue, parseJson, parseJsonLines, toNumber } from './util.ts';

const SAMPLES_NAME = /^samples_(.+)_(\d{4}-\d{2}-\d{2}T[0-9.:-]+)\.jsonl$/;
const RESULTS_NAME = /^results_(.+)\.json$/;
/** Keys of a sample line that are bookkeeping, not metrics. */
const SAMPLE_KEYS = new Set(['doc_id', 'doc', 'target', 'arguments', 'resps', 'filtered_resps', 'filter', 'metrics', 'doc_hash', 'prompt_hash', 'target_hash']);

function detectSamples(file: string, head: Uint8Array): DetectStrength {
  const text = headText(head, 16384);
  if (/^\s*\{\s*"doc_id"\s*:/.test(text) && /"(filtered_resps|resps|arguments)"\s*:/.test(text)) return 'content';
  return /^samples_.+\.jsonl$/.test(baseName(file)) ? 'name' : 'none';
}

/**
 * A results file opens with `"results"`: an object of per-task metric objects. Files of older
 * versions, or trimmed by hand, lack `configs`, `versions` and `n-shot`; the shape of
 * `results` (`{"<task>": {"<metric>": ...`) is enough, and no per-query record starts so.
 */
function detectResults(file: string, head: Uint8Array): DetectStrength {
  const text = headText(head, 16384);
  if (/^\s*\{\s*"results"\s*:\s*\{\s*(?:\}|"(?:[^"\\]|\\.)*"\s*:\s*\{)/.test(text)) return 'content';
  if (/^\s*\{\s*"results"\s*:/.test(text) && /"(n-shot|higher_is_better|group_subtasks|configs|versions)"\s*:/.test(text)) return 'content';
  return RESULTS_NAME.test(baseName(file)) ? 'name' : 'none';
}

/** The model name an lm-eval results file records: `model_name`, else the `pretrained=`-style argument. */
function modelFromResults(results: JsonObject): string | undefined {
  if (typeof results.model_name === 'string' && results.model_name !== '') return results.model_name;
  const config = isObject(results.config) ? results.config : undefined;
  const args = config?.model_args;
  // Same precedence as the harness: adapters and deltas name the model before the base weights.
  const keys = ['peft', 'delta', 'pretrained', 'model', 'path', 'engine'];
  if (typeof args === 'string') {
    for (const key of keys) {
      const m = new RegExp(`(?:^|,)\\s*${key}=([^,]+)`).exec(args);
      if (m) return m[1].trim();
    }
  } else if (isObject(args)) {
    for (const key of keys) if (typeof args[key] === 'string' && args[key] !== '') return args[key] as string;
  }
  return typeof config?.model === 'string' && config.model !== '' ? config.model : undefined;
}

interface Companion {
  readonly name: string;
  readonly results: JsonObject;
}

/** The results file written with the samples: same date stamp, else one that lists the task. */
function findCompanion(task: string, date: string | undefined, siblings: SiblingFiles | undefined): Companion | undefined {
  if (!siblings) return undefined;
  const names = siblings
    .list()
    .filter((n) => RESULTS_NAME.test(n))
    .sort();
  const ordered = date ? [...names.filter((n) => n === `results_${date}.json`), ...names.filter((n) => n !== `results_${date}.json`).reverse()] : names.reverse();
  for (const name of ordered) {
    const bytes = siblings.read(name);
    if (!bytes) continue;
    const { value } = parseJson(decodeText(bytes));
    if (!isObject(value)) continue;
    const lists = [value.configs, value.results, value['n-shot']];
    if (name === `results_${date}.json` || lists.some((l) => isObject(l) && Object.hasOwn(l, task))) return { name, results: value };
  }
  return undefined;
}

/** `[[ll, is_greedy], ...]` with ll a number or a numeric string (the harness writes strings). */
function choiceLogLikelihoods(filtered: unknown): number[] | undefined {
  if (!Array.isArray(filtered) || filtered.length < 2) return undefined;
  const out: number[] = [];
  for (const entry of filtered) {
    const pair = Array.isArray(entry) ? entry : undefined;
    const ll = toNumber(pair?.[0]);
    if (ll === undefined) return undefined;
    out.push(ll);
  }
  return out;
}

/** Request arguments: `{gen_args_i: {arg_0, arg_1}}` as written by the tracker, or `[[ctx, cont], ...]`. */
function requestArguments(args: unknown): { context?: string; continuation?: string }[] {
  const list: unknown[] = isObject(args)
    ? Object.keys(args)
        .filter((k) => /^gen_args_\d+$/.test(k))
        .sort((a, b) => Number(a.slice(9)) - Number(b.slice(9)))
        .map((k) => args[k])
    : Array.isArray(args)
      ? args
      : [];
  return list.map((a) => {
    const arg0 = isObject(a) ? a.arg_0 : Array.isArray(a) ? a[0] : undefined;
    const arg1 = isObject(a) ? a.arg_1 : Array.isArray(a) ? a[1] : undefined;
    return { context: typeof arg0 === 'string' ? arg0 : undefined, continuation: typeof arg1 === 'string' ? arg1 : undefined };
  });
}

/** First metric of a sample line: from its `metrics` list, else its first numeric non-bookkeeping key. */
function defaultMetric(sample: JsonObject): string | undefined {
  if (Array.isArray(sample.metrics)) {
    for (const m of sample.metrics) if (typeof m === 'string' && Object.hasOwn(sample, m)) return m;
  }
  for (const key of Object.keys(sample)) {
    if (SAMPLE_KEYS.has(key)) continue;
    const v = sample[key];
    if (typeof v === 'number' || typeof v === 'boolean') return key;
  }
  return undefined;
}

/** The generated text of a generative sample: the filtered response, else the first raw one. */
function generatedText(sample: JsonObject): string | undefined {
  const filtered = Array.isArray(sample.filtered_resps) ? sample.filtered_resps[0] : undefined;
  if (typeof filtered === 'string') return filtered;
  // Some writers keep one more level of nesting: [["text"]].
  if (Array.isArray(filtered) && typeof filtered[0] === 'string' && filtered.length === 1) return filtered[0];
  const raw = Array.isArray(sample.resps) && Array.isArray(sample.resps[0]) ? sample.resps[0][0] : undefined;
  return typeof raw === 'string' ? raw : undefined;
}

/** Tokens as characters / 4 (rounded up): the usual rule of thumb for English text. */
const estimate = (text: string): number => Math.ceil(text.length / 4);

/**
 * Estimated tokens of one sample. Choice requests send context + continuation each and
 * generate nothing; a generation sends the context and returns the first response.
 */
function estimateTokens(args: readonly { context?: string; continuation?: string }[], resps: unknown, multipleChoice: boolean): { tokensIn: number; tokensOut: number } | undefined {
  if (args.length === 0 || args.some((a) => a.context === undefined)) return undefined;
  if (multipleChoice) return { tokensIn: args.reduce((n, a) => n + estimate(a.context! + (a.continuation ?? '')), 0), tokensOut: 0 };
  const first = Array.isArray(resps) && Array.isArray(resps[0]) ? resps[0][0] : undefined;
  return { tokensIn: estimate(args[0].context!), tokensOut: typeof first === 'string' ? estimate(first) : 0 };
}

function readSamples(file: string, bytes: Uint8Array, options: AdapterOptions, siblings?: SiblingFiles): AdapterResult {
  const issues: AdapterIssue[] = [];
  const derived: string[] = [];
  const missing: string[] = [];
  const name = baseName(file);
  const m = SAMPLES_NAME.exec(name);
  const task = m ? m[1] : name.replace(/^samples_/, '').replace(/\.jsonl$/, '');
  const date = m ? m[2] : undefined;

  const companion = findCompanion(task, date, siblings);
  let model = companion ? modelFromResults(companion.results) : undefined;
  if (model !== undefined) derived.push(`model from ${companion!.name}`);
  else {
    const folder = folderName(file);
    if (folder !== '') {
      model = folder.replace(/__/g, '/');
      derived.push('model from the folder name');
      issues.push(
        makeIssue(
          file,
          0,
          'warning',
          'lm-eval-model-from-folder',
          `no results_<date>.json with the model name beside this file; the model is taken from the folder name "${folder}" (lm_eval writes both files into a folder named after the model)`,
        ),
      );
    }
  }
  if (model === undefined) {
    issues.push(makeIssue(file, 0, 'error', 'lm-eval-no-model', 'no model name: put the samples file beside its results_<date>.json, in the folder lm_eval created for the model'));
    return { format: 'lm-eval-samples', models: [], records: [], issues, derived, missing };
  }
  const taskConfig = companion && isObject(companion.results.configs) && isObject(companion.results.configs[task]) ? companion.results.configs[task] : undefined;
  const outputType = typeof taskConfig?.output_type === 'string' ? taskConfig.output_type : undefined;

  const lines = parseJsonLines(decodeText(bytes));
  const samples: { line: number; sample: JsonObject }[] = [];
  for (const l of lines) {
    if (l.error !== undefined) issues.push(makeIssue(file, l.line, 'error', 'lm-eval-malformed-json', `not JSON (${l.error}); each line of a samples file is one JSON object`));
    else if (!isObject(l.value)) issues.push(makeIssue(file, l.line, 'error', 'lm-eval-not-object', 'not a JSON object; each line of a samples file is one sample'));
    else samples.push({ line: l.line, sample: l.value });
  }
  if (samples.length === 0) {
    issues.push(makeIssue(file, 0, 'error', 'lm-eval-no-samples', 'no samples in the file; rerun lm_eval with --log_samples'));
    return { format: 'lm-eval-samples', models: [model], records: [], issues, derived, missing };
  }

  // One line per filter per doc: read one filter.
  const filters: string[] = [];
  for (const { sample } of samples) {
    const f = typeof sample.filter === 'string' ? sample.filter : 'none';
    if (!filters.includes(f)) filters.push(f);
  }
  let filter = filters[0];
  if (options.lmEvalFilter !== undefined) {
    if (!filters.includes(options.lmEvalFilter)) {
      issues.push(
        makeIssue(
          file,
          0,
          'error',
          'lm-eval-unknown-filter',
          `filter "${options.lmEvalFilter}" is not in this file; its filters are ${filters.map((f) => `"${f}"`).join(', ')}: pass one of them as --lm-eval-filter`,
        ),
      );
      return { format: 'lm-eval-samples', models: [model], records: [], issues, derived, missing };
    }
    filter = options.lmEvalFilter;
  } else if (filters.length > 1) {
    issues.push(
      makeIssue(
        file,
        0,
        'warning',
        'lm-eval-several-filters',
        `the file has one line per doc for each of the filters ${filters.map((f) => `"${f}"`).join(', ')}; read "${filter}": choose another with --lm-eval-filter`,
      ),
    );
  }
  derived.push(`filter "${filter}"`);
  const chosen = samples.filter(({ sample }) => (typeof sample.filter === 'string' ? sample.filter : 'none') === filter);

  const metric = options.lmEvalMetric ?? defaultMetric(chosen[0].sample);
  if (metric === undefined) {
    issues.push(makeIssue(file, chosen[0].line, 'error', 'lm-eval-no-metric', 'no per-sample metric in the sample; pass the metric key that holds correctness as --lm-eval-metric'));
    return { format: 'lm-eval-samples', models: [model], records: [], issues, derived, missing };
  }
  derived.push(`quality from metric "${metric}"`);

  const multipleChoice = outputType === 'multiple_choice' || (outputType === undefined && choiceLogLikelihoods(chosen[0].sample.filtered_resps) !== undefined);
  const normalise = metric === 'acc_norm';
  if (multipleChoice) {
    derived.push(
      normalise
        ? 'confidence: softmax over length-normalised per-choice log-likelihoods (as acc_norm), probability of the chosen option'
        : 'confidence: softmax over per-choice log-likelihoods, probability of the chosen option',
    );
  } else {
    // Said once for the whole analysis (its diagnosis, with what to do), not as a warning per file.
    missing.push(
      `confidence: ${outputType ?? 'this'} task keeps no choice log-likelihoods or token log-probabilities in lm-evaluation-harness samples; use a multiple-choice task or a harness that logs token log-probabilities`,
    );
  }
  if (options.estimateTokens) {
    derived.push(
      multipleChoice
        ? 'tokens estimated as characters / 4: input = context + continuation of every choice request, output = 0; cost from tokens x price table'
        : 'tokens estimated as characters / 4: input = context, output = generated text; cost from tokens x price table',
    );
  } else {
    missing.push('cost: lm-evaluation-harness samples record neither token counts nor costs; --estimate-tokens (config `estimateTokens: true`) estimates tokens as characters / 4 and prices them');
  }
  missing.push('latency: not recorded by lm-evaluation-harness');

  const records: PlacedRecord[] = [];
  let badConfidence = 0;
  let answers = 0;
  for (const { line, sample } of chosen) {
    const docId = sample.doc_id;
    if (typeof docId !== 'number' && typeof docId !== 'string') {
      issues.push(makeIssue(file, line, 'error', 'lm-eval-no-doc-id', 'sample has no doc_id; lm-evaluation-harness writes one per sample'));
      continue;
    }
    if (!Object.hasOwn(sample, metric)) {
      issues.push(
        makeIssue(
          file,
          line,
          'error',
          'lm-eval-missing-metric',
          `sample has no metric "${metric}"; its metrics are ${JSON.stringify(sample.metrics ?? [])}: pass the one that holds correctness as --lm-eval-metric`,
        ),
      );
      continue;
    }
    const value = sample[metric];
    const args = requestArguments(sample.arguments);
    let confidence: number | undefined;
    let response: string | undefined;
    if (multipleChoice) {
      let lls = choiceLogLikelihoods(sample.filtered_resps);
      if (lls !== undefined && normalise) {
        const lengths = args.map((a) => (a.continuation ?? '').replace(/^ /, '').length);
        lls = lengths.length === lls.length && lengths.every((n) => n > 0) ? lls.map((ll, i) => ll / lengths[i]) : undefined;
      }
      confidence = lls === undefined ? undefined : softmaxMax(lls);
      if (confidence === undefined) badConfidence++;
      // The answer of a multiple-choice sample: the continuation of the most likely choice.
      if (lls !== undefined) response = args[lls.indexOf(Math.max(...lls))]?.continuation?.trim();
    } else response = generatedText(sample);
    if (!(options.keepResponses || options.estimateTokens)) response = undefined;
    if (response !== undefined) answers++;
    const tokens = options.estimateTokens ? estimateTokens(args, sample.resps, multipleChoice) : undefined;
    const record: RawRecord = {
      model,
      id: `${task}/${docId}`,
      ...(tokens ?? {}),
      ...(typeof value === 'boolean' ? { correct: value } : { score: value }),
      ...(confidence !== undefined ? { confidence } : {}),
      ...((options.keepPrompts !== false || options.estimateTokens) && args[0]?.context !== undefined ? { prompt: args[0].context } : {}),
      ...(response !== undefined ? { response } : {}),
    };
    records.push({ line, record });
  }
  if (badConfidence > 0) {
    issues.push(
      makeIssue(
        file,
        0,
        'warning',
        'lm-eval-bad-choices',
        `${badConfidence} sample(s) lack readable per-choice log-likelihoods in filtered_resps${normalise ? ' or choice lengths in arguments' : ''}; they have no confidence`,
      ),
    );
  }
  const skipped = samples.length - chosen.length;
  if (skipped > 0) derived.push(`${skipped} line(s) of other filters not read`);
  if (options.keepPrompts !== false && records.some((r) => r.record.prompt !== undefined)) derived.push('prompt from the request context');
  if (answers > 0) derived.push(multipleChoice ? `answer text: the most likely choice's continuation (${answers} sample(s))` : `answer text from filtered_resps (${answers} sample(s))`);
  return { format: 'lm-eval-samples', models: [model], records, issues, derived, missing };
}

function readResults(file: string, _bytes: Uint8Array, _options: AdapterOptions, siblings?: SiblingFiles): AdapterResult {
  const hasSamples = siblings?.list().some((n) => n.startsWith('samples_') && n.endsWith('.jsonl')) ?? false;
  const issues = hasSamples
    ? []
    : [
        makeIssue(
          file,
          0,
          'warning',
          'lm-eval-results-only',
          'aggregate lm-evaluation-harness results only: per-query records are in samples_<task>_<date>.jsonl, written when lm_eval runs with --log_samples',
        ),
      ];
  return {
    format: 'lm-eval-results',
    models: [],
    records: [],
    issues,
    derived: hasSamples ? ['model name for the samples files beside it'] : [],
    missing: hasSamples ? [] : ['per-query records: rerun lm_eval with --log_samples'],
    companion: true,
  };
}

export const lmEvalSamplesAdapter: HarnessAdapter = {
  name: 'lm-eval-samples',
  label: 'lm-evaluation-harness samples (samples_<task>_<date>.jsonl)',
  detect: detectSamples,
  read: readSamples,
};

export const lmEvalResultsAdapter: HarnessAdapter = {
  name: 'lm-eval-results',
  label: 'lm-evaluation-harness aggregate results (results_<date>.json)',
  detect: detectResults,
  read: readResults,
};
