/**
 * The load worker (bundled as `dist/load-worker.js`): reads the files it is given into a
 * collector and sends the collection back, its typed arrays transferred, not copied (with
 * `each`, each file into a collector of its own, sent as soon as it is read). Its job
 * comes as its `workerData`, or, for a worker started before its job was known (on standby:
 * see `adoptStandbyWorker`), as its first message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Collector } from './collector.ts';
import { transferablesOf } from './transfer.ts';
import type { WorkerJob, WorkerMessage } from './parallel.ts';
import { collectorOptionsOf, readFiles, UnreadableInput } from './readFiles.ts';

async function run(job: WorkerJob): Promise<void> {
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(m, transfer);
  const collect = (): Collector => new Collector(collectorOptionsOf(job.options, { deferSplitChecks: true }));
  let pending = 0;
  const progress = (bytes: number): void => {
    pending += bytes;
    // A message per megabyte read is plenty for a progress bar.
    if (pending >= 1 << 20) flush();
  };
  const flush = (): void => {
    if (pending > 0) post({ kind: 'progress', bytes: pending });
    pending = 0;
  };
  try {
    if (job.each) {
      for (const [index, file] of job.files.entries()) {
        const collector = collect();
        await readFiles(collector, [file], job.options, progress);
        flush();
        const partial = collector.exportPartial();
        post({ kind: 'file', index, partial }, transferablesOf(partial));
      }
      return;
    }
    const collector = collect();
    await readFiles(collector, job.files, job.options, progress);
    flush();
    const partial = collector.exportPartial();
    post({ kind: 'done', partial }, transferablesOf(partial));
  } catch (e) {
    // A file that cannot be opened is the caller's to report; anything else is a fault of this thread.
    const invocation = e instanceof UnreadableInput;
    post({ kind: 'failed', message: e instanceof Error ? e.message : String(e), invocation });
  }
}

if (parentPort) {
  if (workerData) void run(workerData as WorkerJob);
  else parentPort.once('message', (job: WorkerJob) => void run(job));
}
