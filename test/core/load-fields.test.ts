/**
 * Reading a record's fields (src/core/load/fields.ts), value by value: what each field parser
 * returns and which problem it records, by code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAbsent, isBlank, numeric, parseQuality, requiredNumber, tokenCount } from '../../src/core/load/fields.ts';
import type { Problem } from '../../src/core/load/messages.ts';
import type { RawRecord } from '../../src/core/types.ts';
import { blankRecord } from '../../src/core/load/sink.ts';

const record = (fields: Partial<RawRecord>): RawRecord => ({ ...blankRecord(), ...fields });
/** The value a parser returns and the codes of the problems it recorded. */
function run<T>(parse: (problems: Problem[]) => T): [T, string[]] {
  const problems: Problem[] = [];
  const value = parse(problems);
  return [value, problems.map((p) => p.code)];
}

test('numeric: JSON numbers, numbers written as text, spelled-out non-finite values; absent or not a number', () => {
  assert.equal(numeric(3), 3);
  assert.equal(numeric(' 2.5 '), 2.5);
  assert.equal(numeric('-1e-3'), -0.001);
  assert.equal(numeric('.5'), 0.5);
  assert.ok(Number.isNaN(numeric('nan')));
  assert.equal(numeric('-Inf'), -Infinity);
  assert.equal(numeric('+infinity'), Infinity);
  assert.equal(numeric(''), undefined);
  assert.equal(numeric(undefined), undefined);
  assert.equal(numeric('abc'), null);
  assert.equal(numeric('1,5'), null);
  assert.equal(numeric(true), null);
  assert.equal(numeric(null), null);
});

test('isBlank and isAbsent: an empty cell is blank; null is absent but not blank', () => {
  assert.deepEqual([undefined, '', '  ', null, 0, 'x'].map(isBlank), [true, true, true, false, false, false]);
  assert.deepEqual([undefined, '', '  ', null, 0, 'x'].map(isAbsent), [true, true, true, true, false, false]);
});

test('parseQuality: correct as a boolean, 0/1 or true/false text, else score in [0, 1]', () => {
  assert.deepEqual(
    run((p) => parseQuality(record({ correct: true }), p)),
    [1, []],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ correct: ' False ' }), p)),
    [0, []],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ correct: '1' }), p)),
    [1, []],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ correct: 0 }), p)),
    [0, []],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ correct: 2 }), p)),
    [undefined, ['invalid-correct']],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ correct: 'inf' }), p)),
    [undefined, ['not-finite']],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ score: 0.25 }), p)),
    [0.25, []],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ correct: null, score: '0.75' }), p)),
    [0.75, []],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ score: 1.5 }), p)),
    [undefined, ['score-range']],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ score: 'high' }), p)),
    [undefined, ['not-a-number']],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({}), p)),
    [undefined, ['missing-quality']],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ correct: null }), p)),
    [undefined, ['invalid-correct']],
  );
  assert.deepEqual(
    run((p) => parseQuality(record({ score: null }), p)),
    [undefined, ['not-a-number']],
  );
});

test('requiredNumber: finite numbers only, absence left to the caller', () => {
  assert.deepEqual(
    run((p) => requiredNumber('cost', '0.1', p)),
    [0.1, []],
  );
  assert.deepEqual(
    run((p) => requiredNumber('cost', undefined, p)),
    [undefined, []],
  );
  assert.deepEqual(
    run((p) => requiredNumber('cost', 'x', p)),
    [undefined, ['not-a-number']],
  );
  assert.deepEqual(
    run((p) => requiredNumber('cost', Infinity, p)),
    [undefined, ['not-finite']],
  );
});

test('tokenCount: required token counts are checked; optional ones are kept only when valid', () => {
  assert.deepEqual(
    run((p) => tokenCount('tokens_in', '120', true, p)),
    [120, []],
  );
  assert.deepEqual(
    run((p) => tokenCount('tokens_in', -1, true, p)),
    [undefined, ['negative-tokens']],
  );
  assert.deepEqual(
    run((p) => tokenCount('tokens_in', 'many', true, p)),
    [undefined, ['not-a-number']],
  );
  assert.deepEqual(
    run((p) => tokenCount('tokens_in', 'nan', true, p)),
    [undefined, ['not-finite']],
  );
  assert.deepEqual(
    run((p) => tokenCount('tokens_in', -1, false, p)),
    [undefined, []],
  );
  assert.deepEqual(
    run((p) => tokenCount('tokens_in', 7, false, p)),
    [7, []],
  );
  assert.deepEqual(
    run((p) => tokenCount('tokens_in', null, true, p)),
    [undefined, []],
  );
});
