import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packBytes, packedView } from '../../src/core/load/packedBytes.ts';

/** The bytes `a` and `b` share at their start, counted one by one. */
function prefixOf(a: Uint8Array, b: Uint8Array): number {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return k;
}

/** The bytes `a` and `b` share at their end, at most `limit`, counted one by one. */
function suffixOf(a: Uint8Array, b: Uint8Array, limit: number): number {
  let k = 0;
  while (k < limit && a[a.length - 1 - k] === b[b.length - 1 - k]) k++;
  return k;
}

test('packedView: the bytes packed compare with other bytes from both ends, and slice, as the bytes themselves do', async () => {
  let state = 2024;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(random() * n);
  // Few distinct bytes, so that runs of equal bytes meet the edits' edges.
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => 97 + int(3)));
  let checked = 0;
  for (let step = 0; step < 400; step++) {
    const before = bytes(int(3000));
    // An edit: bytes replaced, put in or taken out somewhere, or none.
    const at = int(before.length + 1);
    const cut = Math.min(before.length - at, int(step % 4 === 0 ? 2000 : 40));
    const after = step % 17 === 0 ? Buffer.from(before) : Buffer.concat([before.subarray(0, at), bytes(int(40)), before.subarray(at + cut)]);
    for (const chunkBytes of [1, 7, 64, 1000, 4096]) {
      const view = packedView(await packBytes(before, chunkBytes));
      assert.equal(view.length, before.length);
      const prefix = prefixOf(before, after);
      assert.equal(view.commonPrefix(after), prefix, `step ${step}, chunks of ${chunkBytes}: prefix`);
      const most = Math.min(before.length, after.length) - prefix;
      for (const limit of [most, int(most + 1), 0]) assert.equal(view.commonSuffix(after, limit), suffixOf(before, after, limit), `step ${step}, chunks of ${chunkBytes}: suffix within ${limit}`);
      const from = int(before.length + 1);
      const to = from + int(before.length - from + 1);
      assert.deepEqual(view.slice(from, to), before.subarray(from, to), `step ${step}, chunks of ${chunkBytes}: slice ${from}..${to}`);
      checked++;
    }
  }
  assert.equal(checked, 2000);
});

test('packedView: a chunk that does not inflate to its length throws (the caller then reads the file whole)', async () => {
  const packed = await packBytes(Buffer.from('x'.repeat(95)), 10);
  // The last chunk (5 bytes) in place of one of 10, and the other way round.
  const swapped = { ...packed, chunks: packed.chunks.map((c, i) => (i === 9 ? packed.chunks[0]! : i === 0 ? packed.chunks[9]! : c)) };
  assert.throws(() => packedView(swapped).slice(90, 95), /does not inflate to its length/);
  assert.throws(() => packedView(swapped).slice(0, 5), /does not inflate to its length/);
  assert.deepEqual(packedView(packed).slice(0, 95), Buffer.from('x'.repeat(95)));
  assert.ok(packed.packedBytes > 0 && packed.packedBytes === packed.digests.length + packed.chunks.reduce((s, c) => s + c.length, 0));
});
