// Idempotent setup for the real-editor tests: Debian packages, then code-server in
// `.cache/code-server/`. A second run on a set-up machine does nothing but a few checks.
//
// code-server's dependency `@vscode/ripgrep` downloads `rg` at install time, which cannot
// work without a network. It first looks for a cached archive in
// `$TMPDIR/vscode-ripgrep-cache-<its version>/`; we point TMPDIR at our cache and put an
// archive of Debian's `rg` there. When a code-server build resolves another version, the
// failed install leaves that version's (empty) cache folder behind; we fill it and retry.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_SERVER_BIN, CODE_SERVER_DIR, CODE_SERVER_VERSION, E2E_CACHE, RIPGREP_TMP } from './paths.ts';

/** Debian packages: native build dependencies of code-server's modules, ripgrep, and the browser. */
export const DEBIAN_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config', 'ripgrep', 'chromium'];
/** `@vscode/ripgrep` versions seen in code-server builds; others are discovered by a failed install. */
const KNOWN_RIPGREP_VERSIONS = ['1.15.11'];
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const log = (msg: string): void => console.log(`[e2e setup] ${msg}`);

function isInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

export function ensureDebianPackages(): void {
  const missing = DEBIAN_PACKAGES.filter((p) => !isInstalled(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env });
  const still = missing.filter((p) => !isInstalled(p));
  if (still.length) throw new Error(`apt-get did not install: ${still.join(' ')}`);
}

function fillRipgrepCache(version: string): boolean {
  const dir = join(RIPGREP_TMP, `vscode-ripgrep-cache-${version}`);
  const archive = join(dir, RIPGREP_ARCHIVE);
  if (existsSync(archive)) return false;
  mkdirSync(dir, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), 'rg-archive-'));
  try {
    copyFileSync('/usr/bin/rg', join(stage, 'rg'));
    execFileSync('tar', ['-czf', archive, '-C', stage, 'rg']);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return true;
}

/** Fills every ripgrep cache folder a previous attempt left empty; true when one was new. */
function fillDiscoveredRipgrepCaches(): boolean {
  let added = false;
  for (const name of existsSync(RIPGREP_TMP) ? readdirSync(RIPGREP_TMP) : []) {
    const m = /^vscode-ripgrep-cache-(.+)$/.exec(name);
    if (m && fillRipgrepCache(m[1])) {
      log(`added a ripgrep archive for @vscode/ripgrep ${m[1]}`);
      added = true;
    }
  }
  return added;
}

function installedVersion(): string | undefined {
  if (!existsSync(CODE_SERVER_BIN)) return undefined;
  const r = spawnSync(CODE_SERVER_BIN, ['--version'], { encoding: 'utf8', env: codeServerEnv() });
  return r.status === 0
    ? r.stdout
        .trim()
        .split(/\s+/)
        .find((w) => /^\d+\.\d+\.\d+$/.test(w))
    : undefined;
}

/** Environment for every code-server invocation: its default config and logs stay in our cache, not the home folder. */
export function codeServerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CONFIG_HOME: join(E2E_CACHE, 'xdg-config'), XDG_DATA_HOME: join(E2E_CACHE, 'xdg-data') };
}

export function ensureCodeServer(): void {
  const marker = join(CODE_SERVER_DIR, 'installed.json');
  if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).version === CODE_SERVER_VERSION && installedVersion() === CODE_SERVER_VERSION) return;
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  mkdirSync(RIPGREP_TMP, { recursive: true });
  if (!existsSync('/usr/bin/rg')) throw new Error('/usr/bin/rg is missing: install the Debian package ripgrep');
  for (const v of KNOWN_RIPGREP_VERSIONS) fillRipgrepCache(v);
  fillDiscoveredRipgrepCaches();
  writeFileSync(join(CODE_SERVER_DIR, 'package.json'), JSON.stringify({ name: 'e2e-code-server', private: true }, null, 2) + '\n');
  const env = { ...codeServerEnv(), TMPDIR: RIPGREP_TMP, npm_config_yes: 'true', npm_config_unsafe_perm: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
  for (let attempt = 1; ; attempt++) {
    log(`installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (attempt ${attempt}, about 1.5 minutes)`);
    const r = spawnSync('npm', ['install', '--no-save', `code-server@${CODE_SERVER_VERSION}`], { cwd: CODE_SERVER_DIR, env, stdio: 'inherit' });
    if (r.status === 0 && installedVersion() === CODE_SERVER_VERSION) break;
    // A new @vscode/ripgrep version leaves its empty cache folder behind: fill it and retry.
    if (attempt >= 3 || !fillDiscoveredRipgrepCaches()) {
      throw new Error(`code-server ${CODE_SERVER_VERSION} failed to install in ${CODE_SERVER_DIR} (npm exit ${r.status}); see the npm output above`);
    }
  }
  writeFileSync(marker, JSON.stringify({ version: CODE_SERVER_VERSION }) + '\n');
  log(`code-server ${CODE_SERVER_VERSION} ready`);
}
