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

/**
 * Splits a stream of buffers into lines on `\n` bytes, without decoding: a line that lies
 * within one chunk is passed as a view of it, only lines spanning chunks are copied (so the
 * chunks' buffers may be reused by the stream). A UTF-8 byte-order mark at the start is
 * dropped, a `\r` before `\n` too. An error of the stream goes to `handler.streamError`
 * when there is one, with the incomplete line it cut. Returns the number of lines. O(bytes).
 */
export async function splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number, handler: LineHandler): Promise<number> {
  let carry: Buffer[] = [];
  let carryLength = 0;
  let skipping = false;
  let skipped = 0;
  let lineNo = 1;
  let first = true;
  const emit = (buf: Buffer, start: number, end: number): void => {
    if (end > start && buf[end - 1] === 0x0d) end--;
    handler.line(buf, start, end, lineNo);
  };
  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await iterator.next();
    } catch (e) {
      if (!handler.streamError || (e instanceof Error && e.name === 'AbortError')) throw e;
      handler.streamError(lineNo, skipping ? undefined : Buffer.concat(carry, carryLength), e);
      return lineNo;
    }
    if (next.done) break;
    const chunk = next.value;
    let pos = 0;
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) pos = 3;
    }
    while (pos < chunk.length) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl === -1) {
        const rest = chunk.length - pos;
        if (skipping) skipped += rest;
        else if (carryLength + rest > maxLineBytes) {
          skipping = true;
          skipped = carryLength + rest;
          carry = [];
          carryLength = 0;
        } else {
          // A copy: the chunk's buffer may be refilled with the next chunk.
          carry.push(Buffer.from(chunk.subarray(pos)));
          carryLength += rest;
        }
        break;
      }
      const length = carryLength + (nl - pos);
      if (skipping) {
        handler.tooLong(lineNo, skipped + (nl - pos));
        skipping = false;
      } else if (length > maxLineBytes) {
        handler.tooLong(lineNo, length);
      } else if (carryLength > 0) {
        carry.push(chunk.subarray(pos, nl));
        emit(Buffer.concat(carry, length), 0, length);
      } else {
        emit(chunk, pos, nl);
      }
      // A new list only after a line that spanned chunks (most lines lie within one).
      if (carryLength > 0) {
        carry = [];
        carryLength = 0;
      }
      lineNo++;
      pos = nl + 1;
    }
  }
  if (skipping) handler.tooLong(lineNo, skipped);
  else if (carryLength > 0) emit(Buffer.concat(carry, carryLength), 0, carryLength);
  else return lineNo - 1;
  return lineNo;
}
