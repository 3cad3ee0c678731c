/**
 * The reader contract: what a reader fills (a raw record, field by field) and where it hands
 * its records and the problems of lines it could not read (a record sink, see the Collector).
 */
import type { PriceTable, RawRecord } from '../types.ts';
import type { Problem } from './messages.ts';

/** A RawRecord a reader fills field by field. */
export type MutableRawRecord = { -readonly [K in keyof RawRecord]: RawRecord[K] };

/** A record with no field set yet. */
export const blankRecord = (): MutableRawRecord => ({
  model: undefined,
  id: undefined,
  correct: undefined,
  score: undefined,
  confidence: undefined,
  cost: undefined,
  tokensIn: undefined,
  tokensOut: undefined,
  tokensReasoning: undefined,
  tokensCached: undefined,
  latencyMs: undefined,
  split: undefined,
  prompt: undefined,
  response: undefined,
  embedding: undefined,
});

/** Where a reader hands its records and the problems it found on lines it could not read. */
export interface RecordSink {
  /** Validates and stores one record read at `line` (1-based). The object may be reused by the caller after the call returns. */
  record(raw: RawRecord, line: number): void;
  /** A line that could not be turned into a record: counted as rejected and reported. */
  reject(line: number, problem: Problem): void;
  /** A problem with the file as a whole, or a warning that loses no record (line 0 for the whole file). */
  note(line: number, problem: Problem): void;
  /** The format label shown in the file summary (e.g. `csv-wide`); the reader's name by default. */
  setFormat(format: string): void;
  /** Adds to the file summary what the reader derived (e.g. how it computed confidence) and what the file lacks. */
  describe(derived: readonly string[], missing: readonly string[]): void;
}

export interface CollectorOptions {
  readonly prices?: PriceTable;
  /** The provider whose entry prices a model several providers price differently. */
  readonly priceProvider?: string;
  readonly splitField: string;
  readonly keepPrompts: boolean;
  /** Keep each model's answer text (`response`). Default false. */
  readonly keepResponses?: boolean;
  /** Records with the texts but no tokens or cost: estimate tokens as characters / 4 of the prompt and the answer. Default false. */
  readonly estimateTokens?: boolean;
  /**
   * For a collector whose result another absorbs (a worker's): keep each record's split
   * label and leave disagreements between models to the absorbing collector, which alone
   * knows the label a query got first.
   */
  readonly deferSplitChecks?: boolean;
}
