/**
 * A minimal zip reader for Inspect `.eval` logs: the central directory (with zip64), and
 * entries stored (method 0), Deflate-compressed (method 8, older Inspect) or
 * Zstandard-compressed (method 93, current Inspect). Layout per the PKWARE APPNOTE.
 */
import { inflateSync } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export const ZIP_STORED = 0;
export const ZIP_DEFLATE = 8;
export const ZIP_ZSTANDARD = 93;

export class ZipFormatError extends Error {}

/** True when the bytes start like a zip file (a local file header or an empty archive). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

function u64(view: DataView, at: number): number {
  return Number(view.getBigUint64(at, true));
}

/**
 * The entries of a zip archive from its central directory. O(entries).
 * @throws ZipFormatError when there is no central directory or it runs past the file.
 */
export function listZipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('no zip central directory (the file is truncated or not a zip)');
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === EOCD64_LOCATOR) {
    const at = u64(view, eocd - 20 + 8);
    if (at + 56 > bytes.length || view.getUint32(at, true) !== EOCD64) throw new ZipFormatError('broken zip64 end of central directory');
    count = u64(view, at + 32);
    offset = u64(view, at + 48);
  }
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder('utf-8');
  let p = offset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL) throw new ZipFormatError(`broken central directory entry ${k + 1}`);
    const method = view.getUint16(p + 10, true);
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let localHeaderOffset = view.getUint32(p + 42, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    // Zip64 extra field: the 64-bit values of the 32-bit fields that overflowed, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let f = e + 4;
        if (size === 0xffffffff) ((size = u64(view, f)), (f += 8));
        if (compressedSize === 0xffffffff) ((compressedSize = u64(view, f)), (f += 8));
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(view, f);
      }
      e += 4 + len;
    }
    entries.push({ name, method, compressedSize, size, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

/**
 * The uncompressed bytes of one entry. O(entry size).
 * @throws ZipFormatError for an unknown compression method or a broken entry.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL) throw new ZipFormatError(`broken local header of ${entry.name}`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new ZipFormatError(`${entry.name} runs past the end of the file (truncated)`);
  try {
    switch (entry.method) {
      case ZIP_STORED:
        return data;
      case ZIP_DEFLATE:
        return inflateSync(data, { out: new Uint8Array(entry.size) });
      case ZIP_ZSTANDARD:
        return zstdDecompress(data);
    }
  } catch (error) {
    throw new ZipFormatError(`${entry.name} does not decompress (${error instanceof Error ? error.message : String(error)})`);
  }
  throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}; only stored (0), Deflate (8) and Zstandard (93) are read`);
}
