// Every process the real-editor tests start is recorded here (one file per pid) and
// stopped by its pid: the whole process group of a code-server (it forks an extension
// host, a file watcher and a pty host), or the browser. A record names the command line
// it belongs to, so a sweep after a crash never touches a recycled pid of another program.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PID_DIR } from './paths.ts';

export interface ProcessRecord {
  readonly pid: number;
  readonly label: string;
  readonly marker: string;
  /** Pid of the test process that started it. */
  readonly owner: number;
}

/** Remembers a started process: `marker` is a string its command line contains. */
export function recordProcess(pid: number, label: string, marker: string): void {
  mkdirSync(PID_DIR, { recursive: true });
  writeFileSync(join(PID_DIR, `${pid}.json`), JSON.stringify({ pid, label, marker, owner: process.pid }) + '\n');
}

export function forgetProcess(pid: number): void {
  rmSync(join(PID_DIR, `${pid}.json`), { force: true });
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** True while the pid runs the program it was recorded for. */
export function isRunning(pid: number, marker?: string): boolean {
  const cmd = commandLine(pid);
  return cmd !== undefined && (marker === undefined || cmd.includes(marker));
}

function signal(pid: number, sig: NodeJS.Signals, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * Stops a process (and, with `group`, its process group) by pid: SIGTERM, then SIGKILL
 * when it has not exited within `graceMs`. Resolves once it has exited.
 */
export async function stopProcess(pid: number, { group = true, marker, graceMs = 5000 }: { group?: boolean; marker?: string; graceMs?: number } = {}): Promise<void> {
  if (!isRunning(pid, marker)) {
    if (group) signal(pid, 'SIGKILL', true); // children of a leader that already exited
    forgetProcess(pid);
    return;
  }
  signal(pid, 'SIGTERM', group);
  const deadline = Date.now() + graceMs;
  while (isRunning(pid, marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  signal(pid, 'SIGKILL', group);
  while (isRunning(pid, marker) && !isZombie(pid)) await new Promise((r) => setTimeout(r, 50));
  forgetProcess(pid);
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Synchronous last resort for `process.on('exit')`: SIGKILL every group this process recorded. */
export function killRecordedSync(owner: number = process.pid): void {
  for (const rec of records()) {
    if (rec.owner !== owner) continue;
    if (isRunning(rec.pid, rec.marker)) signal(rec.pid, 'SIGKILL', true);
    forgetProcess(rec.pid);
  }
}

/** Every record left behind (by this run or a crashed earlier one). */
export function records(): ProcessRecord[] {
  if (!existsSync(PID_DIR)) return [];
  const out: ProcessRecord[] = [];
  for (const f of readdirSync(PID_DIR)) {
    try {
      out.push(JSON.parse(readFileSync(join(PID_DIR, f), 'utf8')));
    } catch {
      rmSync(join(PID_DIR, f), { force: true });
    }
  }
  return out;
}

/**
 * Stops every recorded process whose test process has ended (crashed or killed before its
 * clean-up ran) and that still runs its recorded program; returns what it stopped. Records of
 * a test process still running (another run at the same time) are left alone.
 */
export async function sweep(): Promise<string[]> {
  const stopped: string[] = [];
  for (const rec of records()) {
    if (rec.owner !== process.pid && isRunning(rec.owner, 'node')) continue;
    if (isRunning(rec.pid, rec.marker)) {
      stopped.push(`${rec.label} (pid ${rec.pid})`);
      await stopProcess(rec.pid, { marker: rec.marker, graceMs: 2000 });
    } else {
      forgetProcess(rec.pid);
    }
  }
  return stopped;
}
