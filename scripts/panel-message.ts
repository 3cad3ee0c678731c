// The size of the message that carries a result to the panel (a benchmark figure, not a test):
// reads an analysis (`analyze --json` output) and prints the JSON size of the panel's snapshot
// as the host sends it (the envelope thinned to what the panel shows when it is large) and as
// it would be with the whole envelope, the vertices each holds, and the host's time to make it.
//
//   node dist/cli.js analyze <folder> --json > result.json
//   node --import tsx scripts/panel-message.ts result.json
import { readFileSync } from 'node:fs';
import type { AnalysisResult } from '../src/core/types.ts';
import { toFrontierSnapshot } from '../src/extension/panel/panelData.ts';
import { createNotification, SnapshotNotification } from '../src/protocol.ts';
import type { AnalysisSnapshot } from '../src/extension/analysisSource.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: node --import tsx scripts/panel-message.ts <analyze --json output>');
  process.exit(2);
}
const result = JSON.parse(readFileSync(file, 'utf8')) as AnalysisResult;
const snapshot: AnalysisSnapshot = {
  key: 'bench',
  label: 'bench',
  result,
  files: [],
  issues: [],
  status: 'idle',
  ...(result.recommendation?.budget !== undefined ? { budget: result.recommendation.budget } : {}),
};
const size = (s: AnalysisSnapshot, whole: boolean): { bytes: number; vertices: number; ms: number } => {
  const started = performance.now();
  const message = toFrontierSnapshot(s, undefined, undefined, whole ? { whole: true } : {});
  const bytes = JSON.stringify(createNotification(SnapshotNotification, { snapshot: message })).length;
  return { bytes, vertices: message.result?.envelope.length ?? 0, ms: performance.now() - started };
};
// Warm up as a long-running host is, then measure.
for (let i = 0; i < 5; i++) size(snapshot, false);
const thinned = size(snapshot, false);
const whole = size(snapshot, true);
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
console.log(`envelope of ${result.envelope.length} vertices; ${result.n} queries`);
console.log(`panel message, envelope thinned: ${mb(thinned.bytes)}, ${thinned.vertices} vertices (made in ${thinned.ms.toFixed(1)} ms)`);
console.log(`panel message, whole envelope:   ${mb(whole.bytes)}, ${whole.vertices} vertices`);
