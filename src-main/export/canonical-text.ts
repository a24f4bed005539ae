// Stored JSON text put in canonical form (RFC 8785) without parsing it into values (issue 21). What the
// store holds was written by JSON.stringify (our check results) or received compact (IVMS101, the
// backend's AML and counterparty): its strings and numbers are already as RFC 8785 writes them, only
// its objects' members are in the order they were made. So one pass over the text finds each token,
// checks it is in canonical form, and puts each object's members in order by moving slices of the text:
// no value is built, nothing is re-serialised. Anything it does not handle — whitespace, an escape, a
// control character, a surrogate, a number not in its shortest form, a duplicate key, deep nesting,
// text that is not JSON — gives null, and the caller parses and writes the text as before
// (canonicalLine), so the bytes are those for ANY stored text (canonical-text.test.ts, differential).

/**
 * Characters a canonical text never holds raw (a control character is escaped, a lone surrogate too) or
 * that this scanner leaves to the old path (any surrogate, even a pair). Escapes (a backslash) are read.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const SPECIAL = /[\u0000-\u001f\ud800-\udfff]/;

/** Nesting handled here; deeper text (never ours: IVMS101 nests about ten) takes the old path. */
const MAX_DEPTH = 128;

/** Where a value sits: a Travel Rule result's `sides[*].sources` can be a reference to put back. */
const enum Role {
  Plain,
  Top,
  Sides,
  Side,
  Sources,
}

let s = '';
let i = 0;
let ok = true;
/** The next backslash at or after i (Infinity: none), so a string without one costs one indexOf. */
let backslash = Infinity;
let resolve: ((ref: string) => string | undefined) | undefined;
let wanted: string | undefined;
let member: string | undefined;

/** Each object's members while it is read, on stacks shared by every level (no arrays per object). */
const keys: string[] = [];
let spans = new Int32Array(3 * 256); // per member: where its key starts, its value starts, its value ends
const changes: (string | null)[] = [];
let top = 0;
let order = new Int32Array(256);

/**
 * Members sorted by insertion at most (quadratic: a received payload may hold an object of 100,000
 * members within the intake's 1 MiB line, and the export must not stall on it); more by sort().
 */
const INSERTION_SORT_MAX = 64;

export interface CanonicalScan {
  /** The value in canonical form. */
  text: string;
  /** The text of the top-level object's member named `member`, as stored (undefined: no such member). */
  member: string | undefined;
}

/**
 * `text` in canonical form, or null when it must be parsed and written as before. `sources`: a Travel
 * Rule result's reference resolver; a string value at `sides[*].sources` it knows is replaced by the
 * canonical text it returns, as export/format.ts expandSources does on the parsed value. `member`: a
 * top-level member whose stored text the caller reads too (a Travel Rule result's `unverified`).
 */
export function canonicalScan(
  text: string,
  opts: { sources?: (ref: string) => string | undefined; member?: string } = {},
): CanonicalScan | null {
  if (SPECIAL.test(text)) return null;
  s = text;
  i = 0;
  ok = true;
  backslash = nextBackslash(0);
  resolve = opts.sources;
  wanted = opts.member;
  member = undefined;
  top = 0;
  const out = value(0, Role.Top);
  const done = ok && i === text.length;
  const found = member;
  s = '';
  resolve = undefined;
  wanted = undefined;
  member = undefined;
  keys.length = 0;
  changes.length = 0;
  return done ? { text: out ?? text, member: found } : null;
}

/** `text` in canonical form, or null when it must be parsed and written as before (see canonicalScan). */
export function canonicalText(text: string): string | null {
  return canonicalScan(text)?.text ?? null;
}

function nextBackslash(from: number): number {
  const b = s.indexOf('\\', from);
  return b < 0 ? Infinity : b;
}

function fail(): null {
  ok = false;
  return null;
}

/**
 * Ends the string whose opening quote is at i; false where it is not in canonical form. An escape is
 * canonical when JSON.stringify writes it (ECMAScript QuoteJSONString, RFC 8785 §3.2.2.2): \" \\ \b \f
 * \n \r \t, and \u00xx in lower case for any other control character; \/, \u0041 and the like are not.
 * An escaped surrogate takes the old path.
 */
function string(): boolean {
  let at = i + 1;
  for (;;) {
    const end = s.indexOf('"', at);
    if (end < 0) return false;
    if (backslash > end) {
      i = end + 1;
      return true;
    }
    const b = backslash;
    const c = s.charCodeAt(b + 1);
    if (c === 0x75 /* u */) {
      if (s.charCodeAt(b + 2) !== 0x30 || s.charCodeAt(b + 3) !== 0x30) return false;
      const hi = s.charCodeAt(b + 4);
      const lo = s.charCodeAt(b + 5);
      const h = hi === 0x30 ? 0 : hi === 0x31 ? 16 : -1;
      const l = lo >= 0x30 && lo <= 0x39 ? lo - 0x30 : lo >= 0x61 && lo <= 0x66 ? lo - 0x57 : -1;
      if (h < 0 || l < 0) return false;
      const code = h + l;
      if (code === 8 || code === 9 || code === 10 || code === 12 || code === 13) return false;
      at = b + 6;
    } else if (c === 0x22 || c === 0x5c || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) {
      at = b + 2;
    } else return false;
    backslash = nextBackslash(at);
  }
}

/** Scans the value at i; returns its canonical text where it differs from the text read, else null. */
function value(depth: number, role: Role): string | null {
  const c = s.charCodeAt(i);
  if (c === 0x22 /* " */) {
    const start = i;
    if (!string()) return fail();
    if (role === Role.Sources && resolve) {
      // An escaped reference is never one the store wrote: the old path decides (it decodes first).
      if (backslash < i) return fail();
      return resolve(s.slice(start + 1, i - 1)) ?? null;
    }
    return null;
  }
  if (c === 0x7b /* { */) return object(depth, role);
  if (c === 0x5b /* [ */) return array(depth, role);
  if (c === 0x74 /* t */) return literal('true');
  if (c === 0x66 /* f */) return literal('false');
  if (c === 0x6e /* n */) return literal('null');
  if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return number();
  return fail();
}

function literal(word: string): null {
  if (!s.startsWith(word, i)) return fail();
  i += word.length;
  return null;
}

/**
 * A number as RFC 8785 writes it (ECMAScript's Number to String, §3.2.2.3): the text is that of the
 * double it reads as. A short integer without a leading zero always is; otherwise the test says so
 * (it refuses "1.0", "-0", "1e21", "1E+21", "01", "0x1", which the old path writes otherwise or refuses).
 */
function number(): null {
  const start = i;
  let digitsOnly = true;
  for (;;) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) i++;
    else if (c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) {
      if (i > start || c !== 0x2d) digitsOnly = false;
      i++;
    } else break;
  }
  const neg = s.charCodeAt(start) === 0x2d ? 1 : 0;
  const n = i - start - neg;
  if (digitsOnly && n > 0 && n <= 15 && (n === 1 || s.charCodeAt(start + neg) !== 0x30)) {
    return neg === 1 && n === 1 && s.charCodeAt(start + 1) === 0x30 ? fail() : null; // "-0" is written "0"
  }
  const t = s.slice(start, i);
  return String(Number(t)) === t ? null : fail();
}

function array(depth: number, role: Role): string | null {
  if (depth >= MAX_DEPTH) return fail();
  const open = i++;
  if (s.charCodeAt(i) === 0x5d /* ] */) {
    i++;
    return null;
  }
  const itemRole = role === Role.Sides ? Role.Side : Role.Plain;
  let out: string | null = null; // built only once an item changed
  let copied = open;
  for (;;) {
    const start = i;
    const r = value(depth + 1, itemRole);
    if (!ok) return null;
    if (r !== null) {
      out = (out ?? '') + s.slice(copied, start) + r;
      copied = i;
    }
    const c = s.charCodeAt(i);
    if (c === 0x2c /* , */) i++;
    else if (c === 0x5d /* ] */) {
      i++;
      return out === null ? null : out + s.slice(copied, i);
    } else return fail();
  }
}

function object(depth: number, role: Role): string | null {
  if (depth >= MAX_DEPTH) return fail();
  i++;
  if (s.charCodeAt(i) === 0x7d /* } */) {
    i++;
    return null;
  }
  const base = top;
  let inOrder = true;
  let anyChanged = false;
  let prev = '';
  for (;;) {
    if (s.charCodeAt(i) !== 0x22) return fail();
    const keyEnd = s.indexOf('"', i + 1);
    // A key with an escape is compared by what it decodes to: the old path's business.
    if (keyEnd < 0 || backslash < keyEnd || s.charCodeAt(keyEnd + 1) !== 0x3a /* : */) return fail();
    const key = s.slice(i + 1, keyEnd);
    // JavaScript's < on strings compares UTF-16 code units: RFC 8785 §3.2.3's order, and sort()'s.
    if (top > base && !(prev < key)) {
      if (prev === key) return fail(); // a duplicate: JSON.parse keeps the last, the old path decides
      inOrder = false;
    }
    prev = key;
    const memberStart = i;
    i = keyEnd + 2;
    const valueStart = i;
    const childRole =
      role === Role.Top && key === 'sides' && resolve
        ? Role.Sides
        : role === Role.Side && key === 'sources'
          ? Role.Sources
          : Role.Plain;
    const r = value(depth + 1, childRole);
    if (!ok) return null;
    if (role === Role.Top && key === wanted) member = s.slice(valueStart, i);
    if (r !== null) anyChanged = true;
    if (3 * top + 3 > spans.length) {
      const grown = new Int32Array(2 * spans.length);
      grown.set(spans);
      spans = grown;
    }
    spans[3 * top] = memberStart;
    spans[3 * top + 1] = valueStart;
    spans[3 * top + 2] = i;
    keys[top] = key;
    changes[top] = r;
    top++;
    const c = s.charCodeAt(i);
    if (c === 0x2c) i++;
    else if (c === 0x7d) {
      i++;
      break;
    } else return fail();
  }
  const n = top - base;
  if (inOrder && !anyChanged) {
    top = base;
    return null;
  }
  if (n > INSERTION_SORT_MAX) return sortedMembers(base, n);
  if (n > order.length) order = new Int32Array(2 * n);
  // Insertion sort of the members by key: an object has a few, and most are nearly in order.
  for (let k = 0; k < n; k++) {
    const m = base + k;
    const key = keys[m]!;
    let j = k - 1;
    while (j >= 0 && keys[order[j]!]! > key) {
      order[j + 1] = order[j]!;
      j--;
    }
    if (j >= 0 && keys[order[j]!] === key) return fail(); // a duplicate
    order[j + 1] = m;
  }
  let out = '{';
  for (let k = 0; k < n; k++) {
    const m = order[k]!;
    if (k > 0) out += ',';
    const r = changes[m]!;
    out += r === null ? s.slice(spans[3 * m]!, spans[3 * m + 2]) : s.slice(spans[3 * m]!, spans[3 * m + 1]) + r;
  }
  top = base;
  return out + '}';
}

/** An object of many members written in key order (see INSERTION_SORT_MAX); null where two keys are equal. */
function sortedMembers(base: number, n: number): string | null {
  const idx = Array.from({ length: n }, (_, k) => base + k);
  idx.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  let out = '{';
  for (let k = 0; k < n; k++) {
    const m = idx[k]!;
    if (k > 0 && keys[idx[k - 1]!] === keys[m]) return fail(); // a duplicate
    if (k > 0) out += ',';
    const r = changes[m]!;
    out += r === null ? s.slice(spans[3 * m]!, spans[3 * m + 2]) : s.slice(spans[3 * m]!, spans[3 * m + 1]) + r;
  }
  top = base;
  return out + '}';
}
