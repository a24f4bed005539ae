// The bounds every reader of untrusted text holds to (README "Security" lists them). Each is checked
// before the text is parsed, so a hostile line is refused by name without costing memory or a stack.

/** A JSON Lines line (a case, a feed item), and an IVMS101 document given on its own. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Arrays and objects nested inside one another in one line or document. */
export const MAX_JSON_DEPTH = 64;
// Strings inside a case's IVMS101 member: MAX_IVMS101_TEXT in src-shared/case.ts.
/** How much of a refused line the quarantine keeps for the analyst to look at. */
export const QUARANTINE_RAW_BYTES = 4096;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Scans JSON text for nesting deeper than `max`, in one linear pass that knows strings and escapes.
 * Returns the character index where the limit is passed, or -1. Nothing is parsed, so nothing recurses.
 */
export function nestingTooDeep(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // Most of a case's text is inside strings: jump to the next quote natively, then count the
      // backslashes before it (an odd number escapes it).
      const q = text.indexOf('"', i);
      if (q < 0) return -1;
      let slashes = 0;
      while (q - 1 - slashes >= i && text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
      i = q;
      if (slashes % 2 === 0) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return -1;
}

/** Byte offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = c & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export type Decoded = { ok: true; text: string } | { ok: false; reason: string; offset: number };

/** Strict UTF-8: a byte that is not UTF-8 is refused with its offset, never replaced with U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { ok: true, text: fatal.decode(bytes) };
  } catch {
    const offset = Math.max(0, firstInvalidUtf8(bytes));
    return {
      ok: false,
      offset,
      reason: `not valid UTF-8 (byte ${offset + 1} of the line, 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')})`,
    };
  }
}

/** What a quarantine keeps of a refused line: its start, readable, and never the whole of a huge one. */
export function quarantineExcerpt(bytes: Uint8Array): string {
  const head = bytes.length > QUARANTINE_RAW_BYTES ? bytes.subarray(0, QUARANTINE_RAW_BYTES) : bytes;
  return lossy.decode(head) + (bytes.length > QUARANTINE_RAW_BYTES ? `… (${bytes.length} bytes)` : '');
}

/** A JSON.parse message can quote the input; keep only where it broke. */
export function jsonErrorReason(e: unknown): string {
  const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
  return m ? `not valid JSON (at character ${Number(m[1]) + 1})` : 'not valid JSON';
}

export type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

/** JSON.parse behind the depth limit: deep input is refused before any parser or walker recurses into it. */
export function parseJsonBounded(text: string, maxDepth = MAX_JSON_DEPTH): Parsed {
  const deep = nestingTooDeep(text, maxDepth);
  if (deep >= 0) return { ok: false, reason: `nests deeper than ${maxDepth} levels (at character ${deep + 1})` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, reason: jsonErrorReason(e) };
  }
}
