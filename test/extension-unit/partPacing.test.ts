/**
 * A result's parts leave the analysis process as the host reads them: never more than `ahead`
 * posted and unread, all of them in order, and a host that does not answer delays the parts,
 * never loses them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartPacer } from '../../src/extension/partPacing.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('PartPacer: at most `ahead` parts posted and unread; each read lets one more go; all in order', async () => {
  for (const ahead of [1, 2, 3]) {
    const pacer = new PartPacer(ahead, 60_000);
    const posted: number[] = [];
    let readSoFar = 0;
    const parts = Array.from({ length: 7 }, (_, i) => i);
    const done = pacer.postAll(5, parts, (p) => posted.push(p));
    let finished = false;
    void done.then(() => (finished = true));
    for (let step = 0; step < 20 && !finished; step++) {
      await turn();
      assert.ok(posted.length - readSoFar <= ahead, `ahead ${ahead}: ${posted.length} posted, ${readSoFar} read`);
      // Exactly as many as allowed are out before the host answers.
      assert.equal(posted.length, Math.min(parts.length, readSoFar + ahead));
      readSoFar++;
      pacer.partRead(5);
    }
    await done;
    assert.deepEqual(posted, parts);
  }
});

test('PartPacer: an answer about another job does not let a part go', async () => {
  const pacer = new PartPacer(1, 60_000);
  const posted: number[] = [];
  const done = pacer.postAll(2, [0, 1], (p) => posted.push(p));
  await turn();
  pacer.partRead(1);
  await turn();
  assert.deepEqual(posted, [0]);
  pacer.partRead(2);
  await done;
  assert.deepEqual(posted, [0, 1]);
});

test('PartPacer: a host that never answers still gets every part, one patience apart', async () => {
  const pacer = new PartPacer(1, 30);
  const posted: number[] = [];
  const started = performance.now();
  await pacer.postAll(3, [0, 1, 2], (p) => posted.push(p));
  assert.deepEqual(posted, [0, 1, 2]);
  assert.ok(performance.now() - started >= 55, 'waited for the answers');
});

test('PartPacer: no parts, nothing posted; a job after another starts counting again', async () => {
  const pacer = new PartPacer(1, 60_000);
  const posted: string[] = [];
  await pacer.postAll<string>(1, [], (p) => posted.push(p));
  assert.equal(posted.length, 0);
  const first = pacer.postAll(1, ['a'], (p) => posted.push(p));
  await first;
  pacer.partRead(1);
  // The next job's second part waits for its own first part's answer, not the last job's.
  const second = pacer.postAll(2, ['b', 'c'], (p) => posted.push(p));
  await turn();
  assert.deepEqual(posted, ['a', 'b']);
  pacer.partRead(2);
  await second;
  assert.deepEqual(posted, ['a', 'b', 'c']);
});
