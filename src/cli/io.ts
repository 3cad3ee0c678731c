import type { FileSummary, FolderSummary } from '../core/types.ts';
import { JsonPieces, resultJson } from '../core/format/json.ts';

/** Output channels of a CLI command, so commands can be run and tested without a process. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /**
   * Writes `text` to the output as it is, without a newline; a promise when the caller is to
   * wait before writing more (the output is behind). Absent where the output is only taken whole.
   */
  readonly write?: (text: string) => void | Promise<void>;
  /** Environment variables (default: the process's), e.g. GITHUB_ACTIONS for `check`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Prints `value` as {@link resultJson} does, and a newline: a piece at a time through
 * `io.write` when there is one, waiting whenever it says the output is behind, so a result of
 * tens of megabytes is never one string nor queued whole. O(size).
 */
export async function outJson(io: CliIO, value: unknown): Promise<void> {
  if (!io.write) return io.out(resultJson(value));
  const pieces = new JsonPieces(value);
  for (let piece = pieces.next(); piece !== undefined; piece = pieces.next()) await io.write(piece);
  await io.write('\n');
}

/** Exit codes shared by every command (documented in the README). */
export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const;

/** An error in how the command was called: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/** What was read before an input turned out unusable: `--json` prints it with the error. */
export interface InputErrorDetails {
  readonly files?: readonly FileSummary[];
  readonly folders?: readonly FolderSummary[];
  /** The problems found, as `file:line: message` (capped like every warning list). */
  readonly warnings?: readonly string[];
}

/** An input that cannot be analysed at all (no file, no usable record): exit code 1. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly details: InputErrorDetails = {},
  ) {
    super(message);
  }
}

/**
 * Why nothing could be analysed: no file gave a usable record (e.g. every file a Git LFS
 * pointer, or every record rejected), or the models' records share no query id.
 */
export function noUsableQueries(files: readonly FileSummary[], fix: string): string {
  if (files.length > 0 && files.every((f) => f.records === 0)) {
    const n = files.length === 1 ? 'the file read' : `any of the ${files.length} files read`;
    return `no usable queries: no record was accepted from ${n}. ${fix}`;
  }
  return `no usable queries: no query id has a valid record for every model. ${fix}`;
}
