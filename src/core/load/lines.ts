/** Receives the lines of a byte stream. */
export interface LineHandler {
  /**
   * One line without its end (`\n` or `\r\n`): bytes `[start, end)` of `buf`, valid only
   * during the call. `lineNo` is 1-based.
   */
  line(buf: Buffer, start: number, end: number, lineNo: number): void;
  /** A line longer than the limit: skipped without ever being held whole. */
  tooLong(lineNo: number, bytes: number): void;
  /**
   * The stream failed (compressed data corrupt or cut short) in line `lineNo`, of which
   * `partial` was read: its bytes (empty when the stream failed at a line end; undefined
   * when the line was already over the length limit). Without this method the error
   * propagates.
   */
  streamError?(lineNo: number, partial: Buffer | undefined, error: unknown): void;
}

/** Where a stream's splitting stands between two chunks. */
class LineSplit {
  /** The start of the current line, from earlier chunks (copies). */
  carry: Buffer[] = [];
  carryLength = 0;
  /** The current line is over the limit: its bytes are counted, not kept. */
  skipping = false;
  skipped = 0;
  lineNo = 1;

  constructor(
    private readonly maxLineBytes: number,
    private readonly handler: LineHandler,
  ) {}

  /**
   * The lines that end in `chunk` from `pos` on go to the handler; the bytes after its last
   * line end are kept (or counted) for the next chunk. A function of its own, called for every
   * chunk of every file, so that the engine optimises it once, early, and keeps it: as a loop
   * inside `splitLines`, each file's call ran its first lines in the interpreter until the loop
   * was compiled again, and the code after the loop, first run after that, sent it back.
   */
  add(chunk: Buffer, pos: number): void {
    const handler = this.handler;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl === -1) {
        this.keep(chunk, pos);
        return;
      }
      const length = this.carryLength + (nl - pos);
      if (this.skipping) {
        handler.tooLong(this.lineNo, this.skipped + (nl - pos));
        this.skipping = false;
      } else if (length > this.maxLineBytes) {
        handler.tooLong(this.lineNo, length);
      } else if (this.carryLength > 0) {
        this.carry.push(chunk.subarray(pos, nl));
        emit(handler, Buffer.concat(this.carry, length), 0, length, this.lineNo);
      } else {
        emit(handler, chunk, pos, nl, this.lineNo);
      }
      // A new list only after a line that spanned chunks (most lines lie within one).
      if (this.carryLength > 0) {
        this.carry = [];
        this.carryLength = 0;
      }
      this.lineNo++;
      pos = nl + 1;
    }
  }

  /** Keeps `chunk` from `pos` on, the start of a line that goes on in the next chunk (or counts it, past the limit). */
  private keep(chunk: Buffer, pos: number): void {
    const rest = chunk.length - pos;
    if (this.skipping) this.skipped += rest;
    else if (this.carryLength + rest > this.maxLineBytes) {
      this.skipping = true;
      this.skipped = this.carryLength + rest;
      this.carry = [];
      this.carryLength = 0;
    } else {
      // A copy: the chunk's buffer may be refilled with the next chunk.
      this.carry.push(Buffer.from(chunk.subarray(pos)));
      this.carryLength += rest;
    }
  }

  /** The line the stream ended in (without a line end), if any; the number of lines. */
  end(): number {
    if (this.skipping) this.handler.tooLong(this.lineNo, this.skipped);
    else if (this.carryLength > 0) emit(this.handler, Buffer.concat(this.carry, this.carryLength), 0, this.carryLength, this.lineNo);
    else return this.lineNo - 1;
    return this.lineNo;
  }
}

/** Hands a line to the handler, without a `\r` before its end. */
function emit(handler: LineHandler, buf: Buffer, start: number, end: number, lineNo: number): void {
  if (end > start && buf[end - 1] === 0x0d) end--;
  handler.line(buf, start, end, lineNo);
}

/**
 * Splits a stream of buffers into lines on `\n` bytes, without decoding: a line that lies
 * within one chunk is passed as a view of it, only lines spanning chunks are copied (so the
 * chunks' buffers may be reused by the stream). A UTF-8 byte-order mark at the start is
 * dropped, a `\r` before `\n` too. An error of the stream goes to `handler.streamError`
 * when there is one, with the incomplete line it cut. Returns the number of lines. O(bytes).
 */
export async function splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number, handler: LineHandler): Promise<number> {
  const split = new LineSplit(maxLineBytes, handler);
  let first = true;
  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await iterator.next();
    } catch (e) {
      if (!handler.streamError || (e instanceof Error && e.name === 'AbortError')) throw e;
      handler.streamError(split.lineNo, split.skipping ? undefined : Buffer.concat(split.carry, split.carryLength), e);
      return split.lineNo;
    }
    if (next.done) break;
    const chunk = next.value;
    let pos = 0;
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) pos = 3;
    }
    split.add(chunk, pos);
  }
  return split.end();
}
