// Generates synthetic evaluation results for the benchmark: N queries x 8 models, one JSONL
// file per model, records shaped like the reference data (id, split, correct, confidence as a
// log-probability, cost from tokens, latency, token counts). Seeded, so every run writes the
// same bytes. A prompt is left out by default (the benchmark sizes are stated for records
// without one); `--prompt-bytes N` adds a prompt of about N bytes to every record.
//
//   node --import tsx scripts/gen-synthetic.mjs --queries 100000 [--out .cache/bench] [--seed 1] [--prompt-bytes 0]
//
// Output: <out>/q<queries>[-p<prompt-bytes>]/<model>.jsonl; an existing complete set is reused.
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
// The core's seeded generator (mulberry32); the script runs with tsx, which loads TypeScript.
import { seededRandom } from '../src/core/stats.ts';

/** Models with a skill (logit offset), dollars per million input / output tokens, and latency scale. */
export const MODELS = [
  { name: 'llama3.2-1b', skill: -1.2, input: 0.1, output: 0.1, latency: 120 },
  { name: 'llama3.2-3b', skill: -0.6, input: 0.1, output: 0.1, latency: 140 },
  { name: 'llama3.1-8b', skill: 0.0, input: 0.2, output: 0.2, latency: 160 },
  { name: 'gpt-4o-mini', skill: 0.7, input: 0.15, output: 0.6, latency: 350 },
  { name: 'qwen2.5-32b', skill: 0.9, input: 0.8, output: 0.8, latency: 300 },
  { name: 'llama3.1-70b', skill: 1.2, input: 0.9, output: 0.9, latency: 420 },
  { name: 'qwen2.5-72b', skill: 1.4, input: 1.2, output: 1.2, latency: 450 },
  { name: 'gpt-4o', skill: 1.9, input: 2.5, output: 10, latency: 500 },
];

function normal(random) {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const WORDS = 'the of a model answer question which following is true false statement choice group field value given when then'.split(' ');

export function datasetDir(out, queries, promptBytes) {
  return join(out, `q${queries}${promptBytes > 0 ? `-p${promptBytes}` : ''}`);
}

/** Writes the data set unless it is already there; returns its folder and size in bytes. */
export async function generate({ queries, out = '.cache/bench', seed = 1, promptBytes = 0, log = () => {} }) {
  const dir = datasetDir(out, queries, promptBytes);
  const doneFile = join(dir, '.complete');
  if (existsSync(doneFile)) return { dir, bytes: JSON.parse(readFileSync(doneFile, 'utf8')).bytes, reused: true };
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(seed);
  // Per-query traits shared by every model: difficulty, prompt length, split.
  const difficulty = new Float64Array(queries);
  const tokensIn = new Uint16Array(queries);
  for (let i = 0; i < queries; i++) {
    difficulty[i] = normal(random) * 1.3;
    tokensIn[i] = 90 + Math.floor(random() * 160);
  }
  const calibration = Math.round(queries * 0.16);
  let bytes = 0;
  for (const m of MODELS) {
    const started = Date.now();
    const stream = createWriteStream(join(dir, `${m.name}.jsonl`));
    let batch = '';
    for (let i = 0; i < queries; i++) {
      const margin = m.skill - difficulty[i] + normal(random) * 0.8;
      const correct = random() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
      // Log-probability of the chosen answer: near 0 when the model is sure.
      const confidence = -Math.log1p(Math.exp(-(margin + normal(random) * 0.7) * 1.5));
      const tin = tokensIn[i] + Math.floor(random() * 4);
      const tout = 1 + (random() < 0.1 ? 1 : 0);
      const cost = (tin * m.input + tout * m.output) / 1e6;
      const latency = m.latency * Math.exp(normal(random) * 0.35);
      const id = `bench-${String(i).padStart(7, '0')}`;
      let prompt = '';
      if (promptBytes > 0) {
        let p = `Question ${i}:`;
        while (p.length < promptBytes) p += ` ${WORDS[Math.floor(random() * WORDS.length)]}`;
        prompt = `, "prompt": ${JSON.stringify(`${p}\nChoices:\nA: 1\nB: 2\n\nAnswer: `)}`;
      }
      batch += `{"id": "${id}", "split": "${i < calibration ? 'train' : 'test'}"${prompt}, "correct": ${correct}, "confidence": ${confidence.toFixed(8)}, "cost": ${cost}, "latency_ms": ${latency.toFixed(2)}, "tokens_in": ${tin}, "tokens_out": ${tout}}\n`;
      if (batch.length > 1 << 20) {
        bytes += Buffer.byteLength(batch);
        if (!stream.write(batch)) await once(stream, 'drain');
        batch = '';
      }
    }
    bytes += Buffer.byteLength(batch);
    stream.end(batch);
    await once(stream, 'finish');
    log(`  wrote ${m.name}.jsonl (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  writeFileSync(doneFile, JSON.stringify({ queries, seed, promptBytes, bytes }));
  return { dir, bytes, reused: false };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? fallback : process.argv[i + 1];
  };
  const queries = Number(arg('queries', '10000'));
  const { dir, bytes, reused } = await generate({
    queries,
    out: arg('out', '.cache/bench'),
    seed: Number(arg('seed', '1')),
    promptBytes: Number(arg('prompt-bytes', '0')),
    log: console.log,
  });
  console.log(`${reused ? 'reused' : 'generated'} ${dir}: ${queries} queries x ${MODELS.length} models, ${(bytes / 1e6).toFixed(1)} MB`);
}
