/** The analysis's worker thread (bundled as `dist/analysis-worker.js`): computes its part of the analysis and answers (see analysisThread.ts). */
import { workerData } from 'node:worker_threads';
import { type HelperData, serveHelper } from './helperThread.ts';
import { type AnalysisJob, workerPart } from './analysisThread.ts';

if (workerData) serveHelper(workerData as HelperData<AnalysisJob>, workerPart);
