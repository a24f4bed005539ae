import { closeSync, openSync, readSync } from 'node:fs';
import { decodeUtf8, parseJsonBounded } from './limits';

// A whole file given on the command line (a case to evaluate, a rates CSV), read under the same bounds
// as a JSON Lines line: never more than `maxBytes` + 1 bytes are read (so a huge file or a FIFO costs
// nothing), the text is strict UTF-8 (a UTF-8 BOM is accepted), and JSON is depth-checked before parsing.

/** A rates CSV read whole: years of daily rates for every pair fit many times over. */
export const MAX_CSV_FILE_BYTES = 16 * 1024 * 1024;

export type FileText = { ok: true; text: string } | { ok: false; reason: string };

/** Thrown only when the file cannot be opened or read at all; the limits are returned as reasons. */
export class UnreadableFile extends Error {
  override readonly name = 'UnreadableFile';
}

export function readTextBounded(file: string, maxBytes: number, what: string): FileText {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new UnreadableFile(`Cannot read ${file}.`);
  }
  try {
    // Read up to one byte past the limit, whatever fstat says (a pipe reports size 0).
    const buf = Buffer.alloc(Math.min(maxBytes + 1, 64 * 1024));
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, maxBytes + 1 - total), null);
      if (n === 0) break;
      parts.push(Buffer.from(buf.subarray(0, n)));
      total += n;
      if (total > maxBytes)
        return { ok: false, reason: `larger than the limit of ${maxBytes} bytes for ${what}; not read` };
    }
    const bytes = Buffer.concat(parts, total);
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const decoded = decodeUtf8(bytes.subarray(bom));
    return decoded.ok
      ? decoded
      : { ok: false, reason: `not valid UTF-8 at byte ${bom + decoded.offset + 1} of the file` };
  } catch {
    throw new UnreadableFile(`Cannot read ${file}.`);
  } finally {
    closeSync(fd);
  }
}

export type JsonFile = { ok: true; value: unknown } | { ok: false; reason: string };

/** A JSON document from a file: size, encoding and depth checked before JSON.parse sees it. */
export function readJsonFileBounded(file: string, maxBytes: number, what: string): JsonFile {
  const text = readTextBounded(file, maxBytes, what);
  if (!text.ok) return text;
  const parsed = parseJsonBounded(text.text);
  return parsed.ok ? parsed : { ok: false, reason: parsed.reason };
}
