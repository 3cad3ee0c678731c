/**
 * Columns in shared memory. A loaded dataset's quality, confidence, cost and latency columns
 * are made in a `SharedArrayBuffer`, and so are their copies for a subset of queries: the
 * analysis's second thread (`analysisThread.ts`) reads them where they are, where a copy would
 * take 256 MB more at 1M queries x 8 models.
 */

/** A column of `length` doubles (zeros) in shared memory. */
export function sharedColumn(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}

/** True when the column's memory is shared (a thread can read it without a copy). */
export const isShared = (column: ArrayBufferView): boolean => column.buffer instanceof SharedArrayBuffer;

/** The values of `column` at `rows`, in a new column, in shared memory when `column` is. O(rows). */
export function columnRows(column: Float64Array, rows: ArrayLike<number>): Float64Array {
  const out = isShared(column) ? sharedColumn(rows.length) : new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = column[rows[i]!]!;
  return out;
}
