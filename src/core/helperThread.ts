/**
 * A second thread for a synchronous computation: the calling thread starts a worker on a job,
 * goes on with its own share, then waits for the answer (`Atomics.wait` on a shared flag, the
 * answer read with `receiveMessageOnPort`), so the computation stays a plain function call. Used
 * by the comparison (`compare/parallel.ts`) and the analysis (`analysisThread.ts`).
 * A worker that is missing, fails, never starts or takes too long gives no answer, and the
 * caller does the work itself.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** Values of the shared flag. */
const FLAG = { started: 1, answered: 2 } as const;

/** The worker's start-up data: the job, the port it answers on, the flag it raises. */
export interface HelperData<J> {
  readonly job: J;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

/** What a worker answers: its result, or why it has none. */
type HelperAnswer<A> = { readonly kind: 'done'; readonly answer: A } | { readonly kind: 'failed'; readonly message: string };

export interface Helper<A> {
  /** The worker's answer, or undefined when it never started, failed or took longer than `ms`. */
  wait(ms: number): A | undefined;
}

/** How long to wait for a worker whose share is as large as the one that took `ownMs` here: four times as long, at least 30 s. */
export const patience = (ownMs: number): number => Math.max(30_000, 4 * ownMs);

/** True when a worker script is there and the machine has `minCores` cores for it. */
export function helperAvailable(script: string | undefined, minCores: number): script is string {
  return script !== undefined && availableParallelism() >= minCores && existsSync(script);
}

/** Starts a worker of `script` on `job`; undefined when it cannot be started. */
export function startHelper<J, A>(script: string, job: J): Helper<A> | undefined {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    const data: HelperData<J> = { job, port: port2, flag };
    worker = new Worker(script, { workerData: data, transferList: [port2] });
  } catch {
    port1.close();
    return undefined;
  }
  // Its errors are answered on the port; the event only keeps an uncaught one from ending the process.
  worker.on('error', () => {});
  worker.unref();
  return {
    wait(ms) {
      try {
        // A worker that has not started within two seconds more (a script that fails to load) will not help.
        if (Atomics.load(flag, 0) < FLAG.started && Atomics.wait(flag, 0, 0, 2000) === 'timed-out') return undefined;
        const until = performance.now() + ms;
        while (Atomics.load(flag, 0) < FLAG.answered) {
          const left = until - performance.now();
          if (left <= 0 || Atomics.wait(flag, 0, FLAG.started, left) === 'timed-out') break;
        }
        const message = receiveMessageOnPort(port1)?.message as HelperAnswer<A> | undefined;
        return message?.kind === 'done' ? message.answer : undefined;
      } finally {
        port1.close();
        void worker.terminate();
      }
    },
  };
}

/** In the worker: says it started, answers `data.job` with `answer` (or with the error it threw), and says it answered. */
export function serveHelper<J, A>(data: HelperData<J>, answer: (job: J) => A): void {
  const { job, port, flag } = data;
  Atomics.store(flag, 0, FLAG.started);
  let message: HelperAnswer<A>;
  try {
    message = { kind: 'done', answer: answer(job) };
  } catch (e) {
    message = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(message);
  Atomics.store(flag, 0, FLAG.answered);
  Atomics.notify(flag, 0);
}
