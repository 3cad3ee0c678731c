/**
 * Adapters for the outputs of evaluation harnesses people already run: each one turns a
 * harness file into per-query, per-model records with their lines, plus what it derived and
 * what the file cannot provide. Formats are recognised by content first, file name second.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { helmAdapter, helmCompanionAdapter } from './helm.ts';
import { inspectEvalAdapter, inspectJsonAdapter } from './inspect.ts';
import { lmEvalResultsAdapter, lmEvalSamplesAdapter } from './lmEval.ts';
import { openaiEvalsAdapter } from './openaiEvals.ts';
import { promptfooAdapter } from './promptfoo.ts';
import { summaryFileAdapter } from './summaryFiles.ts';
import type { AdapterOptions, AdapterResult, HarnessAdapter, SiblingFiles } from './types.ts';
import { detectPriceFormat } from '../prices/index.ts';
import { decodeText, isObject, makeIssue, parseJson } from './util.ts';
import { wideTableAdapter } from './wideTable.ts';

export type { AdapterIssue, AdapterOptions, AdapterResult, DetectStrength, HarnessAdapter, PlacedRecord, SiblingFiles } from './types.ts';
export { signalLabel, tokenConfidence, DEFAULT_CONFIDENCE_SIGNAL } from './confidence.ts';

/** Every harness adapter, in the order they are tried. */
export const HARNESS_ADAPTERS: readonly HarnessAdapter[] = [
  lmEvalSamplesAdapter,
  lmEvalResultsAdapter,
  promptfooAdapter,
  inspectJsonAdapter,
  inspectEvalAdapter,
  helmAdapter,
  helmCompanionAdapter,
  openaiEvalsAdapter,
  wideTableAdapter,
  summaryFileAdapter,
];

/** Bytes of a file an adapter's `detect` needs at most. */
export const HARNESS_HEAD_BYTES = 64 * 1024;

/** Extensions of the files harnesses write (a folder scan should include them). */
export const HARNESS_EXTENSIONS: readonly string[] = ['.jsonl', '.json', '.eval', '.csv', '.tsv'];

export type HarnessDetection =
  | { readonly kind: 'none' }
  | { readonly kind: 'match'; readonly adapter: HarnessAdapter; readonly by: 'content' | 'name' }
  | { readonly kind: 'ambiguous'; readonly adapters: readonly HarnessAdapter[]; readonly by: 'content' | 'name' };

/**
 * Which adapter reads a file: the one whose content signature the first bytes carry; when
 * none does, the one whose usual file name it has. Two at the same strength are ambiguous.
 * O(adapters x head).
 */
export function detectHarness(file: string, head: Uint8Array): HarnessDetection {
  const strengths = HARNESS_ADAPTERS.map((adapter) => ({ adapter, strength: adapter.detect(file, head) }));
  for (const by of ['content', 'name'] as const) {
    const hits = strengths.filter((s) => s.strength === by).map((s) => s.adapter);
    if (hits.length === 1) return { kind: 'match', adapter: hits[0], by };
    if (hits.length > 1) return { kind: 'ambiguous', adapters: hits, by };
  }
  return { kind: 'none' };
}

/** The message for a file whose content fits several adapters. */
export function ambiguousMessage(adapters: readonly HarnessAdapter[], by: 'content' | 'name'): string {
  const labels = adapters.map((a) => a.label).join(' and ');
  return by === 'content'
    ? `the content fits both ${labels}, so which harness wrote it is unclear; keep only one harness's output in the file, as the harness wrote it.`
    : `the file name fits both ${labels} and the content fits neither; give the file as the harness wrote it, or convert it to JSONL records (id, model, correct or score, confidence, cost).`;
}

/** The message for a file no adapter recognises, naming every adapter tried. */
export function unrecognisedMessage(): string {
  return `no harness format recognised (tried ${HARNESS_ADAPTERS.filter((a) => !a.name.endsWith('-companion') && a.name !== 'lm-eval-results' && a.name !== 'summary-file')
    .map((a) => a.label)
    .join('; ')}); give per-query JSONL or CSV records (id, model, correct or score, confidence, cost) or one of those outputs as the harness wrote it.`;
}

/**
 * Reads a harness output: detects its format from the first bytes (and the file name) and
 * runs that adapter. A file no adapter recognises, or one that fits several, gives a result
 * with one error that says which adapters were tried and what to do (a price list among the
 * inputs gets a warning saying where it belongs). Never throws on bad input.
 * O(size of the file).
 */
export function readHarnessFile(file: string, bytes: Uint8Array, options: AdapterOptions = {}, siblings?: SiblingFiles): AdapterResult {
  const detection = detectHarness(file, bytes.subarray(0, HARNESS_HEAD_BYTES));
  if (detection.kind === 'match') return detection.adapter.read(file, bytes, options, siblings);
  const issue =
    detection.kind === 'ambiguous'
      ? makeIssue(file, 0, 'error', 'ambiguous-format', ambiguousMessage(detection.adapters, detection.by))
      : isPriceList(bytes)
        ? makeIssue(file, 0, 'warning', 'price-table-input', 'this is a price table, not evaluation records; give it as the price table (--prices) rather than as an input')
        : makeIssue(file, 0, 'error', 'unknown-format', unrecognisedMessage());
  return { format: detection.kind === 'ambiguous' ? 'ambiguous' : 'unknown', models: [], records: [], issues: [issue], derived: [], missing: [] };
}

/** True for a LiteLLM or OpenRouter list, or an object of {input, output} prices per model. */
function isPriceList(bytes: Uint8Array): boolean {
  const { value } = parseJson(decodeText(bytes));
  if (detectPriceFormat(value) !== undefined) return true;
  if (!isObject(value)) return false;
  const entries = Object.values(value);
  return entries.length > 0 && entries.every((e) => isObject(e) && ('input' in e || 'inputPerMillion' in e) && ('output' in e || 'outputPerMillion' in e));
}

/**
 * The files beside `file` on disk, read on demand (companions hold model names). A gzipped
 * companion (`results_<date>.json.gz`) is listed and read under its name without `.gz`.
 */
export function siblingFilesOnDisk(file: string): SiblingFiles {
  const dir = dirname(file);
  let names: string[] | undefined;
  const readRaw = (name: string): Buffer | undefined => {
    try {
      return readFileSync(join(dir, name));
    } catch {
      return undefined;
    }
  };
  return {
    list: () => {
      if (names === undefined) {
        try {
          names = [...new Set(readdirSync(dir).map((n) => n.replace(/\.gz$/i, '')))];
        } catch {
          names = [];
        }
      }
      return names;
    },
    read: (name) => {
      const plain = readRaw(name);
      if (plain) return plain;
      const packed = readRaw(`${name}.gz`);
      if (!packed) return undefined;
      try {
        return gunzipSync(packed);
      } catch {
        return undefined;
      }
    },
  };
}
