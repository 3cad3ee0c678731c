import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hashOfAsciiBytes, hashOfText, IdTable, isAsciiBlank, isPlainAscii } from '../../src/core/load/idTable.ts';
import { join } from 'node:path';
import { sameEveryWay } from '../support/twoCollectors.ts';
import { tempFolder } from '../fixtures/load/tempFiles.ts';

/** The reference: a Map from id to number, numbered in order of first sight. */
function reference(ops: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ops) if (!m.has(id)) m.set(id, m.size);
  return m;
}

const ids = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', 'b', '-', '0', '1'), maxLength: 4 }),
  fc.constantFrom('\uD800', '\uD801', '\uFFFD', 'é', 'e\u0301', ''),
);

test('IdTable: numbers ids in order of first sight and finds each, as a Map does, through the text and through ASCII bytes', () => {
  fc.assert(
    fc.property(fc.array(ids, { maxLength: 3000 }), fc.boolean(), (ops, release) => {
      const t = new IdTable();
      // Plain ASCII ids numbered from their bytes (their strings made when read), the others from their strings.
      for (const id of ops) {
        const bytes = Buffer.from(id, 'utf8');
        const ascii = isPlainAscii(bytes, 0, bytes.length);
        if ((ascii ? t.findAscii(bytes, 0, bytes.length) : t.find(id)) === -1) {
          if (ascii) t.addAscii(bytes, 0, bytes.length);
          else t.add(id);
        }
      }
      if (release) t.releaseIndex();
      const want = reference(ops);
      assert.equal(t.count, want.size);
      // Found through their strings before any string is made, then each string as it was.
      for (const [id, q] of want) assert.equal(t.find(id), q, JSON.stringify(id));
      for (const [id, q] of want) assert.equal(t.idAt(q), id);
      assert.deepEqual(t.ids, [...want.keys()]);
      for (const [id, q] of want) {
        assert.equal(t.find(id), q);
        // The stored bytes are the id's UTF-8.
        assert.ok(t.bytes.subarray(t.offsets[q], t.offsets[q + 1]).equals(Buffer.from(id, 'utf8')));
        const bytes = Buffer.from(`"${id}"`, 'utf8');
        if (isPlainAscii(bytes, 1, bytes.length - 1)) assert.equal(t.findAscii(bytes, 1, bytes.length - 1), q, JSON.stringify(id));
      }
      // Ids never seen: lone surrogates are told apart although their UTF-8 is the same.
      for (const id of ['never seen', '\uD802', 'x'.repeat(9)]) if (!want.has(id)) assert.equal(t.find(id), -1);
      const none = Buffer.from('never seen');
      if (!want.has('never seen')) assert.equal(t.findAscii(none, 0, none.length), -1);
    }),
    { numRuns: 200, seed: 20261130 },
  );
});

test('IdTable: a hundred thousand ids, the table grown many times, each found where it was numbered', () => {
  const t = new IdTable();
  const n = 100_000;
  for (let i = 0; i < n; i++) assert.equal(t.add(`q-${i}`), i);
  const buf = Buffer.from(`q-${n - 1}|q-0|q-${n}`);
  assert.equal(t.findAscii(buf, 0, `q-${n - 1}`.length), n - 1);
  for (let i = 0; i < n; i += 997) assert.equal(t.find(`q-${i}`), i);
  assert.equal(t.find(`q-${n}`), -1);
  assert.equal(t.findAscii(buf, buf.length - `q-${n}`.length, buf.length), -1);
});

test('IdTable: the hash of an ASCII text is the same through its bytes; blank and plain ASCII as JSON strings read them', () => {
  for (const s of ['', 'a', 'query-000123', ' \t~!']) {
    const b = Buffer.from(s, 'latin1');
    assert.equal(hashOfAsciiBytes(b, 0, b.length), hashOfText(s));
  }
  const text = (s: string): [Buffer, number, number] => {
    const b = Buffer.from(s, 'utf8');
    return [b, 0, b.length];
  };
  assert.equal(isPlainAscii(...text('abc 1')), true);
  assert.equal(isPlainAscii(...text('a\\u0062')), false);
  assert.equal(isPlainAscii(...text('é')), false);
  for (const s of ['', ' ', '\t\n\r\v\f ']) assert.equal(isAsciiBlank(...text(s)), true, JSON.stringify(s));
  for (const s of [' a', '_']) assert.equal(isAsciiBlank(...text(s)), false);
  // What trim() removes among ASCII is exactly that.
  for (let c = 0; c < 0x80; c++) assert.equal(isAsciiBlank(Buffer.of(c), 0, 1), String.fromCharCode(c).trim() === '', `0x${c.toString(16)}`);
});

test('load: ids read as bytes, as escapes and as numbers are the same query, read by one collector, two or one per file; a blank id is rejected at its line', async () => {
  const row = (id: string, cost: number): string => `{"id": ${id}, "correct": 1, "confidence": 0.5, "cost": ${cost}}`;
  const dir = tempFolder({
    'a.jsonl': [row('"q1"', 1), row('"q\\u0032"', 1), row('3', 1), row('" "', 1), row('"é"', 1)].join('\n') + '\n',
    // Another order, so that no id is the one expected next: each is looked up.
    'b.jsonl': [row('"3"', 5), row('"q2"', 5), row('"\\u00e9"', 5), row('"q\\u0031"', 5), row('"q1"', 5)].join('\n') + '\n',
  });
  const paths = ['a.jsonl', 'b.jsonl'].map((f) => join(dir, f));
  const r = await sameEveryWay(paths);
  assert.deepEqual(r.dataset.ids, ['q1', 'q2', '3', 'é']);
  assert.deepEqual(
    r.files.map((f) => [f.records, f.rejected]),
    [
      [4, 1],
      [4, 1],
    ],
  );
  assert.deepEqual(
    r.issues.map((i) => [i.file === paths[0] ? 'a' : 'b', i.line, /id/.test(i.message)]),
    [
      ['a', 4, true],
      ['b', 5, true],
    ],
  );
});

test('IdTable: ids counted up have consecutive hashes; ids whose home slots coincide, thousands of them, are each numbered and found', () => {
  // The hash adds the value of the trailing digits (at most nine) to a hash of the rest and of how many digits there are.
  assert.equal(hashOfText('q-8'), (hashOfText('q-7') + 1) >>> 0);
  assert.equal(hashOfText('bench-0001000'), (hashOfText('bench-0000999') + 1) >>> 0);
  assert.notEqual(hashOfText('q-07'), hashOfText('q-7'));
  assert.notEqual(hashOfText('p-7'), hashOfText('q-7'));
  // More than nine trailing digits: only the last nine are counted.
  assert.equal(hashOfText('1234567890123'), (hashOfText('1234567890122') + 1) >>> 0);
  // A stride of a power of two: every id's home is the same slot until the table outgrows the stride.
  const t = new IdTable();
  const strided = (i: number): string => `x-${i * 65536}`;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const b = Buffer.from(strided(i));
    assert.equal(t.findAscii(b, 0, b.length), -1);
    assert.equal(t.addAscii(b, 0, b.length), i);
  }
  for (let i = 0; i < n; i++) assert.equal(t.find(strided(i)), i);
  assert.equal(t.find(strided(n)), -1);
  // Counted up and down through runs of slots that other ids' homes fall into.
  const u = new IdTable();
  const mixed = Array.from({ length: 30_000 }, (_, i) => (i % 3 === 0 ? `a${i}` : i % 3 === 1 ? `b${30_000 - i}` : `c${(i * 7919) % 30_000}`));
  const want = reference(mixed);
  for (const id of mixed) if (u.find(id) === -1) u.add(id);
  assert.equal(u.count, want.size);
  for (const [id, q] of want) assert.equal(u.find(id), q);
});

test('IdTable: two ids of the same hash are two queries, each found through its text and its bytes', () => {
  // A pair that collides, of the same length (so only their bytes tell them apart), found among a few hundred thousand ids (about 2^16.5 make one collision likely).
  const seen = new Map<number, string>();
  let pair: [string, string] | undefined;
  // (Ids of one prefix counted up never collide: their hashes are consecutive.)
  for (let i = 0; pair === undefined && i < 1_000_000; i++) {
    const id = `k${(Math.imul(i, 0x9e3779b1) >>> 0).toString(36).padStart(7, '0')}`;
    const h = hashOfText(id);
    const other = seen.get(h);
    if (other !== undefined) pair = [other, id];
    else seen.set(h, id);
  }
  assert.ok(pair, 'a collision among a million ids');
  const [a, b] = pair;
  // Numbered from its string, and from its bytes (no string made until read).
  for (const byBytes of [false, true]) {
    const t = new IdTable();
    if (byBytes) t.addAscii(Buffer.from(a), 0, a.length);
    else t.add(a);
    assert.equal(t.find(b), -1);
    assert.equal(t.findAscii(Buffer.from(b), 0, b.length), -1);
    if (byBytes) t.addAscii(Buffer.from(b), 0, b.length);
    else t.add(b);
    assert.deepEqual([t.find(a), t.find(b)], [0, 1]);
    assert.deepEqual([t.findAscii(Buffer.from(a), 0, a.length), t.findAscii(Buffer.from(b), 0, b.length)], [0, 1]);
    assert.deepEqual(t.ids, [a, b]);
  }
});

test("a loaded dataset's ids are made when first read, those of queries every model has, in order; a split's too", async () => {
  const { loadEvalFiles } = await import('../../src/core/load/index.ts');
  const { subsetDataset } = await import('../../src/core/split.ts');
  const line = (id: string, split: string) => JSON.stringify({ id, split, correct: 1, confidence: -0.5, cost: 0.001 });
  const dir = tempFolder({
    'a.jsonl': ['q1', 'qé', 'q3', 'only-a', 'q5'].map((id, k) => line(id, k < 3 ? 'train' : 'test')).join('\n') + '\n',
    'b.jsonl': ['q1', 'qé', 'q3', 'q5'].map((id, k) => line(id, k < 3 ? 'train' : 'test')).join('\n') + '\n',
  });
  const { dataset } = await loadEvalFiles([join(dir, 'a.jsonl'), join(dir, 'b.jsonl')]);
  assert.equal(typeof Object.getOwnPropertyDescriptor(dataset, 'ids')?.get, 'function', 'not made yet');
  const subset = subsetDataset(dataset, Uint32Array.from([1, 3]));
  assert.deepEqual(dataset.ids, ['q1', 'qé', 'q3', 'q5']);
  assert.equal(Object.getOwnPropertyDescriptor(dataset, 'ids')?.get, undefined, 'kept once made');
  assert.equal(dataset.ids, dataset.ids);
  assert.deepEqual(subset.ids, ['qé', 'q5']);
});

test('a loaded dataset whose ids are not read yet holds the id table, not the collector that read it', async () => {
  const { loadEvalFiles } = await import('../../src/core/load/index.ts');
  const { getHeapSnapshot } = await import('node:v8');
  const dir = tempFolder({ 'held.jsonl': ['h1', 'h2', 'h3'].map((id) => JSON.stringify({ id, correct: 1, confidence: -0.5, cost: 0.001 })).join('\n') + '\n' });
  const { dataset } = await loadEvalFiles([join(dir, 'held.jsonl')]);
  assert.equal(typeof Object.getOwnPropertyDescriptor(dataset, 'ids')?.get, 'function', 'not made yet');
  // The snapshot is taken after a full garbage collection: what it holds is reachable.
  let text = '';
  for await (const chunk of getHeapSnapshot()) text += chunk;
  const snapshot = JSON.parse(text) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snapshot.snapshot.meta.node_fields;
  const [type, name] = [fields.indexOf('type'), fields.indexOf('name')];
  const live = (className: string) => {
    let count = 0;
    for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
      if (snapshot.snapshot.meta.node_types[0][snapshot.nodes[i + type]!] === 'object' && snapshot.strings[snapshot.nodes[i + name]!] === className) count++;
    }
    return count;
  };
  assert.equal(live('Collector'), 0, 'no collector is reachable');
  assert.ok(live('IdTable') >= 1, 'the id table is');
  assert.deepEqual(dataset.ids, ['h1', 'h2', 'h3']);
});
