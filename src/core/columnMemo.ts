/**
 * Results computed from typed columns, found again by the memory the columns are in: a loaded
 * column is never changed (a file read again gives new columns), so a dataset loaded again that
 * shares a model's unchanged columns finds what was computed from them without computing it
 * again. Keyed by every column's buffer in turn, then the offset and length of every column;
 * nothing is held once one of the columns is let go. Browser-safe (no Node import).
 */
interface Node<T> {
  readonly next: WeakMap<ArrayBufferLike, Node<T>>;
  values?: Map<string, T>;
}

/** A typed column: its memory, offset and length key a {@link ColumnMemo}. */
export type MemoColumn = ArrayBufferView & { readonly length: number };

export class ColumnMemo<T> {
  private readonly root: Node<T> = { next: new WeakMap() };

  /** What `compute` gives for `columns`, computed once per set of columns (the result must not be modified). O(columns) after the first call. */
  get(columns: readonly MemoColumn[], compute: () => T): T {
    let node = this.root;
    for (const c of columns) {
      let next = node.next.get(c.buffer);
      if (!next) node.next.set(c.buffer, (next = { next: new WeakMap() }));
      node = next;
    }
    const place = columns.map((c) => `${c.byteOffset}:${c.length}`).join(' ');
    const values = (node.values ??= new Map());
    if (values.has(place)) return values.get(place)!;
    const value = compute();
    values.set(place, value);
    return value;
  }

  /** Lets go of what was kept for `columns`, if anything. O(columns). */
  forget(columns: readonly MemoColumn[]): void {
    let node: Node<T> | undefined = this.root;
    for (const c of columns) node = node?.next.get(c.buffer);
    node?.values?.delete(columns.map((c) => `${c.byteOffset}:${c.length}`).join(' '));
  }
}

/**
 * Integer columns handed out lately, most recent first (a copy of each): a column equal to one
 * of them is given that one, the same memory, so that what is kept by its memory (see
 * {@link ColumnMemo}) is found again for a column made anew with the same values (a mask, a
 * subset's rows). O(n) per column compared.
 */
export class RecentColumns<T extends Uint8Array | Uint32Array> {
  private readonly recent: T[] = [];

  constructor(private readonly max: number) {}

  /** The column handed out lately equal to `column` (now the most recent), else a copy of `column`, kept (the oldest past the limit let go). */
  same(column: T): T {
    const at = this.recent.findIndex((c) => sameValues(c, column));
    const found = at >= 0 ? this.recent.splice(at, 1)[0]! : (column.slice() as T);
    this.recent.unshift(found);
    if (this.recent.length > this.max) this.recent.pop();
    return found;
  }
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
