// Resident memory of the processes code-server starts, read from /proc: the extension host
// (and any process it starts) found by command line among the server's descendants.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const MB = 1024 * 1024;

function parentOf(pid: number): number | undefined {
  try {
    // The command name may hold spaces and parentheses: fields after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Pids of every live descendant of `root`. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** The descendant of `root` whose command line matches `pattern`, if any. */
export function findDescendant(root: number, pattern: RegExp): number | undefined {
  return descendants(root).find((pid) => pattern.test(commandLine(pid)));
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / MB : undefined;
  } catch {
    return undefined;
  }
}

/** Resident set size in MB, undefined once the process is gone. */
export const rssMB = (pid: number): number | undefined => statusField(pid, 'VmRSS');

/** Highest resident set size in MB since the process started, or since `resetPeak`. */
export const peakMB = (pid: number): number | undefined => statusField(pid, 'VmHWM');

/** Starts the process's peak resident size afresh from its current size (Linux `clear_refs`). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * Samples the resident size of the processes `find` returns every `everyMs`, keeping each
 * one's highest (processes come and go: a restarted one is a new pid).
 */
export function sampleRss(find: () => readonly number[], everyMs = 100): { readonly highest: () => Map<number, number>; readonly stop: () => void } {
  const highest = new Map<number, number>();
  const timer = setInterval(() => {
    for (const pid of find()) {
      const rss = rssMB(pid);
      if (rss !== undefined) highest.set(pid, Math.max(highest.get(pid) ?? 0, rss));
    }
  }, everyMs);
  return { highest: () => highest, stop: () => clearInterval(timer) };
}
