// Starts code-server on loopback with its own user-data and extensions folders, installs
// packaged extensions into it, and stops it (its whole process group) by pid.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_SERVER_BIN } from './paths.ts';
import { recordProcess, stopProcess } from './processes.ts';
import { codeServerEnv } from './setup.ts';
import { waitFor } from './wait.ts';

/** User settings that keep the workbench quiet and editing deterministic when driven by keys. */
export const TEST_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Light Modern',
  'window.restoreWindows': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'files.autoSave': 'off',
  'editor.codeLens': true,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoSurround': 'never',
  'editor.formatOnType': false,
  'editor.formatOnSave': false,
  'editor.autoIndent': 'none',
  'editor.hover.delay': 100,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
};

export interface CodeServerOptions {
  /** Short name for folders and logs. */
  readonly name: string;
  /** `.vsix` files to install before starting. */
  readonly extensions: readonly string[];
  /** Extra environment for the server (inherited by its extension host). */
  readonly env?: Record<string, string>;
  /** Extra user settings. */
  readonly settings?: Record<string, unknown>;
  /** Settings of the machine the server runs on (`Machine/settings.json`: the settings of machine scope, which a remote window does not read from the user's). */
  readonly machineSettings?: Record<string, unknown>;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Per-run folder holding `user-data/`, `extensions/` and `server.log`. */
  readonly dir: string;
  readonly userDataDir: string;
  readonly logFile: string;
  /** URL that opens the workbench on a folder. */
  folderUrl(folder: string): string;
  /** Copies the server log and the workbench's log folder into `dest`. */
  saveLogs(dest: string): void;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function tail(file: string, lines = 40): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
}

/** Installs packaged extensions into an extensions folder with code-server's own installer. */
export function installExtensions(vsixFiles: readonly string[], extensionsDir: string, userDataDir: string): void {
  if (vsixFiles.length === 0) return;
  const args = ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--force'];
  for (const v of vsixFiles) {
    if (!existsSync(v)) throw new Error(`${v} does not exist: build it first (npm run package)`);
    args.push('--install-extension', v);
  }
  const r = spawnSync(CODE_SERVER_BIN, args, { env: codeServerEnv(), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || /failed|error/i.test(r.stderr)) {
    throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const dir = mkdtempSync(join(tmpdir(), `cascade-e2e-${opts.name}-`));
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  const logFile = join(dir, 'server.log');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...TEST_USER_SETTINGS, ...opts.settings }, null, 2));
  if (opts.machineSettings) {
    mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
    writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(opts.machineSettings, null, 2));
  }
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  installExtensions(opts.extensions, extensionsDir, userDataDir);

  const port = await freePort();
  const out = createWriteStream(logFile);
  const args = [
    '--config',
    configFile,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--log',
    'debug',
  ];
  // Its own process group, so that stopping it by pid also stops the extension host and watchers.
  const child = spawn(CODE_SERVER_BIN, args, { env: { ...codeServerEnv(), ...opts.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`code-server did not start: ${CODE_SERVER_BIN}`);
  recordProcess(pid, `code-server ${opts.name}`, dir);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));

  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await stopProcess(pid, { marker: dir });
    out.end();
  };
  try {
    await waitFor(
      `code-server on ${url}`,
      async () => {
        if (exited !== undefined) throw new Error(`code-server exited with ${exited}:\n${tail(logFile)}`);
        try {
          const res = await fetch(`${url}/healthz`);
          return res.ok;
        } catch {
          return false;
        }
      },
      { timeoutMs: 60_000 },
    );
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    port,
    pid,
    dir,
    userDataDir,
    logFile,
    folderUrl: (folder) => `${url}/?folder=${encodeURIComponent(folder)}`,
    saveLogs(dest) {
      mkdirSync(dest, { recursive: true });
      if (existsSync(logFile)) cpSync(logFile, join(dest, 'server.log'));
      const logs = join(userDataDir, 'logs');
      if (existsSync(logs)) cpSync(logs, join(dest, 'workbench-logs'), { recursive: true });
    },
    stop,
  };
}

/** Removes a per-run folder once its server is stopped (kept when `KEEP_E2E_DIRS` is set). */
export function removeRunDir(dir: string): void {
  if (!process.env.KEEP_E2E_DIRS) rmSync(dir, { recursive: true, force: true });
}
