// Real-editor benchmark (not a test: nothing here passes or fails): the packaged extension in
// code-server, driven through headless Chromium with the real-editor tests' support code, on
// the benchmark's synthetic evaluation files (100k queries x 8 models by default).
//
//   npm run bench:editor [-- --queries 100000] [--saves 3] [--saves-mode distinct|alternate] [--file gpt-4o.jsonl] [--profile DIR] [--no-port-scan]
//
// Opens a workspace holding those files and a cascade config (budget, a configured pair), shows
// the panel and waits for its first result; then, `--saves` times, writes one answer of one
// eval file changed (as a save from any editor or tool does) and times the panel's update: from
// the write to the frame painted after the panel shows a result computed after it (the page
// notes that moment itself; nothing polls it). A probe extension installed
// beside ours (scripts/bench-editor/, development only) records every stall of the extension
// host's main thread longer than 20 ms; the longest stall during each recompute is printed.
// With `--profile DIR` the extension is packaged with its functions' names kept
// (`CASCADE_FRONTIER_KEEP_NAMES=1`, see scripts/build.mjs), and the probe profiles that thread
// for the whole run and writes DIR/extension-host.cpuprofile (open it in Chrome's DevTools), to
// see what the stalls are, and the analysis process (DIR/analysis-<pid>-<thread>.cpuprofile),
// whose busy stretches (one per job) are printed with the functions that took most of each.
// `--no-port-scan` turns off the editor's search for ports to forward (`remote.autoForwardPorts`
// and `remote.autoForwardPortsSource`), which runs `ls` and `ps` from the extension host's main
// thread every few seconds and blocks it for 36 to 155 ms each time (seen in its profile): the
// stalls then counted are the extension's and the rest of the editor's, without that one.
// The extension's own log lines (what it read, its loading, analysis and comparison times) are
// printed at the end.
// Run it when nothing else loads the machine (not beside the real-editor tests): its figures
// are wall-clock times.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { packageExtension, packageHelperExtension } from '../test/e2e/support/build.ts';
import { removeRunDir, startCodeServer } from '../test/e2e/support/codeServer.ts';
import { readPanel, panelFrame } from '../test/e2e/support/panel.ts';
import { waitFor } from '../test/e2e/support/wait.ts';
import type { Frame } from 'playwright-core';
import { E2E_CACHE, ROOT } from '../test/e2e/support/paths.ts';
import { killRecordedSync, sweep } from '../test/e2e/support/processes.ts';
import { ensureCodeServer, ensureDebianPackages } from '../test/e2e/support/setup.ts';
import { openWorkbench } from '../test/e2e/support/workbench.ts';
import { saveModeArg, savedContents } from './bench-saves.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1]!;
};
const PROBE_SRC = join(ROOT, 'scripts', 'bench-editor');
const PROBE_STAGE = join(E2E_CACHE, 'bench-probe');
const PROBE_VSIX = join(E2E_CACHE, 'cascade-frontier-bench-probe.vsix');

process.on('exit', () => killRecordedSync());

/** The editor's settings that stop its search for ports to forward: it runs whenever ports are forwarded automatically or a tunnel provider exists, unless the ports are found in terminals' output instead of the processes. */
const NO_PORT_SCAN = { 'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output' };

/** Packages the probe extension; returns its `.vsix`. */
function packageProbe(): Promise<string> {
  return packageHelperExtension({ src: PROBE_SRC, stage: PROBE_STAGE, vsix: PROBE_VSIX, files: ['package.json', 'README.md', 'profile-preload.js'], entry: 'probe' });
}

/** A workspace with the synthetic files in `evals/` and a cascade config over them. */
function makeWorkspace(source: string): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'cascade-bench-editor-')), 'workspace');
  mkdirSync(join(folder, 'evals'), { recursive: true });
  for (const f of readdirSync(source).filter((f) => f.endsWith('.jsonl'))) copyFileSync(join(source, f), join(folder, 'evals', f));
  writeFileSync(
    join(folder, 'cascade.config.yaml'),
    ['evals: [evals/*.jsonl]', 'split: {field: split, calibration: train, holdout: test}', 'budget: 0.0002', 'cascade:', '  - model: gpt-4o-mini', '    threshold: -0.5', '  - model: gpt-4o', ''].join(
      '\n',
    ),
  );
  return folder;
}

/** What the timing loop reads of the panel: its status, when its result was computed, and its row count. */
interface PanelGlance {
  readonly status: string;
  readonly computedAt: string;
  readonly rows: number;
}

/**
 * Polls the panel until `ok` accepts what it shows. Each poll reads two attributes and counts the
 * table's rows, in the frame found once: reading the whole table (its text forces a layout) every
 * 20 ms would load the page being timed, on a machine of two cores.
 */
async function waitForGlance(wb: Awaited<ReturnType<typeof openWorkbench>>, what: string, ok: (g: PanelGlance) => boolean, timeoutMs: number): Promise<PanelGlance> {
  let frame: Frame | undefined;
  return waitFor(
    what,
    async () => {
      frame ??= await panelFrame(wb, 2_000).catch(() => undefined);
      if (!frame) return false;
      const g = await frame
        .evaluate(() => {
          const root = document.getElementById('frontier-root');
          return { status: root?.dataset.status ?? '', computedAt: root?.dataset.computedAt ?? '', rows: document.querySelectorAll('table#vertex-table tbody tr').length };
        })
        .catch(() => undefined);
      // A detached frame (the webview reloaded) is found again at the next poll.
      if (!g) frame = undefined;
      return g && ok(g) ? g : false;
    },
    { timeoutMs, intervalMs: 20 },
  );
}

/** Stalls of the extension host's main thread that ended in [from, to] (epoch ms), longest first. */
function stallsBetween(file: string, from: number, to: number): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { at: number; blockedMs: number })
    .filter((s) => s.at >= from && s.at - s.blockedMs <= to)
    .map((s) => s.blockedMs)
    .sort((a, b) => b - a);
}

/** When the panel turned to "computing", when it showed a result computed after the write, and that next frame painted (epoch ms, the page's clock, this machine's). */
interface PanelUpdate extends PanelGlance {
  readonly computingAt: number | undefined;
  readonly shownAt: number;
  readonly paintedAt: number;
}

/**
 * Arms a watcher in the panel, before the write, for a result other than `before`: the page
 * itself notes the moment its status turns to "computing" and the moment it shows the new
 * result (a MutationObserver on the panel root's status and result time, which the panel sets
 * as it draws a result), then waits for the next frame to be painted. Nothing polls: a poll
 * every 20 ms from here costs this process and the browser 0.1 to 0.2 s of CPU per save, on the
 * two cores the editor and the analysis share, and adds up to 20 ms to the figure. Settles
 * undefined when the panel's frame is not found or goes (a reloaded webview): the caller then
 * polls.
 */
async function watchForUpdate(wb: Awaited<ReturnType<typeof openWorkbench>>, before: string, timeoutMs: number): Promise<() => Promise<PanelUpdate | undefined>> {
  const frame = await panelFrame(wb, 2_000).catch(() => undefined);
  const watching = frame
    ?.evaluate<PanelUpdate | undefined>(
      // Source text, not a function: the function's local names would be wrapped in this
      // process's helpers (`__name`), which the page lacks.
      `new Promise((resolve) => {
      const before = ${JSON.stringify(before)};
      const root = document.getElementById('frontier-root');
      if (!root) return resolve(undefined);
      let computingAt;
      let observer;
      let timer;
      const check = () => {
        const status = root.dataset.status ?? '';
        if (status === 'computing') computingAt ??= Date.now();
        const computedAt = root.dataset.computedAt ?? '';
        const rows = document.querySelectorAll('table#vertex-table tbody tr').length;
        if (status !== 'idle' || computedAt === before || rows === 0) return false;
        const shownAt = Date.now();
        observer.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => setTimeout(() => resolve({ status, computedAt, rows, computingAt, shownAt, paintedAt: Date.now() }), 0));
        return true;
      };
      observer = new MutationObserver(() => void check());
      observer.observe(root, { attributes: true, attributeFilter: ['data-status', 'data-computed-at'] });
      timer = setTimeout(() => {
        observer.disconnect();
        resolve(undefined);
      }, ${timeoutMs});
      check();
    })`,
    )
    .catch(() => undefined);
  return async () => watching;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

/**
 * A CPU profile's busy stretches (runs of samples not idle, split at 200 ms of idle), each with
 * its length, its CPU time and the functions with most time in them, callees included.
 */
function summariseProfile(file: string, top = 14): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}${n.callFrame.url ? ` ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}` : ''}`;
  const idle = (id: number) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName);
  const out: string[] = [];
  let t = profile.startTime;
  let stretch: { from: number; to: number; busy: number; inclusive: Map<string, number> } | undefined;
  const flush = () => {
    if (!stretch || stretch.busy < 50_000) return;
    const ranked = [...stretch.inclusive]
      .filter(([n]) => n !== '(root)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
    out.push(
      `  busy stretch at +${((stretch.from - profile.startTime) / 1e6).toFixed(1)} s: ${((stretch.to - stretch.from) / 1000).toFixed(0)} ms long, ${(stretch.busy / 1000).toFixed(0)} ms busy; most time in (callees included):`,
    );
    for (const [n, us] of ranked) out.push(`    ${(us / 1000).toFixed(0).padStart(6)} ms  ${n}`);
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const id = profile.samples[i]!;
    if (idle(id)) {
      if (stretch && t - stretch.to > 200_000) {
        flush();
        stretch = undefined;
      }
      continue;
    }
    stretch ??= { from: t, to: t, busy: 0, inclusive: new Map() };
    stretch.to = t;
    stretch.busy += dt;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const key = name(byId.get(n)!);
      if (seen.has(key)) continue;
      seen.add(key);
      stretch.inclusive.set(key, (stretch.inclusive.get(key) ?? 0) + dt);
    }
  }
  flush();
  return out;
}

/** The extension's log lines (its output channel's file in the editor's logs). */
async function extensionLog(userDataDir: string): Promise<string[]> {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return [];
  const files = (await readdir(logs, { recursive: true })).filter((f) => f.endsWith('Cascade Frontier.log'));
  return files.flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n').filter(Boolean));
}

let timelines: { written: number; computing?: number; shown?: number; updated: number; renderMs: number; receivedAt: number; resultMs: number }[] = [];

async function main(): Promise<void> {
  const queries = Number(arg('queries', '100000'));
  const saves = Number(arg('saves', '3'));
  const saveMode = saveModeArg(process.argv);
  ensureDebianPackages();
  ensureCodeServer();
  await sweep();
  // With a profile, the extension's functions keep their names in the package (its figures then
  // name the functions that took the time; the code is otherwise the same production build).
  if (process.argv.includes('--profile')) process.env.CASCADE_FRONTIER_KEEP_NAMES = '1';
  const vsix = packageExtension();
  const probe = await packageProbe();
  // An ES module with top-level code of its own: loaded as one, not compiled into this script.
  const { generate } = (await import('./gen-synthetic.mjs')) as typeof import('./gen-synthetic.mjs');
  const { dir } = await generate({ queries, out: join(ROOT, '.cache', 'bench'), log: (s: string) => console.error(s) });
  const workspace = makeWorkspace(dir);
  const probeFile = join(workspace, '..', 'stalls.jsonl');
  const profileDir = process.argv.includes('--profile') ? resolve(arg('profile', '.')) : undefined;
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    rmSync(join(profileDir, 'stop'), { force: true });
  }
  const portScan = !process.argv.includes('--no-port-scan');
  const server = await startCodeServer({
    name: 'bench-editor',
    extensions: [vsix, probe],
    ...(portScan ? {} : { settings: NO_PORT_SCAN, machineSettings: NO_PORT_SCAN }),
    env: { CASCADE_BENCH_PROBE_FILE: probeFile, ...(profileDir ? { CASCADE_BENCH_PROFILE_DIR: profileDir } : {}) },
  });
  const wb = await openWorkbench(server, workspace);
  try {
    console.log(
      `Cascade Frontier editor benchmark: ${queries} queries x 8 models, code-server 4.100.3, load average ${loadavg()[0]!.toFixed(1)} at start, the editor's port scan ${portScan ? 'on' : 'off (--no-port-scan)'}`,
    );
    await wb.openFile('cascade.config.yaml');
    const shown = Date.now();
    await wb.runCommand('Cascade Frontier: Show Cascade Frontier');
    let state = await waitForGlance(wb, 'the first result', (s) => s.status === 'idle' && s.rows > 0 && s.computedAt !== '', 300_000);
    console.log(`first result (activation, reading every file, analysis): ${Date.now() - shown} ms after the command; ${state.rows} envelope rows`);
    // The file saved: by default the dearest model's, whose answers move the dear end of the envelope only.
    const file = join(workspace, 'evals', arg('file', 'gpt-4o.jsonl'));
    const original = readFileSync(file);
    // Each save one wrong answer made right (scripts/bench-saves.ts): the same size, another result.
    const contents = savedContents(original, saves, saveMode);
    const timeline: { written: number; computing?: number; shown?: number; updated: number; renderMs: number; receivedAt: number; resultMs: number }[] = [];
    for (let s = 0; s < saves; s++) {
      const content = contents[s]!;
      const before = state.computedAt;
      // Let the thread settle, then write.
      await new Promise((r) => setTimeout(r, 1500));
      const update = await watchForUpdate(wb, before, 120_000);
      const written = Date.now();
      writeFileSync(file, content);
      let computing: number | undefined;
      let updated: number;
      let shown: number | undefined;
      const seen = await update();
      if (seen) {
        ({ computingAt: computing, shownAt: shown, paintedAt: updated } = seen);
        state = seen;
      } else {
        // The panel's frame went (or was not found): poll it.
        state = await waitForGlance(
          wb,
          'the panel to show a result computed after the write',
          (p) => {
            if (p.status === 'computing') computing ??= Date.now();
            return p.status === 'idle' && p.computedAt !== before && p.rows > 0;
          },
          120_000,
        );
        updated = Date.now();
      }
      // The chart's last update, as the panel timed it.
      const timed = await (
        await panelFrame(wb)
      ).evaluate(() => ({
        renderMs: document.getElementById('chart-container')?.dataset.renderMs ?? 'NaN',
        // When the result reached the page, and the page's handling of it (checks, redraw), as the panel timed them.
        receivedAt: document.getElementById('frontier-root')?.dataset.resultReceivedAt ?? 'NaN',
        resultMs: document.getElementById('frontier-root')?.dataset.resultMs ?? 'NaN',
      }));
      const [renderMs, receivedAt, resultMs] = [Number(timed.renderMs), Number(timed.receivedAt), Number(timed.resultMs)];
      timeline.push({ written, computing, shown, updated, renderMs, receivedAt, resultMs });
      // Stalls are written when they end: give the probe a moment to write the last one.
      await new Promise((r) => setTimeout(r, 300));
      const stalls = stallsBetween(probeFile, written, updated);
      console.log(
        `save ${s + 1}: panel updated ${updated - written} ms after the write; longest stall of the extension host's main thread ${stalls.length > 0 ? `${stalls[0]!.toFixed(0)} ms` : 'under 20 ms'}` +
          `${stalls.length > 0 ? ` (${stalls.filter((x) => x > 50).length} over 50 ms, all over 20 ms: ${stalls.map((x) => x.toFixed(0)).join(', ')})` : ''}; load average ${loadavg()[0]!.toFixed(1)}`,
      );
    }
    timelines = timeline;
    const frame = await panelFrame(wb);
    const last = await readPanel(frame);
    console.log(`panel: ${last.rows.length} envelope rows, status ${last.status}`);
    if (profileDir) {
      const profile = join(profileDir, 'extension-host.cpuprofile');
      rmSync(profile, { force: true });
      writeFileSync(join(profileDir, 'stop'), '');
      const deadline = Date.now() + 60_000;
      while (!existsSync(profile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      console.log(existsSync(profile) ? `profile of the extension host's main thread: ${profile}` : 'the probe wrote no profile within a minute');
    }
  } finally {
    await wb.close();
    const log = await extensionLog(server.userDataDir).catch(() => []);
    await server.stop();
    console.log(`the extension's log (${log.length} lines):`);
    for (const line of log) console.log(`  ${line}`);
    // Where each save's time went: the log line is written when the result reaches the extension host, with the analysis process's load and analysis times.
    timelines.forEach((t, i) => {
      const done = log
        .map((l) => /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \[info\] .*files read, loading (\d+) ms, analysis (\d+) ms/.exec(l))
        .find((m) => m && new Date(m[1]!.replace(' ', 'T')).getTime() > t.written);
      if (!done) return;
      const at = new Date(done[1]!.replace(' ', 'T')).getTime();
      const [loadMs, analysisMs] = [Number(done[2]), Number(done[3])];
      console.log(
        `save ${i + 1}: ${t.updated - t.written} ms = write to the panel showing "computing" ${t.computing !== undefined ? `${t.computing - t.written} ms` : 'not seen'}` +
          ` | result in the extension host at +${at - t.written} ms (the analysis process's load ${loadMs} ms and analysis ${analysisMs} ms; the other ${at - t.written - loadMs - analysisMs} ms: file watcher, recompute delay, plan, messages to and from the process)` +
          ` | then to the panel updated ${t.updated - at} ms (the result reached the page at +${Number.isFinite(t.receivedAt) ? `${t.receivedAt - at} ms` : '? ms'}: the host's post and the editor's relay;` +
          ` the page took it in and redrew in ${Number.isFinite(t.resultMs) ? `${t.resultMs.toFixed(0)} ms` : 'an unknown time'}, of which the chart's ${Number.isFinite(t.renderMs) ? `${t.renderMs.toFixed(0)} ms` : 'time unknown'};` +
          (t.shown !== undefined
            ? ` the result shown at +${t.shown - at} ms, the next frame painted at +${t.updated - at} ms)`
            : ' then seen by polling the panel every 20 ms: its frame could not be watched)'),
      );
    });
    if (profileDir) {
      // The analysis process writes its profiles when it ends, with the editor.
      for (const f of readdirSync(profileDir).filter((f) => /^analysis-.*\.cpuprofile$/.test(f))) {
        console.log(`profile of the analysis process: ${join(profileDir, f)}`);
        for (const line of summariseProfile(join(profileDir, f))) console.log(line);
      }
    }
    removeRunDir(server.dir);
    rmSync(join(workspace, '..'), { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await sweep();
    process.exit(1);
  },
);
