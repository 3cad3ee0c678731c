/** Options of `waitFor`. */
export interface WaitOptions {
  /** Give up after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Time between two checks (default 100 ms). */
  readonly intervalMs?: number;
  /** What the page shows, added to a timeout's error so that a failure on another machine says more than "false". */
  readonly describe?: () => Promise<string> | string;
}

/**
 * Polls `check` until it returns a value other than `false`, `undefined` or `null`, and
 * returns that value. Waits on a condition, never a fixed time: the deadline only bounds
 * how long a broken product can hold the suite. An exception thrown by `check` ends the
 * wait at once; the error of a timeout names what was awaited and the last value seen.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | false | undefined | null> | T | false | undefined | null, opts: WaitOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await check();
    if (v !== false && v !== undefined && v !== null) return v;
    last = v;
    if (Date.now() > deadline) {
      const shown = opts.describe ? await (async () => opts.describe!())().catch((e: unknown) => `(could not describe: ${e instanceof Error ? e.message : String(e)})`) : undefined;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last check: ${String(last)})${shown !== undefined ? `; shown: ${shown}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
