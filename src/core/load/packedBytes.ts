/**
 * A file's bytes kept compressed, in chunks each with its SHA-256 digest, and read as a patch
 * reads the bytes a collection was read from (`EarlierBytes`, see `linePatch.ts`): where they
 * start and stop being the bytes of the file now is found by comparing digests of the file's
 * chunks with the kept ones (one pass over the file now, at hashing speed), and only the chunks
 * where the two part, and those of the lines read again, are inflated. So a file's first
 * change can be parsed only where it changed without keeping its bytes whole: about a seventh
 * of them for the JSON Lines of an eval harness.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { deflateRaw, inflateRawSync } from 'node:zlib';
import { abortError } from './input.ts';
import type { EarlierBytes } from './linePatch.ts';

const deflate = promisify(deflateRaw);

/** The bytes of a chunk: small enough that inflating the one or two a patch reads costs little, large enough to compress as well as the whole. */
export const PACK_CHUNK_BYTES = 256 * 1024;
const DIGEST_BYTES = 32;

/** Bytes compressed in chunks (each of `chunkBytes` but the last), with each chunk's digest side by side. */
export interface PackedBytes {
  readonly length: number;
  readonly chunkBytes: number;
  readonly chunks: readonly Buffer[];
  readonly digests: Buffer;
  /** The bytes the chunks and digests take. */
  readonly packedBytes: number;
}

const digestOf = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();

/**
 * `bytes` packed. The compression runs on the thread pool, one chunk at a time, so that it leaves
 * a core to the rest. @throws an AbortError when `signal` aborts (checked before each chunk).
 */
export async function packBytes(bytes: Buffer, chunkBytes = PACK_CHUNK_BYTES, signal?: AbortSignal): Promise<PackedBytes> {
  const count = Math.ceil(bytes.length / chunkBytes);
  const digests = Buffer.alloc(count * DIGEST_BYTES);
  const chunks: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (signal?.aborted) throw abortError();
    const chunk = bytes.subarray(i * chunkBytes, Math.min(bytes.length, (i + 1) * chunkBytes));
    digestOf(chunk).copy(digests, i * DIGEST_BYTES);
    chunks.push(await deflate(chunk, { level: 1 }));
  }
  return { length: bytes.length, chunkBytes, chunks, digests, packedBytes: digests.length + chunks.reduce((s, c) => s + c.length, 0) };
}

/**
 * `packed` read as the bytes a patch compares with the file now. A chunk whose digest is the
 * digest of the bytes at the same place in the file now (from the start, or shifted by the
 * change in length from the end) is taken as equal to them; the one where they part is inflated
 * and compared byte for byte. @throws when a chunk does not inflate to its length.
 */
export function packedView(packed: PackedBytes): EarlierBytes {
  const { length, chunkBytes } = packed;
  const inflated = new Map<number, Buffer>();
  const chunk = (i: number): Buffer => {
    let bytes = inflated.get(i);
    if (!bytes) {
      bytes = inflateRawSync(packed.chunks[i]!);
      if (bytes.length !== Math.min(chunkBytes, length - i * chunkBytes)) throw new Error('a packed chunk does not inflate to its length');
      inflated.set(i, bytes);
    }
    return bytes;
  };
  /** Whether chunk `i` is the bytes of `now` from `at` on, by their digests. */
  const sameChunk = (i: number, now: Buffer, at: number): boolean => {
    const size = Math.min(chunkBytes, length - i * chunkBytes);
    if (at < 0 || at + size > now.length) return false;
    return digestOf(now.subarray(at, at + size)).equals(packed.digests.subarray(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES));
  };
  return {
    length,
    slice(from: number, to: number): Buffer {
      if (from >= to) return Buffer.alloc(0);
      const parts: Buffer[] = [];
      for (let i = Math.floor(from / chunkBytes); i * chunkBytes < to; i++) {
        const start = i * chunkBytes;
        parts.push(chunk(i).subarray(Math.max(0, from - start), Math.min(chunkBytes, to - start)));
      }
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    },
    commonPrefix(now: Buffer): number {
      const n = Math.min(length, now.length);
      for (let i = 0; i * chunkBytes < n; i++) {
        const start = i * chunkBytes;
        if (sameChunk(i, now, start)) continue;
        const bytes = chunk(i);
        const end = Math.min(n - start, bytes.length);
        let k = 0;
        while (k < end && bytes[k] === now[start + k]) k++;
        return start + k;
      }
      return n;
    },
    commonSuffix(now: Buffer, limit: number): number {
      const shift = now.length - length;
      // The bytes compared: from `lowest` to the end.
      const lowest = length - limit;
      for (let i = Math.ceil(length / chunkBytes) - 1; i >= 0; i--) {
        const start = i * chunkBytes;
        if (start >= lowest && sameChunk(i, now, start + shift)) continue;
        const bytes = chunk(i);
        const stop = Math.max(start, lowest);
        let p = Math.min(length, start + chunkBytes) - 1;
        while (p >= stop && bytes[p - start] === now[p + shift]) p--;
        if (p >= stop) return length - 1 - p;
        if (stop === lowest) return limit;
      }
      return limit;
    },
  };
}
