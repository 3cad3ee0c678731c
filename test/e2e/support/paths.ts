// Where the real-editor tests keep their tools, builds and results. Everything lives in
// git-ignored folders at the repository root: `.cache/` (kept between runs) and `.artifacts/`.
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_DIR = join(ROOT, '.cache', 'code-server');
export const CODE_SERVER_BIN = join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');
/** TMPDIR for code-server's install and runs (holds the ripgrep archive cache). */
export const RIPGREP_TMP = join(ROOT, '.cache', 'tmp');
/** Builds of this run's test packages and per-run state. */
export const E2E_CACHE = join(ROOT, '.cache', 'e2e');
/** The packaged extension (`CASCADE_E2E_VSIX` names another, when running a test file by hand). */
export const EXTENSION_VSIX = process.env.CASCADE_E2E_VSIX ?? join(ROOT, 'dist', 'cascade-frontier.vsix');
export const HOST_RUNNER_STAGE = join(E2E_CACHE, 'host-runner');
export const HOST_RUNNER_VSIX = join(E2E_CACHE, 'cascade-frontier-host-runner.vsix');
/** Folder of records of the processes the tests started (one file per pid), for the final sweep. */
export const PID_DIR = join(E2E_CACHE, 'pids');
/** Screenshots and logs: `.artifacts/e2e/`. */
export const ARTIFACTS = join(ROOT, '.artifacts', 'e2e');
/** The workspace the scenarios open a copy of (`CASCADE_E2E_WORKSPACE` names another). */
export const EXAMPLE_WORKSPACE = process.env.CASCADE_E2E_WORKSPACE ?? join(ROOT, 'examples', 'workspace');
export const CHROMIUM = '/usr/bin/chromium';
