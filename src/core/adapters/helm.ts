/**
 * HELM run outputs: `per_instance_stats.json` (a list of `PerInstanceStats`) in a run folder
 * beside `run_spec.json` (model in `adapter_spec.model`) and, optionally, `instances.json`
 * (prompts). Structure as declared in HELM `src/helm/benchmark/metrics/metric.py`
 * (`PerInstanceStats`), `metrics/statistic.py` (`Stat`), `metrics/metric_name.py` and
 * `run_spec.py`; stat names from `metrics/basic_metrics.py`.
 */
import type { RawRecord } from '../types.ts';
import type { AdapterIssue, AdapterOptions, AdapterResult, DetectStrength, HarnessAdapter, PlacedRecord, SiblingFiles } from './types.ts';
import { arrayElementLines, baseName, decodeText, folderName, headText, isObject, type JsonObject, makeIssue, parseJson, toNumber } from './util.ts';

const FORMAT = 'helm';
const QUALITY_STATS = ['exact_match', 'quasi_exact_match', 'prefix_exact_match', 'quasi_prefix_exact_match'];

function detect(file: string, head: Uint8Array): DetectStrength {
  const text = headText(head, 16384);
  // display_predictions.json also starts with instance_id, but its stats are an object, not a list.
  if (/^\s*\[\s*\{\s*"instance_id"\s*:/.test(text) && /"stats"\s*:\s*\[/.test(text)) return 'content';
  return baseName(file) === 'per_instance_stats.json' ? 'name' : 'none';
}

/** Files HELM writes into a run folder beside per_instance_stats.json. */
const COMPANIONS = new Set(['run_spec.json', 'scenario.json', 'scenario_state.json', 'stats.json', 'instances.json', 'display_predictions.json', 'display_requests.json']);

function detectCompanion(file: string, head: Uint8Array): DetectStrength {
  const text = headText(head, 16384);
  if (/^\s*\{\s*"name"\s*:/.test(text) && /"scenario_spec"\s*:/.test(text) && /"adapter_spec"\s*:/.test(text)) return 'content';
  // The other run files have no signature of their own: their HELM name and JSON content together.
  if (COMPANIONS.has(baseName(file))) return /^\s*[[{]/.test(text) ? 'content' : 'name';
  return 'none';
}

/** A run spec name without its model arguments: the scenario, shared by every model's run. */
function scenarioOf(runName: string): string {
  const colon = runName.indexOf(':');
  if (colon < 0) return runName;
  const args = runName
    .slice(colon + 1)
    .split(',')
    .filter((a) => !/^(model|model_deployment)=/.test(a));
  return args.length ? `${runName.slice(0, colon)}:${args.join(',')}` : runName.slice(0, colon);
}

/** Mean of a stat: `mean`, else `sum / count`. */
function statMean(stat: JsonObject): number | undefined {
  const mean = toNumber(stat.mean);
  if (mean !== undefined) return mean;
  const sum = toNumber(stat.sum);
  const count = toNumber(stat.count);
  return sum !== undefined && count !== undefined && count > 0 ? sum / count : undefined;
}

/**
 * The first completion's text per instance and train trial (key `id\u0000trial`) from
 * `scenario_state.json` (its `request_states`), leaving out perturbed instances and, where a run
 * asks once per answer option, the requests for one option. O(size of the file).
 */
function helmCompletions(state: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const requests = isObject(state) && Array.isArray(state.request_states) ? state.request_states : [];
  for (const r of requests) {
    if (!isObject(r) || !isObject(r.instance) || r.instance.perturbation != null || r.reference_index != null) continue;
    const completions = isObject(r.result) && Array.isArray(r.result.completions) ? r.result.completions : [];
    const text = isObject(completions[0]) && typeof completions[0].text === 'string' ? completions[0].text : undefined;
    const key = `${String(r.instance.id)}\u0000${toNumber(r.train_trial_index) ?? 0}`;
    if (text !== undefined && !out.has(key)) out.set(key, text);
  }
  return out;
}

/** A stat's name with its split (`exact_match/test`); undefined for a malformed stat. */
const statName = (s: unknown): string | undefined =>
  isObject(s) && isObject(s.name) && typeof s.name.name === 'string' ? `${s.name.name}/${String(s.name.split ?? '')}/${JSON.stringify(s.name.perturbation ?? null)}` : undefined;

/**
 * Entries of the same instance and train trial (not perturbed) joined into one, their stats
 * concatenated in file order: some runs (anthropic_red_team) write an instance's scores in one
 * entry and its token counts in another. The joined entry keeps the line of its first part.
 * Other entries pass unchanged. O(entries).
 */
function mergeSplitEntries(value: readonly unknown[], lines: readonly number[]): { entries: { entry: unknown; line: number }[]; merged: number } {
  const entries: { entry: unknown; line: number }[] = [];
  const byKey = new Map<string, { entry: { [key: string]: unknown; stats: unknown[] }; line: number; names: Set<string | undefined> }>();
  const joined = new Set<string>();
  value.forEach((entry, i) => {
    const line = lines[i] ?? 0;
    const id = isObject(entry) ? entry.instance_id : undefined;
    if (!isObject(entry) || entry.perturbation != null || (typeof id !== 'string' && typeof id !== 'number')) {
      entries.push({ entry, line });
      return;
    }
    const key = JSON.stringify([String(id), toNumber(entry.train_trial_index) ?? 0]);
    const stats = Array.isArray(entry.stats) ? entry.stats : [];
    const first = byKey.get(key);
    // Parts of one instance hold different stats; the same stat twice is a repeated instance, reported as a duplicate.
    if (first && !stats.some((s) => first.names.has(statName(s)))) {
      first.entry.stats.push(...stats);
      for (const s of stats) first.names.add(statName(s));
      joined.add(key);
      return;
    }
    if (first) {
      entries.push({ entry, line });
      return;
    }
    const own = { entry: { ...entry, stats: [...stats] }, line, names: new Set(stats.map(statName)) };
    byKey.set(key, own);
    entries.push(own);
  });
  return { entries, merged: joined.size };
}

function readSibling(siblings: SiblingFiles | undefined, name: string): unknown {
  if (!siblings?.list().includes(name)) return undefined;
  const bytes = siblings.read(name);
  return bytes ? parseJson(decodeText(bytes)).value : undefined;
}

function read(file: string, bytes: Uint8Array, options: AdapterOptions, siblings?: SiblingFiles): AdapterResult {
  const issues: AdapterIssue[] = [];
  const derived: string[] = [];
  const missing: string[] = [];
  const text = decodeText(bytes);
  const { value, error } = parseJson(text);
  if (!Array.isArray(value)) {
    issues.push(
      makeIssue(file, 0, 'error', 'helm-unreadable', `read as HELM per_instance_stats.json but ${error ? `it is not JSON (${error})` : 'it is not a list'}; copy the file again from the run folder`),
    );
    return { format: FORMAT, models: [], records: [], issues, derived, missing };
  }

  const runSpec = readSibling(siblings, 'run_spec.json');
  const adapterSpec = isObject(runSpec) && isObject(runSpec.adapter_spec) ? runSpec.adapter_spec : undefined;
  let model = [adapterSpec?.model, adapterSpec?.model_deployment].find((m): m is string => typeof m === 'string' && m !== '');
  let runName = isObject(runSpec) && typeof runSpec.name === 'string' ? runSpec.name : undefined;
  if (model !== undefined) derived.push('model from run_spec.json (adapter_spec.model)');
  else {
    // The run folder is named after the run spec, e.g. `mmlu:subject=anatomy,...,model=openai_gpt2`.
    const folder = folderName(file);
    const m = /(?:^|[:,])model=([^,]+)/.exec(folder);
    if (m) {
      model = m[1];
      runName = runName ?? folder;
      derived.push('model from the run folder name');
      issues.push(makeIssue(file, 0, 'warning', 'helm-model-from-folder', `no run_spec.json beside this file; the model is taken from the run folder name ("${model}", with / written as _)`));
    } else {
      issues.push(makeIssue(file, 0, 'error', 'helm-no-model', 'no model name: keep per_instance_stats.json in its HELM run folder, beside run_spec.json'));
      return { format: FORMAT, models: [], records: [], issues, derived, missing };
    }
  }
  const scenario = runName ? scenarioOf(runName) : folderName(file) || 'helm';

  const instances = readSibling(siblings, 'instances.json');
  const prompts = new Map<string, string>();
  if (Array.isArray(instances) && options.keepPrompts !== false) {
    for (const inst of instances) {
      if (!isObject(inst) || inst.perturbation != null || typeof inst.id !== 'string') continue;
      const input = isObject(inst.input) ? inst.input.text : undefined;
      if (typeof input === 'string') prompts.set(inst.id, input);
    }
  }

  const completions = options.keepResponses || options.estimateTokens ? helmCompletions(readSibling(siblings, 'scenario_state.json')) : undefined;
  const lines = arrayElementLines(text, []);
  const { entries, merged } = mergeSplitEntries(value, lines);
  const records: PlacedRecord[] = [];
  let perturbed = 0;
  let qualityStat: string | undefined = options.qualityScore;
  let withConfidence = 0;
  let withTokens = 0;
  let withRuntime = 0;
  const trials = new Set<number>();
  entries.forEach(({ entry, line }) => {
    if (!isObject(entry)) {
      issues.push(makeIssue(file, line, 'error', 'helm-not-object', 'entry is not a JSON object'));
      return;
    }
    if (entry.perturbation != null) {
      perturbed++;
      return;
    }
    if (typeof entry.instance_id !== 'string' && typeof entry.instance_id !== 'number') {
      issues.push(makeIssue(file, line, 'error', 'helm-no-instance-id', 'entry has no instance_id; HELM writes one per instance'));
      return;
    }
    const stats = new Map<string, number>();
    for (const s of Array.isArray(entry.stats) ? entry.stats : []) {
      if (!isObject(s) || !isObject(s.name) || typeof s.name.name !== 'string' || s.name.perturbation != null) continue;
      const mean = statMean(s);
      if (mean !== undefined && !stats.has(s.name.name)) stats.set(s.name.name, mean);
    }
    qualityStat ??= QUALITY_STATS.find((q) => stats.has(q));
    const quality = qualityStat !== undefined ? stats.get(qualityStat) : undefined;
    if (quality === undefined) {
      const names = [...stats.keys()].slice(0, 12).join(', ');
      issues.push(
        makeIssue(
          file,
          line,
          'error',
          'helm-no-quality',
          `instance ${String(entry.instance_id)} has no ${qualityStat ?? QUALITY_STATS.join(' / ')} stat (its stats: ${names || 'none'}); pass the stat that holds correctness as --quality-score`,
        ),
      );
      return;
    }
    const trial = toNumber(entry.train_trial_index) ?? 0;
    trials.add(trial);
    const confidence = stats.get('max_prob');
    const tokensIn = stats.get('num_prompt_tokens');
    const tokensOut = stats.get('num_output_tokens') ?? stats.get('num_completion_tokens');
    const runtime = stats.get('inference_runtime');
    if (confidence !== undefined) withConfidence++;
    if (tokensIn !== undefined || tokensOut !== undefined) withTokens++;
    if (runtime !== undefined) withRuntime++;
    const prompt = prompts.get(String(entry.instance_id));
    const response = completions?.get(`${String(entry.instance_id)}\u0000${trial}`);
    const record: RawRecord = {
      model,
      id: `${scenario}/${String(entry.instance_id)}${trial > 0 ? `/trial${trial}` : ''}`,
      score: quality,
      ...(confidence !== undefined ? { confidence } : {}),
      ...(tokensIn !== undefined ? { tokensIn } : {}),
      ...(tokensOut !== undefined ? { tokensOut } : {}),
      ...(runtime !== undefined ? { latencyMs: runtime * 1000 } : {}),
      ...(prompt !== undefined ? { prompt } : {}),
      ...(response !== undefined ? { response } : {}),
    };
    records.push({ line, record });
  });

  const n = records.length;
  derived.push(`id = scenario/instance_id (scenario "${scenario}")${trials.size > 1 ? ', with /trial<k> for train trials after the first' : ''}`);
  if (qualityStat !== undefined) derived.push(`quality from stat "${qualityStat}"`);
  if (merged > 0) derived.push(`stats of ${merged} instance(s) merged from two or more entries (same instance_id and train_trial_index)`);
  if (perturbed > 0) derived.push(`${perturbed} perturbed row(s) skipped`);
  if (withConfidence > 0) derived.push(`confidence from stat "max_prob" (${withConfidence} instance(s))`);
  if (withConfidence < n) missing.push(`confidence for ${n - withConfidence} of ${n} instance(s): no max_prob stat (HELM computes it for multiple-choice and classification runs)`);
  if (withTokens > 0) derived.push('tokens from num_prompt_tokens / num_output_tokens; cost from tokens x price table');
  if (withTokens < n) missing.push(`tokens for ${n - withTokens} of ${n} instance(s): no num_prompt_tokens stat`);
  if (withRuntime > 0) derived.push('latency from inference_runtime');
  if (prompts.size > 0) derived.push('prompt from instances.json');
  if (completions && completions.size > 0) derived.push('answer text from scenario_state.json (the first completion)');
  else if (completions) missing.push('answer text: no scenario_state.json with completions beside the file');
  else if (options.keepPrompts !== false) missing.push('prompt: no instances.json beside the file');
  return { format: FORMAT, models: [model], records, issues, derived, missing };
}

function readCompanion(file: string, _bytes: Uint8Array, _options: AdapterOptions, siblings?: SiblingFiles): AdapterResult {
  const beside = siblings?.list().includes('per_instance_stats.json') ?? false;
  return {
    format: 'helm-companion',
    models: [],
    records: [],
    issues: beside
      ? []
      : [makeIssue(file, 0, 'warning', 'helm-companion-alone', 'a HELM run file without per_instance_stats.json beside it: per-query records are in per_instance_stats.json of the same run folder')],
    derived: beside ? [`read with per_instance_stats.json (${baseName(file)})`] : [],
    missing: beside ? [] : ['per-query records: per_instance_stats.json of this run'],
    companion: true,
  };
}

export const helmAdapter: HarnessAdapter = {
  name: FORMAT,
  label: 'HELM per_instance_stats.json',
  detect,
  read,
};

export const helmCompanionAdapter: HarnessAdapter = {
  name: 'helm-companion',
  label: 'HELM run file (run_spec.json, instances.json, ...)',
  detect: detectCompanion,
  read: readCompanion,
};
