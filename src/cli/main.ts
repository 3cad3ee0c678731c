import { once } from 'node:events';
import { adoptStandbyWorker } from '../core/load/parallel.ts';
import type { StartedWorker } from './standby.ts';
import { EXIT, InputError, UsageError, type CliIO } from './io.ts';
import { ANALYZE_USAGE, runAnalyze } from './commands/analyze.ts';
import { COMPARE_USAGE, runCompare } from './commands/compare.ts';
import { REPORT_USAGE, runReport } from './commands/report.ts';
import { CHECK_USAGE, runCheck } from './commands/check.ts';
import { BACKTEST_USAGE, runBacktest } from './commands/backtest.ts';

type Command = { readonly run: (argv: readonly string[], io: CliIO) => Promise<number>; readonly summary: string; readonly usage: string };

/** Subcommands; each lives in `commands/<name>.ts`. */
const COMMANDS: Record<string, Command> = {
  analyze: { run: runAnalyze, summary: 'pairwise cascade envelope, recommendation and held-out figures', usage: ANALYZE_USAGE },
  compare: { run: runCompare, summary: 'held-out comparison of cascades, longer chains, a router and the perfect-routing bound', usage: COMPARE_USAGE },
  backtest: { run: runBacktest, summary: 'how far to trust the recommendation: rules chosen on calibration, measured held out over budgets and re-splits', usage: BACKTEST_USAGE },
  report: { run: runReport, summary: 'one self-contained HTML report (chart, tables, recommendation) for a pull request or CI run', usage: REPORT_USAGE },
  check: { run: runCheck, summary: 'fail (exit 1) when a cascade config no longer holds up: for CI and pre-commit hooks', usage: CHECK_USAGE },
};

function mainUsage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: cascade-frontier <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun cascade-frontier <command> --help for its options.`;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainUsage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`cascade-frontier: unknown command ${JSON.stringify(name)}\n\n${mainUsage()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`cascade-frontier ${name}: ${(e as Error).message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    if (e instanceof InputError) {
      io.err(`cascade-frontier ${name}: ${e.message}`);
      return EXIT.badInput;
    }
    // Readers throw plain Errors with a user-facing message for unusable paths.
    io.err(`cascade-frontier ${name}: ${(e as Error).message ?? String(e)}`);
    return EXIT.badInput;
  }
}

/**
 * Runs the CLI on this process's arguments and standard streams, setting the exit code.
 * `started`: the load worker the entry point started ahead (see `standby.ts`), for the loader.
 */
export function runFromCommandLine(started?: StartedWorker): void {
  if (started) adoptStandbyWorker(started.worker, started.script, started.exited);
  // A reader that stops early (`| head`) closes the pipe: the rest of the output has nobody to
  // read it, so the command ends there, quietly, as command-line tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? EXIT.ok);
  });
  void main(process.argv.slice(2), {
    // Two writes: `s + '\n'` would copy a result of tens of megabytes into one string first.
    out: (s) => {
      process.stdout.write(s);
      process.stdout.write('\n');
    },
    // A pipe takes writes asynchronously: wait for it to drain rather than queue the whole text.
    write: (s) => (process.stdout.write(s) ? undefined : once(process.stdout, 'drain').then(() => undefined)),
    err: (s) => process.stderr.write(s + '\n'),
  }).then(async (code) => {
    process.exitCode = code;
    // Once everything written has reached the operating system, the process ends here rather
    // than tearing down its threads and heaps as it would when left to run out: at 100k
    // queries that teardown took about 20 ms of the command's time (see the README). Where
    // pipes are asynchronous (they are synchronous on Linux), the write callbacks keep the end
    // of the output from being lost.
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  });
}

/** Settles once everything written to `stream` before has been handed to the operating system (or the stream failed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

// `dist/cli.js` (launch.ts) runs this bundle and then calls runFromCommandLine; run directly, it starts by itself.
if (require.main === module) runFromCommandLine();
