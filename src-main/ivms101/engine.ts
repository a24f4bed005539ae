import { parseJsonBounded } from '../input/limits';
import { readClean } from './compiled';
import { checkPayload, checkPerson } from './constraints';
import { buildModel, type Ivms101Model } from './model';
import type { Problem } from './problems';
import { rootComponent, walk, type Form, type ReadContext, type RootKind } from './read';
import { EDITION_2023_KEYS, keyOf, PB_CAMEL_KEYS, PB_ENUM, type Edition } from './schema';

// The IVMS101 engine's front door: detect what was given (a payload or one of its components,
// which edition, JSON or protobuf-JSON, inside a TRP envelope or not), read it, validate it.

// 2: every protocol's shape read and named (form), beneficiaryPerson is 2020, protobuf enum names and
// numbers in every code list, a valid Number that breaks C12 reported as C12 (issue 22).
export const ENGINE_VERSION = 'ivms101-engine/2';

export interface Ivms101Result {
  valid: boolean;
  kind: RootKind;
  edition: Edition;
  form: Form;
  /** Set when the payload was taken out of a protocol message (e.g. a TRP inquiry's "IVMS101"). */
  envelope: string | null;
  errors: Problem[];
  warnings: Problem[];
  /**
   * Read-only to every caller: from the compiled reader it shares the input's objects wherever they
   * needed no normalising (compiled.ts), so writing to it would write to the payload as received.
   */
  model: Ivms101Model | null;
}

export type ReadOutcome = { ok: true; result: Ivms101Result } | { ok: false; reason: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every key anywhere in the value. */
function keysDeep(v: unknown, out = new Set<string>()): { keys: Set<string> } {
  if (Array.isArray(v)) for (const x of v as unknown[]) keysDeep(x, out);
  else if (isObject(v)) {
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      out.add(k);
      keysDeep(v[k], out);
    }
  }
  return { keys: out };
}

const PAYLOAD_KEYS = [
  'originator',
  'beneficiary',
  'originatingvasp',
  'beneficiaryvasp',
  'transferpath',
  'payloadmetadata',
];

function detectKind(o: Json): RootKind | null {
  const k = new Set(Object.keys(o).map(keyOf));
  if (PAYLOAD_KEYS.some((x) => k.has(x))) return 'payload';
  if (k.has('naturalperson') || k.has('legalperson')) return 'person';
  if (k.has('nationalidentifier') && k.has('nationalidentifiertype')) return 'nationalIdentification';
  if (k.has('addresstype') || ((k.has('townname') || k.has('streetname') || k.has('addressline')) && k.has('country')))
    return 'address';
  if (k.has('name')) {
    const { keys } = keysDeep(o.name);
    const nk = new Set([...keys].map(keyOf));
    if (nk.has('legalpersonname') || k.has('countryofregistration') || k.has('customernumber')) return 'legalPerson';
    if (nk.has('primaryidentifier')) return 'naturalPerson';
  }
  return null;
}

/**
 * One pass over the payload for what edition and form detection need, without a set of every key:
 * that set (keysDeep) is only needed to count snake_case against camelCase keys, so it is built
 * only when some key has an underscore.
 */
interface Signals {
  underscore: boolean;
  pbCamel: boolean;
  pbEnumString: boolean;
  edition2023Key: boolean;
}

function scanSignals(
  v: unknown,
  out: Signals = { underscore: false, pbCamel: false, pbEnumString: false, edition2023Key: false },
): Signals {
  if (Array.isArray(v)) for (const x of v as unknown[]) scanSignals(x, out);
  else if (isObject(v)) {
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (!out.underscore && k.includes('_')) out.underscore = true;
      // PB_CAMEL_KEYS all end in "s" or "p"; the 2023-only names have at least 16 characters.
      const last = k.charCodeAt(k.length - 1);
      if (!out.pbCamel && (last === 115 || last === 112) && PB_CAMEL_KEYS.test(k)) out.pbCamel = true;
      if (!out.edition2023Key && k.length >= 16 && EDITION_2023_KEYS.has(keyOf(k))) out.edition2023Key = true;
      scanSignals(v[k], out);
    }
  } else if (typeof v === 'string' && !out.pbEnumString && v.length >= 18 && PB_ENUM.test(v)) out.pbEnumString = true;
  return out;
}

function detectEdition(o: Json, edition2023Key: boolean): Edition {
  const meta = Object.entries(o).find(([k]) => keyOf(k) === 'payloadmetadata')?.[1];
  if (isObject(meta)) {
    const version = Object.entries(meta).find(([k]) => keyOf(k) === 'payloadversion')?.[1];
    if (version === '101.2023') return '2023';
    if (version === '101') return '2020';
  }
  return edition2023Key ? '2023' : '2020';
}

const PASCAL_ENTITIES = ['Originator', 'Beneficiary', 'OriginatingVASP', 'BeneficiaryVASP'];
const SNAKE_KEY = /^[a-z0-9]+(_[a-z0-9]+)+$/;
const CAMEL_KEY = /[a-z][A-Z]/;

/** Which encoding the sender used (see read.ts Form and docs/ivms101-shapes.md). */
function detectForm(root: Json, signals: Signals): Form {
  if (signals.underscore) {
    const keys = keysDeep(root).keys;
    let snake = 0;
    let camel = 0;
    for (const k of keys) {
      if (SNAKE_KEY.test(k)) snake++;
      if (CAMEL_KEY.test(k)) camel++;
    }
    if (snake > 0 && snake >= camel) return 'protobuf-json-snake';
  }
  if (signals.pbCamel || signals.pbEnumString) return 'protobuf-json';
  if (Object.keys(root).some((k) => PASCAL_ENTITIES.includes(k))) return 'json-pascal-entities';
  return 'json';
}

/**
 * Where a protocol message carries the payload: a TRP inquiry's "IVMS101", GTR's and CODE's "ivms101",
 * VerifyVASP's "payload": {"version", "ivms101"}. Returns the payload, its JSON Pointer and a label.
 */
function unwrap(input: Json): { root: Json; prefix: string; envelope: string } | null {
  const member = (o: Json, name: string) =>
    Object.entries(o).find(([k, v]) => keyOf(k) === name && isObject(v)) as [string, Json] | undefined;
  const direct = member(input, 'ivms101');
  if (direct) {
    const trp = 'asset' in input || 'callback' in input || 'amount' in input || 'keys' in input;
    return { root: direct[1], prefix: `/${direct[0]}`, envelope: trp ? 'TRP inquiry' : `"${direct[0]}" member` };
  }
  const payload = member(input, 'payload');
  const inner = payload ? member(payload[1], 'ivms101') : undefined;
  if (payload && inner)
    return {
      root: inner[1],
      prefix: `/${payload[0]}/${inner[0]}`,
      envelope: `"${payload[0]}.${inner[0]}" member (VerifyVASP)`,
    };
  return null;
}

export interface ValidateOptions {
  /** For C2; defaults to today (UTC). */
  today?: string;
  /** Role of a lone Person (C1/C4 apply to originators only). */
  personRole?: 'originator' | 'beneficiary' | 'unknown';
}

/**
 * Reads and validates anything that claims to be IVMS101. Never throws on bad input. A payload in
 * the standard JSON form without a single problem is answered by the compiled reader (compiled.ts);
 * everything else, and every problem, by the interpreter below (the reference).
 */
export function readIvms101(input: unknown, opts: ValidateOptions = {}): ReadOutcome {
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const clean = readClean(input, today);
  if (clean)
    return {
      ok: true,
      result: {
        valid: true,
        kind: 'payload',
        edition: clean.edition,
        form: 'json',
        envelope: null,
        errors: [],
        warnings: [],
        model: clean.model,
      },
    };
  return readIvms101Interpreted(input, opts.today === undefined ? { ...opts, today } : opts);
}

/** The interpreter: walks the schema table (read.ts), then the rules (constraints.ts). The reference. */
export function readIvms101Interpreted(input: unknown, opts: ValidateOptions = {}): ReadOutcome {
  if (!isObject(input)) return { ok: false, reason: 'not an IVMS101 payload: the document is not a JSON object' };
  let root: Json = input;
  let prefix = '';
  let envelope: string | null = null;
  const wrapped = detectKind(input) ? null : unwrap(input);
  if (wrapped) ({ root, prefix, envelope } = wrapped);
  const kind = detectKind(root);
  if (!kind) {
    const keys = Object.keys(root)
      .slice(0, 6)
      .map((k) => k.slice(0, 30));
    return {
      ok: false,
      reason: `not an IVMS101 payload or component: none of its members (${keys.join(', ') || 'none'}) belong to IVMS101`,
    };
  }
  const signals = scanSignals(root);
  const edition = detectEdition(root, signals.edition2023Key);
  const ctx: ReadContext = { edition, form: detectForm(root, signals), problems: [] };
  const tree = walk(ctx, rootComponent(kind), root, prefix);
  if (!tree) return { ok: false, reason: 'not an IVMS101 payload' };
  const rules = { today: opts.today ?? new Date().toISOString().slice(0, 10) };
  if (kind === 'payload') checkPayload(ctx, tree, rules, edition);
  else if (kind === 'person') checkPerson(ctx, tree, opts.personRole ?? 'unknown', rules);
  else if (kind === 'naturalPerson' || kind === 'legalPerson') {
    // Validate a lone NaturalPerson/LegalPerson as if wrapped in a Person.
    const person = { kind: 'object' as const, comp: 'Person' as const, ptr: prefix, snake: false, fields: new Map() };
    person.fields.set(kind, {
      spec: {
        name: kind,
        min: 0,
        max: 1,
        type: { t: 'comp', comp: kind === 'naturalPerson' ? 'NaturalPerson' : 'LegalPerson' },
      },
      key: kind,
      ptr: prefix,
      items: [tree],
    });
    checkPerson(ctx, person, opts.personRole ?? 'unknown', rules);
  } else if (kind === 'address') {
    // Address-level rules live with the person; run them on this address alone.
    const person = {
      kind: 'object' as const,
      comp: 'NaturalPerson' as const,
      ptr: prefix,
      snake: false,
      fields: new Map(),
    };
    person.fields.set('geographicAddress', {
      spec: { name: 'geographicAddress', min: 0, max: Infinity, type: { t: 'comp', comp: 'Address' } },
      key: 'geographicAddress',
      ptr: prefix,
      items: [tree],
    });
    const wrapper = { kind: 'object' as const, comp: 'Person' as const, ptr: prefix, snake: false, fields: new Map() };
    wrapper.fields.set('naturalPerson', {
      spec: { name: 'naturalPerson', min: 0, max: 1, type: { t: 'comp', comp: 'NaturalPerson' } },
      key: 'naturalPerson',
      ptr: prefix,
      items: [person],
    });
    checkPerson(ctx, wrapper, 'unknown', rules);
    ctx.problems = ctx.problems.filter((p) => p.code !== 'C6_NO_LEGAL_NAME');
  }
  const errors = ctx.problems.filter((p) => p.severity === 'error');
  const warnings = ctx.problems.filter((p) => p.severity === 'warning');
  return {
    ok: true,
    result: {
      valid: errors.length === 0,
      kind,
      edition,
      form: ctx.form,
      envelope,
      errors,
      warnings,
      model: kind === 'payload' ? buildModel(tree) : null,
    },
  };
}

let shared: WeakMap<object, { key: string; out: ReadOutcome }> | null = null;

/**
 * Runs `fn` with readIvms101Shared remembering what it read: the intake's rules, the IVMS101 check
 * and screening each read a case's payload, and within one admission it is read once (issue 21).
 * Only around work that does not change a payload between reads (the admission of a parsed case).
 */
export function sharingIvms101Reads<T>(fn: () => T): T {
  const outer = shared;
  shared = outer ?? new WeakMap();
  try {
    return fn();
  } finally {
    shared = outer;
  }
}

/**
 * readIvms101, answered from the reading of the same object with the same options when inside
 * sharingIvms101Reads; the result is then shared between callers, who treat it as read-only.
 * Outside, a plain read: a payload changed in place between two calls is read afresh.
 */
export function readIvms101Shared(input: unknown, opts: ValidateOptions = {}): ReadOutcome {
  const lastRead = shared;
  if (!lastRead || !isObject(input)) return readIvms101(input, opts);
  const key = `${opts.today ?? new Date().toISOString().slice(0, 10)} ${opts.personRole ?? ''}`;
  const hit = lastRead.get(input);
  if (hit && hit.key === key) return hit.out;
  const out = readIvms101(input, { ...opts, today: key.slice(0, 10) });
  lastRead.set(input, { key, out });
  return out;
}

/**
 * Reads JSON text; a syntax error is a rejection with its position, never a throw. Nesting past
 * MAX_JSON_DEPTH is refused before parsing, so the reader's recursive walk never meets it.
 */
export function readIvms101Text(text: string, opts: ValidateOptions = {}): ReadOutcome {
  const json = parseJsonBounded(text);
  return json.ok ? readIvms101(json.value, opts) : json;
}
