import type { LoadOptions } from '../options.ts';
import type { RecordSink } from './sink.ts';

/** Loader settings with their defaults filled in, as readers see them. */
export interface ReaderOptions {
  readonly splitField: string;
  readonly keepPrompts: boolean;
  readonly maxLineBytes: number;
}

/** What a reader gets for one file. */
export interface ReaderInput {
  /** Path of the file as the user gave it (or as found in a folder): use it in messages. */
  readonly file: string;
  /** Model name for records without a `model` field: the file name without its extensions. */
  readonly defaultModel: string;
  readonly options: ReaderOptions;
  /** The options as the caller gave them (adapters read their own settings here). */
  readonly loadOptions: LoadOptions;
  /**
   * The content, decompressed when it was gzipped, as a stream of buffers. Read it once.
   * With `reuse`, a buffer may be overwritten once the next is asked for (faster for a
   * reader that keeps nothing of it, such as a line splitter that copies what it keeps).
   */
  chunks(options?: { readonly reuse?: boolean }): AsyncIterable<Buffer>;
}

/**
 * A file format the loader can read. `detect` looks at the content (the first 64 KiB,
 * decompressed); readers are asked in order and the first that says yes reads the file.
 * `read` turns the file into `RawRecord`s handed to `sink.record` with their line, and
 * reports lines it cannot read with `sink.reject`; it checks no field values itself (the
 * sink does, with the same messages for every format). It must not throw for bad content.
 */
export interface FormatReader {
  /** Short name, shown as the file's format unless the reader sets a more precise one. */
  readonly name: string;
  /** File name endings this reader claims when a folder is listed, e.g. `.jsonl`, `.jsonl.gz`. */
  readonly extensions: readonly string[];
  detect(file: string, head: Buffer): boolean;
  read(input: ReaderInput, sink: RecordSink): Promise<void>;
}

const registered: FormatReader[] = [];
const builtIn: FormatReader[] = [];
const fallback: FormatReader[] = [];

/**
 * Adds a reader (an adapter for another tool's output). Registered readers are asked
 * before the built-in JSONL and CSV readers, in registration order; with `fallback` they
 * are asked after them (for detection by file name only). Registering a reader twice has
 * no effect.
 */
export function registerReader(reader: FormatReader, options: { readonly fallback?: boolean } = {}): void {
  if (registered.includes(reader) || fallback.includes(reader)) return;
  (options.fallback ? fallback : registered).push(reader);
}

/** For the built-in readers only. */
export function registerBuiltInReader(reader: FormatReader): void {
  if (!builtIn.includes(reader)) builtIn.push(reader);
}

/** Every reader in the order they are asked. */
export function formatReaders(): readonly FormatReader[] {
  return [...registered, ...builtIn, ...fallback];
}

/** Strips a UTF-8 byte-order mark and leading white space: where detection looks for the first character. */
export function firstContentByte(head: Buffer): number {
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return i < head.length ? head[i]! : -1;
}
