/**
 * The line splitter against a plain split of the whole text on `\n`, for random texts cut into
 * random chunks: the lines and their numbers, the lines over the length limit, a `\r` before a
 * line end and a byte-order mark at the start dropped, and the count it returns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitLines } from '../../src/core/load/lines.ts';

type Event = readonly ['line', number, string] | readonly ['tooLong', number, number];

/** What the splitter must report for `text`, computed from the whole text at once. */
function expected(text: Buffer, max: number): { events: Event[]; count: number } {
  const bom = text.length >= 3 && text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf;
  const body = bom ? text.subarray(3) : text;
  const pieces: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0x0a) {
      pieces.push(body.subarray(from, i));
      from = i + 1;
    }
  }
  // The bytes after the last line end are a line of their own, unless there are none.
  if (from < body.length) pieces.push(body.subarray(from));
  const events = pieces.map((p, i): Event => {
    if (p.length > max) return ['tooLong', i + 1, p.length];
    const end = p.length > 0 && p[p.length - 1] === 0x0d ? p.length - 1 : p.length;
    return ['line', i + 1, p.subarray(0, end).toString('latin1')];
  });
  return { events, count: pieces.length };
}

async function split(chunks: Buffer[], max: number): Promise<{ events: Event[]; count: number }> {
  const events: Event[] = [];
  // One buffer refilled for every chunk, as the file reader does: a line the splitter holds across chunks must be its own copy.
  const shared = Buffer.alloc(chunks.reduce((most, c) => Math.max(most, c.length), 1));
  async function* stream(): AsyncGenerator<Buffer> {
    for (const c of chunks) {
      c.copy(shared);
      yield shared.subarray(0, c.length);
      shared.fill(0x21);
    }
  }
  const count = await splitLines(stream(), max, {
    line: (buf, start, end, lineNo) => void events.push(['line', lineNo, buf.toString('latin1', start, end)]),
    tooLong: (lineNo, bytes) => void events.push(['tooLong', lineNo, bytes]),
  });
  return { events, count };
}

/** `text` cut at `cuts` (positions, in any order), the first chunk holding at least its first three bytes (a file's first read does, and the byte-order mark is looked for there). */
function cut(text: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].filter((c) => c >= 3).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const c of [...at, text.length]) {
    if (c > from) chunks.push(Buffer.from(text.subarray(from, c)));
    from = c;
  }
  return chunks;
}

const piece = fc.constantFrom('a', 'bc', 'line', '\n', '\n', '\r\n', '\r', 'x'.repeat(30), '{"id": 1}', '');

test('lines cut into chunks anywhere come out as a split of the whole text', async () => {
  await fc.assert(
    fc.asyncProperty(fc.boolean(), fc.array(piece, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 1, max: 40 }), async (bom, parts, cuts, max) => {
      const text = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(parts.join(''), 'latin1')]);
      assert.deepEqual(await split(cut(text, cuts), max), expected(text, max));
    }),
    { numRuns: 1500 },
  );
});

test('many chunks of many files: each file split as on its own (the splitter keeps nothing between streams)', async () => {
  const text = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? 'y'.repeat(120) : `{"id": "q-${i}", "correct": ${i % 2}}`) + (i % 3 === 0 ? '\r\n' : '\n')).join(''), 'latin1');
  const want = expected(text, 100);
  for (const size of [1, 7, 100, 4096, text.length]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(Buffer.from(text.subarray(i, i + size)));
    assert.deepEqual(await split(chunks, 100), want, `chunks of ${size} bytes`);
  }
});
