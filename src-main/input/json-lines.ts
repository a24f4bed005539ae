import { decodeUtf8, MAX_LINE_BYTES, QUARANTINE_RAW_BYTES, quarantineExcerpt } from './limits';

// Reads JSON Lines as bytes, so the limits hold before anything is decoded or parsed: a line past
// MAX_LINE_BYTES is refused while it streams in (only its first few KiB are kept, for the
// quarantine), each line is decoded as strict UTF-8 on its own, and a UTF-8 BOM at the start of the
// file is accepted (editors on Windows write one). Memory stays at one line whatever the file holds.

export type JsonLine =
  { ok: true; line: number; text: string } | { ok: false; line: number; reason: string; raw: string };

const NL = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf] as const;

export async function* readJsonLines(
  source: AsyncIterable<Uint8Array>,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<JsonLine> {
  let pieces: Uint8Array[] = [];
  let size = 0; // bytes of the current line seen so far, kept or not
  let kept = 0; // bytes of it held in `pieces`
  let line = 0;
  let start = true;
  let fileOffset = 0; // of the current line's first byte

  const finish = (): JsonLine | null => {
    line++;
    const lineStart = fileOffset;
    fileOffset += size + 1;
    const total = size;
    const bytes = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, kept);
    pieces = [];
    size = 0;
    kept = 0;
    if (total > maxLineBytes) {
      return {
        ok: false,
        line,
        reason: `line is ${total} bytes, longer than the limit of ${maxLineBytes} bytes; not read`,
        raw: quarantineExcerpt(bytes),
      };
    }
    const body = bytes.length && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
    const decoded = decodeUtf8(body);
    if (!decoded.ok)
      return {
        ok: false,
        line,
        reason: `${decoded.reason}; byte ${lineStart + decoded.offset + 1} of the file`,
        raw: quarantineExcerpt(body),
      };
    if (decoded.text.trim() === '') return null;
    return { ok: true, line, text: decoded.text };
  };

  const keep = (part: Uint8Array) => {
    size += part.length;
    // Past the limit only the head is kept: the line will be refused, and the quarantine shows its start.
    const room = (size - part.length > maxLineBytes ? QUARANTINE_RAW_BYTES : maxLineBytes + 1) - kept;
    if (room > 0) {
      const slice = part.length > room ? part.subarray(0, room) : part;
      // A copy: the stream may reuse its buffer, and a kept subarray would pin the whole chunk.
      pieces.push(Uint8Array.prototype.slice.call(slice) as Uint8Array);
      kept += slice.length;
    }
  };

  for await (const chunk of source) {
    let c = chunk;
    if (start) {
      start = false;
      if (c.length >= 3 && c[0] === BOM[0] && c[1] === BOM[1] && c[2] === BOM[2]) {
        c = c.subarray(3);
        fileOffset = 3;
      }
    }
    let from = 0;
    for (let nl = c.indexOf(NL, from); nl !== -1; nl = c.indexOf(NL, from)) {
      keep(c.subarray(from, nl));
      const item = finish();
      if (item) yield item;
      from = nl + 1;
    }
    if (from < c.length) keep(c.subarray(from));
  }
  if (size > 0) {
    const item = finish();
    if (item) yield item;
  }
}
