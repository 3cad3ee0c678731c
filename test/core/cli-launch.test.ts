/**
 * The command line's entry point (src/cli/launch.ts): the bundle run through a V8 code cache
 * prints what the bundle run by itself prints, whether the cache is missing, valid, corrupt or
 * switched off, and the cache is written once and then reused; on an input large enough for a
 * second thread, with the load worker it starts ahead, the same output as the bundle alone; the
 * process, which ends itself once its output is written, loses none of it to a slow reader and
 * keeps its exit code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/esbuildNode.mjs';
import { repoRoot } from '../support/paths.ts';
import { buildLoadWorker } from '../support/loadWorker.ts';

/** A fresh folder with the entry point (`cli.js`) and the bundle it runs (`cli-main.js`), built from the sources. */
async function bundled(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'cf-launch-'));
  await esbuild.build({ ...NODE_BUNDLE, entryPoints: [join(repoRoot, 'src/cli/launch.ts')], outfile: join(out, 'cli.js') });
  await esbuild.build({
    ...NODE_BUNDLE,
    entryPoints: [join(repoRoot, 'src/cli/main.ts')],
    outfile: join(out, 'cli-main.js'),
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
    external: ['esbuild'],
  });
  return out;
}

test('the entry point runs the bundle from a code cache with the same output, and survives a bad cache', async () => {
  const out = await bundled();
  const args = ['analyze', join(repoRoot, 'examples/mmlu'), '--budget', '0.0002', '--json'];
  const cache = join(out, 'cache');
  const run = (script: string, setting: string) => {
    const r = spawnSync(process.execPath, [join(out, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CASCADE_FRONTIER_CODE_CACHE: setting } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const direct = run('cli-main.js', 'off');
  assert.ok(direct.includes('"envelope"'));

  assert.equal(run('cli.js', 'off'), direct);
  assert.ok(!existsSync(cache), 'switched off: no cache');

  assert.equal(run('cli.js', cache), direct);
  const files = readdirSync(cache);
  assert.equal(files.length, 1, files.join());
  const file = join(cache, files[0]!);
  const written = readFileSync(file);
  assert.ok(written.length > 100_000, `${written.length} bytes: the functions the run compiled, not only the top level`);
  const mtime = statSync(file).mtimeMs;

  // A valid cache is read, not written again.
  assert.equal(run('cli.js', cache), direct);
  assert.equal(statSync(file).mtimeMs, mtime);
  assert.deepEqual(readdirSync(cache), files);

  // A corrupt one is rejected by V8, the bundle compiles as usual, and the cache is replaced.
  writeFileSync(file, Buffer.alloc(written.length, 7));
  assert.equal(run('cli.js', cache), direct);
  assert.ok(!readFileSync(file).equals(Buffer.alloc(written.length, 7)));
  assert.deepEqual(readdirSync(cache), files);

  // A new build of the bundle: a new cache, which replaces the old one.
  const bundle = join(out, 'cli-main.js');
  utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
  assert.equal(run('cli.js', cache), direct);
  const now = readdirSync(cache);
  assert.equal(now.length, 1, now.join());
  assert.notEqual(now[0], files[0]);
});

test('on 16 MB of files, the entry point (which starts the load worker ahead) prints what the bundle alone prints, and exits', async () => {
  const out = await bundled();
  await buildLoadWorker(out);
  // Two models' files of 9 MB each: 1,500 queries whose prompts (not kept) make up the bytes.
  const data = join(out, 'evals');
  mkdirSync(data);
  const prompt = 'p'.repeat(6000);
  for (const [m, model] of ['small', 'large'].entries()) {
    const lines = Array.from({ length: 1500 }, (_, i) =>
      JSON.stringify({ id: `q${i}`, model, correct: (i * (m + 2)) % 3 === 0 ? 0 : 1, confidence: ((i * 7919) % 1000) / 1000, cost: 0.001 * (m * 9 + 1), prompt }),
    );
    writeFileSync(join(data, `${model}.jsonl`), lines.join('\n'));
  }
  const args = ['analyze', data, '--budget', '0.005', '--json'];
  const run = (script: string) => {
    const r = spawnSync(process.execPath, [join(out, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 60_000, env: { ...process.env, CASCADE_FRONTIER_CODE_CACHE: 'off' } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const alone = run('cli-main.js');
  assert.ok(alone.includes('"envelope"'));
  assert.equal(run('cli.js'), alone);
});

test('the process ends itself only after a slow reader has had all of its output, and keeps its exit code', async () => {
  const out = await bundled();
  const args = ['analyze', join(repoRoot, 'examples/mmlu'), '--budget', '0.0002', '--json'];
  const env = { ...process.env, CASCADE_FRONTIER_CODE_CACHE: 'off' };
  const whole = spawnSync(process.execPath, [join(out, 'cli.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env });
  assert.equal(whole.status, 0, whole.stderr);
  assert.ok(whole.stdout.length > 1 << 17, `${whole.stdout.length} characters: more than a pipe holds`);

  // The reader takes nothing for a second: the output fills the pipe and waits for it to drain.
  const child = spawn(process.execPath, [join(out, 'cli.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pause();
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  child.stdout.resume();
  assert.equal(await closed, 0);
  assert.equal(Buffer.concat(chunks).toString('utf8'), whole.stdout);

  const missing = spawnSync(process.execPath, [join(out, 'cli.js'), 'analyze', join(out, 'no-such-folder')], { encoding: 'utf8', env });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no-such-folder/);
});
