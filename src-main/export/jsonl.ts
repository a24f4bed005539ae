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

export function canonicalLine(value: unknown): string {
  return write(value, 0) + '\n';
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
