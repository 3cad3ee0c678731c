import * as vscode from 'vscode';
import { frontierCsv } from '../../core/config/frontierCsv.ts';
import { resultJson } from '../../core/format/json.ts';
import type { AnalysisSnapshot } from '../analysisSource.ts';
import { thinPairs, type ReportData } from '../../report/data.ts';
import { OUTPUT_FOLDER } from '../evalFiles/ownOutputs.ts';
import { FrontierPanel } from '../panel/FrontierPanel.ts';
import type { Services } from '../services.ts';
import { pickAnalysis } from './pickAnalysis.ts';

type Format = 'csv' | 'json' | 'html' | 'png';

/** The formats that hold the whole analysis, the budget grid's picks included (CSV and PNG show the frontier only). */
const WHOLE_ANALYSIS: ReadonlySet<Format> = new Set(['json', 'html']);

/** Longest wait for the budget grid of a result just computed before exporting it. */
const GRID_WAIT_MS = 30_000;

const FORMATS: { format: Format; label: string; detail: string }[] = [
  { format: 'html', label: 'HTML report', detail: 'One self-contained page: the chart, the envelope, the recommendation, the files read (as `cascade-frontier report` writes it)' },
  { format: 'csv', label: 'CSV', detail: 'Envelope vertices: policy, cost, quality, hull slopes, held-out figures' },
  { format: 'json', label: 'JSON', detail: 'The whole analysis with the files read, as `cascade-frontier analyze --json` prints it' },
  { format: 'png', label: 'PNG', detail: "The panel's chart at twice its size, with its title and legend" },
];

/**
 * "Export Frontier": writes the frontier of an analysis as an HTML report, CSV, JSON or a PNG
 * of the panel's chart into the workspace's `.cascade/` folder (never read as eval data), then
 * offers to open or reveal it. Arguments (key, format, target URI) skip the questions; a
 * target outside `.cascade/` is remembered as the extension's own file. Resolves with the file
 * written.
 */
export function exportFrontier({ context, store, outputs, log, worker }: Services) {
  return async (key?: unknown, format?: unknown, target?: unknown): Promise<vscode.Uri | undefined> => {
    const analysis = await pickAnalysis(store, key, 'Export the frontier of which analysis?');
    if (!analysis?.result) return noFrontierYet(analysis);
    // The format is asked first, so the menu opens at once; only the formats that hold the
    // whole analysis then wait for the budget grid, with a notification saying so.
    let chosen = FORMATS.find((f) => f.format === format)?.format;
    if (!chosen) {
      const picked = await vscode.window.showQuickPick(FORMATS, { title: 'Export the frontier', placeHolder: `Export as (into ${OUTPUT_FOLDER}/, which is never read as eval data)` });
      if (!picked) return undefined;
      chosen = picked.format;
    }
    // The analysis as it is now: it may have been computed again while the menu was open.
    const latest = store.get(analysis.key) ?? analysis;
    const snapshot = WHOLE_ANALYSIS.has(chosen) ? await withGrid(latest) : latest;
    // Undefined: the wait for the grid was cancelled.
    if (!snapshot) return undefined;
    if (!snapshot.result) return noFrontierYet(snapshot);
    let bytes: Uint8Array;
    try {
      const made = await render(chosen, snapshot);
      if (!made) return undefined;
      bytes = made;
    } catch (e) {
      void vscode.window.showErrorMessage(`Cascade Frontier could not export the frontier: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    let uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
    if (!uri) {
      const folder = outputFolder(snapshot);
      if (!folder) {
        void vscode.window.showInformationMessage('Open a folder first: Cascade Frontier exports into its .cascade/ folder.');
        return undefined;
      }
      await vscode.workspace.fs.createDirectory(folder);
      uri = vscode.Uri.joinPath(folder, `${baseName(snapshot, store.list().length)}.${chosen}`);
    }
    await outputs.remember(uri);
    await vscode.workspace.fs.writeFile(uri, bytes);
    log.info(`exported ${vscode.workspace.asRelativePath(uri)} (${bytes.byteLength} bytes)`);
    void offerOpen(uri);
    return uri;
  };

  /** Says there is nothing to export yet (with the analysis's error, if any). */
  function noFrontierYet(snapshot: AnalysisSnapshot | undefined): undefined {
    void vscode.window.showInformationMessage(`Cascade Frontier has no frontier to export yet${snapshot?.error ? `: ${snapshot.error}` : '.'}`);
    return undefined;
  }

  /**
   * The snapshot once the budget grid's picks are in its result (computed after it, when asked
   * for): an export holds the whole analysis. Waits at most {@link GRID_WAIT_MS}, under a
   * notification the user can cancel (then undefined: nothing is exported).
   */
  function withGrid(snapshot: AnalysisSnapshot): Thenable<AnalysisSnapshot | undefined> {
    if (!snapshot.budgetPicksPending) return Promise.resolve(snapshot);
    store.wantBudgetPicks(snapshot.key);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Cascade Frontier: finishing the budget grid for the export…', cancellable: true },
      (_progress, token) =>
        new Promise<AnalysisSnapshot | undefined>((resolve) => {
          const finish = (cancelled: boolean) => {
            clearTimeout(timer);
            subscription.dispose();
            cancelling.dispose();
            if (!cancelled && store.get(snapshot.key)?.budgetPicksPending) log.warn(`export: the budget grid was not ready after ${GRID_WAIT_MS / 1000} s; exported without its picks`);
            resolve(cancelled ? undefined : (store.get(snapshot.key) ?? snapshot));
          };
          const timer = setTimeout(() => finish(false), GRID_WAIT_MS);
          const subscription = store.onDidChange((changed) => {
            if (changed === snapshot.key && !store.get(changed)?.budgetPicksPending) finish(false);
          });
          const cancelling = token.onCancellationRequested(() => finish(true));
        }),
    );
  }

  async function render(format: Format, snapshot: AnalysisSnapshot): Promise<Uint8Array | undefined> {
    const result = snapshot.result!;
    switch (format) {
      case 'png': {
        const panel = FrontierPanel.createOrShow(context, store, snapshot.key);
        const png = await panel.requestPng();
        if (!png) {
          void vscode.window.showWarningMessage('Cascade Frontier: the panel has no chart to export yet. Try again once the frontier is drawn.');
          return undefined;
        }
        return png;
      }
      case 'csv':
        return new TextEncoder().encode(frontierCsv(result));
      case 'json':
        // The same object as `cascade-frontier analyze --json`: the result and the files read.
        return new TextEncoder().encode(`${resultJson({ ...result, files: snapshot.files })}\n`);
      case 'html':
        return new TextEncoder().encode(await worker.renderReport(reportData(snapshot)));
    }
  }
}

/** What the report states about how it was made: the files, and the equivalent command line. */
function reportData(snapshot: AnalysisSnapshot): ReportData {
  const result = snapshot.result!;
  const thinned = thinPairs(result);
  const inputs = snapshot.files.map((f) => vscode.workspace.asRelativePath(f.file));
  const command = ['report', ...inputs, '-o', 'report.html'];
  if (snapshot.budget !== undefined) command.push('--budget', String(snapshot.budget));
  if (snapshot.target !== undefined) command.push('--target', String(snapshot.target));
  const split = result.split;
  if (split.kind === 'field') command.push('--split-field', split.field ?? 'split', '--calibration', split.calibration ?? 'train', '--holdout', split.holdout ?? 'test');
  const cascade = result.cascade?.policy;
  if (cascade?.models.length === 2) command.push('--cascade', [...cascade.models, cascade.thresholds[0] === null ? 'null' : String(cascade.thresholds[0])].join(','));
  const version = String((vscode.extensions.getExtension('cascade-frontier.cascade-frontier')?.packageJSON as { version?: unknown } | undefined)?.version ?? 'unknown');
  return {
    kind: 'cascade-frontier-report',
    version: 1,
    result: thinned.result,
    files: snapshot.files,
    meta: { inputs, command, generatedAt: new Date().toISOString(), toolVersion: version, pairPoints: { total: thinned.total, kept: thinned.kept } },
  };
}

/** The `.cascade/` folder of the analysis's workspace folder (its config's, else the first). */
function outputFolder(snapshot: AnalysisSnapshot): vscode.Uri | undefined {
  const config = snapshot.key.includes(':') ? vscode.Uri.parse(snapshot.key) : undefined;
  const folder = (config && vscode.workspace.getWorkspaceFolder(config)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, OUTPUT_FOLDER) : undefined;
}

/** `frontier`, or `frontier-<config name>` when the workspace has several analyses. */
function baseName(snapshot: AnalysisSnapshot, analyses: number): string {
  if (analyses <= 1 || !snapshot.key.includes(':')) return 'frontier';
  const name = snapshot.label
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(ya?ml|json)$/i, '')
    .replace(/[^\w.-]+/g, '-');
  return `frontier-${name}`;
}

async function offerOpen(uri: vscode.Uri): Promise<void> {
  const action = await vscode.window.showInformationMessage(`Cascade Frontier exported ${vscode.workspace.asRelativePath(uri)}.`, 'Open', 'Reveal in Explorer');
  if (action === 'Open') await vscode.commands.executeCommand('vscode.open', uri);
  else if (action === 'Reveal in Explorer') await vscode.commands.executeCommand('revealInExplorer', uri);
}
