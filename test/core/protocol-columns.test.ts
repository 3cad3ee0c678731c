/**
 * Long arrays packed into columns on the way to the webview: what arrives is what the channel
 * delivered before packing (JSON, with Infinity carried as itself), whatever the records hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeNonFinite, decodeWire, encodeNonFinite, encodeWire, ProtocolEndpoint } from '../../src/protocolEndpoint.ts';
import { PACK_FROM } from '../../src/protocolColumns.ts';
import { createNotification, SnapshotNotification, type AnyMessage } from '../../src/protocol.ts';
import { analyze } from '../../src/core/analyze.ts';
import { loadEvalFiles } from '../../src/core/load/index.ts';
import { toFrontierSnapshot } from '../../src/extension/panel/panelData.ts';
import type { AnalysisSnapshot } from '../../src/extension/analysisSource.ts';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { repoRoot } from '../support/paths.ts';

/** The channel as it was: JSON text, Infinity carried as `{ $number }`. */
const jsonWire = (message: unknown): unknown => decodeNonFinite(JSON.parse(JSON.stringify(encodeNonFinite(message))));

/**
 * The editor's channel to a webview: JSON text in which every typed array is replaced by a
 * reference to its bytes, sent beside the text, and made again on the other side.
 */
function editorChannel(message: unknown): { delivered: unknown; textBytes: number; binaryBytes: number; typedArrays: number } {
  const buffers: ArrayBuffer[] = [];
  const text = JSON.stringify(message, (_key, v: unknown) => {
    if (!ArrayBuffer.isView(v)) return v;
    buffers.push(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer);
    return { $$bufferReference: buffers.length - 1, type: v.constructor.name };
  });
  const kinds: Record<string, new (b: ArrayBuffer) => ArrayBufferView> = { Float64Array, Uint32Array, Uint16Array, Uint8Array };
  const delivered: unknown = JSON.parse(text, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || !('$$bufferReference' in v)) return v;
    const ref = v as { $$bufferReference: number; type: string };
    return new kinds[ref.type]!(buffers[ref.$$bufferReference]!);
  });
  return { delivered, textBytes: Buffer.byteLength(text), binaryBytes: buffers.reduce((s, b) => s + b.byteLength, 0), typedArrays: buffers.length };
}

/** The packed message through the editor's channel, which delivers only the first 40 typed arrays of a message: a message carries at most one. */
function packedNew(message: unknown): unknown {
  const channel = editorChannel(encodeWire(message, true));
  assert.ok(channel.typedArrays <= 1, `${channel.typedArrays} typed arrays in one message`);
  return decodeWire(channel.delivered);
}

/** Counts the packed arrays in a value on the wire. */
function packedCount(v: unknown): number {
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return 0;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + packedCount(x), 0);
  const own = '$records' in v || '$numbers' in v ? 1 : 0;
  return own + Object.values(v).reduce((s: number, x) => s + packedCount(x), 0);
}

const number = fc.oneof(fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -1e-300), fc.double(), fc.integer());
const text = fc.oneof(fc.string(), fc.constantFrom('', '__proto__', '$number', '$records', 'gpt-4o-mini', 'é"\\\n\u2028'));
const leaf = fc.oneof(number, text, fc.boolean(), fc.constant(null), fc.constant(undefined));

/** A kind of record: a set of fields, each a leaf kind, a nested record or an array, some optional. */
const recordOf = (depth: number): fc.Arbitrary<fc.Arbitrary<Record<string, unknown>>> =>
  fc.uniqueArray(fc.constantFrom('cost', 'quality', 'policy', 'models', 'thresholds', 'onHull', 'latency', 'n', '__proto__', 'x y', '$number'), { maxLength: 6 }).chain((keys) =>
    fc
      .tuple(
        ...keys.map((k) =>
          fc.tuple(
            fc.constant(k),
            fc.boolean(),
            depth > 0
              ? fc.oneof(fc.constant(leaf), fc.constant(fc.array(leaf, { maxLength: 3 })), recordOf(depth - 1))
              : fc.oneof(fc.constant(number as fc.Arbitrary<unknown>), fc.constant(text as fc.Arbitrary<unknown>), fc.constant(leaf)),
          ),
        ),
      )
      .map((fields) =>
        fc
          .tuple(...fields.map(([k, optional, value]) => fc.tuple(fc.constant(k), optional ? fc.option(value as fc.Arbitrary<unknown>, { nil: undefined }) : (value as fc.Arbitrary<unknown>))))
          .map((entries) => {
            const r: Record<string, unknown> = {};
            for (const [k, v] of entries) Object.defineProperty(r, k, { value: v, enumerable: true, writable: true, configurable: true });
            return r;
          }),
      ),
  );

/** Long arrays: records of one or a few kinds, numbers and nulls, and arrays that cannot be packed. */
const longArray: fc.Arbitrary<unknown[]> = fc.oneof(
  fc.array(recordOf(2), { minLength: 1, maxLength: 3 }).chain((kinds) => fc.array(fc.oneof(...kinds), { minLength: PACK_FROM, maxLength: 200 })),
  fc.array(fc.oneof(number, fc.constant(null)), { minLength: PACK_FROM, maxLength: 200 }),
  fc.array(fc.oneof(number, text), { minLength: PACK_FROM, maxLength: 100 }),
  fc.array(
    fc.oneof(
      recordOf(1).chain((k) => k),
      number,
    ),
    { minLength: PACK_FROM, maxLength: 100 },
  ),
  // Over 64 shapes: left as it is.
  fc.array(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), number, { maxKeys: 3 }), { minLength: 200, maxLength: 300 }),
);

test('packed, a message arrives as the JSON channel delivered it: every field, NaN as null, -0 as 0, Infinity as itself', () => {
  let packed = 0;
  fc.assert(
    fc.property(
      fc.record({
        short: fc.array(
          recordOf(1).chain((k) => k),
          { maxLength: 5 },
        ),
        long: longArray,
        nested: fc.record({ inner: longArray }),
      }),
      (message) => {
        packed += packedCount(encodeWire(message, true));
        assert.deepStrictEqual(packedNew(message), jsonWire(message));
      },
    ),
    { numRuns: 300, seed: 20261130 },
  );
  // Many of the long arrays were packed (two per run; mixed ones, and records whose fields change kind, over 64 shapes, cannot be).
  assert.ok(packed >= 100, `${packed} arrays packed in 300 runs`);
});

test('arrays of records of a few shapes, and of numbers and nulls, are packed; short arrays and mixed ones are not', () => {
  const records = Array.from({ length: 100 }, (_, i) => ({
    cost: i / 7,
    quality: i % 3 === 0 ? null : i,
    policy: { kind: 'pair', models: ['a', `m${i % 4}`], thresholds: [i % 5 === 0 ? -Infinity : i / 3] },
    ...(i % 2 ? { latency: { meanMs: i, n: 3 } } : {}),
  }));
  const message = { records, numbers: records.map((r) => r.quality), short: records.slice(0, PACK_FROM - 1), mixed: [...records.slice(0, 70), 'x'] };
  const wire = encodeWire(message, true) as Record<string, unknown>;
  assert.equal(packedCount(wire.records), 1);
  assert.equal(packedCount(wire.numbers), 1);
  assert.equal(packedCount(wire.short), 0);
  assert.equal(packedCount(wire.mixed), 0);
  assert.deepStrictEqual(packedNew(message), jsonWire(message));
  // Not packed unless asked: the webview's messages to the host.
  assert.equal(packedCount(encodeWire(message, false)), 0);
});

test('a packed array that does not hold together reaches no handler: the message is reported invalid', () => {
  const records = Array.from({ length: 80 }, (_, i) => ({ cost: i, quality: i / 80, models: ['a', i % 2 ? 'b' : 'c'] }));
  const good = encodeWire({ records }, true) as { records: { $records: Record<string, unknown> }; $columns: Float64Array };
  assert.ok(Array.isArray((decodeWire(good) as { records: unknown }).records));
  const packed = good.records.$records;
  const broken: unknown[] = [
    { ...good, $columns: good.$columns.slice(1) },
    { ...good, $columns: Array.from(good.$columns) },
    { records: good.records },
    { ...good, records: { $records: { ...packed, at: 5 } } },
    { ...good, records: { $records: { ...packed, at: -1 } } },
    { ...good, records: { $records: { ...packed, shapes: [{ o: [['cost', { s: 0 }]] }] } } },
    { ...good, records: { $records: { ...packed, shapes: [{ o: [['cost', { n: 1e9 }]] }] } } },
    { ...good, records: { $records: { ...packed, strings: [] } } },
    { ...good, records: { $records: { ...packed, shapes: 'x' } } },
    { ...good, records: { $numbers: { at: 0, n: 1e9 } } },
  ];
  for (const payload of broken) {
    const decoded = decodeWire(payload) as { records: unknown };
    assert.ok(!Array.isArray(decoded.records), JSON.stringify(payload).slice(0, 160));
  }
  // Through an endpoint: a snapshot whose packed files do not hold together goes to onInvalid, and nothing throws.
  const invalid: string[] = [];
  const webview = new ProtocolEndpoint(
    'webview',
    () => {},
    (d) => invalid.push(d),
  );
  let handled = 0;
  webview.onNotification(SnapshotNotification, () => handled++);
  const message = createNotification(SnapshotNotification, { snapshot: { key: 'k', label: 'k', files: [], issues: [], status: 'idle', issueCounts: { errors: 0, warnings: 0 } } } as never);
  webview.receive({
    ...message,
    params: { snapshot: { ...(message.params as { snapshot: object }).snapshot, files: { $records: { rows: 2, shapes: [], at: 0, strings: [] } } } },
    $columns: new Float64Array(4),
  });
  assert.equal(handled, 0);
  assert.equal(invalid.length, 1);
});

test("the panel's snapshot of a real analysis arrives as the JSON channel delivered it, in a fraction of the bytes", async () => {
  const dir = join(repoRoot, 'examples', 'mmlu');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(dir, f));
  const loaded = await loadEvalFiles(files);
  const result = analyze(loaded.dataset, { budget: 0.0002, bootstrapResamples: 50 });
  assert.ok(result.envelope.length >= PACK_FROM, `the envelope has ${result.envelope.length} vertices`);
  const snapshot: AnalysisSnapshot = { key: 'k', label: 'k', result, files: [], issues: [], status: 'idle', budget: 0.0002 };
  const message = createNotification(SnapshotNotification, { snapshot: toFrontierSnapshot(snapshot) });
  // Through two endpoints, as host and webview hold them.
  let sent: unknown;
  const host = new ProtocolEndpoint('host', (m) => (sent = m));
  const received: unknown[] = [];
  const webview = new ProtocolEndpoint(
    'webview',
    () => {},
    (d) => assert.fail(d),
  );
  webview.onNotification(SnapshotNotification, (p) => received.push(p));
  host.sendNotification(SnapshotNotification, message.params);
  const channel = editorChannel(sent);
  assert.equal(channel.typedArrays, 1);
  webview.receive(channel.delivered);
  assert.equal(received.length, 1);
  assert.deepStrictEqual(received[0], (jsonWire(message) as AnyMessage & { params: unknown }).params);
  // The envelope's vertices and their held-out figures, the bulk of a large analysis's snapshot, in under half the bytes.
  const { envelope } = result;
  const envelopeHoldout = (message.params.snapshot as { envelopeHoldout?: unknown[] }).envelopeHoldout;
  assert.ok(envelopeHoldout && envelopeHoldout.length === envelope.length);
  const bulk = { envelope, envelopeHoldout };
  const before = Buffer.byteLength(JSON.stringify(encodeNonFinite(bulk)));
  const packed = editorChannel(encodeWire(bulk, true));
  assert.ok(packed.textBytes + packed.binaryBytes < before / 2, `packed ${packed.textBytes} + ${packed.binaryBytes} bytes against ${before}`);
  assert.ok(channel.textBytes + channel.binaryBytes < Buffer.byteLength(JSON.stringify(encodeNonFinite(message))));
});
