/**
 * The analysis worker: loads eval files and analyses them outside the extension host, in a
 * process of its own (a worker thread works too). One job runs at a time; a `cancel` aborts
 * its load. Each file's load is cached by its path, size and mtime, so a save re-reads only
 * the file saved; the last joined loads are cached too, so a change to the config alone
 * (budget, thresholds) reads nothing again. What can no longer be used (a file changed or
 * gone) is dropped from the caches when the next job starts.
 */
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { SNIFF_BYTES, sniffEvalFile, type EvalFileSniff } from '../core/load/sniff.ts';
import { IncrementalLoader } from './incrementalLoad.ts';
import { analyzeDeferringGrid } from '../core/analyze.ts';
import { budgetOptions } from '../core/budgetOptions.ts';
import { renderReportHtml } from '../report/html.ts';
import { reportScript } from '../report/script.ts';
import { compare } from '../core/compare/compare.ts';
import { backtestInSteps, summarizeBacktest, type BacktestSummary } from '../core/backtest.ts';
import type { ComparisonResult } from '../core/compare/types.ts';
import { localPairShadowPrice } from '../core/envelope.ts';
import { confidenceOrder } from '../core/pairCurve.ts';
import { modelByName } from '../core/policy.ts';
import { splitDataset } from '../core/split.ts';
import { stagesWithoutConfidence } from '../core/confidence/source.ts';
import type { BudgetPick, Dataset, LoadResult, LocalShadowPrice, PolicySpec, PriceTable } from '../core/types.ts';
import { loadPriceTable } from '../core/load/prices.ts';
import { learnConfidence } from '../core/confidence/learned.ts';
import type { LoadOptions } from '../core/options.ts';
import { isToWorker, PARTS_AHEAD, type AnalyzeJob, type FromWorker, type JobDone, type ReadAhead } from './workerProtocol.ts';
import { resultInParts, type ResultPart } from './resultParts.ts';
import { listsOf, RecentLists, type ResultLists, withoutKeptRows } from './keptRows.ts';
import { PartPacer } from './partPacing.ts';
import { releaseDrawTable } from '../core/stats.ts';
import { releaseKeptPairs } from '../core/select/keptPairs.ts';
import { keepBetweenCalls } from '../core/keptBetweenCalls.ts';
import { ANALYSES_AGAIN_AND_AGAIN, configureAnalysisThread } from '../core/analysisThread.ts';

/** Joined loads kept for reuse: one per analysis is typical, a few configs per workspace at most. */
const CACHED_LOADS = 2;
const PROGRESS_EVERY_MS = 200;
/**
 * Largest data (queries x models) compared in the background: the comparison is synchronous and
 * grows with the subsets searched, and a newer job waits for it (or terminates the worker).
 */
const MAX_COMPARED_RESULTS = 500_000;
/** Largest data backtested in the background (each re-split runs the recommendation rule at every budget). */
const MAX_BACKTESTED_RESULTS = 200_000;
/** Re-splits of the panel's backtest (the command line's default is 20). */
const PANEL_BACKTEST_REPEATS = 10;

/**
 * Settles when the last message posted has been written to the channel. A child process's
 * result (megabytes at 100k x 8) leaves through a pipe in pieces, as the event loop runs: work
 * that holds the thread before then (the collection after a job) would hold the result back.
 */
let lastPosted: Promise<void> = Promise.resolve();

/** Messages to and from the extension host: a worker thread's port, or a child process's channel. */
const channel = parentPort
  ? { post: (m: FromWorker) => parentPort!.postMessage(m), on: (fn: (m: unknown) => void) => parentPort!.on('message', fn) }
  : process.send
    ? {
        post: (m: FromWorker) => {
          lastPosted = new Promise<void>((written) => void process.send!(m, () => written()));
        },
        on: (fn: (m: unknown) => void) => process.on('message', fn),
      }
    : undefined;
if (!channel) throw new Error('worker.js runs as a process or worker thread started by the extension host.');
// A process whose extension host is gone has nobody to work for.
if (!parentPort) process.on('disconnect', () => process.exit(0));

// This process analyses the same files at every save, its code warm and its sorts and fits kept: a cold worker thread pays only for large data.
configureAnalysisThread(ANALYSES_AGAIN_AND_AGAIN);

const cache = new Map<string, LoadResult>();
const loader = new IncrementalLoader();
const running = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

const post = (message: FromWorker) => channel.post(message);
/** A result's parts, each posted once the host has read all but `PARTS_AHEAD` of those before it. */
const pacer = new PartPacer(PARTS_AHEAD);
/** The long lists of the last results posted: a job whose host holds one of them (`rowsFrom`) is sent only the items that differ (`keptRows.ts`). */
const posted = new RecentLists();

channel.on((message: unknown) => {
  if (!isToWorker(message)) return;
  if (message.type === 'cancel') {
    running.get(message.jobId)?.abort();
    return;
  }
  if (message.type === 'partRead') {
    pacer.partRead(message.jobId);
    return;
  }
  if (message.type === 'sniff') {
    void sniffFiles(message.paths).then((sniffs) => post({ type: 'sniffed', jobId: message.jobId, sniffs }));
    return;
  }
  // A save or a job: the packing of files read whole waits (it goes on a second after the job). Not
  // a grid: that is computed while the panel waits for nothing, and the packing is on the thread pool.
  if (message.type === 'readAhead' || message.type === 'analyze') loader.stopPacking();
  if (message.type === 'readAhead') {
    void readAhead(message);
    return;
  }
  if (message.type === 'grid') {
    const jobId = message.jobId;
    queue = queue.then(() => postGrid(jobId));
    return;
  }
  if (message.type === 'report') {
    reportScript().then(
      (script) => post({ type: 'reported', jobId: message.jobId, html: renderReportHtml(message.data, script) }),
      (e: unknown) => post({ type: 'reported', jobId: message.jobId, error: messageOf(e) }),
    );
    return;
  }
  const controller = new AbortController();
  running.set(message.jobId, controller);
  // Jobs run one after another; a cancelled job waiting in line ends as soon as it starts.
  queue = queue
    .then(() => runJob(message, controller.signal))
    .finally(() => {
      running.delete(message.jobId);
      // Once the job's messages are out: a full collection holds the thread for tens of milliseconds.
      void lastPosted.then(collectGarbage);
      packWhenIdle();
      releaseWhenIdle();
    });
});

/**
 * A function that runs `task` once no job has run for `ms` after its last call (each call starts
 * the wait again; a job running then skips it). The wait alone keeps nothing running.
 */
function whenIdleFor(ms: number, task: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (running.size === 0) task();
    }, ms);
    timer.unref?.();
  };
}

/**
 * Once no job has run for a second (the panel has drawn the result, the budget grid has begun),
 * packs the bytes of the files read whole, so that the first change of each is parsed only
 * where it changed (`IncrementalLoader.packFirstReads`).
 */
const packWhenIdle = whenIdleFor(1000, () => void loader.packFirstReads());

/**
 * Once no job has run for 10 s, lets what is kept from save to save while the files are being
 * edited go and collects it: the bootstrap's table of draws (up to 32 MB) and resampled sums
 * (8 MB), and the recommendation rule's pair fits (32 MB).
 */
const releaseWhenIdle = whenIdleFor(10_000, () => {
  releaseDrawTable();
  releaseKeptPairs();
  posted.clear();
  collectGarbage();
});

/**
 * A full garbage collection once a job is over, when the host started this process with
 * `--expose-gc`: the memory of what the job let go (a larger load, the comparison's features)
 * is returned now rather than whenever the heap would next grow.
 */
function collectGarbage(): void {
  if (running.size === 0) (globalThis as { gc?: () => void }).gc?.();
}

/** Price list files read, by path, with the mtime they were read at (a few configs name one each). */
const priceLists = new Map<string, { readonly mtimeMs: number; readonly table: PriceTable }>();

/** A config's price list file, read again only when its mtime changed. @throws Error naming the file and the problem. */
async function priceList(file: { readonly path: string; readonly mtimeMs: number }): Promise<PriceTable> {
  const hit = priceLists.get(file.path);
  if (hit && hit.mtimeMs === file.mtimeMs) return hit.table;
  const table = await loadPriceTable(file.path);
  priceLists.delete(file.path);
  priceLists.set(file.path, { mtimeMs: file.mtimeMs, table });
  while (priceLists.size > CACHED_LOADS) priceLists.delete(priceLists.keys().next().value!);
  return table;
}

/** Whether a job's load keeps the prompts: the router of the comparison and a learned confidence read them; the pairwise analysis does not. */
function keepsPrompts(job: Pick<AnalyzeJob, 'compare'> & { readonly analyze: Pick<AnalyzeJob['analyze'], 'confidence'> }): boolean {
  return job.compare === true || job.analyze.confidence === 'learned';
}

/** The loader's options for a job's load settings (its signal and progress aside). @throws Error naming a price list file that cannot be read. */
async function loadOptionsOf(load: AnalyzeJob['load'], withPrompts: boolean): Promise<LoadOptions> {
  const prices = load.pricesFile ? await priceList(load.pricesFile) : load.prices ? new Map(load.prices) : undefined;
  return {
    ...(prices ? { prices } : {}),
    ...(load.priceProvider !== undefined ? { priceProvider: load.priceProvider } : {}),
    ...(load.splitField !== undefined ? { splitField: load.splitField } : {}),
    ...(load.confidenceSignal !== undefined ? { confidenceSignal: load.confidenceSignal } : {}),
    maxLineBytes: load.maxLineBytes,
    keepPrompts: withPrompts,
    ...(load.keepResponses ? { keepResponses: true } : {}),
    ...(load.estimateTokens ? { estimateTokens: true } : {}),
  };
}

/** Starts reading a changed file ahead of its job (`IncrementalLoader.readAhead`); a price list that cannot be read leaves it to the job. */
async function readAhead(message: ReadAhead): Promise<void> {
  let options: LoadOptions;
  try {
    options = await loadOptionsOf(message.job.load, keepsPrompts(message.job));
  } catch {
    return;
  }
  loader.readAhead(message.file, options);
}

async function runJob(job: AnalyzeJob, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return post({ type: 'cancelled', jobId: job.jobId });
  const started = performance.now();
  const learnedAsked = job.analyze.confidence === 'learned';
  const withPrompts = keepsPrompts(job);
  const key = JSON.stringify([job.files, job.load, withPrompts]);
  dropStale(job);
  let loaded = cache.get(key);
  const reusedLoad = loaded !== undefined;
  if (!loaded) {
    let lastProgress = 0;
    let settings: LoadOptions;
    try {
      settings = await loadOptionsOf(job.load, withPrompts);
    } catch (e) {
      return post({ type: 'done', jobId: job.jobId, error: messageOf(e), files: [], issues: [], reusedLoad, loadMs: performance.now() - started, analyzeMs: 0 });
    }
    const options: LoadOptions = {
      ...settings,
      signal,
      onProgress: (bytesRead, bytesTotal) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        post({ type: 'progress', jobId: job.jobId, phase: 'load', bytesRead, bytesTotal });
      },
    };
    try {
      loaded = await loader.load(job.files, options);
    } catch (e) {
      if (signal.aborted) return post({ type: 'cancelled', jobId: job.jobId });
      return post({ type: 'done', jobId: job.jobId, error: messageOf(e), files: [], issues: [], reusedLoad, loadMs: performance.now() - started, analyzeMs: 0 });
    }
    cache.delete(key);
    cache.set(key, loaded);
    while (cache.size > CACHED_LOADS) cache.delete(cache.keys().next().value!);
  } else {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, loaded);
  }
  if (signal.aborted) return post({ type: 'cancelled', jobId: job.jobId });
  const loadMs = performance.now() - started;
  post({ type: 'progress', jobId: job.jobId, phase: 'analyze' });
  const analyzeStart = performance.now();
  const base = {
    jobId: job.jobId,
    files: loaded.files,
    issues: loaded.issues,
    ...(loaded.prices ? { prices: loaded.prices } : {}),
    reusedLoad,
    filesRead: reusedLoad ? 0 : loader.lastReread,
    filesReadAhead: reusedLoad ? 0 : loader.lastReadAhead,
    filesPatched: reusedLoad ? 0 : loader.lastPatched,
    loadMs,
  };
  let learned: ReturnType<typeof learnConfidence> | undefined;
  try {
    learned = learnedAsked ? learnConfidence(loaded.dataset, job.analyze.split) : undefined;
  } catch (e) {
    return post({ type: 'done', ...base, error: messageOf(e), analyzeMs: performance.now() - analyzeStart });
  }
  const dataset = learned?.dataset ?? loaded.dataset;
  const names = new Set(dataset.models.map((m) => m.name));
  const cascade: PolicySpec | undefined = job.analyze.cascade;
  const unknown = cascade?.models.filter((m) => !names.has(m)) ?? [];
  const leadless = cascade ? stagesWithoutConfidence(dataset.models, cascade) : [];
  const missing = [...unknown, ...leadless];
  const cascadeSkipped =
    unknown.length > 0
      ? `the cascade names ${unknown.join(', ')}, which the eval files lack`
      : leadless.length > 0
        ? `the cascade's ${leadless.join(', ')} ${leadless.length === 1 ? 'has' : 'have'} no confidence, so ${leadless.length === 1 ? 'it' : 'they'} cannot be a first stage`
        : undefined;
  const { confidence: _confidence, ...analyzeOptions } = job.analyze;
  let budgetPicks: (() => readonly BudgetPick[] | undefined) | undefined;
  let parts: readonly ResultPart[];
  let lists: ResultLists;
  let done: JobDone;
  try {
    // What the analysis keeps for the next save (the bootstrap's sums, the rule's pair fits): see keptBetweenCalls.ts.
    const analysis = keepBetweenCalls(() =>
      analyzeDeferringGrid(dataset, {
        ...analyzeOptions,
        ...(cascade && missing.length === 0 ? { cascade } : { cascade: undefined }),
        issues: loaded.issues,
        files: loaded.files,
        ...(learned ? { learned: learned.models } : {}),
      }),
    );
    const result = analysis.result;
    budgetPicks = analysis.budgetPicks;
    const cascadeLocal = cascade && missing.length === 0 ? localAtThreshold(dataset, job, cascade, result.settings.localWindow) : undefined;
    // Not kept: a one-off job's recommendation at a few budgets (the first-steps flow) would push out the fits the next save needs.
    const options = job.budgetOptions ? budgetOptions(dataset, { ...analyzeOptions, cascade: undefined }) : undefined;
    // The long lists first, in parts the host reads one at a time (a 3.5 MB message would stall it).
    // Only the items that differ from those of the result the host holds, when this process still has it.
    const held: ResultLists | undefined = job.rowsFrom !== undefined ? posted.get(job.rowsFrom) : undefined;
    const { result: lean, kept } = held ? withoutKeptRows(result, held, job.rowsFrom!) : { result, kept: undefined };
    lists = listsOf(result);
    const { result: rest, parts: cut, counts } = resultInParts(lean, job.resultPartRows);
    parts = cut;
    done = {
      type: 'done',
      ...base,
      result: rest,
      ...(parts.length > 0 ? { parts: counts } : {}),
      analyzeMs: performance.now() - analyzeStart,
      ...(cascadeSkipped ? { cascadeSkipped } : {}),
      ...(cascadeLocal ? { cascadeLocal } : {}),
      ...(options ? { budgetOptions: options } : {}),
      ...(kept ? { kept } : {}),
    };
  } catch (e) {
    post({ type: 'done', ...base, error: messageOf(e), analyzeMs: performance.now() - analyzeStart });
    return;
  }
  await pacer.postAll(job.jobId, parts, (part) => post({ type: 'part', jobId: job.jobId, ...part }));
  post(done);
  posted.remember(job.jobId, lists);
  deferredGrid = job.analyze.budgetGrid && budgetPicks ? { jobId: job.jobId, picks: budgetPicks } : undefined;
  if (job.compare) await runComparison(job, dataset, loaded, signal);
}

/**
 * The budget grid of the last job with a result, computed when the host asks for it
 * (`RequestGrid`): once the panel has shown the result, so that the two do not compete for the
 * cores, or when an export needs it. It holds the job's calibration split and frontier.
 */
let deferredGrid: { readonly jobId: number; readonly picks: () => readonly BudgetPick[] | undefined } | undefined;

/** Computes and posts the grid of `jobId`, or says that a later result replaced it. */
function postGrid(jobId: number): void {
  const deferred = deferredGrid;
  if (deferred?.jobId !== jobId) return post({ type: 'grid', jobId, superseded: true, gridMs: 0 });
  deferredGrid = undefined;
  const started = performance.now();
  try {
    const picks = keepBetweenCalls(deferred.picks);
    post({ type: 'grid', jobId, ...(picks ? { budgetPicks: picks } : {}), gridMs: performance.now() - started });
  } catch (e) {
    post({ type: 'grid', jobId, error: messageOf(e), gridMs: performance.now() - started });
  }
}

/**
 * The held-out comparison after the analysis, then the backtest of the recommendation rule: a
 * cancel that arrived meanwhile skips them; the comparison, once started, runs to the end (posted
 * as `partial`), the backtest stops at the next re-split.
 */
async function runComparison(job: AnalyzeJob, dataset: Dataset, loaded: LoadResult, signal: AbortSignal): Promise<void> {
  // Let a cancel posted while the analysis ran arrive first.
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal.aborted) return post({ type: 'comparison', jobId: job.jobId, cancelled: true, compareMs: 0 });
  const size = dataset.n * dataset.models.length;
  if (size > MAX_COMPARED_RESULTS) {
    return post({
      type: 'comparison',
      jobId: job.jobId,
      error: `the editor compares up to ${MAX_COMPARED_RESULTS.toLocaleString('en-US')} query-model results and these files hold ${size.toLocaleString('en-US')}; run \`cascade-frontier compare\` on them instead.`,
      compareMs: 0,
    });
  }
  const started = performance.now();
  let outcome: { comparison: ComparisonResult } | { error: string };
  try {
    const comparison = compare(dataset, {
      ...(job.analyze.split ? { split: job.analyze.split } : {}),
      ...(job.analyze.seed !== undefined ? { seed: job.analyze.seed } : {}),
      ...(job.analyze.level !== undefined ? { level: job.analyze.level } : {}),
      ...(job.analyze.bootstrapResamples !== undefined ? { bootstrapResamples: job.analyze.bootstrapResamples } : {}),
      issues: loaded.issues,
    });
    outcome = { comparison };
  } catch (e) {
    outcome = { error: messageOf(e) };
  }
  const compareMs = performance.now() - started;
  post({ type: 'comparison', jobId: job.jobId, ...outcome, compareMs, partial: true });
  const backtest = await runBacktest(job, dataset, signal);
  if (!backtest) return post({ type: 'comparison', jobId: job.jobId, cancelled: true, compareMs });
  post({ type: 'comparison', jobId: job.jobId, ...outcome, compareMs, ...backtest });
}

/**
 * The backtest of the recommendation rule for the panel's line ("on your data, recommendations
 * held out: ..."): the split as analysed and {@link PANEL_BACKTEST_REPEATS} re-splits, one split
 * at a time so that a cancel stops it within one split. Undefined when cancelled.
 */
async function runBacktest(job: AnalyzeJob, dataset: Dataset, signal: AbortSignal): Promise<{ backtest: BacktestSummary } | { backtestError: string } | undefined> {
  const size = dataset.n * dataset.models.length;
  if (size > MAX_BACKTESTED_RESULTS) {
    return {
      backtestError: `the editor backtests up to ${MAX_BACKTESTED_RESULTS.toLocaleString('en-US')} query-model results and these files hold ${size.toLocaleString('en-US')}; run \`cascade-frontier backtest\` on them instead.`,
    };
  }
  try {
    const result = await backtestInSteps(dataset, {
      ...(job.analyze.split ? { split: job.analyze.split } : {}),
      ...(job.analyze.seed !== undefined ? { seed: job.analyze.seed } : {}),
      repeats: PANEL_BACKTEST_REPEATS,
      selection: {
        ...(job.analyze.budgetConfidence !== undefined ? { budgetConfidence: job.analyze.budgetConfidence } : {}),
        ...(job.analyze.maxLatencyP95Ms !== undefined ? { maxLatencyP95Ms: job.analyze.maxLatencyP95Ms } : {}),
      },
      signal,
    });
    return result ? { backtest: summarizeBacktest(result) } : undefined;
  } catch (e) {
    return { backtestError: messageOf(e) };
  }
}

/**
 * Drops the cached loads that can no longer be used: a file of theirs that this job reads in
 * another version, or that is gone from the disk. The per-file cache keeps only the files of
 * the loads still cached and of this job. O(cached files).
 */
function dropStale(job: AnalyzeJob): void {
  const now = new Map(job.files.map((f) => [f.path, f]));
  const current = (f: { path: string; size: number; mtimeMs: number }): boolean => {
    const seen = now.get(f.path);
    if (seen) return seen.size === f.size && seen.mtimeMs === f.mtimeMs;
    try {
      const s = statSync(f.path);
      return s.size === f.size && s.mtimeMs === f.mtimeMs;
    } catch {
      return false;
    }
  };
  for (const key of [...cache.keys()]) {
    const files = (JSON.parse(key) as [{ path: string; size: number; mtimeMs: number }[]])[0];
    if (!files.every(current)) cache.delete(key);
  }
  const keep = new Set(job.files.map((f) => f.path));
  for (const key of cache.keys()) for (const f of (JSON.parse(key) as [{ path: string }[]])[0]) keep.add(f.path);
  loader.retain((path) => keep.has(path));
}

/** The local shadow price of a configured pair at its own threshold, on the calibration queries. */
function localAtThreshold(dataset: Dataset, job: AnalyzeJob, policy: PolicySpec, window: number): LocalShadowPrice | undefined {
  if (policy.models.length !== 2) return undefined;
  const cal = splitDataset(dataset, job.analyze.split).calibration;
  const cheap = modelByName(cal, policy.models[0]);
  const expensive = modelByName(cal, policy.models[1]);
  const t = policy.thresholds[0];
  return localPairShadowPrice(cheap, expensive, confidenceOrder(cheap), t === null ? Infinity : t, window);
}

/** The first bytes of each file, sniffed; undefined for a file that cannot be read. */
async function sniffFiles(paths: readonly string[]): Promise<(EvalFileSniff | undefined)[]> {
  const out: (EvalFileSniff | undefined)[] = [];
  const buffer = Buffer.alloc(SNIFF_BYTES);
  for (const path of paths) {
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(path, 'r');
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      out.push(sniffEvalFile(path, buffer.subarray(0, bytesRead)));
    } catch {
      out.push(undefined);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }
  return out;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
