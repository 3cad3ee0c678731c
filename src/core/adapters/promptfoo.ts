/**
 * promptfoo `promptfoo eval -o results.json` (an `OutputFile` whose `results` is an
 * `EvaluateSummaryV2/V3`) and `-o results.jsonl` (one `EvaluateResult` per line).
 * Structure as declared in promptfoo `src/types/index.ts` (`OutputFile`, `EvaluateSummaryV3`,
 * `EvaluateResult`) and written by `src/util/output.ts` / `src/models/evalResult.ts`.
 */
import type { RawRecord } from '../types.ts';
import { DEFAULT_CONFIDENCE_SIGNAL, signalLabel, tokenConfidence } from './confidence.ts';
import type { AdapterIssue, AdapterOptions, AdapterResult, DetectStrength, HarnessAdapter, PlacedRecord } from './types.ts';
import { arrayElementLines, baseName, decodeText, headText, isObject, type JsonObject, makeIssue, outputText, parseJson, parseJsonLines, shortHash, stableStringify, toNumber } from './util.ts';

const FORMAT = 'promptfoo';
const KNOWN_VERSIONS = [2, 3];

function detect(file: string, head: Uint8Array): DetectStrength {
  const text = headText(head, 65536);
  if (/^\s*\{\s*"evalId"\s*:/.test(text) && /"results"\s*:\s*\{/.test(text)) return 'content';
  if (/"results"\s*:\s*\{\s*"version"\s*:\s*\d+\s*,\s*"timestamp"\s*:/.test(text)) return 'content';
  const firstLine = text.split('\n', 1)[0];
  if (/^\s*\{/.test(firstLine) && /"promptIdx"\s*:/.test(firstLine) && /"testIdx"\s*:/.test(firstLine) && /"provider"\s*:/.test(firstLine)) {
    return 'content';
  }
  return /promptfoo/i.test(baseName(file)) ? 'name' : 'none';
}

interface Located {
  readonly line: number;
  readonly result: JsonObject;
}

/** The results of a `.json` output, each with its line, or a file-level problem. */
function jsonResults(file: string, text: string, issues: AdapterIssue[], derived: string[]): Located[] | undefined {
  const { value, error } = parseJson(text);
  if (error !== undefined || !isObject(value)) {
    issues.push(
      makeIssue(file, 0, 'error', 'promptfoo-unreadable', `read as promptfoo output but it is not a JSON object (${error ?? 'other JSON value'}); export it again with promptfoo eval -o results.json`),
    );
    return undefined;
  }
  const summary = isObject(value.results) ? value.results : undefined;
  const list = summary?.results;
  if (!summary || !Array.isArray(list)) {
    issues.push(makeIssue(file, 0, 'error', 'promptfoo-no-results', 'read as promptfoo output but results.results is not a list of results; export it again with promptfoo eval -o results.json'));
    return undefined;
  }
  const version = toNumber(summary.version);
  if (version === undefined || version < 2) {
    issues.push(
      makeIssue(
        file,
        0,
        'error',
        'promptfoo-old-version',
        `promptfoo results version ${String(summary.version)} is older than version 2, whose results carry no provider or test case; export it again with a current promptfoo`,
      ),
    );
    return undefined;
  }
  if (!KNOWN_VERSIONS.includes(version)) {
    issues.push(
      makeIssue(file, 0, 'warning', 'promptfoo-new-version', `promptfoo results version ${version} is newer than the versions this reader knows (${KNOWN_VERSIONS.join(', ')}); read as version 3`),
    );
  }
  derived.push(`promptfoo results version ${version}`);
  const lines = arrayElementLines(text, ['results', 'results']);
  const out: Located[] = [];
  list.forEach((r, i) => {
    const line = lines[i] ?? 0;
    if (isObject(r)) out.push({ line, result: r });
    else issues.push(makeIssue(file, line, 'error', 'promptfoo-not-object', 'result is not a JSON object'));
  });
  return out;
}

function jsonlResults(file: string, text: string, issues: AdapterIssue[]): Located[] {
  const out: Located[] = [];
  for (const l of parseJsonLines(text)) {
    if (l.error !== undefined) issues.push(makeIssue(file, l.line, 'error', 'promptfoo-malformed-json', `not JSON (${l.error}); each line of a promptfoo .jsonl output is one result`));
    else if (!isObject(l.value)) issues.push(makeIssue(file, l.line, 'error', 'promptfoo-not-object', 'not a JSON object; each line of a promptfoo .jsonl output is one result'));
    else out.push({ line: l.line, result: l.value });
  }
  return out;
}

function providerName(result: JsonObject): string | undefined {
  const p = result.provider;
  if (typeof p === 'string' && p !== '') return p;
  if (!isObject(p)) return undefined;
  if (typeof p.label === 'string' && p.label !== '') return p.label;
  return typeof p.id === 'string' && p.id !== '' ? p.id : undefined;
}

function promptName(result: JsonObject): string {
  const prompt = isObject(result.prompt) ? result.prompt : undefined;
  if (typeof prompt?.label === 'string' && prompt.label !== '') return prompt.label;
  return `prompt ${String(result.promptIdx ?? '?')}`;
}

/** Join key of a result's test case: its metadata id, else a hash of its vars. */
function testKey(result: JsonObject): { key: string; from: 'metadata id' | 'vars hash' | 'test index' } {
  const testCase = isObject(result.testCase) ? result.testCase : {};
  const metadata = isObject(testCase.metadata) ? testCase.metadata : {};
  for (const k of ['id', 'testCaseId', 'test_id']) {
    const v = metadata[k];
    if (typeof v === 'string' || typeof v === 'number') return { key: String(v), from: 'metadata id' };
  }
  const vars = isObject(testCase.vars) ? testCase.vars : isObject(result.vars) ? result.vars : undefined;
  if (vars && Object.keys(vars).length > 0) return { key: `vars-${shortHash(stableStringify(vars))}`, from: 'vars hash' };
  return { key: `test-${String(result.testIdx ?? '?')}`, from: 'test index' };
}

function read(file: string, bytes: Uint8Array, options: AdapterOptions): AdapterResult {
  const issues: AdapterIssue[] = [];
  const derived: string[] = [];
  const missing: string[] = [];
  const text = decodeText(bytes);
  const isJsonl = /\.jsonl$/i.test(file) || (!/^\s*\{\s*"evalId"/.test(text) && /^\s*\{[^\n]*"promptIdx"/.test(text) && text.trim().includes('\n'));
  const located = isJsonl ? jsonlResults(file, text, issues) : jsonResults(file, text, issues, derived);
  if (!located) return { format: FORMAT, models: [], records: [], issues, derived, missing };

  // Several prompts per provider make several configurations: name each one apart.
  const promptsPerProvider = new Map<string, Set<string>>();
  for (const { result } of located) {
    const p = providerName(result);
    if (p === undefined) continue;
    const set = promptsPerProvider.get(p) ?? new Set<string>();
    set.add(promptName(result));
    promptsPerProvider.set(p, set);
  }
  const splitByPrompt = [...promptsPerProvider.values()].some((s) => s.size > 1);
  if (splitByPrompt) derived.push('model = provider · prompt label (the file has several prompts per provider)');
  else derived.push('model from provider label, else provider id');

  // A named score asked for by name must be in the results: say which are, rather than reading none.
  const namedScores: string[] = [];
  for (const { result } of located) {
    if (isObject(result.namedScores)) for (const k of Object.keys(result.namedScores)) if (!namedScores.includes(k)) namedScores.push(k);
  }
  const present = namedScores.length
    ? `their named scores are ${namedScores.map((k) => `"${k}"`).join(', ')}: pass one of them`
    : 'they have no named scores (an assertion with a metric name adds one)';
  if (options.qualityScore !== undefined && !namedScores.includes(options.qualityScore)) {
    issues.push(makeIssue(file, 0, 'error', 'promptfoo-unknown-quality-score', `named score "${options.qualityScore}" (--quality-score) is not in the results; ${present}`));
    return { format: FORMAT, models: [], records: [], issues, derived, missing };
  }
  if (options.confidenceScore !== undefined && !namedScores.includes(options.confidenceScore)) {
    issues.push(
      makeIssue(
        file,
        0,
        'error',
        'promptfoo-unknown-confidence-score',
        `named score "${options.confidenceScore}" (--confidence-score) is not in the results, so no confidence is read from it; ${present}`,
      ),
    );
  }

  const signal = options.confidenceSignal ?? DEFAULT_CONFIDENCE_SIGNAL;
  const splitField = options.splitField ?? 'split';
  const records: PlacedRecord[] = [];
  const models: string[] = [];
  const occurrences = new Map<string, number>();
  const keySources = new Set<string>();
  let fromLogprobs = 0;
  let fromNamedScore = 0;
  let pricedFromTokens = 0;
  let freeWithoutTokens = 0;
  let repeats = 0;
  let negentropyUnavailable = false;
  let answers = 0;

  for (const { line, result } of located) {
    const provider = providerName(result);
    if (provider === undefined) {
      issues.push(makeIssue(file, line, 'error', 'promptfoo-no-provider', 'result has no provider id or label; promptfoo writes one per result'));
      continue;
    }
    const response = isObject(result.response) ? result.response : {};
    // failureReason 1 is a failed assertion (a wrong answer, kept); 2 is an error of the call.
    // Files without failureReason: a call failed when the response carries an error or is absent.
    const failure = toNumber(result.failureReason);
    const errorText = typeof result.error === 'string' && result.error !== '' ? result.error : typeof response.error === 'string' ? response.error : '';
    const callFailed = failure === 2 || (failure === undefined && errorText !== '' && (!isObject(result.response) || typeof response.error === 'string'));
    if (callFailed) {
      const why = errorText !== '' ? errorText.split('\n', 1)[0].slice(0, 200) : 'error';
      issues.push(
        makeIssue(
          file,
          line,
          'error',
          'promptfoo-call-failed',
          `${splitByPrompt ? `model "${provider} · ${promptName(result)}"` : `model "${provider}"`}: the provider call failed (${why}); the result is left out: rerun the failed tests (promptfoo eval --retry-errors)`,
        ),
      );
      continue;
    }
    const model = splitByPrompt ? `${provider} · ${promptName(result)}` : provider;
    if (!models.includes(model)) models.push(model);

    const { key, from } = testKey(result);
    keySources.add(from);
    const seen = (occurrences.get(`${model}\u0000${key}`) ?? 0) + 1;
    occurrences.set(`${model}\u0000${key}`, seen);
    if (seen > 1) repeats++;
    const id = seen > 1 ? `${key}#${seen}` : key;

    const named = isObject(result.namedScores) ? result.namedScores : {};
    let quality: Partial<RawRecord>;
    if (options.qualityScore !== undefined) quality = { score: named[options.qualityScore] };
    else if (typeof result.score === 'number') quality = { score: result.score };
    else quality = { correct: result.success };

    let confidence: number | undefined;
    const logProbs = Array.isArray(response.logProbs) ? response.logProbs.map(toNumber) : undefined;
    if (logProbs && logProbs.length > 0 && logProbs.every((x) => x !== undefined)) {
      if (signal === 'mean-negentropy') negentropyUnavailable = true;
      else {
        confidence = tokenConfidence(
          logProbs.map((logprob) => ({ logprob: logprob! })),
          signal,
        );
        if (confidence !== undefined) fromLogprobs++;
      }
    }
    const confidenceName = options.confidenceScore ?? (Object.hasOwn(named, 'confidence') ? 'confidence' : undefined);
    if (confidence === undefined && confidenceName !== undefined && Object.hasOwn(named, confidenceName)) {
      const v = toNumber(named[confidenceName]);
      if (v !== undefined) {
        confidence = v;
        fromNamedScore++;
      }
    }

    const usage = isObject(response.tokenUsage) ? response.tokenUsage : isObject(result.tokenUsage) ? result.tokenUsage : {};
    const tokensIn = toNumber(usage.prompt);
    const tokensOut = toNumber(usage.completion);
    // Reasoning tokens, within completion. promptfoo's `cached` counts the tokens of a response
    // replayed from its own response cache, not the provider's cached input tokens: not read.
    const tokensReasoning = isObject(usage.completionDetails) ? toNumber(usage.completionDetails.reasoning) : undefined;
    const hasTokens = tokensIn !== undefined || tokensOut !== undefined;
    const fileCost = toNumber(result.cost) ?? toNumber(response.cost);
    // promptfoo writes cost 0 when it does not know a provider's price: let tokens price it instead.
    let cost: number | undefined = fileCost;
    if ((fileCost === undefined || fileCost === 0) && hasTokens && (tokensIn ?? 0) + (tokensOut ?? 0) > 0) {
      cost = undefined;
      pricedFromTokens++;
    } else if (fileCost === 0) freeWithoutTokens++;

    const testCase = isObject(result.testCase) ? result.testCase : {};
    const metadata = isObject(testCase.metadata) ? testCase.metadata : {};
    const prompt = isObject(result.prompt) && typeof result.prompt.raw === 'string' ? result.prompt.raw : undefined;
    const output = options.keepResponses || options.estimateTokens ? response.output : undefined;
    const answer = output === undefined || output === null ? undefined : (outputText(output) ?? JSON.stringify(output));
    if (answer !== undefined) answers++;
    const record: RawRecord = {
      model,
      id,
      ...quality,
      ...(confidence !== undefined ? { confidence } : {}),
      ...(cost !== undefined ? { cost } : {}),
      ...(tokensIn !== undefined ? { tokensIn } : {}),
      ...(tokensOut !== undefined ? { tokensOut } : {}),
      ...(tokensReasoning !== undefined && tokensReasoning > 0 ? { tokensReasoning } : {}),
      ...(toNumber(result.latencyMs) !== undefined ? { latencyMs: toNumber(result.latencyMs) } : {}),
      ...(typeof metadata[splitField] === 'string' ? { split: metadata[splitField] } : {}),
      ...((options.keepPrompts !== false || options.estimateTokens) && prompt !== undefined ? { prompt } : {}),
      ...(answer !== undefined ? { response: answer } : {}),
    };
    records.push({ line, record });
  }

  derived.push(`id from the test case's ${[...keySources].join(' / ') || 'metadata id or vars hash'}`);
  if (repeats > 0) derived.push(`${repeats} repeated result(s) kept apart as <id>#2, #3, ...`);
  derived.push(options.qualityScore !== undefined ? `quality from named score "${options.qualityScore}"` : 'quality from score (success where score is absent)');
  if (fromLogprobs > 0) derived.push(`confidence: ${signalLabel(signal)} of response.logProbs (${fromLogprobs} result(s))`);
  if (fromNamedScore > 0) derived.push(`confidence from named score "${options.confidenceScore ?? 'confidence'}" (${fromNamedScore} result(s))`);
  if (negentropyUnavailable) {
    issues.push(
      makeIssue(
        file,
        0,
        'warning',
        'promptfoo-no-alternatives',
        "mean-negentropy needs the top alternatives at each token but promptfoo keeps only the chosen tokens' log-probs; choose mean-logprob, min-logprob or sequence-prob",
      ),
    );
  }
  if (fromLogprobs + fromNamedScore < records.length) {
    missing.push(
      `confidence for ${records.length - fromLogprobs - fromNamedScore} of ${records.length} result(s): no response.logProbs (ask the provider for logprobs) and no named score "${options.confidenceScore ?? 'confidence'}" (--confidence-score NAME for another named score)`,
    );
  }
  if (pricedFromTokens > 0) derived.push(`cost from tokens x price table for ${pricedFromTokens} result(s) whose cost is 0 or absent`);
  if (freeWithoutTokens > 0) {
    issues.push(
      makeIssue(file, 0, 'warning', 'promptfoo-free', `${freeWithoutTokens} result(s) have cost 0 and no token counts: they count as free; if the provider is not free, record token usage or costs`),
    );
  }
  if (records.some((r) => r.record.latencyMs !== undefined)) derived.push('latency from latencyMs');
  if (answers > 0) derived.push(`answer text from response.output (${answers} result(s))`);
  return { format: FORMAT, models, records, issues, derived, missing };
}

export const promptfooAdapter: HarnessAdapter = {
  name: FORMAT,
  label: 'promptfoo output (-o results.json / results.jsonl)',
  detect,
  read,
};
