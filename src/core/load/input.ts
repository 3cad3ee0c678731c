import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Bytes of decompressed content offered to readers' `detect`. */
export const HEAD_BYTES = 64 * 1024;
const CHUNK_BYTES = 1024 * 1024;

const isGzip = (b: Buffer): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * One input file opened for streaming: gzip is recognised by its magic bytes (not the
 * name) and decompressed on the fly; the first `HEAD_BYTES` of content are available
 * before reading starts, for format detection.
 */
export class InputFile {
  private source?: Readable;
  private iterator?: AsyncIterator<Buffer>;
  private buffered: Buffer[] = [];
  private headBuffer?: Buffer;
  private done = false;
  gzip = false;

  constructor(
    readonly path: string,
    private readonly onRawBytes?: (bytes: number) => void,
    private readonly signal?: AbortSignal,
  ) {}

  /** Up to `HEAD_BYTES` of decompressed content (less for a shorter file). */
  async head(): Promise<Buffer> {
    if (this.headBuffer) return this.headBuffer;
    const magic = await readMagic(this.path);
    this.gzip = isGzip(magic);
    const raw = createReadStream(this.path, { highWaterMark: CHUNK_BYTES });
    let last = 0;
    raw.on('data', () => {
      const now = raw.bytesRead;
      this.onRawBytes?.(now - last);
      last = now;
    });
    this.source = this.gzip ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw;
    if (this.gzip) raw.on('error', (e) => this.source!.destroy(e));
    this.iterator = this.source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let size = 0;
    while (size < HEAD_BYTES) {
      const chunk = await this.pull();
      if (!chunk) break;
      this.buffered.push(chunk);
      size += chunk.length;
    }
    const head = Buffer.concat(this.buffered);
    this.headBuffer = head.length > HEAD_BYTES ? head.subarray(0, HEAD_BYTES) : head;
    return this.headBuffer;
  }

  /** The decompressed content as a sequence of buffers (the head first). Errors of the stream propagate. */
  async *chunks(): AsyncGenerator<Buffer> {
    await this.head();
    while (this.buffered.length > 0) yield this.buffered.shift()!;
    for (;;) {
      const chunk = await this.pull();
      if (!chunk) return;
      yield chunk;
    }
  }

  close(): void {
    this.source?.destroy();
  }

  private async pull(): Promise<Buffer | undefined> {
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

async function readMagic(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await handle.read(b, 0, 2, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function abortError(): Error {
  return new DOMException('Loading was cancelled.', 'AbortError');
}
