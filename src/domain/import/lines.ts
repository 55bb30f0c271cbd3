// Lines of an NDJSON stream with their numbers and the byte offset after each, so an import can
// record exactly where it stopped and a rerun can start reading there. Node's readline decodes
// first and cannot tell byte offsets (nor whether a line ended in \r\n), hence this splitter.

/** One line of a file: its text (no line ending), its number from 1 and the offset just past it. */
export interface FileLine {
  text: string;
  line: number;
  end: number;
}

const LF = 0x0a;

/**
 * Splits a byte stream into lines. `from` continues a file read from a checkpoint: the line number
 * and byte offset the stream starts at. A byte-order mark at the start of the file is dropped.
 */
export async function* fileLines(input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, from = { line: 0, offset: 0 }): AsyncGenerator<FileLine> {
  let carry: Buffer = Buffer.alloc(0);
  let offset = from.offset;
  let line = from.line;
  let first = from.offset === 0;
  for await (const piece of input) {
    let chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
        offset += 3;
      }
    }
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(LF, start); nl !== -1; nl = buf.indexOf(LF, start)) {
      const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      offset += nl + 1 - start;
      yield { text: buf.toString('utf8', start, end), line: ++line, end: offset };
      start = nl + 1;
    }
    carry = buf.subarray(start);
  }
  if (carry.length > 0) {
    const end = carry[carry.length - 1] === 0x0d ? carry.length - 1 : carry.length;
    yield { text: carry.toString('utf8', 0, end), line: ++line, end: offset + carry.length };
  }
}
