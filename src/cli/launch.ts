/**
 * The command line's entry point (`dist/cli.js`): runs the bundle beside it (`cli-main.js`)
 * from a V8 code cache when there is one. Node 20 has no `module.enableCompileCache` (Node 22
 * does), so this does the same by hand: the bundle is compiled with `vm.Script` and the cached
 * code given to it; after a run without a usable cache, the code compiled during the run (the
 * functions the run called, not only the top level) is saved for the next run. Compiling the
 * bundle and its functions costs about 50 ms of each run; reading the cache a few.
 *
 * The cache is a file per bundle (its size, change time and inode in the name: V8 checks only
 * the length of the source it was made from; a new one replaces those of earlier builds), Node
 * version and architecture, in a folder of the
 * user's own under the temporary directory (mode 0700, used only when owned by the user and
 * closed to others, as compiled code is run from it). V8 rejects a cache made by another V8 or
 * with other flags, and then the bundle compiles as usual. Anything that goes wrong with the
 * cache only means running without it: the output is the same either way.
 * `CASCADE_FRONTIER_CODE_CACHE` names another folder, or `off`.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { type StartedWorker, startLoadWorker } from './standby.ts';

interface CliBundle {
  runFromCommandLine(started?: StartedWorker): void;
}

/** The cache folder, created if needed; undefined when it is switched off or not the user's own. */
function cacheFolder(): string | undefined {
  const setting = process.env.CASCADE_FRONTIER_CODE_CACHE;
  if (setting === 'off') return undefined;
  const uid = process.getuid?.();
  const folder = setting || join(tmpdir(), `cascade-frontier-code-cache-${uid ?? 'user'}`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const st = statSync(folder);
  if (uid !== undefined && (st.uid !== uid || (st.mode & 0o077) !== 0)) return undefined;
  return folder;
}

/** Runs the bundle through the cache; undefined when the cache cannot be used at all. */
function loadCached(bundle: string): CliBundle | undefined {
  let file: string;
  let folder: string | undefined;
  let cached: Buffer | undefined;
  try {
    folder = cacheFolder();
    if (!folder) return undefined;
    const st = statSync(bundle);
    file = join(folder, `cli-main-${st.size}-${Math.round(st.mtimeMs)}-${st.ino}-${process.version}-${process.arch}.bin`);
    try {
      cached = readFileSync(file);
    } catch {
      cached = undefined;
    }
  } catch {
    return undefined;
  }
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
  if (!cached || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        // Written aside and renamed, so a run that starts meanwhile reads a whole file or none.
        const part = `${file}.${process.pid}`;
        const fd = openSync(part, 'w', 0o600);
        try {
          writeSync(fd, script.createCachedData());
        } finally {
          closeSync(fd);
        }
        renameSync(part, file);
        // The caches of earlier builds of the bundle are of no more use.
        for (const name of readdirSync(folder)) if (name.startsWith('cli-main-') && name.endsWith('.bin') && join(folder, name) !== file) rmSync(join(folder, name), { force: true });
      } catch {
        // No cache this time.
      }
    });
  }
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  mod.loaded = true;
  return mod.exports as CliBundle;
}

const started = startLoadWorker(process.argv.slice(2), __dirname);
const bundle = join(__dirname, 'cli-main.js');
((loadCached(bundle) ?? require(bundle)) as CliBundle).runFromCommandLine(started);
