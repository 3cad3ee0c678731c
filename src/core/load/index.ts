/**
 * Loading evaluation files into a joined, columnar `Dataset`.
 *
 * How it fits together:
 * - `loadEvalFiles` expands folders (their `*.jsonl`, `*.csv`, ... files and the `.gz` of
 *   those, not subfolders), opens each file as a stream (gzip recognised by its magic
 *   bytes), and picks a reader by content.
 * - A reader (`FormatReader`, see `readers.ts`) turns a file into `RawRecord`s with line
 *   numbers and hands them to a `RecordSink`. Built in: JSON Lines (`jsonl.ts`, a byte-level
 *   field scanner with a `JSON.parse` fallback), CSV, long and wide (`csv.ts`), and the
 *   harness adapters of `../adapters` (`harness.ts`): asked first when a file's content
 *   carries a harness's signature, last when only its name suggests one.
 * - The sink is the `Collector` (`collector.ts`): the one place where values are checked
 *   and stored into per-model typed arrays indexed by query, and where every record-level
 *   message is produced (texts in `messages.ts`). It joins the models on `id` at the end.
 *
 * Plugging in another format (an adapter for another tool's output): implement
 * `FormatReader` and call `registerReader(reader)` before loading. Registered readers are
 * asked before the built-in ones, in registration order; the first whose `detect` accepts
 * the file's first 64 KiB reads it. Its `extensions` decide which files of a folder are
 * picked up. A reader reports lines it cannot read with `sink.reject(line, problem)`
 * (`makeProblem` builds one) and leaves value checks to the sink.
 *
 * Bad input never throws: each problem becomes an `InputIssue` (`file:line: message`, see
 * `formatIssue`) and the good records load. Only an unusable invocation throws: no input,
 * a path that cannot be read, a folder without evaluation files.
 */
import { stat, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { LoadOptions } from '../options.ts';
import type { LoadResult } from '../types.ts';
import { Collector, type RecordSink } from './collector.ts';
import { csvReader } from './csv.ts';
import { abortError, InputFile } from './input.ts';
import { jsonlReader } from './jsonl.ts';
import * as M from './messages.ts';
import { describeFsError } from './prices.ts';
import { harnessContentReader, harnessNameReader } from './harness.ts';
import { formatReaders, registerBuiltInReader, registerReader, type FormatReader, type ReaderOptions } from './readers.ts';

export { formatIssue, summarizeIssues } from './issues.ts';
export { parsePriceTable, loadPriceTable } from './prices.ts';
export { registerReader, formatReaders, firstContentByte } from './readers.ts';
export type { FormatReader, ReaderInput, ReaderOptions } from './readers.ts';
export { DeferredText } from './collector.ts';
export type { RecordSink } from './collector.ts';
export { makeProblem } from './messages.ts';
export type { Problem } from './messages.ts';

registerBuiltInReader(jsonlReader);
registerBuiltInReader(csvReader);
registerReader(harnessContentReader);
registerReader(harnessNameReader, { fallback: true });

/** Default longest line: 16 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** File name endings every reader claims, longest first (plus `.json`, for model names). */
function knownExtensions(): string[] {
  const all = new Set<string>(['.json', '.json.gz']);
  for (const r of formatReaders()) for (const e of r.extensions) all.add(e.toLowerCase());
  return [...all].sort((a, b) => b.length - a.length);
}

/** The model a file's records belong to when they have no `model` field: its name without known extensions (`gpt-4o.jsonl.gz` -> `gpt-4o`). */
export function modelNameOfFile(file: string): string {
  const name = basename(file);
  const lower = name.toLowerCase();
  let ext = knownExtensions().find((e) => lower.endsWith(e) && lower.length > e.length);
  if (ext === undefined && lower.endsWith('.gz') && lower.length > 3) ext = '.gz';
  return ext ? name.slice(0, name.length - ext.length) : name;
}

/** Files named by `inputs`, folders expanded (sorted by name, not recursive), with their sizes. */
async function expandInputs(inputs: readonly string[]): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  const seen = new Set<string>();
  const add = (path: string, size: number): void => {
    const key = resolve(path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, size });
  };
  for (const input of inputs) {
    let s;
    try {
      s = await stat(input);
    } catch (e) {
      throw new Error(M.unreadablePath(input, describeFsError(e)));
    }
    if (!s.isDirectory()) {
      add(input, s.size);
      continue;
    }
    let names: string[];
    try {
      names = await readdir(input);
    } catch (e) {
      throw new Error(M.unreadablePath(input, describeFsError(e)));
    }
    const extensions = formatReaders().flatMap((r) => r.extensions.map((e) => e.toLowerCase()));
    const found: { path: string; size: number }[] = [];
    for (const name of names.sort()) {
      if (!extensions.some((e) => name.toLowerCase().endsWith(e))) continue;
      const path = join(input, name);
      const fs = await stat(path).catch(() => undefined);
      if (fs?.isFile()) found.push({ path, size: fs.size });
    }
    if (found.length === 0) throw new Error(M.noEvalFilesInFolder(input, [...new Set(extensions)]));
    for (const f of found) add(f.path, f.size);
  }
  return out;
}

/** The first reader that recognises the content; else, by file name, a built-in reader first (it explains what is wrong). */
function readerFor(file: string, head: Buffer): FormatReader | undefined {
  const readers = formatReaders();
  const lower = file.toLowerCase();
  return readers.find((r) => r.detect(file, head)) ?? [jsonlReader, csvReader, ...readers].find((r) => r.extensions.some((e) => lower.endsWith(e)));
}

/**
 * Reads evaluation files (or folders of them) and joins them into a columnar dataset.
 * Models are sorted by name; queries keep the order in which their ids first appear
 * (so the first file's order); `issues` are sorted by file (input order) then line.
 * Streams every file once: O(bytes) time, O(n k) memory for n queries and k models
 * (prompts only when `keepPrompts`).
 * @throws Error for an unusable invocation: no inputs, a path that cannot be read, a
 * folder without evaluation files. An aborted `signal` rejects with an `AbortError`.
 */
export async function loadEvalFiles(inputs: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  if (inputs.length === 0) throw new Error(M.noInputs());
  const { signal, onProgress } = options;
  if (signal?.aborted) throw abortError();
  const files = await expandInputs(inputs);
  const readerOptions: ReaderOptions = {
    splitField: options.splitField ?? 'split',
    keepPrompts: options.keepPrompts ?? true,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  };
  const collector = new Collector({ prices: options.prices, splitField: readerOptions.splitField, keepPrompts: readerOptions.keepPrompts });
  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  let bytesRead = 0;
  const progress = (bytes: number): void => {
    bytesRead += bytes;
    onProgress?.(bytesRead, bytesTotal);
  };

  for (const { path } of files) {
    if (signal?.aborted) throw abortError();
    const defaultModel = modelNameOfFile(path);
    const index = collector.addFile(path, 'unknown', defaultModel);
    const inner = collector.sink(index);
    let lastLine = 0;
    const sink: RecordSink = {
      record: (raw, line) => {
        lastLine = line;
        inner.record(raw, line);
      },
      reject: (line, problem) => {
        lastLine = line;
        inner.reject(line, problem);
      },
      note: inner.note,
      setFormat: inner.setFormat,
      describe: inner.describe,
    };
    const input = new InputFile(path, progress, signal);
    try {
      let head: Buffer;
      try {
        head = await input.head();
      } catch (e) {
        if (isAbort(e)) throw e;
        if (isFsError(e)) throw new Error(M.unreadablePath(path, describeFsError(e)));
        sink.note(0, M.corruptStream(0, streamErrorText(e)));
        continue;
      }
      if (head.length === 0) {
        sink.note(0, M.emptyFile());
        continue;
      }
      if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
        sink.note(0, M.utf16());
        continue;
      }
      const reader = readerFor(path, head);
      if (!reader) {
        sink.note(0, M.unknownFormat([...new Set(formatReaders().map((r) => r.name))]));
        continue;
      }
      inner.setFormat(reader.name);
      try {
        await reader.read({ file: path, defaultModel, options: readerOptions, loadOptions: options, chunks: () => input.chunks() }, sink);
      } catch (e) {
        if (isAbort(e)) throw e;
        sink.note(lastLine, M.corruptStream(lastLine, streamErrorText(e)));
      }
    } finally {
      input.close();
    }
  }
  return collector.finish();
}

const isAbort = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';
const isFsError = (e: unknown): boolean => typeof (e as NodeJS.ErrnoException | undefined)?.code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!);

function streamErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) return 'the gzip data is corrupt or cut short';
  return e instanceof Error ? e.message : String(e);
}
