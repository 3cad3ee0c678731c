/**
 * Inspect AI logs: `.json` (one `EvalLog` with its `samples`) and `.eval` (a zip holding
 * `header.json` — or `_journal/start.json`, or `start.json` in older versions — and one
 * `samples/<id>_epoch_<n>.json` per sample). Structure as declared in inspect_ai
 * `src/inspect_ai/log/_log.py` (`EvalLog`, `EvalSpec`, `EvalSample`) and written by
 * `src/inspect_ai/log/_recorders/eval.py` and `json.py`.
 */
import type { ConfidenceSignal } from '../options.ts';
import type { RawRecord } from '../types.ts';
import { DEFAULT_CONFIDENCE_SIGNAL, signalLabel, type TokenLogprob, tokenConfidence } from './confidence.ts';
import type { AdapterIssue, AdapterOptions, AdapterResult, DetectStrength, HarnessAdapter, PlacedRecord } from './types.ts';
import { arrayElementLines, baseName, decodeText, headText, isObject, outputText, type JsonObject, makeIssue, parseJson, toNumber } from './util.ts';
import { listZipEntries, looksLikeZip, readZipEntry, type ZipEntry, ZipFormatError } from './zip.ts';

interface LocatedSample {
  readonly line: number;
  readonly where?: string;
  readonly sample: JsonObject;
}

function detectJson(_file: string, head: Uint8Array): DetectStrength {
  const text = headText(head, 65536);
  return /^\s*\{\s*"version"\s*:\s*\d+\s*,\s*"status"\s*:/.test(text) && /"eval"\s*:\s*\{/.test(text) ? 'content' : 'none';
}

function detectEval(file: string, head: Uint8Array): DetectStrength {
  if (looksLikeZip(head)) {
    const text = new TextDecoder('latin1').decode(head.subarray(0, Math.min(head.length, 4096)));
    if (/_journal\/|header\.json|start\.json|samples\/[^/]+_epoch_\d+\.json/.test(text)) return 'content';
    return /\.eval$/i.test(file) ? 'content' : 'none';
  }
  return /\.eval$/i.test(baseName(file)) ? 'name' : 'none';
}

/** Inspect's mapping of score values to numbers: C/I/P/N, yes/no, true/false, numbers. */
export function inspectValueToQuality(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  const letters: Record<string, number> = { C: 1, I: 0, P: 0.5, N: 0 };
  if (Object.hasOwn(letters, v)) return letters[v];
  const lower = v.toLowerCase();
  if (lower === 'yes' || lower === 'true') return 1;
  if (lower === 'no' || lower === 'false') return 0;
  return toNumber(v);
}

/** Text of a sample input: a string, or the text parts of its chat messages; attachments resolved. */
function inputText(input: unknown, attachments: JsonObject): string | undefined {
  const resolve = (s: string): string => {
    const m = /^attachment:\/\/(.+)$/.exec(s);
    return m && typeof attachments[m[1]] === 'string' ? (attachments[m[1]] as string) : s;
  };
  if (typeof input === 'string') return resolve(input);
  if (!Array.isArray(input)) return undefined;
  const parts: string[] = [];
  for (const message of input) {
    if (!isObject(message)) continue;
    const content = message.content;
    if (typeof content === 'string') parts.push(resolve(content));
    else if (Array.isArray(content)) {
      for (const c of content) if (isObject(c) && c.type === 'text' && typeof c.text === 'string') parts.push(resolve(c.text));
    }
  }
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/** The answer text of a model output: `completion`, else the first choice's message content. */
function completionText(output: JsonObject): string | undefined {
  if (typeof output.completion === 'string' && output.completion !== '') return output.completion;
  const first = Array.isArray(output.choices) && isObject(output.choices[0]) ? output.choices[0] : undefined;
  const message = first && isObject(first.message) ? first.message : undefined;
  return message ? outputText(message.content) : undefined;
}

/** Token log-probs of the first choice of a model output, with their top alternatives. */
function outputTokens(output: JsonObject): TokenLogprob[] | undefined {
  const choices = Array.isArray(output.choices) ? output.choices : [];
  const first = isObject(choices[0]) ? choices[0] : undefined;
  const logprobs = first && isObject(first.logprobs) ? first.logprobs : undefined;
  const content = logprobs && Array.isArray(logprobs.content) ? logprobs.content : undefined;
  if (!content || content.length === 0) return undefined;
  const tokens: TokenLogprob[] = [];
  for (const t of content) {
    const logprob = isObject(t) ? toNumber(t.logprob) : undefined;
    if (logprob === undefined) return undefined;
    const top = isObject(t) && Array.isArray(t.top_logprobs) ? t.top_logprobs.map((a) => (isObject(a) ? toNumber(a.logprob) : undefined)) : [];
    const alternatives = top.length > 0 && top.every((x) => x !== undefined) ? (top as number[]) : undefined;
    tokens.push({ logprob, alternatives });
  }
  return tokens;
}

/** The scorer that gives quality: the one asked for, else the only one, else the header's first. */
function chooseScorer(header: JsonObject, samples: readonly LocatedSample[], asked: string | undefined): { scorer?: string; key?: string; all: string[] } {
  const all: string[] = [];
  for (const { sample } of samples) {
    if (isObject(sample.scores)) for (const k of Object.keys(sample.scores)) if (!all.includes(k)) all.push(k);
  }
  if (asked !== undefined) {
    if (all.includes(asked)) return { scorer: asked, all };
    const dot = asked.indexOf('.');
    if (dot > 0 && all.includes(asked.slice(0, dot))) return { scorer: asked.slice(0, dot), key: asked.slice(dot + 1), all };
    return { all };
  }
  if (all.length <= 1) return { scorer: all[0], all };
  const results = isObject(header.results) ? header.results : {};
  const first = Array.isArray(results.scores) && isObject(results.scores[0]) ? results.scores[0] : undefined;
  const named = [first?.scorer, first?.name].find((n): n is string => typeof n === 'string' && all.includes(n));
  return { scorer: named ?? all[0], all };
}

function readLog(file: string, format: string, header: JsonObject, samples: readonly LocatedSample[], options: AdapterOptions, issues: AdapterIssue[]): AdapterResult {
  const derived: string[] = [];
  const missing: string[] = [];
  const spec = isObject(header.eval) ? header.eval : {};
  const model = typeof spec.model === 'string' && spec.model !== '' ? spec.model : undefined;
  const task = typeof spec.task === 'string' && spec.task !== '' ? spec.task : 'task';
  if (model === undefined) {
    issues.push(makeIssue(file, 0, 'error', 'inspect-no-model', 'the log header has no eval.model; Inspect writes it in every log: the file is damaged'));
    return { format, models: [], records: [], issues, derived, missing };
  }
  derived.push('model from the log header (eval.model)');
  if (typeof header.status === 'string' && header.status !== 'success') {
    issues.push(makeIssue(file, 0, 'warning', 'inspect-status', `the eval's status is "${header.status}": the log may hold only some samples`));
  }
  if (samples.length === 0) {
    issues.push(makeIssue(file, 0, 'error', 'inspect-no-samples', 'the log holds no samples (written with --no-log-samples or still starting); rerun the eval with sample logging'));
    return { format, models: [model], records: [], issues, derived, missing };
  }

  const { scorer, key, all } = chooseScorer(header, samples, options.qualityScore);
  if (scorer === undefined) {
    const why = options.qualityScore !== undefined ? `scorer "${options.qualityScore}" is not in the log` : 'no sample has scores';
    issues.push(
      makeIssue(
        file,
        0,
        'error',
        'inspect-no-scorer',
        `${why}; the scorers are ${all.length ? all.map((s) => `"${s}"`).join(', ') : 'none'}: ${all.length ? 'pass one of them as --quality-score' : 'score the log (inspect score) first'}`,
      ),
    );
    return { format, models: [model], records: [], issues, derived, missing };
  }
  if (all.length > 1 && options.qualityScore === undefined) {
    issues.push(
      makeIssue(file, 0, 'warning', 'inspect-several-scorers', `the log has the scorers ${all.map((s) => `"${s}"`).join(', ')}; quality from "${scorer}": choose another with --quality-score`),
    );
  }
  derived.push(`quality from scorer "${scorer}${key !== undefined ? `.${key}` : ''}" (C=1, P=0.5, I=N=0)`);
  if (options.confidenceScore !== undefined && !all.includes(options.confidenceScore)) {
    issues.push(
      makeIssue(
        file,
        0,
        'error',
        'inspect-unknown-confidence-scorer',
        `scorer "${options.confidenceScore}" (--confidence-score) is not in the log, so no confidence is read from it; the scorers are ${all.map((s) => `"${s}"`).join(', ')}: pass one of them`,
      ),
    );
  }

  const signal: ConfidenceSignal = options.confidenceSignal ?? DEFAULT_CONFIDENCE_SIGNAL;
  const records: PlacedRecord[] = [];
  const judges = new Set<string>();
  let fromLogprobs = 0;
  let fromScore = 0;
  let noAlternatives = 0;
  const usageFrom = { modelUsage: 0, output: 0 };
  /** Samples whose cache (reasoning) tokens total_tokens counts apart from input_tokens (output_tokens), added to them. */
  const addedApart = { cache: 0, reasoning: 0 };
  let costs = 0;
  let latencies = 0;
  let responses = 0;

  for (const { line, where, sample } of samples) {
    const at = where ? `${where}: ` : '';
    if (sample.error !== undefined && sample.error !== null) {
      const message = isObject(sample.error) && typeof sample.error.message === 'string' ? sample.error.message : String(sample.error);
      issues.push(
        makeIssue(
          file,
          line,
          'error',
          'inspect-sample-error',
          `${at}sample ${String(sample.id)} failed (${message.split('\n', 1)[0].slice(0, 200)}); it is left out: rerun the eval's failed samples (inspect eval-retry)`,
        ),
      );
      continue;
    }
    const id = sample.id;
    if (typeof id !== 'string' && typeof id !== 'number') {
      issues.push(makeIssue(file, line, 'error', 'inspect-no-id', `${at}sample has no id; Inspect writes one per sample`));
      continue;
    }
    const epoch = toNumber(sample.epoch) ?? 1;
    const scores = isObject(sample.scores) ? sample.scores : {};
    const score = isObject(scores[scorer]) ? scores[scorer] : undefined;
    let value: unknown = score?.value;
    if (key !== undefined) value = isObject(value) ? value[key] : undefined;
    const quality = inspectValueToQuality(value);
    if (quality === undefined) {
      const shown = value === undefined ? 'no score' : isObject(value) ? `a dictionary of scores (${Object.keys(value).join(', ')})` : JSON.stringify(value);
      const fix = isObject(value) ? `pass --quality-score "${scorer}.<key>"` : 'score the sample or choose another scorer with --quality-score';
      issues.push(makeIssue(file, line, 'error', 'inspect-no-score', `${at}sample ${String(id)} epoch ${epoch} has ${shown} from scorer "${scorer}"; ${fix}`));
      continue;
    }

    const output = isObject(sample.output) ? sample.output : {};
    const modelUsage = isObject(sample.model_usage) ? sample.model_usage : {};
    for (const k of Object.keys(modelUsage)) if (k !== model) judges.add(k);
    let usage: JsonObject | undefined;
    if (isObject(modelUsage[model])) {
      usage = modelUsage[model] as JsonObject;
      usageFrom.modelUsage++;
    } else if (isObject(output.usage)) {
      usage = output.usage;
      usageFrom.output++;
    }
    const tokens = usage ? usageTokens(usage) : {};
    const { tokensIn, tokensOut, tokensReasoning, tokensCached } = tokens;
    if (tokens.cacheApart) addedApart.cache++;
    if (tokens.reasoningApart) addedApart.reasoning++;
    const cost = usage ? toNumber(usage.total_cost) : undefined;
    if (cost !== undefined) costs++;
    const seconds = toNumber(output.time);
    if (seconds !== undefined) latencies++;

    let confidence: number | undefined;
    const logprobs = outputTokens(output);
    if (logprobs) {
      confidence = tokenConfidence(logprobs, signal);
      if (confidence !== undefined) fromLogprobs++;
      else if (signal === 'mean-negentropy') noAlternatives++;
    }
    if (confidence === undefined && options.confidenceScore !== undefined) {
      const c = isObject(scores[options.confidenceScore]) ? toNumber((scores[options.confidenceScore] as JsonObject).value) : undefined;
      if (c !== undefined) {
        confidence = c;
        fromScore++;
      }
    }
    const attachments = isObject(sample.attachments) ? sample.attachments : {};
    const prompt = options.keepPrompts !== false || options.estimateTokens ? inputText(sample.input, attachments) : undefined;
    const response = options.keepResponses || options.estimateTokens ? completionText(output) : undefined;
    if (response !== undefined) responses++;
    const metadata = isObject(sample.metadata) ? sample.metadata : {};
    const record: RawRecord = {
      model,
      id: epoch > 1 ? `${task}/${String(id)}#${epoch}` : `${task}/${String(id)}`,
      score: quality,
      ...(confidence !== undefined ? { confidence } : {}),
      ...(cost !== undefined ? { cost } : {}),
      ...(tokensIn !== undefined ? { tokensIn } : {}),
      ...(tokensOut !== undefined ? { tokensOut } : {}),
      ...(tokensReasoning !== undefined ? { tokensReasoning } : {}),
      ...(tokensCached !== undefined ? { tokensCached } : {}),
      ...(seconds !== undefined ? { latencyMs: seconds * 1000 } : {}),
      ...(typeof metadata[options.splitField ?? 'split'] === 'string' ? { split: metadata[options.splitField ?? 'split'] } : {}),
      ...(prompt !== undefined ? { prompt } : {}),
      ...(response !== undefined ? { response } : {}),
    };
    records.push({ line, ...(where ? { where } : {}), record });
  }

  derived.push('id = task/sample id, with #<epoch> from the second epoch on');
  const n = records.length;
  if (usageFrom.modelUsage > 0) derived.push(`tokens from the sample's model_usage["${model}"] (${usageFrom.modelUsage} sample(s))`);
  if (usageFrom.output > 0) derived.push(`tokens from output.usage (${usageFrom.output} sample(s))`);
  if (addedApart.cache > 0) derived.push(`input_tokens_cache_read/_write added to input_tokens where total_tokens counts them apart (${addedApart.cache} sample(s))`);
  if (addedApart.reasoning > 0) derived.push(`reasoning_tokens added to output_tokens where total_tokens counts them apart (${addedApart.reasoning} sample(s))`);
  if (judges.size > 0) derived.push(`usage of ${[...judges].join(', ')} (scorer or other roles) not counted`);
  if (usageFrom.modelUsage + usageFrom.output < n) missing.push(`tokens for ${n - usageFrom.modelUsage - usageFrom.output} of ${n} sample(s): no model usage recorded`);
  if (costs > 0) derived.push(`cost from usage total_cost (${costs} sample(s))`);
  if (costs < n) derived.push('cost from tokens x price table where the log has no total_cost');
  if (responses > 0) derived.push(`answer text from output.completion (${responses} sample(s))`);
  if (latencies > 0) derived.push('latency from output.time');
  else missing.push('latency: no output.time in the samples');
  if (fromLogprobs > 0) derived.push(`confidence: ${signalLabel(signal)} of output.choices[0].logprobs (${fromLogprobs} sample(s))`);
  if (fromScore > 0) derived.push(`confidence from scorer "${options.confidenceScore}" (${fromScore} sample(s))`);
  if (noAlternatives > 0) {
    issues.push(
      makeIssue(
        file,
        0,
        'warning',
        'inspect-no-alternatives',
        `${noAlternatives} sample(s) have token log-probs without top alternatives, so mean-negentropy cannot be computed: rerun with --top-logprobs, or choose mean-logprob, min-logprob or sequence-prob`,
      ),
    );
  }
  if (fromLogprobs + fromScore < n) {
    missing.push(`confidence for ${n - fromLogprobs - fromScore} of ${n} sample(s): no output logprobs (run with --logprobs) and no confidence scorer (--confidence-score NAME)`);
  }
  return { format, models: [model], records, issues, derived, missing };
}

function readJson(file: string, bytes: Uint8Array, options: AdapterOptions): AdapterResult {
  const issues: AdapterIssue[] = [];
  const text = decodeText(bytes);
  const { value, error } = parseJson(text);
  if (!isObject(value) || !isObject(value.eval)) {
    issues.push(
      makeIssue(
        file,
        0,
        'error',
        'inspect-unreadable',
        `read as an Inspect log (.json) but ${error ? `it is not JSON (${error})` : 'it has no eval header'}; convert it again with inspect log convert --to json`,
      ),
    );
    return { format: 'inspect-json', models: [], records: [], issues, derived: [], missing: [] };
  }
  const list = Array.isArray(value.samples) ? value.samples : [];
  const lines = list.length > 0 ? arrayElementLines(text, ['samples']) : [];
  const samples: LocatedSample[] = [];
  list.forEach((s, i) => {
    if (isObject(s)) samples.push({ line: lines[i] ?? 0, sample: s });
    else issues.push(makeIssue(file, lines[i] ?? 0, 'error', 'inspect-not-object', 'sample is not a JSON object'));
  });
  return readLog(file, 'inspect-json', value, samples, options, issues);
}

function readEval(file: string, bytes: Uint8Array, options: AdapterOptions): AdapterResult {
  const issues: AdapterIssue[] = [];
  const fail = (message: string): AdapterResult => {
    issues.push(makeIssue(file, 0, 'error', 'inspect-unreadable', message));
    return { format: 'inspect-eval', models: [], records: [], issues, derived: [], missing: [] };
  };
  let entries: ZipEntry[];
  try {
    entries = listZipEntries(bytes);
  } catch (error) {
    return fail(
      `read as an Inspect log (.eval) but ${error instanceof ZipFormatError ? error.message : String(error)}; an .eval log is a zip written by Inspect: copy it again or convert it with inspect log convert --to json`,
    );
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  const readJsonEntry = (entry: ZipEntry): { value?: unknown; error?: string } => {
    try {
      return parseJson(decodeText(readZipEntry(bytes, entry)));
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  const headerEntry = byName.get('header.json') ?? byName.get('_journal/start.json') ?? byName.get('start.json');
  if (!headerEntry) return fail('read as an Inspect log (.eval) but the zip has no header.json or _journal/start.json; it is not an Inspect log or it was cut short');
  const header = readJsonEntry(headerEntry);
  if (!isObject(header.value)) return fail(`${headerEntry.name} of the .eval zip does not read (${header.error ?? 'not a JSON object'}); the file is damaged`);
  let headerValue: JsonObject = header.value;
  // Before header.json existed, status and results sat in results.json beside start.json.
  if (headerEntry.name === 'start.json' && byName.has('results.json')) {
    const results = readJsonEntry(byName.get('results.json')!);
    if (isObject(results.value)) headerValue = { ...headerValue, ...results.value };
  }
  if (headerEntry.name !== 'header.json' && !byName.has('results.json')) {
    issues.push(makeIssue(file, 0, 'warning', 'inspect-unfinished', 'the .eval log has no header.json: the eval did not finish and may hold only some samples'));
  }
  // A zip has no lines: the n-th sample entry stands at position n, its entry name beside it.
  const samples: LocatedSample[] = [];
  let position = 0;
  for (const entry of entries) {
    if (!/^samples\/.+\.json$/.test(entry.name)) continue;
    position++;
    const { value, error } = readJsonEntry(entry);
    if (isObject(value)) samples.push({ line: position, where: entry.name, sample: value });
    else issues.push(makeIssue(file, position, 'error', 'inspect-bad-entry', `${entry.name}: does not read (${error ?? 'not a JSON object'}); the sample is left out`));
  }
  return readLog(file, 'inspect-eval', headerValue, samples, options, issues);
}

export const inspectJsonAdapter: HarnessAdapter = {
  name: 'inspect-json',
  label: 'Inspect AI log (.json)',
  detect: detectJson,
  read: readJson,
};

export const inspectEvalAdapter: HarnessAdapter = {
  name: 'inspect-eval',
  label: 'Inspect AI log (.eval zip)',
  detect: detectEval,
  read: readEval,
};

/**
 * Tokens of an Inspect usage record in the loader's terms: cached input tokens within
 * `tokensIn`, reasoning tokens within `tokensOut`. Inspect's `input_tokens` leaves the cache
 * reads and writes out for some providers (Anthropic's API counts them apart) and includes them
 * for others (OpenAI's); `total_tokens` tells which: when it equals the parts added up only with
 * the cache (or reasoning) tokens apart, those are added to input_tokens (output_tokens). Without
 * a total, or when it matches no sum, the tokens are read as parts (as OpenAI counts them).
 */
function usageTokens(usage: JsonObject): { tokensIn?: number; tokensOut?: number; tokensReasoning?: number; tokensCached?: number; cacheApart?: boolean; reasoningApart?: boolean } {
  let tokensIn = toNumber(usage.input_tokens);
  let tokensOut = toNumber(usage.output_tokens);
  const read = toNumber(usage.input_tokens_cache_read);
  const write = toNumber(usage.input_tokens_cache_write) ?? 0;
  const reasoning = toNumber(usage.reasoning_tokens);
  const total = toNumber(usage.total_tokens);
  const cache = (read ?? 0) + write;
  let cacheApart = false;
  let reasoningApart = false;
  if (tokensIn !== undefined && tokensOut !== undefined && total !== undefined && total !== tokensIn + tokensOut) {
    const r = reasoning ?? 0;
    if (cache > 0 && total === tokensIn + tokensOut + cache) cacheApart = true;
    else if (r > 0 && total === tokensIn + tokensOut + r) reasoningApart = true;
    else if (cache > 0 && r > 0 && total === tokensIn + tokensOut + cache + r) cacheApart = reasoningApart = true;
  }
  if (cacheApart) tokensIn! += cache;
  if (reasoningApart) tokensOut! += reasoning!;
  return {
    ...(tokensIn !== undefined ? { tokensIn } : {}),
    ...(tokensOut !== undefined ? { tokensOut } : {}),
    ...(reasoning !== undefined && reasoning > 0 ? { tokensReasoning: reasoning } : {}),
    ...(read !== undefined && read > 0 ? { tokensCached: read } : {}),
    ...(cacheApart ? { cacheApart } : {}),
    ...(reasoningApart ? { reasoningApart } : {}),
  };
}
