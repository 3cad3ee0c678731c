import type { LoadOptions } from '../options.ts';
import type { InputIssue, RawRecord } from '../types.ts';

/** One record extracted by an adapter, with the place a user can find it. */
export interface PlacedRecord {
  /**
   * 1-based line of the record in the file. A file without lines (an `.eval` zip) numbers its
   * records by position instead (the n-th sample of the zip), with `where` naming the entry.
   */
  readonly line: number;
  /** Where inside the file when a line number cannot say (e.g. `samples/3_epoch_1.json` of an `.eval` zip). */
  readonly where?: string;
  readonly record: RawRecord;
}

/** A problem found by an adapter: an `InputIssue` with a stable code for its kind. */
export interface AdapterIssue extends InputIssue {
  readonly code: string;
}

/** What an adapter made of one harness file. */
export interface AdapterResult {
  /** Adapter name, e.g. `lm-eval-samples`; goes into `FileSummary.format`. */
  readonly format: string;
  /** Models the records belong to, in first-seen order. */
  readonly models: readonly string[];
  readonly records: readonly PlacedRecord[];
  /** File-level and adapter-level problems; the collector adds its own per-record checks. */
  readonly issues: readonly AdapterIssue[];
  /** What was derived and from where (e.g. `confidence: softmax over per-choice log-likelihoods`). */
  readonly derived: readonly string[];
  /** What the file cannot provide and what to do about it. */
  readonly missing: readonly string[];
  /**
   * True for files that only accompany record files (lm-evaluation-harness `results_*.json`,
   * HELM `run_spec.json`): they hold no records by design and are read through the record file.
   */
  readonly companion?: boolean;
}

/** The options adapters read: a subset of the loader's options. */
export type AdapterOptions = Pick<
  LoadOptions,
  'confidenceSignal' | 'lmEvalFilter' | 'lmEvalMetric' | 'idColumn' | 'qualityScore' | 'confidenceScore' | 'keepPrompts' | 'keepResponses' | 'splitField' | 'estimateTokens'
>;

/**
 * Files beside the one being read. Some harnesses keep the model name in a companion file
 * (lm-evaluation-harness `results_<date>.json`, HELM `run_spec.json`).
 */
export interface SiblingFiles {
  /** Base names of the files in the same folder. */
  list(): readonly string[];
  /** Contents of a file in the same folder, undefined when it cannot be read. */
  read(name: string): Uint8Array | undefined;
}

/** How sure a detector is that a file is its format. */
export type DetectStrength = 'none' | 'name' | 'content';

/** A reader for one harness's output format. */
export interface HarnessAdapter {
  /** Format name, e.g. `inspect-eval`. */
  readonly name: string;
  /** Human name for messages, e.g. `Inspect AI log (.eval)`. */
  readonly label: string;
  /**
   * Looks at the file name and its first bytes. `content` means the bytes carry the format's
   * signature; `name` means only the file name suggests it.
   */
  detect(file: string, head: Uint8Array): DetectStrength;
  /** Reads the whole file. Never throws on bad input: problems go into `issues`. */
  read(file: string, bytes: Uint8Array, options: AdapterOptions, siblings?: SiblingFiles): AdapterResult;
}
