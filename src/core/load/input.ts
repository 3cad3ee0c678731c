import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Bytes of decompressed content offered to readers' `detect`. */
export const HEAD_BYTES = 64 * 1024;
const CHUNK_BYTES = 1024 * 1024;

const isGzip = (b: Buffer): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * One input file opened for streaming: gzip is recognised by its magic bytes (not the
 * name) and decompressed on the fly; the first `HEAD_BYTES` of content are available
 * before reading starts, for format detection.
 *
 * A plain file can be read into two buffers used over and over (`chunks({ reuse: true })`):
 * fresh buffers for every megabyte cost the operating system a page fault per 4 KiB
 * written, which is most of the time spent reading a large file. The next megabyte is read
 * into the other buffer while the caller works on this one, so the thread does not wait for
 * the disk between chunks.
 */
export class InputFile {
  private handle?: FileHandle;
  private gunzip?: Readable;
  private iterator?: AsyncIterator<Buffer>;
  private headBuffer?: Buffer;
  /** Decompressed chunks read for the head and not yet handed out. */
  private buffered: Buffer[] = [];
  private readonly reusable: Buffer[] = [];
  /** Which of the two reusable buffers the next read fills. */
  private flip = 0;
  /** Where the next read of a plain file starts. */
  private position = 0;
  private done = false;
  /** A gzip error met while reading the head: thrown by `chunks` after the content decoded before it. */
  private headError?: unknown;
  gzip = false;

  constructor(
    readonly path: string,
    private readonly onRawBytes?: (bytes: number) => void,
    private readonly signal?: AbortSignal,
    /** Sees every byte of a plain file's content as it is read, in order (a buffer is only valid during the call). */
    private readonly tap?: (bytes: Buffer) => void,
  ) {}

  /** Up to `HEAD_BYTES` of decompressed content (less for a shorter file). */
  async head(): Promise<Buffer> {
    if (this.headBuffer) return this.headBuffer;
    this.handle = await open(this.path, 'r');
    const first = Buffer.allocUnsafe(HEAD_BYTES);
    const { bytesRead } = await this.handle.read(first, 0, HEAD_BYTES, 0);
    this.onRawBytes?.(bytesRead);
    const start = first.subarray(0, bytesRead);
    this.gzip = isGzip(start);
    if (!this.gzip) {
      this.position = bytesRead;
      this.headBuffer = start;
      this.tap?.(start);
      if (bytesRead > 0) this.buffered.push(start);
      return start;
    }
    // Gzip: decompress from the start, through a stream of the rest of the file.
    await this.handle.close();
    this.handle = undefined;
    const raw = createReadStream(this.path, { highWaterMark: CHUNK_BYTES, start: bytesRead });
    raw.on('data', (chunk) => this.onRawBytes?.(chunk.length));
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    raw.on('error', (e) => gunzip.destroy(e));
    gunzip.write(start);
    raw.pipe(gunzip);
    this.gunzip = gunzip;
    this.iterator = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let size = 0;
    try {
      while (size < HEAD_BYTES) {
        const chunk = await this.pullGzip();
        if (!chunk) break;
        this.buffered.push(chunk);
        size += chunk.length;
      }
    } catch (e) {
      // A short file cut or corrupt within its first 64 KiB: what was decoded is still read.
      if (!isZlibError(e)) throw e;
      this.headError = e;
      this.done = true;
    }
    const head = Buffer.concat(this.buffered);
    this.headBuffer = head.length > HEAD_BYTES ? head.subarray(0, HEAD_BYTES) : head;
    return this.headBuffer;
  }

  /**
   * The decompressed content as a sequence of buffers (the head first). With `reuse`, a
   * buffer is only valid until the next one is asked for. Errors of the stream propagate,
   * after every byte decoded before them.
   */
  async *chunks(options: { readonly reuse?: boolean } = {}): AsyncGenerator<Buffer> {
    await this.head();
    while (this.buffered.length > 0) yield this.buffered.shift()!;
    if (this.headError !== undefined) throw this.headError;
    if (this.gzip) {
      for (;;) {
        const chunk = await this.pullGzip();
        if (!chunk) return;
        yield chunk;
      }
    }
    // A plain file: the read of the next chunk starts before this one is handed out.
    const reuse = options.reuse === true;
    let next = this.readPlain(reuse);
    for (;;) {
      const chunk = await next;
      if (!chunk) return;
      next = this.readPlain(reuse);
      // The caller may stop here (an error, an abort): the read ahead must not go unhandled.
      next.catch(() => {});
      yield chunk;
    }
  }

  close(): void {
    this.gunzip?.destroy();
    void this.handle?.close().catch(() => {});
    this.handle = undefined;
  }

  private async readPlain(reuse: boolean): Promise<Buffer | undefined> {
    if (this.done || !this.handle) return undefined;
    if (this.signal?.aborted) throw abortError();
    let buf: Buffer;
    if (reuse) {
      buf = this.reusable[this.flip] ??= Buffer.allocUnsafeSlow(CHUNK_BYTES);
      this.flip ^= 1;
    } else buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await this.handle.read(buf, 0, CHUNK_BYTES, this.position);
    this.position += bytesRead;
    this.onRawBytes?.(bytesRead);
    if (bytesRead === 0) {
      this.done = true;
      return undefined;
    }
    const chunk = buf.subarray(0, bytesRead);
    this.tap?.(chunk);
    return chunk;
  }

  private async pullGzip(): Promise<Buffer | undefined> {
    if (this.done) return undefined;
    if (this.signal?.aborted) throw abortError();
    const r = await this.iterator!.next();
    if (r.done) {
      this.done = true;
      return undefined;
    }
    return r.value;
  }
}

const isZlibError = (e: unknown): boolean => typeof (e as NodeJS.ErrnoException | undefined)?.code === 'string' && (e as NodeJS.ErrnoException).code!.startsWith('Z_');

/** What went wrong with a stream, in words for a message. */
export function streamErrorText(e: unknown): string {
  if (isZlibError(e)) return 'the gzip data is corrupt or cut short';
  return e instanceof Error ? e.message : String(e);
}

export function abortError(): Error {
  return new DOMException('Loading was cancelled.', 'AbortError');
}
