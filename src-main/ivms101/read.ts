import { pointer, type Problem } from './problems';
import { gleifRegistrationAuthorities, isIsoCountry, USER_ASSIGNED_COUNTRIES } from './reference-data';
import { COMPONENTS, keyOf, nameIn, type ComponentName, type Edition, type FieldSpec } from './schema';

// Reading: the raw JSON is walked against the schema table. Every node keeps the JSON Pointer of
// where it stood in the input, so problems point into the payload as received (either edition,
// camelCase or protobuf snake_case). Formats are checked here; cross-field constraints in validate.ts.

export type Scalar = string | number;

export interface CValue {
  kind: 'value';
  ptr: string;
  /** Normalised: codes in their canonical case, countries upper-case, text as given. */
  value: Scalar;
}

export interface CField {
  spec: FieldSpec;
  /** The key as it appeared in the input. */
  key: string;
  ptr: string;
  items: (CObject | CValue)[];
}

export interface CObject {
  kind: 'object';
  comp: ComponentName;
  ptr: string;
  fields: Map<string, CField>;
  /** Whether this object's keys were snake_case (for naming a missing element the same way). */
  snake: boolean;
}

/**
 * How the payload was encoded (docs/ivms101-shapes.md lists which protocol and version sends each):
 * - `json`: the standard's element names, camelCase (TRISA encoding/json, GTR schema, Sygna, TRP, Envoy);
 * - `json-pascal-entities`: the same with Originator/Beneficiary/OriginatingVASP/BeneficiaryVASP
 *   capitalised (GTR API, CODE, VerifyVASP), values often all strings and "" for unset;
 * - `protobuf-json`: protojson's lowerCamelCase (TRISA protobufs marshalled without UseProtoNames);
 * - `protobuf-json-snake`: protobuf field names (TRISA UseProtoNames, Sygna's first snake_case schema).
 */
export type Form = 'json' | 'json-pascal-entities' | 'protobuf-json' | 'protobuf-json-snake';

/** Forms whose senders write an unset field as "" or [] and numbers as strings (proto3 JSON mapping, CODE's rule). */
export const LENIENT_FORMS: readonly Form[] = ['json-pascal-entities', 'protobuf-json', 'protobuf-json-snake'];
export const isProtobufForm = (f: Form) => f === 'protobuf-json' || f === 'protobuf-json-snake';
export type RootKind = 'payload' | 'person' | 'naturalPerson' | 'legalPerson' | 'address' | 'nationalIdentification';

export interface ReadContext {
  edition: Edition;
  form: Form;
  problems: Problem[];
  /** The one intermediary whose sequence may be read as 0 when absent (see walk, TransferPath). */
  zeroSequenceHop?: string;
}

const ROOT_COMPONENT: Record<RootKind, ComponentName> = {
  payload: 'IdentityPayload',
  person: 'Person',
  naturalPerson: 'NaturalPerson',
  legalPerson: 'LegalPerson',
  address: 'Address',
  nationalIdentification: 'NationalIdentification',
};
export const rootComponent = (k: RootKind) => ROOT_COMPONENT[k];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const PRINTABLE_ASCII = /^[ -~]*$/;
const STRICT_2020 = /^[a-zA-Z0-9' ]*$/;

const err = (ctx: ReadContext, code: string, path: string, message: string, constraint: Problem['constraint'] = null) =>
  ctx.problems.push({ code, constraint, path, message, severity: 'error' });
const warn = (
  ctx: ReadContext,
  code: string,
  path: string,
  message: string,
  constraint: Problem['constraint'] = null,
) => ctx.problems.push({ code, constraint, path, message, severity: 'warning' });

type Lookup = Map<string, { spec: FieldSpec; how: 'standard' | 'alias' }>;

/** A key as read for one component, with what walk says about it in each edition, computed once. */
interface Found {
  spec: FieldSpec;
  how: 'standard' | 'alias';
  // By edition, in plain fields: an object keyed '2020'/'2023' would be an indexed (element) lookup per key.
  /** The element's standard name. */
  std2020: string;
  std2023: string;
  /** Whether the key is the other edition's spelling (and not also a standard spelling of this one). */
  otherEdition2020: boolean;
  otherEdition2023: boolean;
  /** The key as a JSON Pointer segment, "/" included (pointer() escapes, once). */
  segment: string;
}

interface Compiled {
  lookup: Lookup;
  /** Found by the key exactly as written; bounded, so hostile key variety cannot grow it without end. */
  byRawKey: Map<string, Found | null>;
  required: FieldSpec[];
}
const compiled = new Map<ComponentName, Compiled>();
const RAW_KEY_CACHE_MAX = 512;

/** Element lookup by normalised key, built once per component (this is the reader's hot path). */
function compiledFor(comp: ComponentName): Compiled {
  let c = compiled.get(comp);
  if (!c) {
    const l: Lookup = new Map();
    for (const spec of COMPONENTS[comp]) {
      for (const n of (spec.aliases ?? []).map(keyOf)) l.set(n, { spec, how: 'alias' });
    }
    for (const spec of COMPONENTS[comp]) {
      for (const n of [spec.name, spec.name2020, ...(spec.alt ?? [])].filter((x): x is string => !!x))
        l.set(keyOf(n), { spec, how: 'standard' });
    }
    c = { lookup: l, byRawKey: new Map(), required: COMPONENTS[comp].filter((s) => s.min === 1) };
    compiled.set(comp, c);
  }
  return c;
}

function otherEditionName(spec: FieldSpec, key: string, edition: Edition): boolean {
  if (!spec.name2020) return false;
  const k = keyOf(key);
  const ours = [nameIn(spec, edition), ...(spec.alt ?? [])].map(keyOf);
  const theirs = keyOf(edition === '2020' ? spec.name : spec.name2020);
  return k === theirs && !ours.includes(k);
}

/** What walk makes of `key` in `comp` (the compiled validators derive the keys they accept from it). */
export function lookupKey(
  comp: ComponentName,
  key: string,
): Pick<Found, 'spec' | 'how' | 'otherEdition2020' | 'otherEdition2023'> | null {
  return findField(compiledFor(comp), key);
}

function findField(c: Compiled, key: string): Found | null {
  const cached = c.byRawKey.get(key);
  if (cached !== undefined) return cached;
  const hit = c.lookup.get(keyOf(key));
  const found: Found | null = hit
    ? {
        spec: hit.spec,
        how: hit.how,
        std2020: nameIn(hit.spec, '2020'),
        std2023: nameIn(hit.spec, '2023'),
        otherEdition2020: hit.how === 'standard' && otherEditionName(hit.spec, key, '2020'),
        otherEdition2023: hit.how === 'standard' && otherEditionName(hit.spec, key, '2023'),
        segment: pointer('', key),
      }
    : null;
  if (c.byRawKey.size < RAW_KEY_CACHE_MAX) c.byRawKey.set(key, found);
  return found;
}

/** How a missing element would be spelled in this object: the edition's name, snake_case if the object uses it. */
export function spelled(obj: CObject, spec: FieldSpec, edition: Edition): string {
  const n = nameIn(spec, edition);
  return obj.snake ? n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/v_a_s_p/g, 'vasp') : n;
}

/** protojson also writes an enum by its number; read it by TRISA's numbering, and say so (it changed in 2021). */
function readEnumNumber(
  ctx: ReadContext,
  t: Extract<FieldSpec['type'], { t: 'code' }>,
  label: string,
  raw: number,
  ptr: string,
): CValue | null {
  const name = Number.isInteger(raw) ? t.pbNumbers?.[raw] : undefined;
  const match = name === undefined ? undefined : t.codes.find((c) => c.toLowerCase() === name.toLowerCase());
  if (!match) {
    err(
      ctx,
      'FORMAT_CODE',
      ptr,
      `${label} ${raw} is not a code: as a protobuf enum number it is ${name === undefined ? 'unknown' : `${name}, the enum's "not set" value`}; the standard's codes are ${t.codes.join(', ')}.`,
    );
    return null;
  }
  warn(
    ctx,
    'ENUM_NUMBER',
    ptr,
    `${label} is given as the protobuf enum number ${raw}; read as ${match} by TRISA's numbering since May 2021 (earlier releases numbered it differently). The standard writes the code.`,
  );
  return { kind: 'value', ptr, value: match };
}

/** The length in code points, as [...s].length counts it (a lone surrogate is one), without the array. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

// The schema's few constant code lists (a Map: faster to consult than a WeakMap, and never grows past them).
const codeIndexes = new Map<readonly string[], Map<string, string>>();
/** A code list by lower case (the first code wins, as find did), built once per list. */
function codeIndex(codes: readonly string[]): Map<string, string> {
  let m = codeIndexes.get(codes);
  if (!m) {
    m = new Map();
    for (const c of codes) if (!m.has(c.toLowerCase())) m.set(c.toLowerCase(), c);
    codeIndexes.set(codes, m);
  }
  return m;
}

function readScalar(ctx: ReadContext, spec: FieldSpec, raw: unknown, ptr: string): CValue | null {
  const t = spec.type;
  const label = nameIn(spec, ctx.edition);
  if (t.t === 'number') {
    // §5.3.15 Number: an integer of at most 18 digits, sign allowed. A negative sequence is a valid
    // Number; the constraint it breaks (C12) is reported by the rules, not here.
    if (typeof raw === 'number' && Number.isInteger(raw) && Math.abs(raw) < 1e18)
      return { kind: 'value', ptr, value: raw };
    if (typeof raw === 'string' && /^-?\d{1,18}$/.test(raw.trim())) {
      // proto3's JSON mapping writes uint64 as a string ("sequence": "0"); CODE writes every value as text.
      if (!LENIENT_FORMS.includes(ctx.form))
        warn(ctx, 'NUMBER_AS_TEXT', ptr, `${label} should be a number, not text; read as ${raw.trim()}.`);
      return { kind: 'value', ptr, value: Number(raw.trim()) };
    }
    err(ctx, 'FORMAT_NUMBER', ptr, `${label} must be a whole number (at most 18 digits).`);
    return null;
  }
  if (typeof raw === 'number' && t.t === 'code' && t.pbNumbers) return readEnumNumber(ctx, t, label, raw, ptr);
  if (typeof raw === 'number' && (t.t === 'text' || t.t === 'local')) {
    warn(ctx, 'TEXT_AS_NUMBER', ptr, `${label} should be text, not a number; read as "${raw}".`);
    raw = String(raw);
  }
  if (typeof raw !== 'string') {
    err(ctx, 'TYPE', ptr, `${label} must be text.`);
    return null;
  }
  switch (t.t) {
    case 'text': {
      const printable = PRINTABLE_ASCII.test(raw);
      const len = printable ? raw.length : codePoints(raw);
      if (len === 0) err(ctx, 'EMPTY', ptr, `${label} is empty; the standard needs at least 1 character.`);
      else if (len > t.max) err(ctx, 'TOO_LONG', ptr, `${label} is ${len} characters long; the limit is ${t.max}.`);
      if (!printable) {
        err(
          ctx,
          'NOT_LATIN',
          ptr,
          `${label} must be written in Latin characters (printable ASCII); names in other scripts belong in localNameIdentifier.`,
        );
      } else if (ctx.edition === '2020' && !STRICT_2020.test(raw)) {
        warn(
          ctx,
          'TEXT_2020_CHARSET',
          ptr,
          `${label} uses punctuation outside the 2020 edition's literal pattern [a-zA-Z0-9' ]; accepted under the 101.2023 pattern.`,
        );
      }
      return { kind: 'value', ptr, value: raw };
    }
    case 'local': {
      const len = codePoints(raw);
      if (len === 0) err(ctx, 'EMPTY', ptr, `${label} is empty; the standard needs at least 1 character.`);
      else if (len > t.max) err(ctx, 'TOO_LONG', ptr, `${label} is ${len} characters long; the limit is ${t.max}.`);
      if (/[\r\n]/.test(raw)) err(ctx, 'LINE_BREAK', ptr, `${label} must not contain a line break.`);
      return { kind: 'value', ptr, value: raw };
    }
    case 'code': {
      let v = raw.trim();
      // Protobuf enum names (TRISA, Sygna's first schema) carry the enum's prefix: read as their code.
      // Upper-casing grows a string at most threefold (e.g. "ΐ"), so a code too short for that never
      // carries the prefix: skip the upper-casing for it.
      const named = !!t.pbPrefix && v.length * 3 >= t.pbPrefix.length && v.toUpperCase().startsWith(t.pbPrefix);
      if (named && t.pbPrefix) v = v.slice(t.pbPrefix.length);
      const match = codeIndex(t.codes).get(v.toLowerCase());
      if (!match) {
        const unset = named && t.pbNumbers?.[0]?.toLowerCase() === v.toLowerCase();
        const why = unset
          ? ' (it is the protobuf enum\'s zero value, which the sender\'s library writes for "not set"; it is no IVMS101 code)'
          : '';
        err(ctx, 'FORMAT_CODE', ptr, `${label} "${raw.slice(0, 50)}" is not one of ${t.codes.join(', ')}${why}.`);
        return null;
      }
      return { kind: 'value', ptr, value: match };
    }
    case 'country': {
      const up = raw.toUpperCase();
      if (!/^[A-Z]{2}$/.test(up) || !isIsoCountry(up)) {
        const why = USER_ASSIGNED_COUNTRIES.has(up) ? ' (it is a user-assigned code, not part of ISO 3166-1)' : '';
        err(
          ctx,
          'C3_COUNTRY',
          ptr,
          `${label} "${raw.slice(0, 40)}" is not an ISO 3166-1 alpha-2 country code or XX${why}.`,
          'C3',
        );
        return null;
      }
      if (up !== raw) warn(ctx, 'COUNTRY_CASE', ptr, `${label} "${raw}" should be upper case; read as ${up}.`, 'C3');
      return { kind: 'value', ptr, value: up };
    }
    case 'date': {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
      const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
      if (
        !m ||
        !d ||
        d.getUTCFullYear() !== Number(m[1]) ||
        d.getUTCMonth() !== Number(m[2]) - 1 ||
        d.getUTCDate() !== Number(m[3])
      ) {
        err(ctx, 'FORMAT_DATE', ptr, `${label} "${raw.slice(0, 20)}" is not a real calendar date written YYYY-MM-DD.`);
        return null;
      }
      return { kind: 'value', ptr, value: raw };
    }
    case 'ra': {
      const up = raw.toUpperCase();
      if (!/^RA\d{6}$/.test(up)) {
        err(
          ctx,
          'FORMAT_RA',
          ptr,
          `${label} "${raw.slice(0, 20)}" is not a registration authority code (RA followed by six digits).`,
        );
        return null;
      }
      if (!gleifRegistrationAuthorities().has(up)) {
        err(ctx, 'C10_UNKNOWN_RA', ptr, `${label} ${up} is not on GLEIF's Registration Authorities List.`, 'C10');
      }
      return { kind: 'value', ptr, value: up };
    }
    case 'comp':
      return null;
  }
}

/** protobuf-JSON writes unset fields as "" or []; those mean "absent", not "empty". */
function isAbsent(ctx: ReadContext, v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (ctx.form === 'json') return false; // LENIENT_FORMS is every form but json
  if (v === '' || (Array.isArray(v) && v.length === 0)) return true;
  if (!isObject(v)) return false;
  for (const k in v) if (Object.hasOwn(v, k) && !isAbsent(ctx, v[k])) return false;
  return true;
}

/**
 * Go's encoding/json with omitempty (TRISA's IVMS101 JSON) and protojson drop a sequence of 0. When
 * exactly one hop lacks its sequence and none states 0, that hop is the one numbered 0.
 */
function zeroSequenceHop(raw: Record<string, unknown>, ptr: string): string | undefined {
  const entry = Object.entries(raw).find(([k]) => keyOf(k) === 'transferpath');
  if (!entry || !Array.isArray(entry[1])) return undefined;
  const hops = entry[1].map((h) =>
    isObject(h) ? Object.entries(h).find(([k]) => keyOf(k) === 'sequence')?.[1] : undefined,
  );
  const missing = hops.flatMap((s, i) => (s === undefined || s === null ? [i] : []));
  if (missing.length !== 1 || hops.some((s) => s === 0 || s === '0')) return undefined;
  return pointer(pointer(ptr, entry[0]), missing[0] ?? 0);
}

function hasSnakeKey(raw: Record<string, unknown>): boolean {
  for (const k in raw) if (Object.hasOwn(raw, k) && k.includes('_')) return true;
  return false;
}

export function walk(ctx: ReadContext, comp: ComponentName, raw: unknown, ptr: string): CObject | null {
  if (!isObject(raw)) {
    err(ctx, 'TYPE', ptr, `Expected ${comp} to be an object.`);
    return null;
  }
  const obj: CObject = {
    kind: 'object',
    comp,
    ptr,
    fields: new Map(),
    snake: false, // set by the key loop below (or before the collapsed-entity return)
  };
  if (comp === 'TransferPath') ctx.zeroSequenceHop = zeroSequenceHop(raw, ptr);
  // GTR's examples put the Person straight into originatingVASP/beneficiaryVASP; the standard nests
  // it one level deeper (OriginatingVASP.originatingVASP: Person). Read it, and say so.
  if (
    (comp === 'OriginatingVASP' || comp === 'BeneficiaryVASP') &&
    Object.keys(raw).some((k) => ['naturalperson', 'legalperson'].includes(keyOf(k)))
  ) {
    const spec = COMPONENTS[comp][0];
    if (spec) {
      warn(
        ctx,
        'COLLAPSED_ENTITY',
        ptr,
        `The ${comp} entity should contain ${spec.name} (a Person); here the Person stands directly in it. Read as if nested.`,
      );
      obj.snake = hasSnakeKey(raw);
      const person = walk(ctx, 'Person', raw, ptr);
      if (person) obj.fields.set(spec.name, { spec, key: spec.name, ptr, items: [person] });
    }
    return obj;
  }
  const compiledComp = compiledFor(comp);
  for (const key in raw) {
    // for-in over own keys visits them in Object.entries' order, without the pairs it allocates.
    if (!Object.hasOwn(raw, key)) continue;
    const value = raw[key];
    if (!obj.snake && key.includes('_')) obj.snake = true;
    const found = findField(compiledComp, key);
    const p = found ? ptr + found.segment : pointer(ptr, key);
    if (!found) {
      warn(ctx, 'UNKNOWN_ELEMENT', p, `"${key.slice(0, 40)}" is not an element of ${comp}; ignored.`);
      continue;
    }
    const { spec, how } = found;
    const is2020 = ctx.edition === '2020';
    const std = is2020 ? found.std2020 : found.std2023;
    if (how === 'alias')
      err(
        ctx,
        'NONSTANDARD_ELEMENT',
        p,
        `"${key}" is not an IVMS101 element name; read as ${std}. The sender should use ${std}.`,
      );
    if (spec.only && spec.only !== ctx.edition) {
      warn(
        ctx,
        'EDITION_ELEMENT',
        p,
        `${std} is an element of the ${spec.only} edition at this place, not of ${ctx.edition}; read anyway.`,
      );
    } else if (is2020 ? found.otherEdition2020 : found.otherEdition2023) {
      warn(
        ctx,
        'EDITION_NAME',
        p,
        `"${key}" is the other edition's name; this payload is read as ${ctx.edition}, where it is ${std}.`,
      );
    }
    if (obj.fields.has(spec.name)) {
      err(ctx, 'DUPLICATE_ELEMENT', p, `${std} is given twice (also as "${obj.fields.get(spec.name)?.key}").`);
      continue;
    }
    if (isAbsent(ctx, value)) continue;
    const field: CField = { spec, key, ptr: p, items: [] };
    const sub = spec.type.t === 'comp' ? spec.type.comp : null;
    if (Array.isArray(value)) {
      // 2020 §5.2.2 lists NaturalPerson.name as [1..n] in its table; a list is the 2020 shape there.
      const listAllowed = spec.max > 1 || (comp === 'NaturalPerson' && spec.name === 'name' && ctx.edition === '2020');
      if (!listAllowed) err(ctx, 'MULTIPLICITY', p, `${std} takes a single value, not a list.`);
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (isAbsent(ctx, v)) continue;
        const ip = `${p}/${i}`; // an index needs no escaping
        const item = sub ? walk(ctx, sub, v, ip) : readScalar(ctx, spec, v, ip);
        if (item) field.items.push(item);
      }
    } else {
      if (spec.max > 1) warn(ctx, 'NOT_A_LIST', p, `${std} should be a list; read as a list of one.`);
      const item = sub ? walk(ctx, sub, value, p) : readScalar(ctx, spec, value, p);
      if (item) field.items.push(item);
    }
    if (spec.max !== Infinity && spec.max > 1 && field.items.length > spec.max) {
      err(ctx, 'MULTIPLICITY', p, `${std} has ${field.items.length} entries; at most ${spec.max} are allowed.`);
    }
    obj.fields.set(spec.name, field);
  }
  if (comp === 'IntermediaryVASP' && ptr === ctx.zeroSequenceHop && !obj.fields.has('sequence')) {
    const spec = COMPONENTS.IntermediaryVASP.find((f) => f.name === 'sequence');
    if (spec) {
      const p = pointer(ptr, spelled(obj, spec, ctx.edition));
      warn(
        ctx,
        'SEQUENCE_OMITTED',
        p,
        "sequence is missing here and no other intermediary has 0; read as 0 (Go's encoding/json and protojson leave a zero out, as TRISA does). The standard requires it.",
      );
      obj.fields.set('sequence', { spec, key: 'sequence', ptr: p, items: [{ kind: 'value', ptr: p, value: 0 }] });
    }
  }
  for (const spec of compiledComp.required) {
    // A present-but-invalid value was already reported where it stands; only absence is "required".
    if (!obj.fields.has(spec.name)) {
      err(
        ctx,
        'REQUIRED',
        pointer(ptr, spelled(obj, spec, ctx.edition)),
        `${comp} needs ${nameIn(spec, ctx.edition)}, and it is missing.`,
      );
    }
  }
  return obj;
}

// ---- helpers for the rule code -------------------------------------------------------------

export const field = (o: CObject | undefined, name: string): CField | undefined => o?.fields.get(name);
export const objects = (o: CObject | undefined, name: string): CObject[] =>
  (field(o, name)?.items ?? []).filter((x): x is CObject => x.kind === 'object');
/** objects(o, name)[0], without the filtered list (the rules ask this often). */
export function object(o: CObject | undefined, name: string): CObject | undefined {
  const items = field(o, name)?.items;
  if (items) for (const x of items) if (x.kind === 'object') return x;
  return undefined;
}
export const values = (o: CObject | undefined, name: string): CValue[] =>
  (field(o, name)?.items ?? []).filter((x): x is CValue => x.kind === 'value');
/** values(o, name)[0]?.value, without the filtered list. */
export function value(o: CObject | undefined, name: string): Scalar | undefined {
  const items = field(o, name)?.items;
  if (items) for (const x of items) if (x.kind === 'value') return x.value;
  return undefined;
}
export const has = (o: CObject | undefined, name: string): boolean => (field(o, name)?.items.length ?? 0) > 0;
