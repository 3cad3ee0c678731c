import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import { isFromWorker, type AnalyzeJob, type JobDone, type JobProgress, type ToWorker } from '../workerProtocol.ts';

export type JobRequest = Omit<AnalyzeJob, 'type' | 'jobId'>;

interface Running {
  readonly jobId: number;
  phase: JobProgress['phase'];
  readonly resolve: (done: JobDone | undefined) => void;
  readonly onProgress?: (progress: JobProgress) => void;
}

/**
 * The host's handle on the analysis worker thread. Jobs run one at a time, in order. Cancelling
 * a job while it loads asks the worker to abort the load (its cache survives); cancelling it
 * while it analyses terminates the worker, since analysis is synchronous, and the next job
 * starts a fresh one.
 */
export class AnalysisWorker implements vscode.Disposable {
  private worker?: Worker;
  private nextJobId = 1;
  private running?: Running;
  private tail: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly scriptPath: string) {}

  /** Runs a job; resolves with its outcome, or undefined when it was cancelled. */
  run(request: JobRequest, token: vscode.CancellationToken, onProgress?: (progress: JobProgress) => void): Promise<JobDone | undefined> {
    const result = this.tail.then(() => this.start(request, token, onProgress));
    this.tail = result.catch(() => undefined);
    return result;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private start(request: JobRequest, token: vscode.CancellationToken, onProgress?: (progress: JobProgress) => void): Promise<JobDone | undefined> {
    if (token.isCancellationRequested || this.disposed) return Promise.resolve(undefined);
    const worker = this.ensureWorker();
    const jobId = this.nextJobId++;
    return new Promise<JobDone | undefined>((resolve) => {
      const subscription = token.onCancellationRequested(() => this.cancel(jobId));
      this.running = {
        jobId,
        phase: 'load',
        resolve: (done) => {
          subscription.dispose();
          this.running = undefined;
          resolve(done);
        },
        ...(onProgress ? { onProgress } : {}),
      };
      const job: ToWorker = { type: 'analyze', jobId, ...request };
      worker.postMessage(job);
    });
  }

  private cancel(jobId: number): void {
    const running = this.running;
    if (!running || running.jobId !== jobId) return;
    if (running.phase === 'load') {
      const cancel: ToWorker = { type: 'cancel', jobId };
      this.worker?.postMessage(cancel);
    } else {
      this.stop();
      running.resolve(undefined);
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.scriptPath, { name: 'cascade-frontier-analysis' });
    worker.on('message', (message: unknown) => {
      const running = this.running;
      if (!isFromWorker(message) || !running || message.jobId !== running.jobId) return;
      if (message.type === 'progress') {
        running.phase = message.phase;
        running.onProgress?.(message);
      } else if (message.type === 'done') running.resolve(message);
      else running.resolve(undefined);
    });
    const fail = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const running = this.running;
      running?.resolve({ type: 'done', jobId: running.jobId, error: reason, files: [], issues: [], reusedLoad: false, loadMs: 0, analyzeMs: 0 });
    };
    worker.on('error', (e) => fail(`the analysis worker failed: ${e.message}`));
    worker.on('exit', (code) => fail(`the analysis worker stopped (exit code ${code}); a file may be too large for memory: lower cascadeFrontier.maxFileSizeMB or split it.`));
    this.worker = worker;
    return worker;
  }

  private stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}
