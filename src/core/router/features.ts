/**
 * Text features for the pre-generation router (and the learned confidence): hashed word and character n-grams, or
 * precomputed embeddings, plus the prompt's length. Rows are sparse (CSR).
 */

/** Sparse rows: row i holds `indices[indptr[i] .. indptr[i+1])` with their `values`. */
export interface SparseRows {
  readonly rows: number;
  /** Number of feature columns. */
  readonly columns: number;
  readonly indptr: Uint32Array;
  readonly indices: Uint32Array;
  readonly values: Float64Array;
}

export interface HashingOptions {
  /** Hash buckets, a power of two (default 2^14). */
  readonly buckets?: number;
  /** Characters of each prompt read (default 20,000): longer prompts are cut, which bounds the work. */
  readonly maxChars?: number;
}

export const DEFAULT_BUCKETS = 1 << 14;
export const DEFAULT_MAX_CHARS = 20000;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Mixes two hashes into one (for word bigrams). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const WORD_SEED = FNV_OFFSET;
const BIGRAM_SEED = 0x2545f491;
const CHAR_SEED = 0x68e31da4;

/** Text as the features see it: lower case, runs of white space as one space. */
function normalise(text: string, maxChars: number): string {
  return text.slice(0, maxChars).toLowerCase().replace(/\s+/g, ' ').trim();
}

/** True for the characters that make up words: ASCII letters and digits, and every non-ASCII character but white space. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c > 127 && c !== 160 && !(c >= 0x2000 && c <= 0x200a) && c !== 0x3000);
}

/**
 * Hashed bag of n-grams per prompt: word unigrams and bigrams (words are runs of letters and
 * digits; any other non-ASCII, non-space character counts as a letter) and character 3-grams
 * of the lower-cased prompt with white space collapsed, each hashed (FNV-1a) into `buckets`
 * columns; a column's value is 1 + log(count), and each row is scaled to unit length so long
 * and short prompts weigh alike. A missing prompt gives an empty row. O(total characters).
 * @throws RangeError when `buckets` is not a power of two.
 */
export function hashedNgramRows(prompts: readonly (string | undefined)[], options: HashingOptions = {}): SparseRows {
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  if (!(buckets > 0 && (buckets & (buckets - 1)) === 0)) throw new RangeError(`hashedNgramRows: buckets must be a power of two, got ${buckets}`);
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const mask = buckets - 1;
  // At most 3 n-grams per character of a prompt cut at maxChars, so counts fit 16 bits when maxChars <= 21845.
  const counts = maxChars <= 21845 ? new Uint16Array(buckets) : new Uint32Array(buckets);
  const touched = new Uint32Array(buckets);
  const indptr = new Uint32Array(prompts.length + 1);
  let indices = new Uint32Array(1024);
  let values = new Float64Array(1024);
  let nnz = 0;
  for (let r = 0; r < prompts.length; r++) {
    const raw = prompts[r];
    const text = raw === undefined ? '' : normalise(raw, maxChars);
    const length = text.length;
    let used = 0;
    let previous = -1;
    let h = WORD_SEED;
    let inWord = false;
    let c1 = 0;
    let c2 = 0;
    // Buckets are counted inline (b = hash & mask): this loop runs once per character.
    for (let i = 0; i <= length; i++) {
      const c = i < length ? text.charCodeAt(i) : 32;
      if (isWordChar(c)) {
        h = Math.imul(h ^ c, FNV_PRIME);
        inWord = true;
      } else if (inWord) {
        const word = h >>> 0;
        let b = word & mask;
        if (counts[b] === 0) touched[used++] = b;
        counts[b]++;
        if (previous >= 0) {
          b = (mix(previous, word) ^ BIGRAM_SEED) & mask;
          if (counts[b] === 0) touched[used++] = b;
          counts[b]++;
        }
        previous = word;
        h = WORD_SEED;
        inWord = false;
      }
      if (i >= 2 && i < length) {
        // The character 3-gram ending at i: FNV-1a of (c2, c1, c).
        const b = Math.imul(Math.imul(Math.imul(CHAR_SEED ^ c2, FNV_PRIME) ^ c1, FNV_PRIME) ^ c, FNV_PRIME) & mask;
        if (counts[b] === 0) touched[used++] = b;
        counts[b]++;
      }
      c2 = c1;
      c1 = c;
    }
    if (nnz + used > indices.length) {
      const size = Math.max(2 * indices.length, nnz + used);
      const ni = new Uint32Array(size);
      ni.set(indices.subarray(0, nnz));
      indices = ni;
      const nv = new Float64Array(size);
      nv.set(values.subarray(0, nnz));
      values = nv;
    }
    let norm = 0;
    for (let t = 0; t < used; t++) {
      const b = touched[t];
      const v = 1 + Math.log(counts[b]);
      indices[nnz + t] = b;
      values[nnz + t] = v;
      norm += v * v;
      counts[b] = 0;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let t = 0; t < used; t++) values[nnz + t] *= scale;
    nnz += used;
    indptr[r + 1] = nnz;
  }
  return { rows: prompts.length, columns: buckets, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}

/** Per-column mean and standard deviation of dense features, taken on the calibration rows. */
export interface Standardiser {
  readonly mean: Float64Array;
  readonly sd: Float64Array;
}

/** Mean and standard deviation of each column of dense rows (sd 1 where a column is constant). O(n d). */
export function fitStandardiser(rows: readonly Float64Array[], width: number): Standardiser {
  const mean = new Float64Array(width);
  const sd = new Float64Array(width);
  for (const r of rows) for (let j = 0; j < width; j++) mean[j] += r[j];
  for (let j = 0; j < width; j++) mean[j] /= Math.max(1, rows.length);
  for (const r of rows) for (let j = 0; j < width; j++) sd[j] += (r[j] - mean[j]) ** 2;
  for (let j = 0; j < width; j++) {
    const s = Math.sqrt(sd[j] / Math.max(1, rows.length));
    sd[j] = s > 0 ? s : 1;
  }
  return { mean, sd };
}

/** Log character and word counts of each prompt (0 for a missing one). O(total characters). */
export function lengthFeatures(prompts: readonly (string | undefined)[]): Float64Array[] {
  return prompts.map((p) => {
    const text = p ?? '';
    let words = 0;
    for (const _ of text.matchAll(/[\p{L}\p{N}]+/gu)) words++;
    return Float64Array.of(Math.log1p(text.length), Math.log1p(words));
  });
}

/**
 * Appends standardised dense columns to sparse rows (or builds rows from dense columns alone
 * when `sparse` is undefined). O(nnz + n d).
 */
export function withDenseColumns(sparse: SparseRows | undefined, dense: readonly Float64Array[], standardiser: Standardiser): SparseRows {
  const width = standardiser.mean.length;
  const n = sparse ? sparse.rows : dense.length;
  const base = sparse ? sparse.columns : 0;
  const indptr = new Uint32Array(n + 1);
  const nnz = (sparse ? sparse.indices.length : 0) + n * width;
  const indices = new Uint32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let r = 0; r < n; r++) {
    if (sparse) {
      for (let p = sparse.indptr[r]; p < sparse.indptr[r + 1]; p++) {
        indices[k] = sparse.indices[p];
        values[k++] = sparse.values[p];
      }
    }
    const row = dense[r];
    for (let j = 0; j < width; j++) {
      indices[k] = base + j;
      values[k++] = row ? (row[j] - standardiser.mean[j]) / standardiser.sd[j] : 0;
    }
    indptr[r + 1] = k;
  }
  return { rows: n, columns: base + width, indptr, indices: indices.subarray(0, k), values: values.subarray(0, k) };
}

/** The rows `rows` of sparse rows, in that order. O(rows + their nnz). */
export function selectRows(x: SparseRows, rows: ArrayLike<number>): SparseRows {
  let nnz = 0;
  for (let r = 0; r < rows.length; r++) nnz += x.indptr[rows[r] + 1] - x.indptr[rows[r]];
  const indptr = new Uint32Array(rows.length + 1);
  const indices = new Uint32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let r = 0; r < rows.length; r++) {
    const from = x.indptr[rows[r]];
    const to = x.indptr[rows[r] + 1];
    indices.set(x.indices.subarray(from, to), k);
    values.set(x.values.subarray(from, to), k);
    k += to - from;
    indptr[r + 1] = k;
  }
  return { rows: rows.length, columns: x.columns, indptr, indices, values };
}

/**
 * Two sets of sparse rows side by side: row i holds row i of `a`, then row i of `b` with its
 * columns shifted past `a`'s. O(nnz).
 * @throws RangeError when the row counts differ.
 */
export function concatColumns(a: SparseRows, b: SparseRows): SparseRows {
  if (a.rows !== b.rows) throw new RangeError(`concatColumns: ${a.rows} rows beside ${b.rows}`);
  const indptr = new Uint32Array(a.rows + 1);
  const indices = new Uint32Array(a.indices.length + b.indices.length);
  const values = new Float64Array(indices.length);
  let k = 0;
  for (let r = 0; r < a.rows; r++) {
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      indices[k] = a.indices[p];
      values[k++] = a.values[p];
    }
    for (let p = b.indptr[r]; p < b.indptr[r + 1]; p++) {
      indices[k] = a.columns + b.indices[p];
      values[k++] = b.values[p];
    }
    indptr[r + 1] = k;
  }
  return { rows: a.rows, columns: a.columns + b.columns, indptr, indices, values };
}
