// The size of the message that carries a result to the panel (a benchmark figure, not a test):
// reads an analysis (`analyze --json` output) and prints the size of the panel's snapshot on
// the editor's channel (JSON text, and the typed arrays its long arrays are packed into)
// as the host sends it (the envelope thinned to what the panel shows when it is large) and as
// it would be with the whole envelope, the vertices each holds, and the host's time to make it.
//
//   node dist/cli.js analyze <folder> --json > result.json
//   node --import tsx scripts/panel-message.ts result.json
import { readFileSync } from 'node:fs';
import type { AnalysisResult } from '../src/core/types.ts';
import { toFrontierSnapshot } from '../src/extension/panel/panelData.ts';
import { createNotification, SnapshotNotification } from '../src/protocol.ts';
import { encodeNonFinite, encodeWire } from '../src/protocolEndpoint.ts';
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
/** A message's size on the editor's channel: its JSON text, and the bytes of the typed arrays that travel beside it. */
const wireSize = (wire: unknown): { text: number; binary: number } => {
  let binary = 0;
  const text = JSON.stringify(wire, (_k, v: unknown) => {
    if (!ArrayBuffer.isView(v)) return v;
    binary += v.byteLength;
    return 0;
  }).length;
  return { text, binary };
};
const size = (s: AnalysisSnapshot, whole: boolean): { json: number; text: number; binary: number; vertices: number; ms: number; encodeMs: number } => {
  const started = performance.now();
  const message = toFrontierSnapshot(s, undefined, undefined, whole ? { whole: true } : {});
  const made = performance.now();
  const notification = createNotification(SnapshotNotification, { snapshot: message });
  const wire = encodeWire(notification, true);
  const encodeMs = performance.now() - made;
  return { json: JSON.stringify(encodeNonFinite(notification)).length, ...wireSize(wire), vertices: message.result?.envelope.length ?? 0, ms: made - started, encodeMs };
};
// Warm up as a long-running host is, then measure.
for (let i = 0; i < 5; i++) size(snapshot, false);
const thinned = size(snapshot, false);
const whole = size(snapshot, true);
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const line = (m: ReturnType<typeof size>) => `${mb(m.text)} of JSON text and ${mb(m.binary)} of typed arrays (as JSON alone: ${mb(m.json)})`;
console.log(`envelope of ${result.envelope.length} vertices; ${result.n} queries`);
console.log(`panel message, envelope thinned: ${line(thinned)}, ${thinned.vertices} vertices (made in ${thinned.ms.toFixed(1)} ms, packed in ${thinned.encodeMs.toFixed(1)} ms)`);
console.log(`panel message, whole envelope:   ${line(whole)}, ${whole.vertices} vertices`);
