import { basename } from 'node:path';
import type { LoadOptions } from '../options.ts';
import type { Collector } from './collector.ts';
import type { CollectorOptions, RecordSink } from './sink.ts';
import type { PartialCollection } from './transfer.ts';
import { csvReader } from './csv.ts';
import { harnessContentReader, harnessNameReader } from './harness.ts';
import { abortError, InputFile, streamErrorText } from './input.ts';
import { jsonlReader } from './jsonl.ts';
import { parquetReader } from './parquet.ts';
import * as M from './messages.ts';
import { describeFsError } from './prices.ts';
import { formatReaders, registerBuiltInReader, registerReader, type FormatReader, type ReaderOptions } from './readers.ts';

registerBuiltInReader(jsonlReader);
registerBuiltInReader(csvReader);
registerBuiltInReader(parquetReader);
registerReader(harnessContentReader);
registerReader(harnessNameReader, { fallback: true });

/** The readers registered here; any other was registered by a caller (and exists only in its thread). */
export const BUILT_IN_READERS: readonly FormatReader[] = [jsonlReader, csvReader, parquetReader, harnessContentReader, harnessNameReader];

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

/** The first reader that recognises the content; else, by file name, a built-in reader first (it explains what is wrong). */
export function readerFor(file: string, head: Buffer): FormatReader | undefined {
  const readers = formatReaders();
  const lower = file.toLowerCase();
  return readers.find((r) => r.detect(file, head)) ?? [jsonlReader, csvReader, ...readers].find((r) => r.extensions.some((e) => lower.endsWith(e)));
}

/** A path that cannot be read: the invocation, not the content, is at fault. */
export class UnreadableInput extends Error {}

/** Loader settings with defaults filled in. */
export function readerOptionsOf(options: LoadOptions): ReaderOptions {
  return {
    splitField: options.splitField ?? 'split',
    keepPrompts: options.keepPrompts ?? true,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  };
}

/**
 * What a collector needs of the load options. `deferSplitChecks` for a collector whose result
 * another absorbs (a worker's, or one file's of an incremental load).
 */
export function collectorOptionsOf(options: LoadOptions, { deferSplitChecks = false }: { readonly deferSplitChecks?: boolean } = {}): CollectorOptions {
  const { splitField, keepPrompts } = readerOptionsOf(options);
  return {
    prices: options.prices,
    priceProvider: options.priceProvider,
    splitField,
    keepPrompts,
    keepResponses: options.keepResponses ?? false,
    estimateTokens: options.estimateTokens ?? false,
    ...(deferSplitChecks ? { deferSplitChecks } : {}),
  };
}

/**
 * Reads files one after the other into a collector: opens each as a stream, picks its
 * reader and lets it hand over records; a file that cannot be read past some line is
 * reported there and the records before it are kept.
 * @throws Error naming the path when a file cannot be opened; an AbortError when `signal` aborts.
 */
export async function readFiles(
  collector: Collector,
  files: readonly { readonly path: string }[],
  options: LoadOptions,
  progress: (bytes: number) => void,
  signal?: AbortSignal,
  /** Sees the bytes of each plain file as they are read (see `InputFile`); a gzip file's are not shown. */
  tap?: (path: string, bytes: Buffer) => void,
): Promise<void> {
  const readerOptions = readerOptionsOf(options);
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
    const input = new InputFile(path, progress, signal, tap && ((bytes) => tap(path, bytes)));
    try {
      let head: Buffer;
      try {
        head = await input.head();
      } catch (e) {
        if (isAbort(e)) throw e;
        if (isFsError(e)) throw new UnreadableInput(M.unreadablePath(path, describeFsError(e)));
        sink.note(0, M.unreadableContent(streamErrorText(e)));
        continue;
      }
      if (head.length === 0) {
        // A gzip file cut or corrupt before any content decodes is not an empty file.
        const error = await firstError(input);
        sink.note(0, error === undefined ? M.emptyFile() : M.unreadableContent(streamErrorText(error)));
        continue;
      }
      if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
        sink.note(0, M.utf16());
        continue;
      }
      const lfs = gitLfsPointer(head);
      if (lfs !== undefined) {
        sink.note(0, M.gitLfsPointer(lfs));
        continue;
      }
      const reader = readerFor(path, head);
      if (!reader) {
        sink.note(0, M.unknownFormat([...new Set(formatReaders().map((r) => r.name))]));
        continue;
      }
      inner.setFormat(reader.name);
      try {
        await reader.read({ file: path, defaultModel, options: readerOptions, loadOptions: options, chunks: (o) => input.chunks(o) }, sink);
      } catch (e) {
        if (isAbort(e)) throw e;
        sink.note(lastLine, M.corruptStream(lastLine, streamErrorText(e)));
      }
    } finally {
      input.close();
    }
  }
}

/**
 * Adds another collector's collection (a worker's, or one file's of an incremental load) to
 * `collector`, or, when joining would not give what reading its files here gives (records that
 * collide with `collector`'s, see `Collector.absorb`), reads its files into `collector`. Either
 * way `collector` then holds what reading every file in order gives.
 * @throws as `readFiles`.
 */
export async function joinOrRead(collector: Collector, partial: PartialCollection, options: LoadOptions, signal?: AbortSignal): Promise<void> {
  if (collector.absorb(partial)) return;
  await readFiles(
    collector,
    partial.files.map((f) => ({ path: f.path })),
    options,
    () => {},
    signal,
  );
}

/**
 * The size of the file a Git LFS pointer stands for, when `head` is one (the whole file: a
 * `version https://git-lfs.github.com/spec/v1` line, then `oid` and `size` lines); else undefined.
 */
export function gitLfsPointer(head: Buffer): number | undefined {
  if (head.length > 1024) return undefined;
  const m = /^version https:\/\/git-lfs\.github\.com\/spec\/v1\r?\n(?:[a-z0-9.-]+ [^\n]*\r?\n)*?size (\d+)/.exec(head.toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

const isAbort = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';
const isFsError = (e: unknown): boolean => typeof (e as NodeJS.ErrnoException | undefined)?.code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!);

/** The error the content stream ends with, if any (for a file whose head is empty). */
async function firstError(input: InputFile): Promise<unknown> {
  try {
    for await (const _ of input.chunks()) return undefined;
  } catch (e) {
    if (isAbort(e)) throw e;
    return e;
  }
  return undefined;
}
