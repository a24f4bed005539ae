import { randomBytes } from 'node:crypto';
import { CANONICAL_JSON_MAX_DEPTH, JsonTooDeepError } from '../audit/canonical-json';

// The bundle's JSON lines in the canonical form (RFC 8785, as audit/canonical-json.ts writes it),
// written for volume: about 10 GB of them at a million cases, where that general serialiser spent
// its time allocating (Object.entries, a filter, an array of members per object, a join). Same
// bytes for every value (jsonl.test.ts compares the two on real export records and edge cases).

/** Quoted object keys: an export repeats a few hundred names millions of times. */
const quoted = new Map<string, string>();
function quoteKey(k: string): string {
  let q = quoted.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quoted.size < 10_000) quoted.set(k, q);
  }
  return q;
}

/**
 * A value already written in canonical form, put in as it is: a Travel Rule result's citations (the
 * same few KB for every case a rule version decides) are parsed and written once per export, not
 * once per case (export/format.ts).
 */
export class CanonicalText {
  constructor(readonly text: string) {}
}

/**
 * One value as one line of canonical JSON. Natively where it can be: JSON.stringify writes strings and
 * numbers as RFC 8785 §3.2.2 asks (it adopts ECMAScript's serialisation, which write() calls too) and an
 * object's members in the order they were added, so a copy of the value whose members were added in
 * sorted order comes out in canonical form, flat (write() built each line as a rope of thousands of
 * pieces, flattened again when encoded: issue 21's profile put canonical writing at 35-40 % of an
 * export's CPU). Where that order or those values could differ (sorted() says which), write() as before.
 */
export function canonicalLine(value: unknown): string {
  const texts: CanonicalText[] = [];
  const s = sorted(value, 0, texts);
  if (s === NOT_PLAIN) return write(value, 0) + '\n';
  const line = JSON.stringify(s);
  return (texts.length === 0 ? line : (putBack(line, texts) ?? write(value, 0))) + '\n';
}

/**
 * canonicalLine of a record whose values are strings, finite numbers, booleans, null, CanonicalTexts or
 * plain objects of those (an export's case and evaluation records once their stored JSON is canonical
 * text, export/format.ts): written member by member, without the sorted copy, the stand-ins and their
 * search. Any other value: canonicalLine, so the bytes are its bytes for every record (jsonl.test.ts).
 */
export function flatLine(record: Record<string, unknown>): string {
  const out = flat(record, true);
  return out === null ? canonicalLine(record) : out + '\n';
}

function flat(o: Record<string, unknown>, outer: boolean): string | null {
  if (Object.getPrototypeOf(o) !== Object.prototype) return null;
  // Array.prototype.sort without a comparator orders by UTF-16 code units, as RFC 8785 §3.2.3 asks.
  const keys = Object.keys(o).sort();
  let out = '{';
  for (const k of keys) {
    const v = o[k];
    let text: string | null;
    switch (typeof v) {
      case 'undefined':
        continue;
      case 'string':
        text = JSON.stringify(v);
        break;
      case 'number':
        if (!Number.isFinite(v)) return null;
        text = JSON.stringify(v);
        break;
      case 'boolean':
        text = v ? 'true' : 'false';
        break;
      case 'object':
        if (v === null) text = 'null';
        else if (v instanceof CanonicalText) text = v.text;
        else if (outer && !Array.isArray(v)) text = flat(v as Record<string, unknown>, false);
        else return null;
        if (text === null) return null;
        break;
      default:
        return null;
    }
    out += (out.length > 1 ? ',' : '') + quoteKey(k) + ':' + text;
  }
  return out + '}';
}

/**
 * A CanonicalText stands in the copy as a string JSON.stringify writes as "\u0000<nonce>:<index>" (a
 * nonce of this thread's), replaced by its text afterwards. Only when the stand-ins are exactly ours, in
 * the order they were made: a stored string or key spelled the same adds one (then null, and write()
 * writes the line).
 */
const NONCE = randomBytes(12).toString('hex');
/** The stand-in of the index-th CanonicalText of a line (exported for the test that forges one). */
export const standIn = (index: number): string => `\u0000${NONCE}:${index}`;
const WRITTEN = JSON.stringify('\u0000' + NONCE + ':').slice(0, -1); // as JSON.stringify writes it, open

function putBack(line: string, texts: readonly CanonicalText[]): string | null {
  let out = '';
  let from = 0;
  let found = 0;
  for (let at = line.indexOf(WRITTEN); at >= 0; at = line.indexOf(WRITTEN, from)) {
    const end = line.indexOf('"', at + WRITTEN.length);
    const text = texts[found];
    if (text === undefined || line.slice(at + WRITTEN.length, end) !== String(found)) return null;
    out += line.slice(from, at) + text.text;
    from = end + 1;
    found++;
  }
  return found === texts.length ? out + line.slice(from) : null;
}

/** What JSON.stringify might not write as write() would: that whole value goes to write(). */
const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * `value` with each object's members in canonical order (the same object where they already are and
 * nothing below changed; members that are undefined left out, as write() leaves them), or NOT_PLAIN for
 * anything JSON.stringify could write otherwise than write(): a key that starts with a digit (V8 lists
 * array-index keys first, in numeric order), "__proto__" (a copy would set the prototype), undefined in
 * an array, a function, symbol or bigint, a non-finite number, an object that is not a plain one (a
 * Date has toJSON), and depth at the limit (write() then refuses
 * it by the same error as canonicalJson).
 */
function sorted(value: unknown, depth: number, texts: CanonicalText[]): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_PLAIN;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return null;
  if (depth >= CANONICAL_JSON_MAX_DEPTH) return NOT_PLAIN;
  if (value instanceof CanonicalText) return standIn(texts.push(value) - 1);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_PLAIN;
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined) return NOT_PLAIN;
      const s = sorted(v, depth + 1, texts);
      if (s === NOT_PLAIN) return NOT_PLAIN;
      if (copy === null && s !== v) copy = value.slice(0, i) as unknown[];
      if (copy !== null) copy.push(s);
    }
    return copy ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  let inOrder = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const c = k.charCodeAt(0);
    if ((c >= 48 && c <= 57) || k === '__proto__') return NOT_PLAIN;
    // JavaScript's < on strings compares UTF-16 code units: the order of RFC 8785 §3.2.3 and of sort().
    if (i > 0 && keys[i - 1]! > k) inOrder = false;
  }
  if (!inOrder) keys.sort();
  let out: Record<string, unknown> | null = inOrder ? null : {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = o[k];
    const s = v === undefined ? undefined : sorted(v, depth + 1, texts);
    if (s === NOT_PLAIN) return NOT_PLAIN;
    if (out === null && s !== v) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
    }
    if (out !== null && s !== undefined) out[k] = s;
  }
  return out ?? o;
}

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: bigint');
    case 'object':
      break;
    default:
      return 'null'; // undefined, a function or a symbol, as JSON.stringify writes them in an array
  }
  if (value === null) return 'null';
  if (value instanceof CanonicalText) return value.text;
  if (depth >= CANONICAL_JSON_MAX_DEPTH) throw new JsonTooDeepError();
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v: unknown = value[i];
      out += write(v === undefined ? null : v, depth + 1);
    }
    return out + ']';
  }
  const o = value as Record<string, unknown>;
  // Array.prototype.sort without a comparator orders by UTF-16 code units, as RFC 8785 §3.2.3 asks.
  const keys = Object.keys(o).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = o[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += quoteKey(k) + ':' + write(v, depth + 1);
  }
  return out + '}';
}
