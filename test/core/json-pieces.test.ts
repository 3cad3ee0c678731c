import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { writeResultJson } from '../../src/core/format/json.ts';
import { outJson, type CliIO } from '../../src/cli/io.ts';
import { analyze } from '../../src/core/analyze.ts';
import { makeDataset } from '../support/dataset.ts';

/** The reference: JSON.stringify with the same rule for non-finite numbers, written here. */
const reference = (value: unknown, indent = 2): string | undefined => JSON.stringify(value, (_key, v: unknown) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v), indent);

/** The pieces `writeResultJson` writes, and the text they make. */
function pieces(value: unknown, indent = 2, pieceChars = 1 << 16): { text: string; parts: string[] } {
  const parts: string[] = [];
  writeResultJson(value, (p) => parts.push(p), indent, pieceChars);
  return { text: parts.join(''), parts };
}

class Dated {
  constructor(readonly at: number) {}
  toJSON(key: string): unknown {
    return { at: this.at, key };
  }
}

const CASES: [string, unknown][] = [
  ['numbers', [0, -0, 1, -1, 0.1, 1e21, 1e-7, 1.5e-7, 123456789012345680000, 5e-324, Number.MAX_VALUE, -1e-7, 2 ** 53, 1 / 3]],
  ['non-finite', { a: NaN, b: Infinity, c: -Infinity, d: [NaN, Infinity, -Infinity], e: { f: -Infinity } }],
  ['left out', { a: undefined, b: () => 1, c: Symbol('s'), d: 1, [Symbol('k')]: 2, e: [undefined, () => 1, Symbol('t')] }],
  ['all left out', { a: undefined, b: { c: undefined } }],
  ['empty', { a: {}, b: [], c: [[]], d: [{}], e: '' }],
  ['nested', { a: [[1, [2, [3, { b: [4, { c: null }] }]]]], d: { e: { f: { g: [true, false, null] } } } }],
  ['unicode', { ключ: 'значение', emoji: '😀 \u{1F600}', lone: '\uD800', ctl: '\u0000\u001f\n\t"\\', 'quote"key': '\u2028\u2029', ü: 'ß' }],
  ['toJSON', { when: new Date(Date.UTC(2026, 10, 30, 10, 0, 0)), custom: new Dated(3), list: [new Dated(4)] }],
  ['boxed', { n: Object(5), s: Object('x'), b: Object(false), inf: Object(Infinity) }],
  ['typed array', { t: Float64Array.of(1, -0, NaN, Infinity), u: Uint8Array.of(3) }],
  ['sparse', [1, , 3]], // eslint-disable-line no-sparse-arrays
  ['top-level string', 'a "string"'],
  ['top-level number', -0],
  ['top-level infinity', -Infinity],
  ['top-level null', null],
  // Array elements written whole where that gives the same text, walked where not.
  ['elements', [{ a: Infinity }, { b: [-Infinity, 1] }, { c: 'null' }, { d: 1, e: [{ f: 2 }] }, [1, [2]], { g: new Dated(5) }, new Dated(6), { h: undefined, i: () => 1 }, {}, []]],
  // Runs of elements written whole inside arrays and objects three deep, broken by a null and an infinity.
  ['runs deep', { a: { b: [{ x: 1 }, { y: [2, { z: 3 }] }, { n: null }, { w: -Infinity }, { v: 'ok' }, [{ u: 1 }, { t: 2 }], {}, []] }, c: [[[{ d: 1 }, { e: 2 }]]] }],
  ['numeric keys', { 2: 'b', 1: 'a', x: 'c', '-1': 'd' }],
];

test('writeResultJson: the same text as JSON.stringify with non-finite numbers as strings, at every indent', () => {
  for (const [name, value] of CASES) {
    for (const indent of [2, 0, 4]) {
      assert.equal(pieces(value, indent).text, reference(value, indent), `${name}, indent ${indent}`);
      // Pieces of a few characters: each flush lands at another place in the text.
      assert.equal(pieces(value, indent, 3).text, reference(value, indent), `${name}, indent ${indent}, small pieces`);
    }
  }
});

test('writeResultJson: writes nothing where JSON.stringify gives undefined, and throws as it does on a BigInt', () => {
  assert.deepEqual(pieces(undefined).parts, []);
  assert.deepEqual(pieces(() => 1).parts, []);
  assert.throws(() => pieces({ a: 1n }), TypeError);
  assert.throws(() => JSON.stringify({ a: 1n }), TypeError);
});

test('writeResultJson: pieces stay near the piece size, not one string', () => {
  const value = { rows: Array.from({ length: 5000 }, (_, i) => ({ i, x: i / 7, name: `row ${i}` })) };
  const { text, parts } = pieces(value, 2, 4096);
  assert.equal(text, reference(value));
  assert.ok(parts.length > text.length / 8192, `${parts.length} pieces for ${text.length} characters`);
  // A piece is written once it reaches the size: at most the size plus one member's text.
  for (const p of parts) assert.ok(p.length < 4096 + 200, `a piece of ${p.length}`);
});

test('writeResultJson: random JSON-like values give the same text as JSON.stringify', () => {
  const leaf = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e21, 1e-7, undefined, null, true, false), fc.string({ unit: 'binary' }));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 5 }),
    object: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  }));
  fc.assert(
    fc.property(value, fc.integer({ min: 1, max: 64 }), (v, size) => {
      // A top-level undefined: JSON.stringify gives undefined, and nothing is written.
      assert.equal(pieces(v, 2, size).text, reference(v) ?? '');
    }),
    { numRuns: 300, seed: 20261130 },
  );
});

test('outJson: an analysis result printed in pieces is resultJson of it and a newline', async () => {
  const ds = makeDataset({
    cheap: { q: [0, 1, 1, 0, 1, 1, 0, 1], s: [-Infinity, 0.2, 0.9, 0.1, 0.8, Infinity, 0.3, 0.7], c: [1, 1, 1, 1, 1, 1, 1, 1] },
    strong: { q: [1, 1, 1, 1, 0, 1, 1, 1], s: [0, 0, 0, 0, 0, 0, 0, 0], c: [9, 9, 9, 9, 9, 9, 9, 9] },
  });
  const result = analyze(ds, { budget: 4, bootstrapResamples: 20 });
  const written: string[] = [];
  const whole: string[] = [];
  const streamed: CliIO = { out: () => assert.fail('out is not used'), err: () => {}, write: (t) => void written.push(t) };
  const plain: CliIO = { out: (t) => whole.push(t), err: () => {} };
  await outJson(streamed, result);
  await outJson(plain, result);
  assert.equal(written.join(''), `${reference(result)}\n`);
  assert.deepEqual(whole, [reference(result)]);
});

test('outJson: waits for a write that says the output is behind before writing the next piece', async () => {
  const value = { rows: Array.from({ length: 20000 }, (_, i) => ({ i, name: `row ${i}`, x: [i / 3, -i] })) };
  const written: string[] = [];
  let waiting = false;
  const io: CliIO = {
    out: () => assert.fail('out is not used'),
    err: () => {},
    write: (t) => {
      assert.ok(!waiting, 'no piece is written while the previous one waits');
      written.push(t);
      if (written.length % 2 === 0) return undefined;
      waiting = true;
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          waiting = false;
          resolve();
        }),
      );
    },
  };
  await outJson(io, value);
  assert.ok(written.length > 10, `${written.length} pieces`);
  assert.equal(written.join(''), `${reference(value)}\n`);
});

test('writeResultJson: arrays whose elements often hold a null or an infinity (walked) among others (written whole) give the same text', () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    i,
    lambda: i % 3 === 0 ? null : i / 7,
    cost: i % 11 === 0 ? Infinity : i * 1e-6,
    deep: i % 13 === 0 ? { t: [-Infinity] } : { t: [i] },
    tag: i % 17 === 0 ? 'null' : `p${i}`,
  }));
  const value = { families: [{ points: rows }, { points: rows.slice(0, 100) }], all: rows.filter((r) => r.lambda !== null) };
  for (const size of [64, 4096, 1 << 16]) assert.equal(pieces(value, 2, size).text, reference(value), `piece size ${size}`);
});
