/**
 * Files harnesses write beside their per-query outputs that hold no per-query records: HELM's
 * suite-level files (`summarize.py` writes `summary.json`, `schema.json`, `costs.json`,
 * `groups_metadata.json`, `run_specs.json`, `runs.json`, `groups.json`,
 * `runs_to_run_suites.json` into `benchmark_output/runs/<suite>/`) and the manifests of an
 * Inspect log folder (`logs.json`, `listing.json` from `inspect_ai/log/_file.py`, `eval-set.json`
 * from `inspect_ai/_eval/evalset.py`). Each is recognised by its name and the shape of its
 * content together, never read as records, and said to be what it is.
 */
import type { AdapterOptions, AdapterResult, DetectStrength, HarnessAdapter } from './types.ts';
import { baseName, headText, makeIssue } from './util.ts';

/** One kind of summary file: its name, the harness that writes it, and the start of its content. */
export interface SummaryFileKind {
  readonly name: string;
  readonly harness: 'HELM' | 'Inspect';
  /** What the file holds, for messages: "the suite summary". */
  readonly holds: string;
  /** The content's first characters, as written by the harness (JSON, pretty-printed or not). */
  readonly shape: RegExp;
}

const OBJECT_OF_OBJECTS = /^\s*\{\s*(?:\}|"(?:[^"\\]|\\.)*"\s*:\s*\{)/;

export const SUMMARY_FILES: readonly SummaryFileKind[] = [
  { name: 'summary.json', harness: 'HELM', holds: 'the suite summary (suite name and date)', shape: /^\s*\{\s*(?:\}|"(?:suites?|release|releases|date)"\s*:)/ },
  { name: 'schema.json', harness: 'HELM', holds: 'the schema of metrics and run groups', shape: /^\s*\{\s*(?:\}|"(?:metrics|perturbations|metric_groups|run_groups|adapter|models)"\s*:)/ },
  { name: 'costs.json', harness: 'HELM', holds: 'token totals per model deployment', shape: OBJECT_OF_OBJECTS },
  { name: 'groups_metadata.json', harness: 'HELM', holds: 'the display names of the run groups', shape: OBJECT_OF_OBJECTS },
  { name: 'run_specs.json', harness: 'HELM', holds: 'the run specs of every run in the suite', shape: /^\s*\[\s*(?:\]|\{\s*"name"\s*:)/ },
  { name: 'runs.json', harness: 'HELM', holds: 'aggregate statistics of every run in the suite', shape: /^\s*\[\s*(?:\]|\{\s*"run_path"\s*:)/ },
  { name: 'groups.json', harness: 'HELM', holds: 'the leaderboard tables of the suite', shape: /^\s*\[\s*(?:\]|\{\s*"title"\s*:)/ },
  { name: 'runs_to_run_suites.json', harness: 'HELM', holds: 'the suite of each run', shape: /^\s*\{\s*(?:\}|"(?:[^"\\]|\\.)*"\s*:\s*")/ },
  { name: 'logs.json', harness: 'Inspect', holds: 'the headers of the logs in the folder', shape: /^\s*\{\s*(?:\}|"(?:[^"\\]|\\.)*\.(?:eval|json)"\s*:\s*\{)/ },
  { name: 'listing.json', harness: 'Inspect', holds: 'an overview of the logs in the folder', shape: /^\s*\{\s*(?:\}|"(?:[^"\\]|\\.)*\.(?:eval|json)"\s*:\s*\{)/ },
  { name: 'eval-set.json', harness: 'Inspect', holds: 'the tasks of an eval set', shape: /^\s*\{\s*"eval_set_id"\s*:/ },
];

/** The tables `helm-summarize` writes into `runs/<suite>/groups/` and `groups/json/`. */
const HELM_TABLE: SummaryFileKind = { name: 'groups/*.json', harness: 'HELM', holds: 'a leaderboard table of the suite', shape: /^\s*(?:\[\s*)?\{\s*"title"\s*:/ };

/** The kind of summary file a path names, by its name alone (before its content confirms it). */
function kindByName(file: string): SummaryFileKind | undefined {
  const name = baseName(file).replace(/\.gz$/i, '');
  const byName = SUMMARY_FILES.find((k) => k.name === name);
  if (byName) return byName;
  const folders = file.split(/[\\/]/).slice(-3, -1);
  return name.endsWith('.json') && (folders[1] === 'groups' || (folders[0] === 'groups' && folders[1] === 'json')) ? HELM_TABLE : undefined;
}

/** True when a path has the name of a summary file (its content decides: see `summaryFileKind`). */
export const hasSummaryFileName = (file: string): boolean => kindByName(file) !== undefined;

/** The kind of summary file `file` is, by its name and the start of its content; undefined for any other file. */
export function summaryFileKind(file: string, head: Uint8Array): SummaryFileKind | undefined {
  const kind = kindByName(file);
  return kind && kind.shape.test(headText(head, 4096)) ? kind : undefined;
}

/** Where the per-query records are, for a summary file of this harness. */
function recordsAre(kind: SummaryFileKind): string {
  return kind.harness === 'HELM'
    ? 'per-query records are in per_instance_stats.json of each run folder (runs/<suite>/<run>/): give the suite folder or the run folders'
    : 'per-query records are in the .eval and .json logs beside it: give the log folder or the logs';
}

function read(file: string, bytes: Uint8Array, _options: AdapterOptions): AdapterResult {
  const kind = summaryFileKind(file, bytes)!;
  return {
    format: 'summary-file',
    models: [],
    records: [],
    issues: [
      makeIssue(
        file,
        0,
        'warning',
        'summary-file',
        `a ${kind.harness} ${kind === HELM_TABLE ? 'table' : kind.name}: it holds ${kind.holds}, not per-query records, so it is not read; ${recordsAre(kind)}`,
      ),
    ],
    derived: [`${kind.harness} ${kind === HELM_TABLE ? 'table' : kind.name} (${kind.holds}): not read as records`],
    missing: [],
    companion: true,
  };
}

export const summaryFileAdapter: HarnessAdapter = {
  name: 'summary-file',
  label: 'HELM suite files and Inspect log manifests',
  detect: (file: string, head: Uint8Array): DetectStrength => (summaryFileKind(file, head) ? 'content' : 'none'),
  read,
};
