/**
 * The byte-level JSON field scanner and the lenient parser against JSON.parse, on random
 * records: whatever line the scanner accepts, it must read exactly as JSON.parse does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDeferredText } from '../../src/core/load/deferredText.ts';
import { FlatJsonScanner, jsonKeys, recordFromObject } from '../../src/core/load/jsonScan.ts';
import { parseJsonLenient } from '../../src/core/load/jsonText.ts';
import { parseCsvRecord } from '../../src/core/load/csv.ts';
import type { RawRecord } from '../../src/core/types.ts';

const keys = jsonKeys('split');
const FIELDS = ['id', 'model', 'correct', 'score', 'confidence', 'cost', 'tokensIn', 'tokensOut', 'latencyMs', 'split', 'prompt', 'embedding'] as const;

/** A scanned value as plain data (deferred strings decoded). */
const plain = (v: unknown): unknown => (isDeferredText(v) ? v.text() : v);

// One scanner for every line, as a reader uses it (it remembers the previous line's keys).
const scanner = new FlatJsonScanner(keys);

function scan(line: string): Record<string, unknown> | undefined {
  const buf = Buffer.from(line, 'utf8');
  if (!scanner.scan(buf, 0, buf.length)) return undefined;
  return Object.fromEntries(FIELDS.map((f) => [f, plain(scanner.record[f])]));
}

function reference(line: string): Record<string, unknown> {
  const r: RawRecord = recordFromObject(JSON.parse(line) as Record<string, unknown>, keys);
  return Object.fromEntries(FIELDS.map((f) => [f, r[f]]));
}

const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.integer({ min: -99999, max: 99999 }).map((n) => n / 1000),
  fc.constantFrom(0, -0, 1e-7, 2.6800000000000004e-5, 0.00033000000000000005, 123456789012345680000, 5e-324, 1.7976931348623157e308),
);
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'a"b', 'back\\slash', 'line\nbreak', 'tab\t', 'é€𝄞', '\u0000'));
const value = fc.oneof(number, text, fc.boolean(), fc.constant(null), fc.array(number, { maxLength: 4 }));
const recordArb = fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 6 })), value, { maxKeys: 8 });

test('the scanner reads every line it accepts exactly as JSON.parse does', () => {
  let tried = 0;
  let accepted = 0;
  fc.assert(
    fc.property(recordArb, fc.constantFrom('', ' ', '  '), (obj, space) => {
      // Python writes `", "` and `": "`; JSON.stringify writes no spaces. Both must scan alike.
      const compact = JSON.stringify(obj);
      const spaced = space === '' ? compact : JSON.stringify(obj, null, 0).replace(/,"/g, `,${space}"`).replace(/":/g, `":${space}`);
      for (const line of [compact, spaced]) {
        let expected: Record<string, unknown>;
        try {
          expected = reference(line);
        } catch {
          continue; // the space trick can land inside a string only when it stays valid JSON; skip otherwise
        }
        const got = scan(line);
        tried++;
        if (got === undefined) continue; // handed to JSON.parse: fine
        accepted++;
        for (const f of FIELDS) assert.ok(Object.is(got[f], expected[f]) || JSON.stringify(got[f]) === JSON.stringify(expected[f]), `${f} of ${line}`);
      }
    }),
    { numRuns: 2000 },
  );
  // Most random records are flat: the comparison must have covered them, not only the fallback.
  assert.ok(accepted > tried / 3, `${accepted} of ${tried} accepted`);
});

test('the scanner accepts the usual record shape (it must not fall back on common files)', () => {
  const line = '{"id": "mmlu-test-00017", "split": "test", "prompt": "Q: \\"x\\"\\nA:", "correct": 1, "confidence": -0.0123, "cost": 0.000366, "latency_ms": 461.4, "tokens_in": 120, "tokens_out": 1}';
  assert.deepEqual(scan(line), reference(line));
});

test('lines with more keys than the scanner first makes room for, and more models and labels than it interns, read as JSON.parse does', () => {
  // The scanner keeps the previous line's keys in 32 places at first and interns 16 strings of each kind.
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const extra = Object.fromEntries(Array.from({ length: i % 3 === 0 ? 40 : 3 }, (_, k) => [`extra_${(k + i) % 45}`, k % 2 === 0 ? k : `v${k}`]));
    const known = { id: `q-${i}`, model: `model-${i % 20}`, split: `label-${i % 18}`, correct: i % 2, confidence: -i / 7, cost: i * 1e-5, latency_ms: 100 + i };
    // Known keys before, among and after the others, so that the key expected at each place changes from line to line.
    const entries = [...Object.entries(known), ...Object.entries(extra)];
    if (i % 2 === 1) entries.reverse();
    lines.push(JSON.stringify(Object.fromEntries(entries)));
  }
  for (const line of [...lines, ...lines]) assert.deepEqual(scan(line), reference(line), line);
});

test('numbers: the fast path gives the same double as JSON.parse', () => {
  fc.assert(
    fc.property(number, (x) => {
      const line = `{"cost": ${JSON.stringify(x)}}`;
      assert.ok(Object.is(scan(line)!.cost, JSON.parse(line).cost));
    }),
    { numRuns: 5000 },
  );
  for (const t of ['1E5', '1e+5', '-0.0', '123.456e-7', '0.1', '9007199254740993', '1.00000000000000011102230246251565404236316680908203125']) {
    assert.ok(Object.is(scan(`{"cost": ${t}}`)!.cost, Number(t)), t);
  }
});

test('numbers with more digits than a double holds: the same double as Number, read again and again', () => {
  // Such texts are remembered by their bytes (costs repeat): every one read twice, in a random
  // order, among many more texts than there are slots, must still give Number's value.
  const digits = fc.stringMatching(/^[1-9][0-9]{15,24}$/);
  const long = fc.tuple(fc.boolean(), digits, fc.integer({ min: 0, max: 30 }), fc.integer({ min: -40, max: 40 })).map(([neg, d, point, exp]) => {
    const at = Math.min(point, d.length - 1);
    const mantissa = at === 0 ? d : `${d.slice(0, d.length - at)}.${d.slice(d.length - at)}`;
    return `${neg ? '-' : ''}${mantissa}${exp === 0 ? '' : `e${exp}`}`;
  });
  fc.assert(
    fc.property(fc.array(long, { minLength: 1, maxLength: 6000 }), (texts) => {
      for (const t of [...texts, ...texts.reverse()]) assert.ok(Object.is(scan(`{"cost": ${t}}`)!.cost, Number(t)), t);
    }),
    { numRuns: 5 },
  );
  // Texts that differ in one digit, in the sign or the exponent (the same hash slot or not).
  const near = [
    '0.000026850000000000002',
    '0.000026850000000000003',
    '-0.000026850000000000002',
    '0.000026850000000000002e1',
    '0.00002685000000000000',
    '2.6850000000000002e-5',
    '0.1000000000000000055511151231257827',
    '1.00000000000000011102230246251565404236316680908203125',
  ];
  for (let round = 0; round < 3; round++) for (const t of near) assert.ok(Object.is(scan(`{"cost": ${t}}`)!.cost, Number(t)), t);
});

test('the scanner gives up on what is not a flat record or not valid JSON', () => {
  for (const line of ['{"a": {"b": 1}, "id": "x"}', '{"id": "x",}', '{"id": 01}', '{"id": .5}', '{"id": "x"} trailing', '{"i\\u0064": "x"}', '{"id": "unterminated}', '{"cost": 1.}', '{"cost": -}']) {
    assert.equal(scan(line), undefined, line);
  }
});

test('the lenient parser agrees with JSON.parse on valid JSON and reads NaN and Infinity', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const line = JSON.stringify(v);
      const r = parseJsonLenient(line);
      assert.ok(r.ok);
      assert.deepEqual(r.value, JSON.parse(line));
    }),
    { numRuns: 500 },
  );
  const r = parseJsonLenient('{"a": NaN, "b": [Infinity, -Infinity]}');
  assert.ok(r.ok);
  assert.deepEqual(r.value, { a: NaN, b: [Infinity, -Infinity] });
});

test('the lenient parser rejects every string JSON.parse rejects (other than NaN and Infinity tokens)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 12, unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', '-', '.', 'e', 't', 'n', ' ', '\\', 'a') }), (s) => {
      let valid = true;
      try {
        JSON.parse(s);
      } catch {
        valid = false;
      }
      assert.equal(parseJsonLenient(s).ok, valid, s);
    }),
    { numRuns: 3000 },
  );
});

test('CSV records: quoted fields, doubled quotes, delimiters', () => {
  assert.deepEqual(parseCsvRecord('a,"b,c","d""e",', ','), ['a', 'b,c', 'd"e', '']);
  assert.deepEqual(parseCsvRecord('"x\ny"\t2', '\t'), ['x\ny', '2']);
  assert.deepEqual(parseCsvRecord('', ','), ['']);
  assert.equal(parseCsvRecord('"open', ','), 'a quoted field is not closed');
});
