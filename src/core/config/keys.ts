import { CONFIDENCE_SIGNALS } from '../adapters/confidence.ts';

/** A key a cascade config may have: where it goes, one line on what it does, and a snippet that writes it. */
export interface ConfigKeyDoc {
  readonly key: string;
  /** `root`: a top-level key; `split`, `stage` (a cascade item), `price` (a model's prices). */
  readonly scope: 'root' | 'split' | 'stage' | 'price';
  readonly doc: string;
  /** VS Code snippet syntax (`${1:default}`); newlines indent under the key's own column. */
  readonly snippet: string;
}

/** Every key of a cascade config, with its one-line doc, in the order the docs list them. */
export const CONFIG_KEY_DOCS: readonly ConfigKeyDoc[] = [
  { key: 'evals', scope: 'root', doc: 'Eval result files: a glob or a list of globs relative to this file (JSONL, CSV, harness outputs, gzip).', snippet: 'evals: [${1:evals/*.jsonl}]' },
  {
    key: 'split',
    scope: 'root',
    doc: 'How calibration queries (which choose the policy) and holdout queries (which report it) are told apart.',
    snippet: 'split: {field: ${1:split}, calibration: ${2:train}, holdout: ${3:test}}',
  },
  {
    key: 'prices',
    scope: 'root',
    doc: "Dollars per million input and output tokens per model, for records with token counts but no cost; or the path of a price list file (ours, LiteLLM's, OpenRouter's).",
    snippet: 'prices:\n  ${1:model}: {input: ${2:0.15}, output: ${3:0.6}}',
  },
  {
    key: 'priceProvider',
    scope: 'root',
    doc: 'The provider whose entry prices a model the price list lists under several providers at different prices (several, comma-separated, in order).',
    snippet: 'priceProvider: ${1:together_ai}',
  },
  {
    key: 'estimateTokens',
    scope: 'root',
    doc: 'true: records with their prompt or answer text but no tokens or cost get tokens estimated as characters / 4, priced by `prices` (as --estimate-tokens).',
    snippet: 'estimateTokens: true',
  },
  {
    key: 'confidence',
    scope: 'root',
    doc: `From token log-probabilities: ${CONFIDENCE_SIGNALS.join(', ')}; or learned (from the answer texts, for models that log none).`,
    snippet: `confidence: \${1|${[...CONFIDENCE_SIGNALS, 'learned'].join(',')}|}`,
  },
  { key: 'budget', scope: 'root', doc: 'Dollars per query: the recommendation is the best policy whose calibration cost fits it ($0.0002 is $0.2 per 1k queries).', snippet: 'budget: ${1:0.0002}' },
  {
    key: 'budgetConfidence',
    scope: 'root',
    doc: "Confidence that the recommended policy's mean cost per query fits the budget: its upper bound at this level must fit (default 0.9).",
    snippet: 'budgetConfidence: ${1:0.9}',
  },
  { key: 'maxLatencyP95Ms', scope: 'root', doc: 'Largest p95 latency in milliseconds a recommended policy may have (an escalated query waits for both models).', snippet: 'maxLatencyP95Ms: ${1:800}' },
  { key: 'target', scope: 'root', doc: 'Quality in [0, 1]: the recommendation is the cheapest policy that reaches it (instead of a budget).', snippet: 'target: ${1:0.85}' },
  {
    key: 'cascade',
    scope: 'root',
    doc: 'The cascade to run, cheap model first: a stage answers when its confidence >= its threshold, else the query escalates.',
    snippet: 'cascade:\n  - model: ${1:cheap-model}\n    threshold: ${2:-0.5}\n  - model: ${3:expensive-model}',
  },
  { key: 'field', scope: 'split', doc: 'Record field holding the split label (default `split`).', snippet: 'field: ${1:split}' },
  { key: 'calibration', scope: 'split', doc: 'Label of the calibration queries, which choose the policy (default `train`).', snippet: 'calibration: ${1:train}' },
  { key: 'holdout', scope: 'split', doc: 'Label of the holdout queries, which report the policy (default `test`).', snippet: 'holdout: ${1:test}' },
  { key: 'holdoutFraction', scope: 'split', doc: 'Without a split field: the share of queries held out at random (e.g. 0.5).', snippet: 'holdoutFraction: ${1:0.5}' },
  { key: 'seed', scope: 'split', doc: 'Seed of the random split (default 1).', snippet: 'seed: ${1:1}' },
  { key: 'model', scope: 'stage', doc: 'Model of this stage, as named in the eval files.', snippet: 'model: ${1}' },
  {
    key: 'threshold',
    scope: 'stage',
    doc: "This stage answers when its confidence >= threshold (on the model's own scale), else the query escalates; null always escalates; the last stage takes none.",
    snippet: 'threshold: ${1}',
  },
  { key: 'input', scope: 'price', doc: 'Dollars per million input tokens.', snippet: 'input: ${1:0.15}' },
  { key: 'output', scope: 'price', doc: 'Dollars per million output tokens.', snippet: 'output: ${1:0.6}' },
];

/**
 * Where a YAML key is being typed, from the lines above the cursor: at the top level, inside
 * `split`, in a `cascade` item, a model name under `prices`, or inside a model's prices. Undefined when the cursor is not
 * where a key goes (after a colon, inside a flow mapping, in a comment). O(lines above).
 * @example yamlKeyScope(['cascade:', '  - model: a', '    th'], 2) // 'stage'
 */
export function yamlKeyScope(lines: readonly string[], line: number, character?: number): ConfigKeyDoc['scope'] | 'prices' | undefined {
  const current = (lines[line] ?? '').slice(0, character);
  const typing = /^(\s*)(-\s+)?([\w$]*)$/.exec(current);
  if (!typing) return undefined;
  const indent = typing[1].length + (typing[2]?.length ?? 0);
  if (indent === 0) return 'root';
  // The nearest line above with a smaller indent is the parent (a `- ` item counts at its dash);
  // a key typed right after a dash is in that item.
  const parents: string[] = typing[2] ? ['-'] : [];
  let limit = typing[2] ? typing[1].length : indent;
  for (let i = line - 1; i >= 0 && limit > 0; i--) {
    const text = lines[i];
    if (/^\s*(#.*)?$/.test(text)) continue;
    const lead = /^(\s*)(-\s+)?/.exec(text)!;
    const at = lead[1].length;
    const itemAt = lead[2] ? at : -1;
    if (itemAt >= 0 && itemAt < limit && at + lead[2].length <= indent) {
      parents.push('-');
      limit = at;
      continue;
    }
    if (at < limit) {
      parents.push(/^\s*(-\s+)?([\w$"'.-]+)\s*:/.exec(text)?.[2]?.replace(/^["']|["']$/g, '') ?? '');
      limit = at;
    }
  }
  const [parent, grand] = parents;
  if (parent === '-' && grand === 'cascade') return 'stage';
  if (parent === 'split') return 'split';
  if (parent === 'prices') return 'prices';
  if (grand === 'prices') return 'price';
  return undefined;
}

/**
 * A whole commented config as a snippet for an empty file, with the eval files' models (given
 * cheap first) as the choices of its two stages.
 */
export function wholeConfigSnippet(models: readonly string[]): string {
  // The cheap stage offers the models cheap first, the expensive stage dearest first.
  const choice = (i: number, fallback: string, list: readonly string[]) => (list.length > 0 ? `\${${i}|${list.map(escapeChoice).join(',')}|}` : `\${${i}:${fallback}}`);
  return [
    '# Cascade Frontier config: which eval files to read, the budget, and the cascade to run.',
    '',
    '# Eval result files, relative to this file.',
    'evals: [${1:evals/*.jsonl}]',
    '',
    '# Calibration queries choose the policy; holdout queries report it.',
    'split: {field: ${2:split}, calibration: ${3:train}, holdout: ${4:test}}',
    '',
    '# Dollars per query ($0.0002 is $0.2 per 1k queries).',
    'budget: ${5:0.0002}',
    '',
    '# Cheap model first: a stage answers when its confidence >= threshold, else the query escalates.',
    'cascade:',
    `  - model: ${choice(6, 'cheap-model', models)}`,
    '    threshold: ${7:-0.5}',
    `  - model: ${choice(8, 'expensive-model', [...models].reverse())}`,
    '$0',
  ].join('\n');
}

function escapeChoice(text: string): string {
  return text.replace(/[$}\\,|]/g, '\\$&');
}
