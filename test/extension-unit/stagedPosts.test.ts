/**
 * The panel's snapshots are posted in a task after the one that made them, one a task, in the
 * order they were made; those made for a webview that was reloaded are never posted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StagedPosts, type Later } from '../../src/extension/panel/stagedPosts.ts';

/** A hand-driven event loop (`later` queues tasks, `turn` runs the first one) and staged posts on it, with what they posted. */
function loop() {
  const tasks: { run: () => void; cancelled: boolean }[] = [];
  const later: Later = (run) => {
    const task = { run, cancelled: false };
    tasks.push(task);
    return () => void (task.cancelled = true);
  };
  const live = () => tasks.filter((t) => !t.cancelled).length;
  const turn = () => {
    let task = tasks.shift();
    while (task?.cancelled) task = tasks.shift();
    task?.run();
  };
  const posted: string[] = [];
  const staged = new StagedPosts<string>((m) => posted.push(m), later);
  return { live, turn, posted, staged };
}

test('StagedPosts: nothing is posted in the task that adds; then one message a task, in order', () => {
  const { live, turn, posted, staged } = loop();
  staged.add('a');
  staged.add('b');
  assert.deepEqual(posted, []);
  assert.equal(staged.pending, 2);
  // One task scheduled at a time, however many are waiting.
  assert.equal(live(), 1);
  turn();
  assert.deepEqual(posted, ['a']);
  staged.add('c');
  turn();
  assert.deepEqual(posted, ['a', 'b']);
  turn();
  assert.deepEqual(posted, ['a', 'b', 'c']);
  assert.equal(staged.pending, 0);
  assert.equal(live(), 0);
});

test('StagedPosts: reset forgets what was made for the webview before; what is added after still goes', () => {
  const { live, turn, posted, staged } = loop();
  staged.add('old 1');
  staged.add('old 2');
  staged.reset();
  assert.equal(live(), 0);
  staged.add('new');
  turn();
  turn();
  assert.deepEqual(posted, ['new']);
});

test('StagedPosts: after dispose nothing is posted, added before or after', () => {
  const { turn, posted, staged } = loop();
  staged.add('a');
  staged.dispose();
  staged.add('b');
  turn();
  turn();
  assert.deepEqual(posted, []);
});

test('StagedPosts: with the real event loop, each post is a timer task of its own, after the timers already due', async () => {
  const events: string[] = [];
  const staged = new StagedPosts<string>((m) => events.push(`post ${m}`));
  // Made in a timer task, as the panel makes its snapshots, with another timer (the editor's, say) due.
  setTimeout(() => {
    setTimeout(() => events.push('timer due before the adds'), 0);
    staged.add('a');
    staged.add('b');
    setTimeout(() => events.push('timer due after the adds'), 0);
    void Promise.resolve().then(() => events.push('microtask'));
  }, 0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  // Not in the adding task; the timer due before runs first (an immediate would have run before
  // it, in the same turn of the loop); b waits for a timer after a's, so the timer due after the
  // adds runs between the two posts.
  assert.deepEqual(events, ['microtask', 'timer due before the adds', 'post a', 'timer due after the adds', 'post b']);
});
