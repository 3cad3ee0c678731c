import { fork, type ChildProcess } from 'node:child_process';
import type * as vscode from 'vscode';
import type { EvalFileSniff } from '../../core/load/sniff.ts';
import type { ReportData } from '../../report/data.ts';
import {
  isFromWorker,
  readAheadSettings,
  type AnalyzeJob,
  type FilesSniffed,
  type JobComparison,
  type JobDone,
  type JobGrid,
  type JobProgress,
  type RenderReport,
  type ReportRendered,
  type SniffFiles,
  type ToWorker,
} from '../workerProtocol.ts';
import { ResultParts } from '../resultParts.ts';
import { keptCount, listsOf, RecentLists, withKeptRows } from '../keptRows.ts';

export type JobRequest = Omit<AnalyzeJob, 'type' | 'jobId'>;

/**
 * A job's outcome; with a result of a job that asked for a budget grid, `grid` asks the worker
 * for the grid's picks (once; undefined when the worker stops first).
 */
export type JobOutcome = JobDone & { readonly grid?: () => Promise<JobGrid | undefined> };

interface Running {
  readonly jobId: number;
  phase: JobProgress['phase'];
  readonly resolve: (done: JobOutcome | undefined) => void;
  readonly onProgress?: (progress: JobProgress) => void;
}

/** How long a cancelled analysis may run on before the worker is terminated to stop it. */
const ANALYSIS_GRACE_MS = 5000;

/**
 * The analysis process's Node flags (the benchmark of the process alone starts it with the same):
 * a collection after each job (`--expose-gc`). A young generation of 16 MB a semi-space from the
 * start (`--min-semi-space-size=16`) was tried: 7% less CPU a save in the process alone, but in
 * the editor benchmark the saves came slower (median 765 against 689 ms, five alternating pairs
 * of runs), so not.
 */
export const WORKER_NODE_FLAGS = ['--expose-gc'] as const;

/**
 * The host's handle on the analysis worker, a Node process of its own: the eval data, its
 * caches and the analysis live outside the extension host (which other extensions share), and
 * the memory they took goes back to the system when the process ends. Jobs run one at a time,
 * in order. Cancelling a job resolves it at once. While it loads, the worker aborts the load.
 * While it analyses (synchronous work that cannot be interrupted), its result is dropped and the
 * next job waits for it to end, up to a grace period after which the worker is terminated: a
 * quick analysis keeps the worker's cache of loaded files, a runaway one cannot hold the next
 * job back. A job with `compare` goes on, after its result, to the held-out comparison;
 * cancelling that drains the same way. A job run `fresh` (eval files have left the analysis)
 * starts a new worker, so the memory of the data that left is returned.
 */
export class AnalysisWorker implements vscode.Disposable {
  private worker?: ChildProcess;
  private nextJobId = 1;
  private running?: Running;
  private tail: Promise<unknown> = Promise.resolve();
  /** A cancelled analysis still running in the worker; the next job starts when it ends. */
  private draining?: { readonly jobId: number; readonly done: Promise<void>; readonly finish: () => void };
  /** Jobs whose comparison is still to come (it follows their `done`). */
  private readonly comparisons = new Map<number, { readonly onComparison: (c: JobComparison) => void; readonly subscription: vscode.Disposable }>();
  /** Budget grids asked for and still to come, by job id; called with undefined when none will. */
  private readonly grids = new Map<number, (grid: JobGrid | undefined) => void>();
  /** Requests (sniffs, reports) waiting for their answer, by job id; called with undefined when the worker stops. */
  private readonly requests = new Map<number, (answer: FilesSniffed | ReportRendered | undefined) => void>();
  /** Parts of results still to come (`resultParts.ts`). */
  private readonly parts = new ResultParts();
  /** The long lists of the last results put together: the worker may leave out of the next result the items equal to theirs (`keptRows.ts`). */
  private readonly assembled = new RecentLists(1);
  /** Items of the last result put together that were taken from the result before it, not sent again (for tests and benchmarks). */
  keptItems = 0;
  private disposed = false;

  constructor(private readonly scriptPath: string) {}

  /** A job's `done` with its result's parts put back; an error when one is missing. */
  private whole(done: JobDone): JobDone {
    if (!done.result) {
      this.parts.forget(done.jobId);
      return done;
    }
    const parted = this.parts.take(done.jobId, done.result, done.parts);
    const base = done.kept ? this.assembled.get(done.kept.from) : undefined;
    const result = parted && done.kept ? (base ? withKeptRows(parted, done.kept, base) : undefined) : parted;
    if (result) {
      this.keptItems = done.kept ? keptCount(done.kept) : 0;
      this.assembled.remember(done.jobId, listsOf(result));
      const { kept: _kept, ...whole } = done;
      return { ...whole, result };
    }
    const { result: _partial, kept: _kept, ...rest } = done;
    return { ...rest, error: 'the analysis result arrived incomplete from the analysis worker; save an eval file to compute it again.' };
  }

  /**
   * What the first bytes of each file say (eval results or not, format, model), in the order
   * given; undefined for a file that could not be read. Runs beside any analysis (it only reads
   * file heads). Resolves with undefined entries when the worker stops first.
   */
  sniff(paths: readonly string[]): Promise<readonly (EvalFileSniff | undefined)[]> {
    if (this.disposed || paths.length === 0) return Promise.resolve(paths.map(() => undefined));
    return this.request({ type: 'sniff', paths }).then((answer) => (answer?.type === 'sniffed' ? answer.sniffs : paths.map(() => undefined)));
  }

  /** The HTML report of an analysis. @throws Error when it cannot be rendered or the worker stops first. */
  async renderReport(data: ReportData): Promise<string> {
    const answer = await this.request({ type: 'report', data });
    if (answer?.type !== 'reported' || answer.html === undefined)
      throw new Error(answer?.type === 'reported' && answer.error ? answer.error : 'the analysis worker stopped before the report was written.');
    return answer.html;
  }

  /**
   * Tells the worker that `file` changed, to read it ahead of the job that will name it, with
   * the settings of `request` (the last job's). Nothing when no worker runs: a new one reads
   * everything anyway.
   */
  readAhead(file: JobRequest['files'][number], request: JobRequest): void {
    if (this.disposed || !this.worker) return;
    this.send({ type: 'readAhead', jobId: this.nextJobId++, file, job: readAheadSettings(request) });
  }

  private request(message: Omit<SniffFiles, 'jobId'> | Omit<RenderReport, 'jobId'>): Promise<FilesSniffed | ReportRendered | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    const worker = this.ensureWorker();
    const jobId = this.nextJobId++;
    return new Promise((resolve) => {
      this.requests.set(jobId, resolve);
      this.send({ ...message, jobId } as ToWorker, worker);
    });
  }

  /**
   * Runs a job; resolves with its outcome, or undefined when it was cancelled. A job with
   * `compare` calls `comparison.onComparison` exactly once after that (with the comparison, an
   * error, or `cancelled` when `comparison.token` or the job was cancelled first). With `fresh`
   * the job runs in a new worker process, unless another job's comparison or a request is still
   * due from the current one.
   */
  run(
    request: JobRequest,
    token: vscode.CancellationToken,
    onProgress?: (progress: JobProgress) => void,
    comparison?: { readonly token: vscode.CancellationToken; readonly onComparison: (c: JobComparison) => void },
    fresh = false,
  ): Promise<JobOutcome | undefined> {
    const result = this.tail.then(() => this.start(request, token, onProgress, comparison, fresh));
    this.tail = result.catch(() => undefined);
    return result;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private async start(
    request: JobRequest,
    token: vscode.CancellationToken,
    onProgress: ((progress: JobProgress) => void) | undefined,
    comparison: { readonly token: vscode.CancellationToken; readonly onComparison: (c: JobComparison) => void } | undefined,
    fresh: boolean,
  ): Promise<JobOutcome | undefined> {
    if (this.draining) await this.draining.done;
    if (token.isCancellationRequested || this.disposed) {
      if (request.compare) comparison?.onComparison({ type: 'comparison', jobId: 0, cancelled: true, compareMs: 0 });
      return undefined;
    }
    // A process's heap does not shrink on its own: a new one returns what the data that left took.
    if (fresh && this.worker && this.comparisons.size === 0 && this.requests.size === 0) this.stop();
    const worker = this.ensureWorker();
    const jobId = this.nextJobId++;
    if (request.compare && comparison) {
      const subscription = comparison.token.onCancellationRequested(() => {
        this.send({ type: 'cancel', jobId });
        this.settleComparison({ type: 'comparison', jobId, cancelled: true, compareMs: 0 });
        // Past its analysis the worker may be comparing (synchronous): a long comparison must not hold the next job back.
        if (this.running?.jobId !== jobId && !this.draining) this.drain(jobId);
      });
      this.comparisons.set(jobId, { onComparison: comparison.onComparison, subscription });
    }
    const grid = request.analyze.budgetGrid ? this.gridAsker(jobId, worker) : undefined;
    return new Promise<JobOutcome | undefined>((resolve) => {
      const subscription = token.onCancellationRequested(() => this.cancel(jobId));
      this.running = {
        jobId,
        phase: 'load',
        resolve: (done) => {
          subscription.dispose();
          this.running = undefined;
          resolve(done?.result && grid ? { ...done, grid } : done);
        },
        ...(onProgress ? { onProgress } : {}),
      };
      const rowsFrom = this.assembled.last;
      this.send({ type: 'analyze', jobId, ...request, ...(rowsFrom !== undefined ? { rowsFrom } : {}) }, worker);
    });
  }

  /** Posts to the worker; a worker that has just gone is reported by its `exit`. */
  private send(message: ToWorker, worker = this.worker): void {
    try {
      worker?.send(message);
    } catch {
      // The channel closed: `exit` settles the job.
    }
  }

  private cancel(jobId: number): void {
    const running = this.running;
    if (!running || running.jobId !== jobId) return;
    this.send({ type: 'cancel', jobId });
    if (running.phase === 'analyze') this.drain(jobId);
    running.resolve(undefined);
  }

  /** The next job waits for `jobId`'s synchronous work to end, up to the grace period, then the worker is terminated. */
  private drain(jobId: number): void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const timer = setTimeout(() => {
      this.stop();
      this.endDraining(jobId);
    }, ANALYSIS_GRACE_MS);
    this.draining = {
      jobId,
      done,
      finish: () => {
        clearTimeout(timer);
        finish();
      },
    };
  }

  private settleComparison(message: JobComparison): void {
    const pending = this.comparisons.get(message.jobId);
    if (!pending) return;
    this.comparisons.delete(message.jobId);
    pending.subscription.dispose();
    pending.onComparison(message);
  }

  private settleAllComparisons(error: string): void {
    for (const jobId of [...this.comparisons.keys()]) this.settleComparison({ type: 'comparison', jobId, error, compareMs: 0 });
  }

  /** Asks the worker (the process that ran job `jobId`) for the job's budget grid, once; undefined when that process stops first. */
  private gridAsker(jobId: number, worker: ChildProcess): () => Promise<JobGrid | undefined> {
    let asked: Promise<JobGrid | undefined> | undefined;
    return () =>
      (asked ??=
        this.worker !== worker || this.disposed
          ? Promise.resolve(undefined)
          : new Promise<JobGrid | undefined>((settle) => {
              this.grids.set(jobId, settle);
              this.send({ type: 'grid', jobId }, worker);
            }));
  }

  private settleGrid(jobId: number, grid: JobGrid | undefined): void {
    this.grids.get(jobId)?.(grid);
    this.grids.delete(jobId);
  }

  private settleAllGrids(): void {
    for (const jobId of [...this.grids.keys()]) this.settleGrid(jobId, undefined);
  }

  private settleAllRequests(): void {
    for (const settle of this.requests.values()) settle(undefined);
    this.requests.clear();
  }

  private endDraining(jobId?: number): void {
    const draining = this.draining;
    if (!draining || (jobId !== undefined && draining.jobId !== jobId)) return;
    this.draining = undefined;
    draining.finish();
  }

  private ensureWorker(): ChildProcess {
    if (this.worker) return this.worker;
    const worker = fork(this.scriptPath, [], {
      // Structured clone over the channel, as between threads.
      serialization: 'advanced',
      // Not the extension host's flags (an inspector port, say): see WORKER_NODE_FLAGS. In the desktop editor its executable is Electron's, run as Node.
      execArgv: [...WORKER_NODE_FLAGS],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', GLIBC_TUNABLES: mallocTunables(process.env.GLIBC_TUNABLES) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    worker.on('message', (received: unknown) => {
      if (!isFromWorker(received)) return;
      if (received.type === 'part') {
        this.parts.add(received.jobId, received);
        // The next part comes when this one is read (see `PartRead`).
        this.send({ type: 'partRead', jobId: received.jobId }, worker);
        return;
      }
      const message = received.type === 'done' ? this.whole(received) : received;
      if (message.type === 'cancelled') this.parts.forget(message.jobId);
      if (message.type === 'sniffed' || message.type === 'reported') {
        this.requests.get(message.jobId)?.(message);
        this.requests.delete(message.jobId);
        return;
      }
      if (message.type === 'grid') {
        this.settleGrid(message.jobId, message);
        return;
      }
      if (message.type === 'comparison') {
        // The comparison comes first (partial), the backtest after it in the final message.
        if (message.partial) {
          this.comparisons.get(message.jobId)?.onComparison(message);
          return;
        }
        this.endDraining(message.jobId);
        this.settleComparison(message);
        return;
      }
      // No comparison follows a job that was cancelled or failed.
      if (message.type === 'cancelled') this.settleComparison({ type: 'comparison', jobId: message.jobId, cancelled: true, compareMs: 0 });
      else if (message.type === 'done' && !message.result) this.settleComparison({ type: 'comparison', jobId: message.jobId, error: message.error ?? 'the analysis failed', compareMs: 0 });
      if (message.type !== 'progress') this.endDraining(message.jobId);
      const running = this.running;
      if (!running || message.jobId !== running.jobId) return;
      if (message.type === 'progress') {
        running.phase = message.phase;
        running.onProgress?.(message);
      } else if (message.type === 'done') running.resolve(message);
      else running.resolve(undefined);
    });
    const fail = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.parts.forget();
      this.assembled.clear();
      this.endDraining();
      this.settleAllComparisons(reason);
      this.settleAllGrids();
      this.settleAllRequests();
      const running = this.running;
      running?.resolve({ type: 'done', jobId: running.jobId, error: reason, files: [], issues: [], reusedLoad: false, loadMs: 0, analyzeMs: 0 });
    };
    worker.on('error', (e) => fail(`the analysis worker failed: ${e.message}`));
    worker.on('exit', (code, signal) => fail(`the analysis worker stopped (${signal ?? `exit code ${code}`}); a file may be too large for memory: lower cascadeFrontier.maxFileSizeMB or split it.`));
    this.worker = worker;
    return worker;
  }

  private stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.parts.forget();
    // A new process holds no earlier result to send rows against.
    this.assembled.clear();
    this.endDraining();
    this.settleAllComparisons('the analysis worker was stopped before the comparison finished.');
    this.settleAllGrids();
    this.settleAllRequests();
    worker?.kill();
  }
}

/**
 * glibc's allocator keeps what a large load freed in its arenas, so the analysis process would
 * stay near its peak long after the data is gone. Blocks of 128 KiB or more mapped on their own,
 * and free memory above 128 KiB trimmed, go back to the system once freed: after a 55 MB load
 * analysed and compared, the process holds about 30 MB less (155 against 185 MB). The user's own
 * tunables follow ours, so theirs win. Other C libraries and systems ignore the variable.
 */
export function mallocTunables(own: string | undefined): string {
  const ours = 'glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072';
  return own ? `${ours}:${own}` : ours;
}
