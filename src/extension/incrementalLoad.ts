/**
 * Loading for the analysis worker that re-reads only the files that changed. Each file is read
 * into a collector of its own and kept as the loader's partial collection (columns as typed
 * arrays), keyed by path, size, mtime and the load options. The files are joined, as one
 * collector reading them all would, with `Collector.absorb` (a file whose records collide with
 * an earlier file's is read again into the join, see `joinOrRead`), and the joined collection is kept
 * (before the join's last step, `finish`). When a file changes only in its values (the same
 * ids in the same order, the same records accepted at the same lines, the same messages, and
 * models of its own), the next load swaps its models' columns in the kept collection and
 * finishes again, instead of joining every file again. Files not cached are read as the loader
 * reads them: half of the bytes on a second core when that is worth it. A file can be read
 * ahead of the load that will name it (`readAhead`: the host announces a changed file as soon
 * as it sees the change, before it waits for the write to settle and plans the job); the load
 * then takes that read when it names the same stamp and options. No editor API here.
 */
import { Collector } from '../core/load/collector.ts';
import { copied, COST_FROM_RECORD, grown, NO_LINE, sameBytes, type ModelBuilder } from '../core/load/columns.ts';
import type { PartialCollection } from '../core/load/transfer.ts';
import { filesForThisThread, startWorkerReadEach } from '../core/load/parallel.ts';
import { collectorOptionsOf, joinOrRead, readFiles } from '../core/load/readFiles.ts';
import { abortError } from '../core/load/input.ts';
import { patchableOptions, patchableRead, patchedCollection, type ReadBytes } from '../core/load/linePatch.ts';
import { stat } from 'node:fs/promises';
import { firstLook, packFile, readInto, SETTLED_MS, type FirstLook } from './firstReads.ts';
import { packedView, type PackedBytes } from '../core/load/packedBytes.ts';
import type { LoadOptions } from '../core/options.ts';
import type { LoadResult } from '../core/types.ts';

export interface FileStamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** A file's bytes kept, in the buffer that holds them. */
interface KeptBytes {
  readonly buffer: Buffer;
  readonly read: ReadBytes;
  /** The options the collection was read with (see `optionsKeyOf`). */
  readonly optionsKey: string;
}

/** Reads one file, in this thread, into a partial collection of its own (`tap` sees its bytes, see `readFiles`). */
async function readOne(file: FileStamp, options: LoadOptions, progress: (bytes: number) => void, tap?: (path: string, bytes: Buffer) => void): Promise<PartialCollection> {
  // Split labels are checked when the partials are joined, across files, as absorb expects.
  const collector = new Collector(collectorOptionsOf(options, { deferSplitChecks: true }));
  await readFiles(collector, [file], options, progress, options.signal, tap);
  return collector.exportPartial();
}

/** Per-file collections kept at most (least recently used go first). */
const MAX_CACHED_FILES = 256;

/**
 * The bytes of the files read again most recently, kept to read only the edited lines at the
 * next change (`patchedCollection`): at most this many files, of at most `MAX_KEPT_FILE_BYTES`
 * each.
 */
const MAX_KEPT_BYTES_FILES = 2;
const MAX_KEPT_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The compressed bytes of files read whole and not changed since (`packFirstReads`), kept so that
 * a file's first change is parsed only where it changed too: at most this many bytes in all
 * (the 100k x 8 benchmark's 131 MB of JSON Lines take about 18 MB).
 */
const MAX_PACKED_BYTES = 64 * 1024 * 1024;

/** A file read whole, the collection read from it and what the file system said of it just before. */
interface SeenRead {
  readonly partial: PartialCollection;
  readonly optionsKey: string;
  readonly look: FirstLook;
}

/** A file's bytes packed (see `packedBytes.ts`), with the collection read from them and the options it was read with. */
interface PackedRead {
  readonly partial: PartialCollection;
  readonly optionsKey: string;
  readonly packed: PackedBytes;
}

/**
 * A copy of a cached collection for `Collector.absorb`, which may take its columns over and
 * change them: the typed arrays are copied (in shared memory where they were: the analysis's
 * second thread reads them there); strings, issues and embeddings, which nothing changes, are
 * shared (a second copy of every prompt would double their memory). O(n k).
 */
function consumable(p: PartialCollection): PartialCollection {
  return {
    ...p,
    models: p.models.map((m) => ({
      ...m,
      quality: copied(m.quality),
      confidence: copied(m.confidence),
      cost: copied(m.cost),
      line: copied(m.line),
      file: copied(m.file),
      ...(m.latencyMs ? { latencyMs: copied(m.latencyMs) } : {}),
      ...(m.tokensIn ? { tokensIn: copied(m.tokensIn) } : {}),
      ...(m.tokensOut ? { tokensOut: copied(m.tokensOut) } : {}),
      ...(m.tokensReasoning ? { tokensReasoning: copied(m.tokensReasoning) } : {}),
      ...(m.tokensCached ? { tokensCached: copied(m.tokensCached) } : {}),
      ...(m.costFrom ? { costFrom: copied(m.costFrom) } : {}),
      ...(m.split ? { split: copied(m.split) } : {}),
    })),
  };
}

type PartialModel = PartialCollection['models'][number];

/** True when `column` has a value (not NaN) at a record of the model: an optional column that a record filled. O(n). */
function filled(column: ArrayLike<number> | undefined, line: Uint32Array, n: number): boolean {
  if (!column) return true;
  for (let q = 0; q < n; q++) if (line[q] !== NO_LINE && !Number.isNaN(column[q])) return true;
  return false;
}

/**
 * Whether a model's optional columns are as a collector reading the file record by record would
 * make them: each column made by one of the model's records (not only by a record that a later
 * duplicate cleared), a Float64 token column only for a count a Float32 cannot hold. Then taking
 * the columns over (as `absorb` does when it can) and copying them record by record give the
 * same columns. O(n).
 */
function ownColumns(m: PartialModel, n: number): boolean {
  const { line } = m;
  const wide = (c: Float32Array | Float64Array | undefined): boolean => {
    if (!(c instanceof Float64Array)) return true;
    for (let q = 0; q < n; q++) if (line[q] !== NO_LINE && !Number.isNaN(c[q]) && Math.fround(c[q]!) !== c[q]) return true;
    return false;
  };
  let fromOther = m.costFrom === undefined;
  for (let q = 0; q < n && !fromOther; q++) if (line[q] !== NO_LINE && m.costFrom![q] !== COST_FROM_RECORD) fromOther = true;
  let answered = m.responses === undefined;
  for (let q = 0; q < n && !answered; q++) if (line[q] !== NO_LINE && m.responses![q] !== undefined) answered = true;
  return fromOther && answered && wide(m.tokensIn) && wide(m.tokensOut) && [m.latencyMs, m.tokensIn, m.tokensOut, m.tokensReasoning, m.tokensCached].every((c) => filled(c, line, n));
}

/**
 * Whether `next`, a file read again, joins as `before` did but for its models' values: the same
 * ids in the same order, the same models with the same counts, records at the same lines with
 * the same split labels, the same messages and prompts. O(n k) at most.
 */
function sameButValues(before: PartialCollection, next: PartialCollection): boolean {
  if (before.count !== next.count || before.models.length !== next.models.length || before.files.length !== next.files.length) return false;
  if (next.embeddings || before.embeddings) return false;
  if (!sameBytes(before.idOffsets, next.idOffsets) || !sameBytes(before.idBytes, next.idBytes)) return false;
  if (before.files.some((f, i) => f.path !== next.files[i]!.path)) return false;
  if (JSON.stringify(before.splitNames) !== JSON.stringify(next.splitNames)) return false;
  if (JSON.stringify(before.log) !== JSON.stringify(next.log)) return false;
  if (JSON.stringify(before.undecodablePrompts ?? []) !== JSON.stringify(next.undecodablePrompts ?? [])) return false;
  const promptsA = before.prompts ?? [];
  const promptsB = next.prompts ?? [];
  if (promptsA.length !== promptsB.length || promptsA.some((p, q) => p !== promptsB[q])) return false;
  return before.models.every((a, k) => {
    const b = next.models[k]!;
    return (
      a.name === b.name &&
      a.firstFile === b.firstFile &&
      a.accepted === b.accepted &&
      a.rejected === b.rejected &&
      a.fromTokens === b.fromTokens &&
      a.unpriced === b.unpriced &&
      a.confidenceSeen === b.confidenceSeen &&
      JSON.stringify(a.rejectedWithoutConfidence) === JSON.stringify(b.rejectedWithoutConfidence) &&
      sameBytes(a.line.subarray(0, before.count), b.line.subarray(0, next.count)) &&
      sameBytes(a.file.subarray(0, before.count), b.file.subarray(0, next.count)) &&
      sameBytes(a.split?.subarray(0, before.count), b.split?.subarray(0, next.count)) &&
      ownColumns(b, next.count)
    );
  });
}

/** The files last joined (path and key of each, the partial joined) and their joined collection, before `finish`. */
interface Joined {
  readonly files: readonly { readonly path: string; readonly key: string; readonly partial: PartialCollection }[];
  readonly optionsKey: string;
  readonly collector: Collector;
}

/** What decides whether a file read with some options can stand for a later load's: the options that change what is read. */
function optionsKeyOf(options: LoadOptions): string {
  return JSON.stringify([
    options.prices ? [...options.prices] : null,
    options.priceProvider ?? null,
    options.splitField ?? null,
    options.maxLineBytes ?? null,
    options.keepPrompts ?? null,
    options.confidenceSignal ?? null,
    options.keepResponses ?? null,
    options.estimateTokens ?? null,
  ]);
}

/** The key of a file's read: its stamp and the options. */
const keyOf = (file: FileStamp, optionsKey: string): string => JSON.stringify([file.size, file.mtimeMs, optionsKey]);

/** A read started by `readAhead`: its key, its outcome (undefined when it failed or was stopped), and how to stop it. */
interface AheadRead {
  readonly key: string;
  readonly partial: Promise<PartialCollection | undefined>;
  readonly controller: AbortController;
}

export class IncrementalLoader {
  /** By path: the stamp and options it was read with, and what was read. */
  private readonly partials = new Map<string, { readonly key: string; readonly partial: PartialCollection }>();
  /** Reads started ahead of a load, by path (the latest per file). */
  private readonly ahead = new Map<string, AheadRead>();
  private joined?: Joined;

  /** Files read from disk by the last `load` (the others came from the cache). */
  lastReread = 0;
  /** Whether the last `load` swapped the changed files' columns into the joined collection kept (else it joined every file). */
  lastSwapped = false;
  /** Files of the last `load` whose read `readAhead` had started. */
  lastReadAhead = 0;
  /** By path, most recent last: the bytes of a file read again and the collection read from them. */
  private readonly bytes = new Map<string, KeptBytes>();
  /** By path: files read whole by a load, not yet packed (see `packFirstReads`). */
  private readonly seen = new Map<string, SeenRead>();
  /** By path: the packed bytes of files read whole and unchanged since. */
  private readonly packed = new Map<string, PackedRead>();
  /** The packing under way, and what stops it. */
  private packing?: { readonly done: Promise<void>; readonly controller: AbortController };
  /** How long a file must have been unchanged before a load for its bytes to be packed (see `firstReads.ts`). */
  private readonly settledMs: number;
  /** A buffer no kept file uses, for the next file read whole (see `bufferOf`). */
  private spare?: Buffer;
  /** Reads under way that may read or fill a buffer of `bytes` or the spare. */
  private reading = 0;
  /** Reads (here or ahead) that read only the edited lines of a file (see `patchedCollection`). */
  patchedReads = 0;
  /** Of the patched reads, those made against the packed bytes of the file's first read (see `packFirstReads`). */
  patchedFromPacked = 0;
  /** Reads (here or ahead) that parsed a file whole. */
  wholeReads = 0;
  /** Of the patched reads, the ones made since the load before the last (taken by the last load, or stopped). */
  lastPatched = 0;
  private patchedBefore = 0;

  constructor(options: { readonly settledMs?: number } = {}) {
    this.settledMs = options.settledMs ?? SETTLED_MS;
  }

  /**
   * Starts reading `file` with `options` (their signal and progress aside), ahead of a `load`
   * that will name it with the same stamp and options; nothing when that read is cached or under
   * way. A read ahead of the same file with another stamp or options is stopped. Its failure
   * is not reported here: the load then reads the file itself, and reports what it finds.
   */
  readAhead(file: FileStamp, options: LoadOptions): void {
    // A file seen empty is most often one being written (an editor or a harness empties it
    // first): read ahead, it would be read again at once; the load reads it if it stays so.
    if (file.size === 0) return;
    const key = keyOf(file, optionsKeyOf(options));
    if (this.partials.get(file.path)?.key === key || this.ahead.get(file.path)?.key === key) return;
    this.ahead.get(file.path)?.controller.abort();
    const controller = new AbortController();
    const { signal: _signal, onProgress: _onProgress, ...rest } = options;
    const partial = this.readHere(file, { ...rest, signal: controller.signal }, () => {}, true).catch(() => undefined);
    this.ahead.set(file.path, { key, partial, controller });
  }

  /**
   * Loads `files` in order, reading only those whose path, size or mtime changed since they
   * were last read with the same options. Same result as `loadEvalFiles` on the same paths.
   * @throws Error naming a path that cannot be read; an AbortError when `options.signal` aborts.
   */
  async load(files: readonly FileStamp[], options: LoadOptions): Promise<LoadResult> {
    const optionsKey = optionsKeyOf(options);
    const keys = files.map((f) => keyOf(f, optionsKey));
    const missing = files.filter((f, i) => this.partials.get(f.path)?.key !== keys[i]);
    // Reads started ahead for these files: taken when their key is the load's, else stopped.
    const ahead = new Map<string, AheadRead>();
    for (const [i, f] of files.entries()) {
      const a = this.ahead.get(f.path);
      if (!a) continue;
      if (missing.includes(f) && a.key === keys[i]) {
        ahead.set(f.path, a);
        continue;
      }
      a.controller.abort();
      this.ahead.delete(f.path);
    }
    const unread = missing.filter((f) => !ahead.has(f.path));
    const readBefore = missing.filter((f) => ahead.has(f.path));
    // Before any byte is read: what the file system says of the files read here (see `packFirstReads`).
    const looks = patchableOptions(options) ? await Promise.all(unread.map((f) => (f.size <= MAX_KEPT_FILE_BYTES ? firstLook(f.path) : undefined))) : [];
    const [read, taken] = await Promise.all([this.readEach(unread, options), Promise.all(readBefore.map((f) => this.takeAhead(f, ahead.get(f.path)!, options)))]);
    unread.forEach((f, i) => {
      const partial = read[i]!;
      this.remember(f.path, keys[files.indexOf(f)], partial);
      const look = looks[i];
      if (look && !this.bytes.has(f.path) && patchableRead(partial, f.path, options)) this.seen.set(f.path, { partial, optionsKey, look });
    });
    readBefore.forEach((f, i) => this.remember(f.path, keys[files.indexOf(f)], taken[i]));
    this.lastReread = missing.length;
    this.lastReadAhead = ahead.size;
    this.lastPatched = this.patchedReads - this.patchedBefore;
    this.patchedBefore = this.patchedReads;

    const entries = files.map((f, i) => {
      const cached = this.partials.get(f.path)!;
      this.touch(f.path, cached);
      return { path: f.path, key: keys[i]!, partial: cached.partial };
    });
    this.lastSwapped = this.swapped(entries, optionsKey);
    if (!this.lastSwapped) {
      const joined = new Collector(collectorOptionsOf(options));
      for (const e of entries) await joinOrRead(joined, consumable(e.partial), options, options.signal);
      // The join kept is finished again, never read into: its table from id to query number (tens of MB at 1M ids) can go.
      joined.idTable.releaseIndex();
      this.joined = { files: entries, optionsKey, collector: joined };
    }
    return this.joined!.collector.forFinish().finish();
  }

  /**
   * Swaps into the joined collection kept the columns of the files that changed since it was
   * joined, when each changed only in its values (see `sameButValues`), its ids are the joined
   * collection's first ones in the same order, and its models are in no other file: what
   * joining every file again would give. False (and nothing changed) otherwise. O(n k) at most.
   */
  private swapped(entries: Joined['files'], optionsKey: string): boolean {
    const joined = this.joined;
    if (!joined || joined.optionsKey !== optionsKey || joined.files.length !== entries.length || joined.files.some((f, i) => f.path !== entries[i]!.path)) return false;
    const c = joined.collector;
    const changed = entries.flatMap((e, i) => (e.key === joined.files[i]!.key ? [] : [i]));
    if (changed.length === 0) return true;
    const owners = new Map<string, number>();
    for (const [i, e] of entries.entries()) for (const m of e.partial.models) owners.set(m.name, owners.has(m.name) && owners.get(m.name) !== i ? -1 : i);
    for (const i of changed) {
      const before = joined.files[i]!.partial;
      const next = entries[i]!.partial;
      const n = next.count;
      if (next.relabelled || !sameButValues(before, next)) return false;
      if (next.models.some((m) => owners.get(m.name) !== i)) return false;
      if (n > c.idTable.count || !sameBytes(c.idOffsets.subarray(0, n + 1), next.idOffsets) || !sameBytes(c.idBytes.subarray(0, next.idBytes.byteLength), next.idBytes)) return false;
    }
    const fileOffsets: number[] = [];
    entries.reduce((offset, e) => (fileOffsets.push(offset), offset + e.partial.files.length), 0);
    for (const i of changed) {
      const next = entries[i]!.partial;
      next.files.forEach((f, j) => {
        c.files[fileOffsets[i]! + j] = { ...f, models: new Set(f.models), noPrice: new Map(), derived: [...f.derived], missing: [...f.missing], seen: { ...f.seen } };
      });
      for (const pm of next.models) swapColumns(c.models.get(pm.name)!, pm, c.capacity);
    }
    this.joined = { files: entries, optionsKey, collector: c };
    return true;
  }

  /**
   * What a read started ahead gave, once it ends (the load's signal stops the wait, not the
   * read, which a later load may still take); the file read here when it failed. The read
   * leaves the reads ahead once the load has it.
   */
  private async takeAhead(file: FileStamp, read: AheadRead, options: LoadOptions): Promise<PartialCollection> {
    const { signal } = options;
    let stopWaiting: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      stopWaiting = () => reject(abortError());
      signal?.addEventListener('abort', stopWaiting, { once: true });
    });
    aborted.catch(() => {});
    try {
      if (signal?.aborted) throw abortError();
      const partial = await Promise.race([read.partial, aborted]);
      if (this.ahead.get(file.path) === read) this.ahead.delete(file.path);
      return partial ?? (await this.readHere(file, options, () => {}));
    } finally {
      if (stopWaiting) signal?.removeEventListener('abort', stopWaiting);
    }
  }

  /**
   * Reads one file, in this thread, into a partial collection of its own. A file read again
   * keeps its bytes; at its next change it is read whole into memory and parsed only where it
   * changed, when that gives the same collection (`patchedCollection`), else parsed whole.
   */
  private async readHere(file: FileStamp, options: LoadOptions, progress: (bytes: number) => void, ahead = false): Promise<PartialCollection> {
    if (ahead) await stillAsStamped(file);
    if (!patchableOptions(options) || file.size > MAX_KEPT_FILE_BYTES || !this.partials.has(file.path)) {
      this.wholeReads++;
      return readOne(file, options, progress);
    }
    this.reading++;
    const optionsKey = optionsKeyOf(options);
    const entry = this.bytes.get(file.path);
    const before = entry?.optionsKey === optionsKey ? entry : undefined;
    // Else the bytes of the file's first read, packed.
    const packed = before ? undefined : this.packedFor(file.path, optionsKey);
    // Room for a file grown since its stamp, to see that it did.
    const buffer = this.bufferOf(file.size + 1);
    let kept = false;
    try {
      if (before || packed) {
        // A file that cannot be read is left to the whole read, which says why.
        const length = await readInto(file.path, buffer, options.signal).catch((e: unknown) => {
          if (options.signal?.aborted) throw e;
          return -1;
        });
        // Read ahead of a file still being written (grown since the check above): the load will
        // name a later stamp and not take this read, so it stops here rather than parse the file whole.
        if (ahead && length !== file.size) throw staleStamp(file);
        const bytes = buffer.subarray(0, Math.max(0, length));
        // Packed bytes that cannot be read back (a chunk that does not inflate) leave the file to the whole read.
        const read = before ? before.read : { bytes: packedView(packed!.packed), partial: packed!.partial };
        const patched = length === file.size ? await patchedCollection(read, bytes, file.path, options).catch(() => undefined) : undefined;
        if (options.signal?.aborted) throw abortError();
        if (patched) {
          progress(length);
          this.patchedReads++;
          if (packed) this.patchedFromPacked++;
          kept = this.keepBytes(file.path, entry, { buffer, read: { bytes, partial: patched }, optionsKey });
          return patched;
        }
      }
      // The whole file parsed, its bytes copied as they are read (none of a gzip file's).
      this.wholeReads++;
      let length = 0;
      const tap = (_path: string, bytes: Buffer): void => {
        if (length + bytes.length <= buffer.length) bytes.copy(buffer, length);
        length += bytes.length;
      };
      const partial = await readOne(file, options, progress, tap);
      if (length > 0 && length < buffer.length) kept = this.keepBytes(file.path, entry, { buffer, read: { bytes: buffer.subarray(0, length), partial }, optionsKey });
      // Bytes that cannot be kept (a gzip file, one grown past its room) let the earlier ones go; an
      // empty file keeps them, for the content written next (a patch is made against them whatever came between).
      else if (length > 0 && entry && this.bytes.get(file.path) === entry) {
        this.bytes.delete(file.path);
        this.recycle(entry.buffer);
      }
      return partial;
    } finally {
      if (!kept) this.recycle(buffer);
      this.reading--;
    }
  }

  /** The packed bytes of `path` read with the options of `optionsKey`, when they are those of the collection kept for it. */
  private packedFor(path: string, optionsKey: string): PackedRead | undefined {
    const p = this.packed.get(path);
    return p && p.optionsKey === optionsKey && this.partials.get(path)?.partial === p.partial ? p : undefined;
  }

  /** Files whose first read's bytes are packed (see `packFirstReads`). */
  get packedFiles(): number {
    return this.packed.size;
  }

  /**
   * Packs the bytes of the files the loads read whole, so that the first change of each is parsed
   * only where it changed too: each file whose collection is still the one kept for it, that no
   * bytes are kept for, and that the file system shows unchanged since just before the load read
   * it (see `firstReads.ts`), one after another, up to {@link MAX_PACKED_BYTES} in all. The reads
   * and the compression run on the thread pool; a load meanwhile goes on as before (a file not
   * yet packed at its change is read whole). A call while packing gets that packing; one after
   * `stopPacking` goes on where it stopped.
   */
  packFirstReads(): Promise<void> {
    const current = this.packing;
    if (current && !current.controller.signal.aborted) return current.done;
    const controller = new AbortController();
    const done = (current?.done ?? Promise.resolve())
      .then(() => this.packSeen(controller.signal))
      .finally(() => {
        if (this.packing?.controller === controller) this.packing = undefined;
      });
    this.packing = { done, controller };
    return done;
  }

  /** Stops the packing under way before its next chunk, so that it leaves the cores to a job; the file it was packing stays to pack. */
  stopPacking(): void {
    this.packing?.controller.abort();
  }

  private async packSeen(signal: AbortSignal): Promise<void> {
    let scratch: Buffer | undefined;
    for (const [path, seen] of [...this.seen]) {
      if (signal.aborted) return;
      if (this.seen.get(path) !== seen) continue;
      this.seen.delete(path);
      const current = (): boolean => this.partials.get(path)?.partial === seen.partial && !this.bytes.has(path);
      const total = (): number => [...this.packed.values()].reduce((sum, p) => sum + p.packed.packedBytes, 0);
      if (!current() || total() >= MAX_PACKED_BYTES) continue;
      const size = Number(seen.look.stat.size);
      if (!scratch || scratch.length <= size) scratch = Buffer.allocUnsafeSlow(size + 1);
      const packed = await packFile(path, seen.look, scratch, this.settledMs, signal).catch(() => undefined);
      // Stopped midway: the file stays to pack, unless a later load replaced it meanwhile.
      if (signal.aborted) {
        if (!this.seen.has(path) && current()) this.seen.set(path, seen);
        return;
      }
      if (packed && current() && total() + packed.packedBytes <= MAX_PACKED_BYTES) this.packed.set(path, { partial: seen.partial, optionsKey: seen.optionsKey, packed });
    }
  }

  /**
   * Keeps `kept` as the bytes of `path` (most recent last, the oldest let go past the limit),
   * unless another read replaced `before` (what was kept when this read began) meanwhile. True when kept.
   */
  private keepBytes(path: string, before: KeptBytes | undefined, kept: KeptBytes): boolean {
    if (this.bytes.get(path) !== before) return false;
    this.bytes.delete(path);
    this.bytes.set(path, kept);
    if (before) this.recycle(before.buffer);
    while (this.bytes.size > MAX_KEPT_BYTES_FILES) {
      const [oldest, gone] = this.bytes.entries().next().value!;
      this.bytes.delete(oldest);
      this.recycle(gone.buffer);
    }
    return true;
  }

  /**
   * A buffer of at least `size` bytes: the spare one when it is large enough, else a new one with
   * room to grow. Memory written before is reused: on some machines the first write to each page
   * of new memory costs more than the read of the file into it.
   */
  private bufferOf(size: number): Buffer {
    const spare = this.spare;
    if (spare && spare.length >= size) {
      this.spare = undefined;
      return spare;
    }
    return Buffer.allocUnsafeSlow(Math.ceil(size * 1.25));
  }

  /** `buffer` as the spare, when no other read may still read it and it is larger than the spare. */
  private recycle(buffer: Buffer): void {
    if (this.reading <= 1 && (!this.spare || this.spare.length < buffer.length)) this.spare = buffer;
  }

  /** Reads each file into a partial collection of its own; a share of the bytes on a second core. */
  private async readEach(files: readonly FileStamp[], options: LoadOptions): Promise<PartialCollection[]> {
    if (files.length === 0) return [];
    const { signal, onProgress } = options;
    const bytesTotal = files.reduce((s, f) => s + f.size, 0);
    let bytesRead = 0;
    const progress = (bytes: number): void => {
      bytesRead += bytes;
      onProgress?.(bytesRead, bytesTotal);
    };
    const readHere = (file: FileStamp): Promise<PartialCollection> => this.readHere(file, options, progress);
    // The first files here; the rest on one worker, which sends each file's collection as it reads
    // it; a file it could not send (it stopped for a reason of its own) is read here.
    const own = filesForThisThread(files);
    const worker = own < files.length ? startWorkerReadEach(files.slice(own), options, progress) : undefined;
    const stop = (): void => worker?.terminate();
    signal?.addEventListener('abort', stop, { once: true });
    const out: PartialCollection[] = new Array(files.length);
    // Set when the read ends, by an error too: the worker's files are then not read here.
    let ended = false;
    try {
      const here = (async () => {
        for (let i = 0; i < own; i++) out[i] = await readHere(files[i]!);
      })();
      const there = (async () => {
        for (let i = own; i < files.length; i++) {
          const sent = await worker!.results[i - own];
          if (ended) return;
          out[i] = sent ?? (await readHere(files[i]!));
        }
      })();
      await Promise.all([here, there]);
    } finally {
      ended = true;
      signal?.removeEventListener('abort', stop);
      worker?.terminate();
    }
    return out;
  }

  /** Forgets the files `keep` says no: their collections can be collected. O(cached files). */
  retain(keep: (path: string) => boolean): void {
    for (const path of [...this.partials.keys()]) if (!keep(path)) this.partials.delete(path);
    for (const path of [...this.bytes.keys()]) if (!keep(path)) this.bytes.delete(path);
    for (const path of [...this.seen.keys()]) if (!keep(path)) this.seen.delete(path);
    for (const path of [...this.packed.keys()]) if (!keep(path)) this.packed.delete(path);
    if (this.bytes.size === 0) this.spare = undefined;
    for (const [path, read] of [...this.ahead]) {
      if (keep(path)) continue;
      read.controller.abort();
      this.ahead.delete(path);
    }
    if (this.joined?.files.some((f) => !keep(f.path))) this.joined = undefined;
  }

  private remember(path: string, key: string, partial: PartialCollection): void {
    // Bytes packed or to pack for the collection this one replaces go.
    if (this.packed.has(path) && this.packed.get(path)!.partial !== partial) this.packed.delete(path);
    if (this.seen.has(path) && this.seen.get(path)!.partial !== partial) this.seen.delete(path);
    this.touch(path, { key, partial });
    while (this.partials.size > MAX_CACHED_FILES) this.partials.delete(this.partials.keys().next().value!);
  }

  /** Most recently used last. */
  private touch(path: string, entry: { readonly key: string; readonly partial: PartialCollection }): void {
    this.partials.delete(path);
    this.partials.set(path, entry);
  }
}

/**
 * A model's values from a file read again, in place of the ones it had: the columns taken over
 * as `absorb` takes them, widened to the joined collection's capacity (its other queries, which
 * the model lacks, as a collector leaves them). Lines and files stay: they are the same. O(capacity).
 */
function swapColumns(m: ModelBuilder, pm: PartialModel, capacity: number): void {
  const fit = <T extends Float64Array | Float32Array | Uint8Array>(a: T, fill = 0): T => (a.length === capacity ? a : grown(a.subarray(0, Math.min(a.length, capacity)) as T, capacity, fill));
  const optional = <T extends Float64Array | Float32Array | Uint8Array>(a: T | undefined, fill = NaN): T | undefined => (a ? fit(a, fill) : undefined);
  m.quality = fit(pm.quality);
  m.confidence = fit(pm.confidence);
  m.cost = fit(pm.cost);
  m.latencyMs = optional(pm.latencyMs);
  m.tokensIn = optional(pm.tokensIn);
  m.tokensOut = optional(pm.tokensOut);
  m.tokensReasoning = optional(pm.tokensReasoning);
  m.tokensCached = optional(pm.tokensCached);
  m.costFrom = optional(pm.costFrom, 0);
  m.responses = pm.responses ? [...pm.responses] : undefined;
}

/** The error that stops a read ahead whose file is no longer as its stamp says (caught by `readAhead`). */
function staleStamp(file: FileStamp): Error {
  return new Error(`${file.path} changed since it was stamped`);
}

/**
 * Stops a read ahead (throws) when the file's size is no longer its stamp's: a file still being
 * written, whose next stamp the load will name. The size only: the stamp's time may be the
 * editor's, at another precision. O(1).
 */
async function stillAsStamped(file: FileStamp): Promise<void> {
  const now = await stat(file.path).catch(() => undefined);
  if (now && now.size !== file.size) throw staleStamp(file);
}
