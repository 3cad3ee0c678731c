/**
 * OpenAI evals record files (`oaieval --record_path`): a `{"spec": RunSpec}` line, then one
 * event per line (`run_id`, `event_id`, `sample_id`, `type`, `data`, ...) — `sampling` events
 * with the prompt and sampled text, `match` events with `correct` — and a `final_report`
 * line. Layout as written by openai/evals `evals/record.py` (`LocalRecorder`, `Event`,
 * `record_match`, `record_sampling`) with `RunSpec` from `evals/base.py`.
 */
import type { RawRecord } from '../types.ts';
import type { AdapterIssue, AdapterOptions, AdapterResult, DetectStrength, HarnessAdapter, PlacedRecord } from './types.ts';
import { decodeText, headText, isObject, type JsonObject, makeIssue, outputText, parseJsonLines, toNumber } from './util.ts';

const FORMAT = 'openai-evals';

function detect(_file: string, head: Uint8Array): DetectStrength {
  const text = headText(head, 16384);
  return /^\s*\{\s*"spec"\s*:\s*\{/.test(text) && /"completion_fns"\s*:/.test(text) && /"eval_name"\s*:/.test(text) ? 'content' : 'none';
}

function promptText(prompt: unknown): string | undefined {
  if (typeof prompt === 'string') return prompt;
  if (!Array.isArray(prompt)) return undefined;
  const parts = prompt
    .filter(isObject)
    .map((m) => m.content)
    .filter((c): c is string => typeof c === 'string');
  return parts.length ? parts.join('\n\n') : undefined;
}

/** `sampled` as evals writes it: a list of completions (the first is the answer) or one string. */
function sampledText(sampled: unknown): string | undefined {
  return outputText(Array.isArray(sampled) ? sampled[0] : sampled);
}

interface SampleEvents {
  match?: { line: number; data: JsonObject };
  matches: number;
  sampling?: JsonObject;
  metrics?: JsonObject;
  metricsLine?: number;
}

function read(file: string, bytes: Uint8Array, options: AdapterOptions): AdapterResult {
  const issues: AdapterIssue[] = [];
  const derived: string[] = [];
  const missing: string[] = [];
  let spec: JsonObject | undefined;
  let finalReport = false;
  const samples = new Map<string, SampleEvents>();
  for (const l of parseJsonLines(decodeText(bytes))) {
    if (l.error !== undefined || !isObject(l.value)) {
      issues.push(makeIssue(file, l.line, 'error', 'evals-malformed-json', `not a JSON object${l.error ? ` (${l.error})` : ''}; each line of an evals record file is one JSON object`));
      continue;
    }
    const v = l.value;
    if (isObject(v.spec)) {
      spec ??= v.spec;
      continue;
    }
    if (v.final_report !== undefined) {
      finalReport = true;
      continue;
    }
    if (typeof v.type !== 'string') continue;
    const sampleId = v.sample_id;
    if (typeof sampleId !== 'string' && typeof sampleId !== 'number') continue;
    const key = String(sampleId);
    const entry = samples.get(key) ?? { matches: 0 };
    samples.set(key, entry);
    const data = isObject(v.data) ? v.data : {};
    if (v.type === 'match') {
      entry.matches++;
      entry.match ??= { line: l.line, data };
    } else if (v.type === 'sampling') entry.sampling ??= data;
    else if (v.type === 'metrics') {
      entry.metrics ??= data;
      entry.metricsLine ??= l.line;
    }
  }
  const fns = spec && Array.isArray(spec.completion_fns) ? spec.completion_fns.filter((f): f is string => typeof f === 'string') : [];
  if (!spec || fns.length === 0) {
    issues.push(makeIssue(file, 1, 'error', 'evals-no-spec', 'no spec line with completion_fns: the first line of an evals record file names the model; record the run again with oaieval'));
    return { format: FORMAT, models: [], records: [], issues, derived, missing };
  }
  const model = fns.join('+');
  derived.push('model from spec.completion_fns');

  const records: PlacedRecord[] = [];
  let fromMetrics = 0;
  let withTokens = 0;
  let answers = 0;
  let duplicated = 0;
  for (const [id, events] of samples) {
    let quality: Partial<RawRecord> | undefined;
    let line: number;
    if (events.match) {
      line = events.match.line;
      quality = { correct: events.match.data.correct };
      if (events.matches > 1) duplicated++;
    } else if (events.metrics) {
      line = events.metricsLine ?? 0;
      const key = options.qualityScore ?? ['score', 'accuracy', 'correct'].find((k) => events.metrics![k] !== undefined);
      if (key !== undefined && events.metrics[key] !== undefined) {
        quality = { score: events.metrics[key] };
        fromMetrics++;
      }
    } else continue; // A sample with only sampling events was not graded: counted below.
    if (quality === undefined) {
      issues.push(
        makeIssue(
          file,
          line,
          'error',
          'evals-no-quality',
          `sample ${id} has no match event and its metrics event has no ${options.qualityScore ?? 'score, accuracy or correct'} (its metrics: ${Object.keys(events.metrics ?? {}).join(', ') || 'none'}); pass the metric that holds correctness as --quality-score`,
        ),
      );
      continue;
    }
    const sampling = events.sampling ?? {};
    const usage = isObject(sampling.usage) ? sampling.usage : {};
    const tokensIn = toNumber(usage.prompt_tokens);
    const tokensOut = toNumber(usage.completion_tokens);
    if (tokensIn !== undefined || tokensOut !== undefined) withTokens++;
    const prompt = options.keepPrompts !== false || options.estimateTokens ? promptText(sampling.prompt) : undefined;
    // The sampled answer: on the sampling event, else repeated on the match event.
    const response = options.keepResponses || options.estimateTokens ? sampledText(sampling.sampled ?? events.match?.data.sampled) : undefined;
    if (response !== undefined) answers++;
    records.push({
      line,
      record: {
        model,
        id,
        ...quality,
        ...(tokensIn !== undefined ? { tokensIn } : {}),
        ...(tokensOut !== undefined ? { tokensOut } : {}),
        ...(prompt !== undefined ? { prompt } : {}),
        ...(response !== undefined ? { response } : {}),
      },
    });
  }
  if (samples.size === 0) {
    issues.push(
      makeIssue(
        file,
        0,
        'error',
        'evals-no-events',
        `the record file holds no sample events, only the run's spec${finalReport ? ' and its final report' : ''}: there is nothing per query to read. Use the record file oaieval writes for the run (--record_path; by default /tmp/evallogs/<run_id>_<completion_fn>_<eval>.jsonl), whose sampling and match events give each sample`,
      ),
    );
  }
  const ungraded = [...samples.values()].filter((e) => !e.match && !e.metrics).length;
  if (ungraded > 0) {
    issues.push(makeIssue(file, 0, 'warning', 'evals-ungraded', `${ungraded} sample(s) have sampling events but no match or metrics event: they were not graded and are left out`));
  }
  if (duplicated > 0) {
    issues.push(makeIssue(file, 0, 'warning', 'evals-several-matches', `${duplicated} sample(s) have several match events; the first of each is used`));
  }
  const n = records.length;
  derived.push('id from sample_id');
  derived.push(fromMetrics > 0 ? `quality from match.correct, else the metrics event (${fromMetrics} sample(s))` : 'quality from match events (correct)');
  if (withTokens > 0) derived.push('tokens from the sampling event usage; cost from tokens x price table');
  if (withTokens < n) missing.push(`tokens and cost for ${n - withTokens} of ${n} sample(s): the record file holds no usage`);
  if (answers > 0) derived.push(`answer text from sampled (${answers} sample(s))`);
  missing.push('confidence: evals record files keep no log-probabilities');
  missing.push('latency: not recorded');
  return { format: FORMAT, models: [model], records, issues, derived, missing };
}

export const openaiEvalsAdapter: HarnessAdapter = {
  name: FORMAT,
  label: 'OpenAI evals record file (.jsonl)',
  detect,
  read,
};
