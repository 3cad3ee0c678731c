/**
 * Messages to the panel made in one task and posted in a later one. At 100k queries x 8 models
 * the snapshot of a new result takes 10 to 60 ms to make on the extension host's main thread in
 * the real editor (its thinned envelope and held-out figures), and 10 to 30 ms more to pack and
 * post; made and posted in one task, they stalled the thread (which every other extension
 * shares) for 40 to 110 ms. Each message is posted in a timer task of its own, after the task
 * that made it, in the order they were made: a timer, not `setImmediate`, so that the timers due
 * meanwhile (other extensions', the editor's) run between the two. A message made for a webview
 * that has since been reloaded or hidden (`reset`) is never posted: it was made against what the
 * old webview held. Plain timers, no editor API.
 */

/** Schedules `run` in a later task; returns what cancels it. */
export type Later = (run: () => void) => () => void;

/** A timer task of its own, after the timers already due. */
const nextTurn: Later = (run) => {
  const handle = setTimeout(run, 0);
  return () => clearTimeout(handle);
};

export class StagedPosts<M> {
  private readonly queue: M[] = [];
  private cancel: (() => void) | undefined;
  private closed = false;

  /** `post` sends one message; `later` schedules the next post (a timer task of its own). */
  constructor(
    private readonly post: (message: M) => void,
    private readonly later: Later = nextTurn,
  ) {}

  /** Messages made and not yet posted. */
  get pending(): number {
    return this.queue.length;
  }

  /** Posts `message` in a later task, after every message added before it. */
  add(message: M): void {
    if (this.closed) return;
    this.queue.push(message);
    this.schedule();
  }

  /** Forgets the messages not yet posted (the webview they were made for is gone). */
  reset(): void {
    this.queue.length = 0;
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Forgets them and posts nothing more. */
  dispose(): void {
    this.reset();
    this.closed = true;
  }

  private schedule(): void {
    if (this.cancel || this.queue.length === 0) return;
    this.cancel = this.later(() => {
      this.cancel = undefined;
      const message = this.queue.shift();
      // One message a task; the next, if any, in the task after.
      this.schedule();
      if (message !== undefined) this.post(message);
    });
  }
}
