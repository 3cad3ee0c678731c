/**
 * Finding the evaluation files in a folder, as users and harnesses lay them out:
 * - in the folder itself, every file a reader claims (one file per model, or harness files),
 *   and `.log` files whose content is an OpenAI evals record file;
 * - below it, the harness outputs by their layouts: lm-evaluation-harness
 *   `<output_path>/<model_name>/samples_<task>_<date>.jsonl`, HELM
 *   `benchmark_output/runs/<suite>/<run>/per_instance_stats.json`, Inspect logs
 *   (`logs/<date>_<task>_<id>.eval` or `.json`), and Parquet tables (Hugging Face datasets keep
 *   them in `data/`).
 * Files that hold no per-query records (HELM's suite files, Inspect's log manifests) are
 * recognised by name and content and left unread; a task run again (lm-eval writes a new
 * `samples_<task>_<date>.jsonl` beside the old one) and a HELM run present in several suites
 * are read once, from the latest. Everything left unread is said in the folder's summary.
 */
import { readdir, readlink, realpath, stat, open } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { hasSummaryFileName, summaryFileKind } from '../adapters/summaryFiles.ts';
import { openaiEvalsAdapter } from '../adapters/openaiEvals.ts';
import type { FolderSummary } from '../types.ts';
import { noEvalFilesInFolder } from './messages.ts';

/** File endings read in a folder itself when the caller names none: the built-in readers' (the loader passes its registered readers'). */
export const DEFAULT_FOLDER_EXTENSIONS: readonly string[] = ['.jsonl', '.ndjson', '.json', '.eval', '.csv', '.tsv', '.parquet'].flatMap((e) => [e, `${e}.gz`]);

/** How deep below the given folder harness outputs are looked for (benchmark_output/runs/<suite>/<run>/file is 4). */
const MAX_DEPTH = 8;
/** Folder entries looked at, at most, in one folder argument. */
const MAX_ENTRIES = 100_000;
/** Folders never searched: version control, packages, caches. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'dist', 'out', 'venv', '.venv']);

/** The layouts searched below a folder, for the summary and for the message when none is found. */
export const LAYOUTS = [
  'lm-evaluation-harness samples (<model>/samples_<task>_<date>.jsonl)',
  'HELM runs (runs/<suite>/<run>/per_instance_stats.json)',
  'Inspect logs (logs/*.eval, logs/<date>_<task>_<id>.json)',
  'Parquet tables (*.parquet)',
] as const;

type Skipped = FolderSummary['skipped'][number] & { path: string };

type Kind = 'top' | 'lm-eval' | 'helm' | 'inspect' | 'parquet';

interface Candidate {
  readonly path: string;
  readonly size: number;
  readonly kind: Kind;
  /** Path below the folder, `/`-separated. */
  readonly rel: string;
}

const LM_EVAL_SAMPLES = /^samples_(.+)_(\d{4}-\d{2}-\d{2}T[0-9.:-]+)\.jsonl(?:\.gz)?$/i;
const INSPECT_JSON = /^\d{4}-\d{2}-\d{2}T\d{2}[-:]\d{2}[-:]\d{2}.*\.json(?:\.gz)?$/i;

/** The harness layout a file below the top of the folder belongs to, by its name; undefined for any other file. */
function kindBelow(name: string): Kind | undefined {
  const lower = name.toLowerCase();
  if (LM_EVAL_SAMPLES.test(name) || /^samples_.+\.jsonl(?:\.gz)?$/i.test(name)) return 'lm-eval';
  if (lower === 'per_instance_stats.json' || lower === 'per_instance_stats.json.gz') return 'helm';
  if (lower.endsWith('.eval') || INSPECT_JSON.test(name)) return 'inspect';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

async function headOf(path: string, bytes = 4096): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Why a summary file is not read, or undefined when `path` is not one (by name, then content). */
async function summaryReason(path: string): Promise<string | undefined> {
  if (!hasSummaryFileName(path)) return undefined;
  let head: Buffer;
  try {
    head = await headOf(path);
  } catch {
    return undefined;
  }
  const kind = summaryFileKind(path, head);
  return kind ? `${kind.harness} ${basename(path)}: ${kind.holds}, no per-query records` : undefined;
}

/**
 * Whether a `.log` file is an OpenAI evals record file by its content (a `spec` line naming the
 * completion functions and the eval): `oaieval` writes `<run>.jsonl`, but saved record logs
 * also go by `.log` (as `oriprompt.log` in openai/evals). Any other `.log` stays unread.
 */
async function isEvalsRecordLog(path: string): Promise<boolean> {
  try {
    return openaiEvalsAdapter.detect(path, await headOf(path, 16384)) === 'content';
  } catch {
    return false;
  }
}

/** Natural order of suite names (v3 before v10). */
const byVersion = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/**
 * The evaluation files of a folder (sorted by path), what was found and what was left unread.
 * O(entries of the tree), at most `MAX_ENTRIES` of them, `MAX_DEPTH` levels down; a folder
 * reached again through a symbolic link is searched once.
 * @throws Error saying which layouts were looked for when the folder holds no evaluation file.
 */
export async function discoverFolder(folder: string, extensions: readonly string[] = DEFAULT_FOLDER_EXTENSIONS): Promise<{ files: { path: string; size: number }[]; summary: FolderSummary }> {
  const lowerExtensions = extensions.map((e) => e.toLowerCase());
  const candidates: Candidate[] = [];
  const skipped: Skipped[] = [];
  const elsewhere: string[] = [];
  const visited = new Set<string>();
  let entries = 0;
  let truncated = false;

  const walk = async (dir: string, depth: number): Promise<void> => {
    let real: string;
    try {
      real = await realpath(dir);
    } catch {
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let list;
    try {
      list = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (depth === 0) throw e;
      return;
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subfolders: string[] = [];
    const linked: string[] = [];
    for (const entry of list) {
      if (++entries > MAX_ENTRIES) {
        truncated = true;
        return;
      }
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const s = await stat(path).catch(() => undefined);
        isDir = s?.isDirectory() ?? false;
        isFile = s?.isFile() ?? false;
        if (isDir) {
          linked.push(path);
          continue;
        }
      }
      if (isDir) {
        if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) subfolders.push(path);
        continue;
      }
      if (!isFile) continue;
      const lower = entry.name.toLowerCase();
      const rel = relative(folder, path).split(sep).join('/');
      const claimed = lowerExtensions.some((e) => lower.endsWith(e)) || (depth === 0 && lower.endsWith('.log') && (await isEvalsRecordLog(path)));
      const kind: Kind | undefined = depth === 0 ? (claimed ? 'top' : undefined) : kindBelow(entry.name);
      const reason = claimed || kind ? await summaryReason(path) : undefined;
      if (reason !== undefined) {
        skipped.push({ path, kind: 'summary', reason });
        continue;
      }
      if (kind === undefined) {
        if (depth > 0 && claimed && !isCompanion(entry.name)) elsewhere.push(rel);
        continue;
      }
      const s = await stat(path).catch(() => undefined);
      if (s?.isFile()) candidates.push({ path, size: s.size, kind, rel });
    }
    if (depth + 1 > MAX_DEPTH) return;
    // Real folders first, so that a file reachable both ways is found under its own path.
    for (const sub of [...subfolders, ...linked]) {
      if (truncated) return;
      await walk(sub, depth + 1);
    }
  };
  await walk(folder, 0);

  const kept = await latestOnly(candidates, folder, skipped);
  const found = describeFound(kept);
  if (elsewhere.length > 0) {
    const examples = elsewhere.slice(0, 3).join(', ');
    found.push(
      `${elsewhere.length} other file${elsewhere.length === 1 ? '' : 's'} in subfolders not read (${examples}${elsewhere.length > 3 ? ', ...' : ''}): below the top, only the harness layouts are searched; name such files to read them`,
    );
  }
  if (truncated) found.push(`searched the first ${MAX_ENTRIES} entries only; name a smaller folder`);
  // Superseded runs first: they matter more than the summary files a harness always writes.
  const summary: FolderSummary = { folder, found, skipped: [...skipped.filter((s) => s.kind === 'superseded'), ...skipped.filter((s) => s.kind === 'summary')] };
  if (kept.length === 0) {
    const own = [...new Set(lowerExtensions.filter((e) => !e.endsWith('.gz')))].sort();
    throw new Error(
      noEvalFilesInFolder(
        folder,
        own,
        LAYOUTS,
        skipped.map((s) => `${relative(folder, s.path).split(sep).join('/')} (${s.reason})`),
      ),
    );
  }
  return { files: kept.map(({ path, size }) => ({ path, size })), summary };
}

/**
 * The paths of `paths` that no later run supersedes (see `discoverFolder`: an lm-eval task run
 * again into the same model folder, a HELM run present in several suites), in their order, and
 * the others with why. For file lists found by globs. O(paths).
 */
export async function withoutSuperseded(paths: readonly string[], folder = '.'): Promise<{ kept: string[]; skipped: FolderSummary['skipped'] }> {
  const candidates: Candidate[] = paths.map((path) => ({ path, size: 0, kind: kindBelow(basename(path)) ?? 'top', rel: path }));
  const skipped: Skipped[] = [];
  const kept = new Set((await latestOnly(candidates, folder, skipped)).map((c) => c.path));
  return { kept: paths.filter((p) => kept.has(p)), skipped };
}

/** Files beside harness outputs that their adapters read on their own (model names, prompts). */
function isCompanion(name: string): boolean {
  return /^results_.+\.json(?:\.gz)?$/i.test(name) || /^(run_spec|scenario|scenario_state|stats|instances|display_predictions|display_requests)\.json$/i.test(name);
}

/**
 * Drops outputs superseded by a later one: an lm-eval task run again into the same model folder
 * (the latest date is read) and a HELM run present in several suites (the suite `runs/latest`
 * points to is read, else the last suite in version order). Each dropped file goes to `skipped`.
 */
async function latestOnly(candidates: readonly Candidate[], folder: string, skipped: Skipped[]): Promise<Candidate[]> {
  const drop = new Set<Candidate>();
  // lm-eval: per model folder and task, the latest date.
  const byTask = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const m = c.kind === 'lm-eval' || c.kind === 'top' ? LM_EVAL_SAMPLES.exec(basename(c.path)) : null;
    if (!m) continue;
    const key = `${dirname(c.path)}\u0000${m[1]}`;
    byTask.set(key, [...(byTask.get(key) ?? []), c]);
  }
  for (const group of byTask.values()) {
    if (group.length < 2) continue;
    const dated = group.map((c) => ({ c, date: LM_EVAL_SAMPLES.exec(basename(c.path))![2]! })).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const latest = dated[dated.length - 1]!;
    for (const { c } of dated.slice(0, -1)) {
      drop.add(c);
      skipped.push({ path: c.path, kind: 'superseded', reason: `an earlier run of the same task (${basename(latest.c.path)} beside it is read)` });
    }
  }
  // HELM: a run folder name in several suites.
  const byRun = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (c.kind !== 'helm') continue;
    const run = basename(dirname(c.path));
    byRun.set(run, [...(byRun.get(run) ?? []), c]);
  }
  const latestSuite = new Map<string, string | undefined>();
  const pointedTo = async (runsDir: string): Promise<string | undefined> => {
    if (!latestSuite.has(runsDir))
      latestSuite.set(
        runsDir,
        await readlink(join(runsDir, 'latest')).then(
          (t) => basename(t),
          () => undefined,
        ),
      );
    return latestSuite.get(runsDir);
  };
  for (const group of byRun.values()) {
    if (group.length < 2) continue;
    const suites = await Promise.all(
      group.map(async (c) => {
        const suiteDir = dirname(dirname(c.path));
        return { c, suite: basename(suiteDir), latest: await pointedTo(dirname(suiteDir)) };
      }),
    );
    const preferred = suites.find((s) => s.latest !== undefined && s.suite === s.latest) ?? suites.slice().sort((a, b) => byVersion(a.suite, b.suite))[suites.length - 1]!;
    for (const s of suites) {
      if (s === preferred) continue;
      drop.add(s.c);
      skipped.push({ path: s.c.path, kind: 'superseded', reason: `the same HELM run is in suite "${preferred.suite}" (${relative(folder, preferred.c.path).split(sep).join('/')}), which is read` });
    }
  }
  return candidates.filter((c) => !drop.has(c)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One line per layout found, e.g. `HELM runs: 45 (suite v4)`. */
function describeFound(kept: readonly Candidate[]): string[] {
  const out: string[] = [];
  const count = (kind: Kind): Candidate[] => kept.filter((c) => c.kind === kind);
  const top = count('top');
  if (top.length > 0) out.push(`${top.length} file${top.length === 1 ? '' : 's'} in the folder itself`);
  const lm = count('lm-eval');
  if (lm.length > 0) {
    const models = new Set(lm.map((c) => dirname(c.path)));
    out.push(`lm-evaluation-harness samples: ${lm.length} file${lm.length === 1 ? '' : 's'} in ${models.size} model folder${models.size === 1 ? '' : 's'}`);
  }
  const helm = count('helm');
  if (helm.length > 0) {
    const suites = [...new Set(helm.map((c) => basename(dirname(dirname(c.path)))))].sort(byVersion);
    out.push(`HELM runs: ${helm.length} (suite${suites.length === 1 ? '' : 's'} ${suites.join(', ')})`);
  }
  const inspect = count('inspect');
  if (inspect.length > 0) out.push(`Inspect logs: ${inspect.length}`);
  const parquet = count('parquet');
  if (parquet.length > 0) out.push(`Parquet tables: ${parquet.length}`);
  return out;
}
