/**
 * The JSON Canonicalization Scheme, RFC 8785 (JCS), for hashing and signing: no whitespace, object
 * members sorted by their names as arrays of UTF-16 code units (RFC 8785 §3.2.3: not by code point;
 * JavaScript's `<` on strings is exactly that order), numbers and strings as ECMAScript's
 * JSON.stringify writes them (§3.2.2.3 and §3.2.2.2 adopt that serialisation). Two equal values always
 * give the same bytes, whoever serialises them.
 *
 * Beyond JSON's own data: `undefined` members are dropped and `undefined` array items become null, as
 * JSON.stringify does; NaN, ±Infinity (§3.2.2.3) and bigint are refused.
 *
 * Depth is limited to CANONICAL_JSON_MAX_DEPTH nested arrays/objects: deeper input (hostile, or a
 * cycle) is refused with a JsonTooDeepError naming the limit, instead of exhausting the stack with a
 * RangeError. Nothing Waybill stores comes near it (an IVMS101 payload nests about ten levels).
 */
export const CANONICAL_JSON_MAX_DEPTH = 1000;

export class JsonTooDeepError extends Error {
  readonly limit = CANONICAL_JSON_MAX_DEPTH;
  constructor() {
    super(`canonicalJson: the value nests more than ${CANONICAL_JSON_MAX_DEPTH} arrays/objects deep`);
    this.name = 'JsonTooDeepError';
  }
}

export function canonicalJson(value: unknown): string {
  return serialise(value, 0);
}

function serialise(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    if (typeof value === 'bigint') throw new TypeError('canonicalJson: bigint');
    return JSON.stringify(value) ?? 'null';
  }
  if (depth >= CANONICAL_JSON_MAX_DEPTH) throw new JsonTooDeepError();
  if (Array.isArray(value)) {
    let out = '[';
    for (const v of value as unknown[])
      out += `${out.length > 1 ? ',' : ''}${serialise(v === undefined ? null : v, depth + 1)}`;
    return `${out}]`;
  }
  // Array.prototype.sort's default order compares strings by UTF-16 code units: the order §3.2.3 asks.
  // Built by concatenation, without entry arrays: every stored check's inputs digest passes here.
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${serialise(v, depth + 1)}`;
  }
  return `${out}}`;
}
