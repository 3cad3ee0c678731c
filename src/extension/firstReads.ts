/**
 * A file's bytes as a whole read found them, packed (`packBytes`) so that its first change can be
 * parsed only where it changed (`patchedCollection` needs the bytes the collection was read
 * from). The bytes are read again after the load and packed only when the file system shows the
 * file unchanged since just before the load read it: the same size, device, inode, modification
 * and change times to the nanosecond, before and after the second read, and its last change
 * older than `SETTLED_MS` before that first look (a write after it would then carry a later
 * change time, whatever the file system's clock granularity). No editor API here.
 */
import type { BigIntStats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { abortError } from '../core/load/input.ts';
import { packBytes, type PackedBytes } from '../core/load/packedBytes.ts';

/** The most a read asks for at a time. */
const READ_BYTES = 4 * 1024 * 1024;

/**
 * How long before the first look a file's last change must be for its bytes read later to stand
 * for the load's: a change time in the same tick of the file system's clock as a later write
 * would not tell the two apart (coarse clocks tick every few milliseconds, some file systems
 * every second or two).
 */
export const SETTLED_MS = 3000;

/** What the file system said of a file, and when, just before a load read it. */
export interface FirstLook {
  readonly stat: BigIntStats;
  /** `Date.now()` when it was taken. */
  readonly at: number;
}

/** What the file system says of `path` now (undefined when it cannot say). */
export async function firstLook(path: string): Promise<FirstLook | undefined> {
  const at = Date.now();
  const s = await stat(path, { bigint: true }).catch(() => undefined);
  return s ? { stat: s, at } : undefined;
}

/** Whether two looks at a file show it unchanged. */
function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.size === b.size && a.dev === b.dev && a.ino === b.ino && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** Whether the file's last change (content or metadata) was at least {@link SETTLED_MS} before `look` was taken. */
export function settled(look: FirstLook, settledMs = SETTLED_MS): boolean {
  const last = look.stat.ctimeNs > look.stat.mtimeNs ? look.stat.ctimeNs : look.stat.mtimeNs;
  return Number(last / 1_000_000n) < look.at - settledMs;
}

/**
 * The bytes of `path`, compressed, when the file is as `look` saw it before and after they are
 * read and had settled then; undefined otherwise (or when it cannot be read). `scratch` holds
 * the bytes while they are packed, when it is large enough. @throws an AbortError when `signal` aborts.
 */
export async function packFile(path: string, look: FirstLook, scratch?: Buffer, settledMs = SETTLED_MS, signal?: AbortSignal): Promise<PackedBytes | undefined> {
  if (!settled(look, settledMs)) return undefined;
  const before = await stat(path, { bigint: true }).catch(() => undefined);
  if (!before || !sameFile(before, look.stat)) return undefined;
  const size = Number(before.size);
  const buffer = scratch && scratch.length > size ? scratch : Buffer.allocUnsafeSlow(size + 1);
  const length = await readInto(path, buffer).catch(() => -1);
  const after = await stat(path, { bigint: true }).catch(() => undefined);
  if (length !== size || !after || !sameFile(after, look.stat)) return undefined;
  return packBytes(buffer.subarray(0, length), undefined, signal);
}

/** Reads the file at `path` into `buffer`, up to its length. Returns the bytes read. @throws as `open` and `read`; an AbortError when `signal` aborts. */
export async function readInto(path: string, buffer: Buffer, signal?: AbortSignal): Promise<number> {
  const handle = await open(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (signal?.aborted) throw abortError();
      const { bytesRead } = await handle.read(buffer, length, Math.min(buffer.length - length, READ_BYTES), length);
      if (bytesRead === 0) return length;
      length += bytesRead;
      if (length === buffer.length) return length;
    }
  } finally {
    await handle.close();
  }
}
