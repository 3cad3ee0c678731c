/** The analysis's summaries thread (bundled as `dist/summary-worker.js`): computes the job's summaries and answers (see summaryThread.ts). */
import { workerData } from 'node:worker_threads';
import { type HelperData, serveHelper } from './helperThread.ts';
import { summariesAndDrift } from './summaries.ts';
import type { SummariesJob } from './summaryThread.ts';

if (workerData) serveHelper(workerData as HelperData<SummariesJob>, (job) => summariesAndDrift(job.cal, job.holdout, job.singles, job.learned));
