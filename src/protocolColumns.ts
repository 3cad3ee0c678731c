/**
 * Long arrays on the protocol's channel, packed as columns. A snapshot of a large analysis holds
 * thousands of envelope vertices and their held-out figures: as JSON text, every vertex repeats
 * its keys and writes each number in up to 24 characters, and the editor serialises, relays
 * and parses all of it. Packed, an array of records travels as one template per shape of record
 * and a column of numbers per field (strings as indices into a table, booleans as 0 and 1), an
 * array of numbers as one column, and all the columns of a message in one `Float64Array`
 * beside it, which the editor transfers as bytes. One array, not one per column: the editor
 * delivers only the first 40 typed arrays of a webview message (the rest arrive empty).
 *
 * What arrives is what JSON would have delivered: fields that are `undefined` are absent, `NaN`
 * arrives as `null` and `-0` as `0`; only `Infinity` and `-Infinity` arrive as themselves, as
 * the channel carries them (see `protocolEndpoint.ts`).
 */

/** Arrays shorter than this travel as they are. */
export const PACK_FROM = 64;

/** Where a record's value comes from: a record, an array, a column of its shape (numbered in leaf order), or `null`. */
type Template =
  { readonly o: readonly (readonly [string, Template])[] } | { readonly a: readonly Template[] } | { readonly n: number } | { readonly s: number } | { readonly b: number } | { readonly z: 1 };

/**
 * An array of records, packed. Its block of the message's columns starts at `at`: with more
 * than one shape, the shape of each row first; then, shape by shape, each column of the shape
 * with a value per row of that shape.
 */
export interface PackedRecords {
  readonly rows: number;
  /** One template per shape of record, in order of first appearance. */
  readonly shapes: readonly Template[];
  readonly at: number;
  readonly strings: readonly string[];
}

/** The packed form of an array on the channel (an object of one key, as `{ $number }` is). */
export type PackedArray = { readonly $records: PackedRecords } | { readonly $numbers: { readonly at: number; readonly n: number } };

/** The columns of one message, filled as its arrays are packed. */
export class Columns {
  private data = new Float64Array(1024);
  private size = 0;

  /** Appends `values`; returns where they start. */
  add(values: ArrayLike<number>): number {
    const at = this.size;
    if (at + values.length > this.data.length) {
      const grown = new Float64Array(Math.max(this.data.length * 2, at + values.length));
      grown.set(this.data.subarray(0, at));
      this.data = grown;
    }
    for (let i = 0; i < values.length; i++) this.data[at + i] = values[i]!;
    this.size += values.length;
    return at;
  }

  /** True once an array was packed (even one whose records have no field). */
  used = false;

  /** Everything added, in an array of its own (undefined when no array was packed). */
  done(): Float64Array | undefined {
    return this.used ? this.data.slice(0, this.size) : undefined;
  }
}

const isPlainRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

/**
 * `value`'s packed form, its columns added to `columns`, when it is an array of at least
 * {@link PACK_FROM} records (objects of numbers, strings, booleans, nulls, and arrays and
 * records of those, in at most 64 shapes) or of numbers and nulls; otherwise undefined. O(size).
 */
export function packArray(value: unknown, columns: Columns): PackedArray | undefined {
  if (!Array.isArray(value) || value.length < PACK_FROM) return undefined;
  const first: unknown = value[0];
  const packed = typeof first === 'number' || first === null ? packNumbers(value, columns) : isPlainRecord(first) ? packRecords(value, columns) : undefined;
  if (packed) columns.used = true;
  return packed;
}

function packNumbers(values: readonly unknown[], columns: Columns): PackedArray | undefined {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') out[i] = v;
    else if (v === null) out[i] = NaN;
    else return undefined;
  }
  return { $numbers: { at: columns.add(out), n: values.length } };
}

type Kind = 'n' | 's' | 'b';

/**
 * The template of `v`'s shape, its columns numbered in leaf order and their kinds pushed to
 * `kinds`; undefined when something in it cannot be packed (what JSON would drop or refuse).
 */
function templateOf(v: unknown, kinds: Kind[]): Template | undefined {
  switch (typeof v) {
    case 'number':
      return { n: kinds.push('n') - 1 };
    case 'string':
      return { s: kinds.push('s') - 1 };
    case 'boolean':
      return { b: kinds.push('b') - 1 };
    case 'undefined':
      // Only as an item of an array (a record's undefined fields are left out), where JSON writes null.
      return { z: 1 };
    case 'object': {
      if (v === null) return { z: 1 };
      if (Array.isArray(v)) {
        const items: Template[] = [];
        for (const item of v) {
          const t = templateOf(item, kinds);
          if (!t) return undefined;
          items.push(t);
        }
        return { a: items };
      }
      if (!isPlainRecord(v)) return undefined;
      const entries: [string, Template][] = [];
      for (const key in v) {
        if (!Object.hasOwn(v, key) || v[key] === undefined) continue;
        const t = templateOf(v[key], kinds);
        if (!t) return undefined;
        entries.push([key, t]);
      }
      return { o: entries };
    }
    default:
      return undefined;
  }
}

/**
 * Appends a record's leaves to its shape's columns (strings as their index in the table) and
 * returns true when it has the shape (the same keys in the same order, array lengths and leaf
 * kinds); false, part-way, when it has not: the caller cuts the columns back. Made once per shape
 * as closures, each of which sees one kind of template: the host packs thousands of records per
 * message.
 */
type Put = (v: unknown, cols: number[][], stringAt: (s: string) => number) => boolean;

function compile(t: Template): Put {
  if ('n' in t) {
    const c = t.n;
    return (v, cols) => typeof v === 'number' && cols[c]!.push(v) > 0;
  }
  if ('s' in t) {
    const c = t.s;
    return (v, cols, stringAt) => typeof v === 'string' && cols[c]!.push(stringAt(v)) > 0;
  }
  if ('b' in t) {
    const c = t.b;
    return (v, cols) => typeof v === 'boolean' && cols[c]!.push(v ? 1 : 0) > 0;
  }
  if ('z' in t) return (v) => v === null || v === undefined;
  if ('a' in t) {
    const items = t.a.map(compile);
    return (v, cols, stringAt) => {
      if (!Array.isArray(v) || v.length !== items.length) return false;
      for (let i = 0; i < items.length; i++) if (!items[i]!(v[i], cols, stringAt)) return false;
      return true;
    };
  }
  const keys = t.o.map(([key]) => key);
  const items = t.o.map(([, item]) => compile(item));
  return (v, cols, stringAt) => {
    if (!isPlainRecord(v)) return false;
    let i = 0;
    for (const key in v) {
      if (!Object.hasOwn(v, key)) continue;
      const item = v[key];
      if (item === undefined) continue;
      if (i === keys.length || key !== keys[i] || !items[i]!(item, cols, stringAt)) return false;
      i++;
    }
    return i === keys.length;
  };
}

/** At most this many shapes in one array (more and it is not a table of records). */
const MAX_SHAPES = 64;

function packRecords(records: readonly unknown[], columns: Columns): PackedArray | undefined {
  const shapes: Template[] = [];
  const filling: number[][][] = [];
  const shapeOf = new Float64Array(records.length);
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const stringAt = (s: string): number => {
    let at = stringIndex.get(s);
    if (at === undefined) {
      at = strings.push(s) - 1;
      stringIndex.set(s, at);
    }
    return at;
  };
  const puts: Put[] = [];
  const rows: number[] = [];
  /** Puts `record` in shape `shape`'s columns; false (the columns as they were) when it has another shape. */
  const tryShape = (shape: number, record: unknown): boolean => {
    const cols = filling[shape]!;
    if (puts[shape]!(record, cols, stringAt)) return true;
    for (const col of cols) col.length = rows[shape]!;
    return false;
  };
  let last = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (!isPlainRecord(record)) return undefined;
    // Records of a table mostly come in runs of one shape: the last one is tried first.
    let shape = shapes.length > 0 && tryShape(last, record) ? last : -1;
    for (let s = 0; shape < 0 && s < shapes.length; s++) if (s !== last && tryShape(s, record)) shape = s;
    if (shape < 0) {
      if (shapes.length === MAX_SHAPES) return undefined;
      const kinds: Kind[] = [];
      const template = templateOf(record, kinds);
      if (!template) return undefined;
      shape = shapes.push(template) - 1;
      puts.push(compile(template));
      rows.push(0);
      filling.push(kinds.map(() => []));
      if (!tryShape(shape, record)) return undefined;
    }
    rows[shape]!++;
    last = shape;
    shapeOf[i] = shape;
  }
  let at = -1;
  const add = (values: ArrayLike<number>) => {
    const start = columns.add(values);
    if (at < 0) at = start;
  };
  if (shapes.length > 1) add(shapeOf);
  for (const cols of filling) for (const col of cols) add(col);
  return { $records: { rows: records.length, shapes, at: Math.max(at, 0), strings } };
}

/** A number as JSON delivers it: NaN as null, -0 as 0 (Infinity is carried as itself). */
const asSent = (x: number): number | null => (Number.isNaN(x) ? null : x === 0 ? 0 : x);

/**
 * The array a packed value stands for, read from its message's `columns`, or undefined when
 * `value` is not one (or does not hold together: then the message fails the protocol's checks
 * instead of throwing here). O(size).
 */
export function unpackArray(value: unknown, columns: Float64Array): unknown[] | undefined {
  if (!isPlainRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const packed = value[keys[0]!];
  if (!isPlainRecord(packed)) return undefined;
  if (keys[0] === '$numbers') {
    const { at, n } = packed;
    if (!isIndex(at) || !isIndex(n) || at + n > columns.length) return undefined;
    return Array.from(columns.subarray(at, at + n), asSent);
  }
  if (keys[0] !== '$records') return undefined;
  try {
    return unpackRecords(packed as unknown as PackedRecords, columns);
  } catch {
    return undefined;
  }
}

const isIndex = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** The number of columns of each shape (a template numbers them 0, 1, ...). @throws Error on a malformed template. */
function columnCount(t: Template): number {
  if ('n' in t || 's' in t || 'b' in t) {
    const c = 'n' in t ? t.n : 's' in t ? t.s : t.b;
    if (!isIndex(c)) throw new Error('a column index that is not one');
    return c + 1;
  }
  if ('z' in t) return 0;
  if ('a' in t) return t.a.reduce((m, item) => Math.max(m, columnCount(item)), 0);
  return t.o.reduce((m, [, item]) => Math.max(m, columnCount(item)), 0);
}

function unpackRecords(p: PackedRecords, columns: Float64Array): unknown[] | undefined {
  const { rows, shapes, at, strings } = p;
  if (!isIndex(rows) || !isIndex(at) || !Array.isArray(shapes) || !Array.isArray(strings) || shapes.length === 0 || shapes.length > MAX_SHAPES) return undefined;
  let offset = at;
  const take = (n: number): Float64Array => {
    if (offset + n > columns.length) throw new Error('columns cut short');
    const part = columns.subarray(offset, offset + n);
    offset += n;
    return part;
  };
  const shapeOf = shapes.length > 1 ? take(rows) : undefined;
  const counts = new Array<number>(shapes.length).fill(0);
  for (let i = 0; i < rows; i++) {
    const s = shapeOf ? shapeOf[i]! : 0;
    if (!Number.isInteger(s) || s < 0 || s >= shapes.length) return undefined;
    counts[s]!++;
  }
  const cols = shapes.map((t, s) => Array.from({ length: columnCount(t) }, () => take(counts[s]!)));
  const seen = new Array<number>(shapes.length).fill(0);
  const out = new Array<unknown>(rows);
  for (let i = 0; i < rows; i++) {
    const s = shapeOf ? shapeOf[i]! : 0;
    out[i] = build(shapes[s]!, cols[s]!, seen[s]!++, strings);
  }
  return out;
}

/** The value of `t` for row `r` of its shape. @throws Error on a template that does not fit its columns. */
function build(t: Template, cols: readonly Float64Array[], r: number, strings: readonly string[]): unknown {
  if ('n' in t) return asSent(cols[t.n]![r]!);
  if ('s' in t) {
    const s = strings[cols[t.s]![r]!];
    if (typeof s !== 'string') throw new Error('a string index out of range');
    return s;
  }
  if ('b' in t) return cols[t.b]![r] === 1;
  if ('z' in t) return null;
  if ('a' in t) return t.a.map((item) => build(item, cols, r, strings));
  const record: Record<string, unknown> = {};
  for (const [key, item] of t.o) {
    const value = build(item, cols, r, strings);
    // As JSON.parse makes it: an own field, never the prototype.
    if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
    else record[key] = value;
  }
  return record;
}
