import { isValidLeiChecksum } from './lei';
import type { Ivms101Model } from './model';
import { lookupKey } from './read';
import { gleifRegistrationAuthorities, isIsoCountry } from './reference-data';
import {
  COMPONENTS,
  EDITION_2023_KEYS,
  keyOf,
  PB_CAMEL_KEYS,
  PB_ENUM,
  type ComponentName,
  type Edition,
  type FieldSpec,
} from './schema';

// The compiled reader (issue 21): the schema table turned once per edition into one JavaScript
// function per component (new Function; main process only, the renderer's CSP never sees it).
// It answers one question fast: is this payload, as given, free of every problem the interpreter
// (read.ts + constraints.ts, the reference) would report, errors and warnings alike? If so it
// returns the model the interpreter would build, key for key (sharing the input's nodes where they
// need no normalising, see "code generation"); at the first sign of anything else
// (an unknown or non-canonical key, a lenient form, a bad value, a broken constraint) it gives up
// and engine.ts runs the interpreter, which names every problem. So problems, their codes, paths
// and messages only ever come from the interpreter, and the valid path allocates no problem.
// compiled.test.ts checks both agree on every fixture and on generated hostile payloads.

type Json = Record<string, unknown>;
type Validator = (raw: unknown) => Ivms101Model | undefined;

/**
 * The spellings of an element this reader accepts in an edition: only those the interpreter reads
 * without a word (standard, of this edition) and that leave the detected form and edition as they
 * are: no snake_case, no protojson plural, in 2020 no name only 101.2023 has (it would decide 2023).
 */
function acceptedKeys(comp: ComponentName, spec: FieldSpec, e: Edition): string[] {
  if (spec.only && spec.only !== e) return [];
  const out: string[] = [];
  for (const k of [spec.name, spec.name2020, ...(spec.alt ?? [])]) {
    if (!k || out.includes(k)) continue;
    const f = lookupKey(comp, k);
    if (!f || f.spec !== spec || f.how !== 'standard') continue;
    if (e === '2020' ? f.otherEdition2020 : f.otherEdition2023) continue;
    if (k.includes('_') || PB_CAMEL_KEYS.test(k) || (e === '2020' && EDITION_2023_KEYS.has(keyOf(k)))) continue;
    out.push(k);
  }
  return out;
}

// ---- value checks: true only where readScalar reports nothing -------------------------------------

// Text by regular expression: V8 runs these as native code, measured in the reader faster than a
// charCodeAt loop (bench/ivms101-breakdown.ts; 2020 10.1 -> 7.8 µs per payload, load 8). No flags:
// `$` is the end of the string only, and no lastIndex is kept between calls.
const STRICT_2020 = /^[a-zA-Z0-9' ]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** A 2020 MaxNText: the 2020 literal pattern (anything else is at least a warning). */
function text2020(s: string, max: number): boolean {
  return s.length <= max && STRICT_2020.test(s);
}

/** Whether the engine's form detection would call this string a protobuf enum name (then the form changes). */
function pbEnumLike(s: string): boolean {
  if (s.length < 18) return false;
  const c = s.charCodeAt(0) | 32; // every prefix PB_ENUM knows starts with n, l, a or t (either case)
  if (c !== 110 && c !== 108 && c !== 97 && c !== 116) return false;
  // ...and has its first "_" at 5 (LEGAL_), 7 (NATURAL_, ADDRESS_), 8 (NATIONAL_) or 15 (TRANSLITERATION_).
  const u = s.charCodeAt(5) === 95 || s.charCodeAt(7) === 95 || s.charCodeAt(8) === 95 || s.charCodeAt(15) === 95;
  return u && PB_ENUM.test(s);
}

/** A 2023 MaxNText: printable ASCII. */
function text2023(s: string, max: number): boolean {
  return s.length <= max && PRINTABLE_ASCII.test(s) && !pbEnumLike(s);
}

/** LocalMaxNText: 1 to max code points, no line break. */
function local(s: string, max: number): boolean {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) return false;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n > 0 && n <= max && !pbEnumLike(s);
}

// ISO 3166-1 alpha-2 (and XX) by table: two upper-case letters index 26 × 26 cells.
const COUNTRIES = new Uint8Array(26 * 26);
for (let a = 0; a < 26; a++)
  for (let b = 0; b < 26; b++) if (isIsoCountry(String.fromCharCode(65 + a, 65 + b))) COUNTRIES[a * 26 + b] = 1;

function country(s: string): boolean {
  if (s.length !== 2) return false;
  const a = s.charCodeAt(0) - 65;
  const b = s.charCodeAt(1) - 65;
  return a >= 0 && a < 26 && b >= 0 && b < 26 && COUNTRIES[a * 26 + b] === 1;
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/**
 * YYYY-MM-DD naming a real proleptic Gregorian day, as readScalar's Date.UTC round trip decides it
 * (Date.UTC maps years 0-99 to 1900-1999, so those years fail there too).
 */
function date(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const d0 = digit(s, 0);
  const d1 = digit(s, 1);
  const d2 = digit(s, 2);
  const d3 = digit(s, 3);
  const m0 = digit(s, 5);
  const m1 = digit(s, 6);
  const a0 = digit(s, 8);
  const a1 = digit(s, 9);
  if ((d0 | d1 | d2 | d3 | m0 | m1 | a0 | a1) < 0) return false;
  const y = d0 * 1000 + d1 * 100 + d2 * 10 + d3;
  const m = m0 * 10 + m1;
  const d = a0 * 10 + a1;
  if (y < 100 || m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (DAYS[m] ?? 0) + (leap ? 1 : 0);
}

/** A registration authority on GLEIF's list, upper-cased; undefined for anything else. */
function ra(s: string): string | undefined {
  if (s.length !== 8) return undefined;
  const r = s.charCodeAt(0);
  const a = s.charCodeAt(1);
  if ((r !== 82 && r !== 114) || (a !== 65 && a !== 97)) return undefined;
  for (let i = 2; i < 8; i++) if (digit(s, i) < 0) return undefined;
  const up = r === 82 && a === 65 ? s : `RA${s.slice(2)}`;
  return gleifRegistrationAuthorities().has(up) ? up : undefined;
}

const number = (x: number): boolean => Number.isInteger(x) && Math.abs(x) < 1e18;

/** A code list's accepted spellings: the code, all lower, all upper (readScalar matches case-blind). */
function codeMap(codes: readonly string[]): Map<string, string> {
  const canonical = new Map<string, string>();
  for (const c of codes) if (!canonical.has(c.toLowerCase())) canonical.set(c.toLowerCase(), c);
  const m = new Map<string, string>();
  for (const c of codes) {
    const to = canonical.get(c.toLowerCase()) ?? c;
    for (const s of [c, c.toLowerCase(), c.toUpperCase()]) m.set(s, to);
  }
  return m;
}

function anyLegl(ids: Json[], key: string): boolean {
  for (const id of ids) if (id[key] === 'LEGL') return true;
  return false;
}

function anyGeog(addresses: Json[] | undefined): boolean {
  if (addresses) for (const a of addresses) if (a.addressType === 'GEOG') return true;
  return false;
}

/** C12: sequences 0, 1, 2… without gap or repeat (as checkPayload sorts and compares). */
function sequencesRun(hops: Json[]): boolean {
  const s = hops.map((h) => h.sequence as number).sort((a, b) => a - b);
  for (let i = 0; i < s.length; i++) if (s[i] !== i) return false;
  return true;
}

/** A 2020 list of names is one name with all their identifiers (model.ts mergeNames). */
function mergeNames(names: Json[]): Json {
  const merged: Json = {};
  for (const key of ['nameIdentifier', 'localNameIdentifier', 'phoneticNameIdentifier']) {
    const all = names.flatMap((n) => (n[key] as unknown[] | undefined) ?? []);
    if (all.length) merged[key] = all;
  }
  return merged;
}

/** A new list holding a list's first n items (where the model's list starts to differ from the input's). */
function prefix(list: unknown[], n: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(list[i]);
  return out;
}

/** model.ts liftAccounts: a person's account numbers join its side's, in order, without repeats. */
function addAccounts(acc: string[] | undefined, more: string[]): string[] {
  const out = acc ?? [];
  for (const a of more) if (!out.includes(a)) out.push(a);
  return out;
}

// ---- code generation ----------------------------------------------------------------------

// The model shares the input's nodes where nothing needs normalising (issue 21): a component whose
// keys are all the model's names (the 2023 ones), in the table's order, with no null or undefined
// value, no empty list, codes already canonical and every child itself unchanged, IS its model node
// (`same`); only a node that differs, and its ancestors, is built anew, in the table's key order.
// Neither the input nor a shared node is ever written to, and the model is read-only to every
// caller (engine.ts), so sharing cannot change evidence. f_<name> holds each element's model value.

/** Each component's rules (constraints.ts), over the model values f_*; `return;` gives up. */
function rules(comp: ComponentName, e: Edition): string {
  switch (comp) {
    case 'Address':
      return `if (f_addressLine === undefined && (f_streetName === undefined || (f_buildingName === undefined && f_buildingNumber === undefined))) return;
  if (f_townName === undefined) return;`;
    case 'NaturalPerson':
      return `{ const ids = f_name === undefined ? undefined : f_name.nameIdentifier;
    if (ids !== undefined && !H.anyLegl(ids, 'naturalPersonNameIdentifierType')) return; }
  { const b = f_dateAndPlaceOfBirth; if (b !== undefined && b.dateOfBirth >= S.today) return; }
  if (orig && f_geographicAddress === undefined && f_customerIdentification === undefined && f_nationalIdentification === undefined && f_dateAndPlaceOfBirth === undefined) return;`;
    case 'LegalPerson':
      return `{ const ids = f_name === undefined ? undefined : f_name.nameIdentifier;
    if (ids !== undefined && !H.anyLegl(ids, 'legalPersonNameIdentifierType')) return; }
  { const d = f_nationalIdentification;
    if (d !== undefined) {
      const t = d.nationalIdentifierType;
      if (t !== 'RAID' && t !== 'MISC' && t !== 'LEIX' && t !== 'TXID') return;
      if (d.countryOfIssue !== undefined) return;
      if (t === 'LEIX') { if (d.registrationAuthority !== undefined || !H.lei(d.nationalIdentifier)) return; }
      else if (d.registrationAuthority === undefined) return;
    } }
  if (orig && !H.anyGeog(f_geographicAddress) && f_customerIdentification === undefined && f_nationalIdentification === undefined) return;`;
    case 'Person':
      // 101.2023 holds account numbers on the Person; an originator's or beneficiary's go to its side
      // (model.ts liftAccounts): handed up in PA, left out of this node.
      return `if ((f_naturalPerson === undefined) === (f_legalPerson === undefined)) return;
  ${e === '2023' ? 'if (lift) { PA = f_accountNumber; if (f_accountNumber !== undefined) { f_accountNumber = undefined; same = false; } }' : ''}`;
    case 'Originator':
    case 'Beneficiary':
      return e === '2023' ? 'if (acc !== undefined) { f_accountNumber = acc; same = false; }' : '';
    case 'TransferPath':
      return `if (f_transferPath !== undefined && !H.sequencesRun(f_transferPath)) return;`;
    case 'PayloadMetadata':
      // The edition is an output choice, not part of the content (model.ts buildModel).
      return `if (f_payloadVersion !== undefined) { PV = f_payloadVersion; f_payloadVersion = undefined; same = false; }`;
    case 'IdentityPayload':
      return `if (f_originator === undefined && f_beneficiary === undefined) return;
  ${e === '2023' ? 'if (!PV) return;' : ''}
  if (f_payloadMetadata !== undefined && f_payloadMetadata.transliterationMethod === undefined) { f_payloadMetadata = undefined; same = false; }`;
    default:
      return '';
  }
}

const PERSONISH = new Set<ComponentName>(['Person', 'NaturalPerson', 'LegalPerson']);

function generate(e: Edition): { source: string; consts: unknown[] } {
  const consts: unknown[] = [];
  const constant = (v: unknown) => {
    consts.push(v);
    return `K[${consts.length - 1}]`;
  };
  const fns: string[] = [];
  const allKeys = new Set<string>();
  for (const comp of Object.keys(COMPONENTS) as ComponentName[]) {
    const body: string[] = [];
    // Each element read by name (a load V8 caches per input shape), every spelling this edition
    // accepts; the for-in below then counts the keys, so an unknown one still gives up.
    const reads: string[] = [];
    /** The model's names of the elements read under them, in the table's order (the key order a shared node must have). */
    const names: string[] = [];
    const specs = COMPONENTS[comp];
    specs.forEach((spec, si) => {
      const keys = acceptedKeys(comp, spec, e);
      const t = spec.type;
      const f = `f_${spec.name}`;
      // One item, read from x into y (undefined: give up); `changes`: y may differ from x.
      let item: string;
      let changes = true;
      switch (t.t) {
        case 'comp': {
          const orig = comp === 'Originator' ? 'true' : PERSONISH.has(comp) ? 'orig' : 'false';
          const lift = comp === 'Originator' || comp === 'Beneficiary' ? 'true' : 'false';
          item = `y = c_${t.comp}(x, ${PERSONISH.has(t.comp) ? orig : 'false'}, ${lift});`;
          // 101.2023: the account numbers a side's person handed up (Person rules, PA).
          if (e === '2023' && lift === 'true') item += ' if (PA !== undefined) acc = H.addAccounts(acc, PA);';
          break;
        }
        case 'text':
          item = `y = typeof x === 'string' && H.${e === '2020' ? 'text2020' : 'text2023'}(x, ${t.max}) ? x : undefined;`;
          changes = false;
          break;
        case 'local':
          item = `y = typeof x === 'string' && H.local(x, ${t.max}) ? x : undefined;`;
          changes = false;
          break;
        case 'code':
          // The canonical spellings by comparison (the usual case), the rest by table.
          item = `y = ${t.codes.map((c) => `x === ${JSON.stringify(c)}`).join(' || ')} ? x : typeof x === 'string' ? ${constant(codeMap(t.codes))}.get(x) : undefined;`;
          break;
        case 'country':
          item = `y = typeof x === 'string' && H.country(x) ? x : undefined;`;
          changes = false;
          break;
        case 'date':
          item = `y = typeof x === 'string' && H.date(x) ? x : undefined;`;
          changes = false;
          break;
        case 'ra':
          item = `y = typeof x === 'string' ? H.ra(x) : undefined;`;
          break;
        case 'number':
          item = `y = typeof x === 'number' && H.number(x) ? x : undefined;`;
          changes = false;
          break;
      }
      // v<si>: this element's value, under whichever accepted key; two of them, or a key other than
      // the model's name, or a null value, and the node differs (or, for two, gives up).
      if (keys.includes(spec.name)) names.push(spec.name);
      for (const k of keys) allKeys.add(k);
      keys.forEach((k, i) => {
        // Under the model's name: its bit in b (the order check below); any other name: the node differs.
        const other = k === spec.name ? ` b |= ${2 ** (names.length - 1)};` : ' same = false;';
        reads.push(
          i === 0
            ? `let v${si} = r[${JSON.stringify(k)}]; if (v${si} !== undefined) { n++;${other} }`
            : `w = r[${JSON.stringify(k)}]; if (w !== undefined) { if (v${si} !== undefined) return; v${si} = w; n++;${other} }`,
        );
      });
      if (!keys.length) reads.push(`let v${si};`);
      if (spec.min === 0) reads.push(`if (v${si} === null) same = false;`);
      const lines: string[] = [`// ${spec.name}`, `v = v${si};`];
      if (spec.min === 1) lines.push('if (v === undefined || v === null) return;');
      // A list: the input's own when every item is its own model value, else a new one from the
      // first item that differs (a null item is dropped, as the interpreter drops it).
      const loop = (
        arr: string,
        copy: boolean,
      ) => `let ${arr} = ${copy ? '[]' : 'Object.getPrototypeOf(v) === AP ? undefined : []'};
    for (let i = 0; i < v.length; i++) {
      x = v[i];
      if (x === undefined || x === null) { if (${arr} === undefined) ${arr} = H.prefix(v, i); continue; }
      ${item} if (y === undefined) return;
      if (${arr} !== undefined) ${arr}.push(y);${changes ? ` else if (y !== x) { ${arr} = H.prefix(v, i); ${arr}.push(y); }` : ''}
    }`;
      const a = `a${si}`;
      if (spec.max > 1) {
        lines.push(`if (v !== undefined && v !== null) {
    if (!Array.isArray(v)) return;
    ${loop(a, false)}
    if (${a} === undefined) ${a} = v; else same = false;
    ${spec.max !== Infinity ? `if (${a}.length > ${spec.max}) return;` : ''}
    if (${a}.length !== 0) ${f} = ${a}; else same = false;
  }`);
      } else if (comp === 'NaturalPerson' && spec.name === 'name' && e === '2020') {
        // 2020 §5.2.2 lists NaturalPerson.name as [1..n]: a list is read, and merged as the model does.
        lines.push(`if (v !== undefined && v !== null) {
    if (Array.isArray(v)) {
      same = false;
      ${loop(a, true)}
      if (${a}.length === 1) ${f} = ${a}[0]; else if (${a}.length > 1) ${f} = H.mergeNames(${a});
    } else { x = v; ${item} if (y === undefined) return; if (y !== x) same = false; ${f} = y; }
  }`);
      } else {
        // A list where one value belongs fails the item itself (typeof, or c_* refusing arrays).
        lines.push(`if (v !== undefined && v !== null) {
    x = v; ${item} if (y === undefined) return;${changes ? ' if (y !== x) same = false;' : ''} ${f} = y;
  }`);
      }
      body.push(lines.join('\n  '));
    });
    // The order check keeps one bit per model name in a 32-bit integer.
    if (names.length > 31) throw new Error(`${comp}: more element names than the order check's bits`);
    const hasAcc = e === '2023' && (comp === 'Originator' || comp === 'Beneficiary');
    // Each own enumerable key must be one of those read (for-in shows no other: readClean refuses an
    // Object.prototype with enumerable keys or any own name of an element, this any other prototype);
    // a node shared as model keeps the model's key order: its keys must come in the table's order,
    // each compared with the next name present (the lowest bit left in b), not searched for along the
    // table (Address has 16 names, about 5 present; 3% fewer instructions per payload, valgrind).
    // Model nodes from a constructor whose prototype is Object.prototype: plain objects, but V8 sizes
    // their in-object slots by what it sees built (slack tracking), so no property store grows per node.
    fns.push(`function M_${comp}() {}\nM_${comp}.prototype = OP;\nconst N_${comp} = ${JSON.stringify(names)};`);
    fns.push(`function c_${comp}(r, orig, lift) {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return;
  const pr = Object.getPrototypeOf(r);
  if (pr !== OP && pr !== null) return;
  ${comp === 'IdentityPayload' ? 'PV = undefined;' : ''}
  let same = pr === OP; // a null-prototype object is copied: every model node is a plain object
  let n = 0, b = 0, w;
  ${reads.join('\n  ')}
  { let m = 0;
    for (const k in r) {
      if (same) { const l = b & -b; if (l === 0 || N_${comp}[31 - Math.clz32(l)] !== k) same = false; else b ^= l; }
      m++;
    }
    if (m !== n) return; }
  let v, x, y${hasAcc ? ', acc' : ''};
  let ${specs.map((s) => `f_${s.name}`).join(', ')};
  ${body.join('\n  ')}
  ${rules(comp, e)}
  if (same) return r;
  const o = new M_${comp}();
  ${specs.map((s) => `if (f_${s.name} !== undefined) o.${s.name} = f_${s.name};`).join('\n  ')}
  return o;
}`);
  }
  return {
    // A name read from an object that lacks it would be found on Object.prototype if someone defined
    // it there (even non-enumerable, which for-in cannot see): then nothing is answered here.
    source: `'use strict';\nconst OP = Object.prototype;\nconst AP = Array.prototype;\nlet PA, PV;\n${fns.join('\n')}
const protoClean = () => ${[...allKeys].map((k) => `OP[${JSON.stringify(k)}] === undefined`).join(' && ')};
return (r) => (protoClean() ? c_IdentityPayload(r, false, false) : undefined);`,
    consts,
  };
}

const HELPERS = {
  text2020,
  text2023,
  local,
  country,
  date,
  ra,
  number,
  lei: isValidLeiChecksum,
  anyLegl,
  anyGeog,
  sequencesRun,
  mergeNames,
  prefix,
  addAccounts,
};

function compile(e: Edition, state: { today: string }, helpers = HELPERS, edit = (s: string) => s): Validator {
  const { source, consts } = generate(e);
  // Generated once from the schema table; main process only (the renderer's CSP forbids eval).
  const factory = new Function('H', 'S', 'K', edit(source)) as (
    h: typeof helpers,
    s: typeof state,
    k: unknown[],
  ) => Validator;
  return factory(helpers, state, consts);
}

/**
 * For bench/ivms101-breakdown.ts only: an edition's reader with some helpers replaced or its source
 * edited (a check switched off), to measure what each part costs. Never a path of the product.
 */
export function compiledVariant(
  e: Edition,
  today: string,
  helpers: Partial<typeof HELPERS>,
  edit?: (source: string) => string,
): (input: unknown) => Ivms101Model | undefined {
  return compile(e, { today }, { ...HELPERS, ...helpers }, edit);
}

const state = { today: '' };
const validators: Partial<Record<Edition, Validator>> = {};

/** The generated source is built on first use of each edition (a few ms, once per process). */
function validatorFor(e: Edition): Validator {
  return (validators[e] ??= compile(e, state));
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The model of a payload in the standard JSON form that the interpreter would read without a single
 * problem, and its edition; null for anything else (then only the interpreter can say what is wrong).
 */
export function readClean(input: unknown, today: string): { edition: Edition; model: Ivms101Model } | null {
  if (!isObject(input)) return null;
  for (const k in Object.prototype) if (k) return null; // polluted: leave it to the interpreter's own-key checks
  // The edition as engine.ts detectEdition finds it for a payload whose keys are all canonical: a
  // stated version decides; without one, 2020 (the 2020 validator refuses every 2023-only name).
  let version: unknown;
  if (Object.hasOwn(input, 'payloadMetadata')) {
    const meta = input.payloadMetadata;
    if (isObject(meta) && Object.hasOwn(meta, 'payloadVersion')) version = meta.payloadVersion;
  }
  const edition: Edition | null =
    version === '101.2023' ? '2023' : version === '101' || version === undefined || version === null ? '2020' : null;
  if (!edition) return null;
  state.today = today;
  const model = validatorFor(edition)(input);
  return model ? { edition, model } : null;
}

/** The generated source of an edition's validators (to read what runs). */
export const generatedSource = (e: Edition): string => generate(e).source;
