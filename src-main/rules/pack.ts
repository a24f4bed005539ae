import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { resourcesDir } from '../platform/paths';

// The rule pack: one JSON file per jurisdiction (and the EU/EEA as a group) in resources/rules.
// Every file is schema-checked at load. A broken file is an error naming the file and the field;
// the other jurisdictions still load, and the broken one is reported as one we cannot evaluate.

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const decimal = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal number written as a string');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code');
// `exclusive` is required: whether a boundary amount is caught is the law's words ("above" vs "or more"),
// never a default. `text` quotes those words from the source.
const money = z
  .object({
    amount: decimal,
    currency,
    exclusive: z.boolean({
      error:
        'must say whether the amount itself is caught: true for "above/more than", false for "or more/at least/from"',
    }),
    text: z.string().min(1).optional(),
  })
  .strict();
const item = z.enum(['name', 'account', 'address', 'nationalId', 'customerId', 'birth']);
const requirement = z
  .object({ id: z.string().min(1), label: z.string().min(1), anyOf: z.array(z.array(item).min(1)).min(1) })
  .strict();
const tier = z
  .object({
    name: z.string().min(1),
    from: money.optional(),
    originator: z.array(requirement),
    beneficiary: z.array(requirement),
    note: z.string().optional(),
  })
  .strict();
const source = z
  .object({
    label: z.string().min(1),
    url: z.url(),
    article: z.string().min(1).optional(),
    quote: z.string().min(1).optional(),
  })
  .strict();
const sources = z.array(source).min(1, 'every rule must cite at least one source');
// Verification is per rule version and per field: each field a version decides rests on the primary text
// read (law, regulation, regulator's notice), cited down to the article or paragraph. A field the law does
// not set (no threshold) is verified by the text that says so, or the article that sets the duty without one.
const citation = z
  .object({
    label: z.string().min(1),
    url: z.url(),
    article: z.string().min(1, 'must name the article or paragraph read'),
    quote: z.string().min(1).optional(),
  })
  .strict();
const citations = z.array(citation);
/** What each regime's verified version must cite. `none_known` ("we do not know") is never verified. */
export const VERIFIED_FIELDS = {
  travel_rule: ['threshold', 'effectiveFrom', 'tiers', 'selfHosted', 'retention'],
  no_travel_rule: ['regime', 'effectiveFrom'],
  prohibited: ['regime', 'effectiveFrom'],
  none_known: [],
} as const;
/** Fields whose citation must quote the text, because the words decide (threshold wording, start date). */
const QUOTE_REQUIRED = new Set(['threshold', 'effectiveFrom', 'regime']);
const versionVerification = z
  .object({
    verified: z.boolean({ error: 'must say whether this version was checked against the primary text (true/false)' }),
    checkedOn: isoDate,
    reason: z.string().min(1).optional(),
    fields: z
      .object({
        threshold: citations.optional(),
        effectiveFrom: citations.optional(),
        tiers: citations.optional(),
        selfHosted: citations.optional(),
        retention: citations.optional(),
        regime: citations.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
/** IANA zone names this Node (full ICU) knows; a typo is a broken file, not a silent UTC. */
const ianaZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return tz.includes('/') || tz === 'UTC';
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone, e.g. Europe/Amsterdam' },
);
const common = {
  version: z.string().min(1),
  // null: the start date is unknown (never invented); `inForceBy` then says from when a source shows it.
  effectiveFrom: isoDate.nullable(),
  inForceBy: isoDate.optional(),
  effectiveTo: isoDate.nullable(),
  note: z.string().optional(),
  sources,
  verification: versionVerification.optional(),
};
const travelRule = z
  .object({
    ...common,
    regime: z.literal('travel_rule'),
    threshold: money,
    tiers: z.array(tier).min(1),
    // When both VASPs are in this jurisdiction, a reduced data set may apply (UK MLR reg. 64C: name and
    // account only, the rest on request). Used only when both sides are this same jurisdiction.
    domestic: z
      .object({ tiers: z.array(tier).min(1), note: z.string().min(1), sources })
      .strict()
      .optional(),
    unhostedWallet: z
      .object({
        duty: z.enum(['verify_ownership', 'risk_based', 'none']),
        from: money.optional(),
        // What the rule requires for a self-hosted wallet whenever it applies, at any amount (EU: obtain and
        // hold the data, Art. 14(5)/16(2); US: keep the records, with nobody to transmit to).
        whenApplies: z.string().min(1).optional(),
        // "vasp_to_vasp": the rule's own text reaches only transfers between two VASPs (KR Enforcement Decree
        // Art. 10-10), so a transfer to or from a self-hosted wallet is outside it: "not required" on our side,
        // and `note` says what remains. Such a rule has no self-hosted duty to state.
        scope: z.literal('vasp_to_vasp').optional(),
        note: z.string().optional(),
      })
      .strict()
      .refine((u) => !u.scope || (u.duty === 'none' && !u.from && !u.whenApplies && !!u.note), {
        message:
          'scope "vasp_to_vasp" puts self-hosted wallets outside the rule: duty must be "none", with no `from` or `whenApplies`, and a `note` saying what remains',
        path: ['scope'],
      }),
  })
  .strict();
const noteRequired = z.string().min(1, 'must say why');
/** Verified: no Travel Rule in force in this period → "not required on this side". */
const noTravelRule = z.object({ ...common, regime: z.literal('no_travel_rule'), note: noteRequired }).strict();
/** VASP business banned (e.g. CN since 24 Sep 2021) → a red-flag outcome, not "a rule with no minimum". */
const prohibited = z.object({ ...common, regime: z.literal('prohibited'), note: noteRequired }).strict();
/** We do not know → "cannot evaluate". */
const noneKnown = z.object({ ...common, regime: z.literal('none_known'), note: noteRequired }).strict();
const version = z.discriminatedUnion('regime', [travelRule, noTravelRule, prohibited, noneKnown]);
const verification = z
  .object({ checkedOn: isoDate, reason: z.string().min(1).optional(), notes: z.string().min(1).optional() })
  .strict();
const ruleFile = z
  .object({
    jurisdiction: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter code'),
    name: z.string().min(1),
    kind: z.enum(['jurisdiction', 'member', 'group']),
    group: z.string().optional(),
    members: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
    authority: z.string().min(1),
    currency: currency.optional(),
    timeZone: ianaZone,
    timeZoneNote: z.string().min(1).optional(),
    // Derived from the versions at load (every version that can decide for it verified); if the file
    // states it, it must agree.
    verified: z
      .boolean({ error: 'must say whether the rule was checked against the primary text (true/false)' })
      .optional(),
    verification,
    retentionYears: z.number().int().min(1).max(30),
    retentionSource: source.optional(),
    provenance: z.enum(['curated', 'reference']),
    sources,
    versions: z.array(version),
  })
  .strict();

// Territories and every other ISO 3166-1 code without a file of its own (resources/rules/_territories.json):
// whose law applies there, or why no rule is modelled, each with its source.
const territory = z
  .object({
    name: z.string().min(1),
    status: z.enum(['own', 'follows', 'not_modelled', 'excluded']),
    follows: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter code')
      .optional(),
    timeZone: ianaZone.optional(),
    note: z.string().min(1),
    sources: z.array(source),
  })
  .strict();
const territoriesFile = z
  .object({
    note: z.string().min(1),
    territories: z.record(z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter code'), territory),
  })
  .strict();
export type Territory = z.infer<typeof territory>;
export const TERRITORIES_FILE = '_territories.json';
/** Which jurisdictions the FATF's R.15 tables list (issue 14 point 9): research data, not a rule file. */
export const FATF_TABLES_FILE = '_fatf-tables.json';

export type Money = z.infer<typeof money>;
export type Requirement = z.infer<typeof requirement>;
export type Tier = z.infer<typeof tier>;
export type Source = z.infer<typeof source>;
export type TravelRuleVersion = z.infer<typeof travelRule>;
export type NoTravelRuleVersion = z.infer<typeof noTravelRule>;
export type ProhibitedVersion = z.infer<typeof prohibited>;
export type RuleVersion = z.infer<typeof version>;
export type VersionVerification = z.infer<typeof versionVerification>;
/** A loaded file: `verified` is derived from its versions (and its group's), never taken on trust. */
export type RuleFile = Omit<z.infer<typeof ruleFile>, 'verified'> & { verified: boolean };
type RawRuleFile = z.infer<typeof ruleFile>;

export interface PackError {
  file: string;
  field: string;
  message: string;
}

export interface RulePack {
  files: Map<string, RuleFile>;
  errors: PackError[];
  /** Jurisdiction codes whose file failed to load: evaluation says so instead of guessing. */
  broken: Map<string, PackError>;
  /** ISO 3166-1 code → its regime: own file, follows a sovereign's or union's law, or not modelled (why). */
  territories: Map<string, Territory>;
  /** SHA-256 over every file's bytes: a stored evaluation is stale when this changes. */
  digest: string;
}

export const DEFAULT_RULES_DIR = () => join(resourcesDir(), 'rules');

/** Where a version starts for ordering: its effective date, or (start unknown) the date a source shows it in force. */
export const versionStart = (v: RuleVersion): string => v.effectiveFrom ?? v.inForceBy ?? '';

const FIELD_WORDS: Record<string, string> = {
  threshold: 'threshold (or the text saying there is none)',
  effectiveFrom: 'effective date',
  tiers: 'data set (tiers)',
  selfHosted: 'self-hosted wallet duties',
  retention: 'retention period',
  regime: 'regime (the text showing no rule was in force, or the prohibition)',
};

/** A version's verification claim, checked field by field: errors name the file, the version and the field. */
function versionVerificationErrors(file: string, at: string, v: RawRuleFile['versions'][number]): PackError[] {
  const errors: PackError[] = [];
  const ver = v.verification;
  if (!ver) return errors;
  const where = `${at}.verification`;
  if (!ver.verified) {
    if (!ver.reason)
      errors.push({
        file,
        field: `${where}.reason`,
        message: `version ${v.version} is unverified: say what could not be verified and why`,
      });
    return errors;
  }
  if (v.regime === 'none_known') {
    errors.push({
      file,
      field: `${where}.verified`,
      message: `version ${v.version} is "none_known" (we do not know), which cannot be verified`,
    });
    return errors;
  }
  for (const field of VERIFIED_FIELDS[v.regime]) {
    const cited = ver.fields?.[field] ?? [];
    if (cited.length === 0)
      errors.push({
        file,
        field: `${where}.fields.${field}`,
        message: `version ${v.version} claims verified but cites no primary text for its ${FIELD_WORDS[field]}`,
      });
    else if (QUOTE_REQUIRED.has(field) && !cited.some((c) => c.quote))
      errors.push({
        file,
        field: `${where}.fields.${field}`,
        message: `version ${v.version} claims verified but does not quote the words that decide its ${FIELD_WORDS[field]}`,
      });
  }
  if (v.effectiveFrom === null)
    errors.push({
      file,
      field: `${at}.effectiveFrom`,
      message: `version ${v.version} claims verified but its start date is unknown`,
    });
  if (v.regime === 'travel_rule' && !v.threshold.text)
    errors.push({
      file,
      field: `${at}.threshold.text`,
      message: `version ${v.version} claims verified but does not quote its threshold wording`,
    });
  return errors;
}

const nextDay = (d: string): string => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Whether `v`'s whole period falls within the periods of `own` (own versions win wherever they are in force). */
function coveredBy(v: RuleVersion, own: readonly RuleVersion[]): boolean {
  let from = versionStart(v);
  if (!from) return false;
  const periods = own
    .map((o) => ({ start: versionStart(o), end: o.effectiveTo }))
    .filter((o) => o.start)
    .sort((a, b) => a.start.localeCompare(b.start));
  for (const o of periods) {
    if (o.start > from) return false;
    if (o.end === null) return true;
    if (o.end >= from) {
      if (v.effectiveTo !== null && o.end >= v.effectiveTo) return true;
      from = nextDay(o.end);
    }
  }
  return false;
}

/** Whether a version was read at the source; a version without a verification record is not. */
export const versionVerified = (v: RuleVersion): boolean => v.verification?.verified === true;

const SHORT_FIELD: Record<string, string> = {
  threshold: 'threshold',
  effectiveFrom: 'start date',
  tiers: 'data set',
  selfHosted: 'self-hosted duties',
  retention: 'retention',
  regime: 'regime',
};

/**
 * What an analyst needs on a case about an unverified version: which of its fields were not read in the
 * primary text. The research trail (what was read, the routes tried) is long and belongs to `rules audit`
 * and docs/rule-pack.md, not to every case's why.
 */
export function unverifiedFields(v: RuleVersion): string {
  const cited = v.verification?.fields ?? {};
  const missing = VERIFIED_FIELDS[v.regime].filter((f) => !(cited as Record<string, unknown[] | undefined>)[f]?.length);
  if (v.regime === 'none_known') return 'no rule is known for this period';
  return missing.length
    ? `not read in the primary text: ${missing.map((f) => SHORT_FIELD[f] ?? f).join(', ')}`
    : 'each field is cited, but not every citation is to the primary text';
}

function semanticErrors(file: string, f: RawRuleFile): PackError[] {
  const errors: PackError[] = [];
  const code = file.replace(/\.json$/, '');
  if (f.jurisdiction !== code)
    errors.push({ file, field: 'jurisdiction', message: `says ${f.jurisdiction}, but the file is named ${file}` });
  if (f.kind === 'member' && !f.group)
    errors.push({ file, field: 'group', message: 'a member file must name its group' });
  f.versions.forEach((v, i) => {
    const at = `versions.${i}`;
    errors.push(...versionVerificationErrors(file, at, v));
    if (v.effectiveFrom === null && !v.inForceBy)
      errors.push({
        file,
        field: `${at}.inForceBy`,
        message:
          'a version whose start date is unknown (effectiveFrom null) must give the earliest date a source shows it in force',
      });
    if (v.effectiveFrom !== null && v.inForceBy)
      errors.push({
        file,
        field: `${at}.inForceBy`,
        message: 'only for a version whose start date is unknown (effectiveFrom null)',
      });
  });
  const sorted = [...f.versions].sort((a, b) => versionStart(a).localeCompare(versionStart(b)));
  sorted.forEach((v, i) => {
    const at = `versions.${f.versions.indexOf(v)}`;
    if (v.effectiveTo && v.effectiveTo < versionStart(v))
      errors.push({ file, field: `${at}.effectiveTo`, message: 'ends before it starts' });
    const next = sorted[i + 1];
    if (next && (v.effectiveTo === null || v.effectiveTo >= versionStart(next))) {
      errors.push({
        file,
        field: `${at}.effectiveTo`,
        message: `overlaps version ${next.version}, which starts ${versionStart(next)}`,
      });
    }
    if (v.regime === 'travel_rule') {
      v.tiers.forEach((t, ti) => {
        if (ti > 0 && !t.from)
          errors.push({
            file,
            field: `${at}.tiers.${ti}.from`,
            message: 'every tier after the first needs a starting amount',
          });
      });
    }
  });
  return errors;
}

function deepFreeze(v: unknown): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}

export function loadRulePack(dir = DEFAULT_RULES_DIR()): RulePack {
  const files = new Map<string, RuleFile>();
  const loaded = new Map<string, RawRuleFile>();
  const errors: PackError[] = [];
  const broken = new Map<string, PackError>();
  const hash = createHash('sha256');
  const territories = new Map<string, Territory>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const code = file.replace(/\.json$/, '');
    if (file === TERRITORIES_FILE) {
      loadTerritories(dir, hash, errors, territories);
      continue;
    }
    if (file === FATF_TABLES_FILE) continue;
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      const e = { file, field: '(file)', message: 'cannot be read' };
      errors.push(e);
      broken.set(code, e);
      continue;
    }
    hash.update(file).update('\0').update(text).update('\0');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      const e = { file, field: '(file)', message: 'is not valid JSON' };
      errors.push(e);
      broken.set(code, e);
      continue;
    }
    const parsed = ruleFile.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        file,
        field: i.path.join('.') || '(root)',
        message: i.message,
      }));
      errors.push(...issues);
      broken.set(code, issues[0] ?? { file, field: '(root)', message: 'invalid' });
      continue;
    }
    const semantic = semanticErrors(file, parsed.data);
    if (semantic.length) {
      errors.push(...semantic);
      broken.set(code, semantic[0]!);
      continue;
    }
    loaded.set(code, parsed.data);
  }
  // The jurisdiction's flag is derived: verified when every version that can decide for it (its own and,
  // for a member, its group's) was read at the source. A file that states the flag must agree.
  for (const [code, f] of loaded) {
    const file = `${code}.json`;
    const group = f.group ? loaded.get(f.group) : undefined;
    const deciding = [
      ...f.versions.map((v) => ({ v, from: file })),
      // A group version the member's own versions cover day for day never decides for it (the EU's
      // pre-TFR period, where each member records its own), so it does not count against the member.
      ...(group?.versions ?? []).filter((v) => !coveredBy(v, f.versions)).map((v) => ({ v, from: `${f.group!}.json` })),
    ];
    const unverified = deciding.find((d) => !versionVerified(d.v));
    const derived = deciding.length > 0 && !unverified;
    const problems: PackError[] = [];
    if (f.verified !== undefined && f.verified !== derived)
      problems.push({
        file,
        field: 'verified',
        message: f.verified
          ? unverified
            ? `says true, but version ${unverified.v.version}${unverified.from === file ? '' : ` (${unverified.from})`} is not verified`
            : 'says true, but the file has no rule version'
          : 'says false, but every version that can decide for it is verified (the flag is derived: drop it or say true)',
      });
    if (!derived && !f.verification.reason)
      problems.push({
        file,
        field: 'verification.reason',
        message: 'an unverified rule must say what could not be verified and why',
      });
    if (problems.length) {
      errors.push(...problems);
      broken.set(code, problems[0]!);
      continue;
    }
    files.set(code, { ...f, verified: derived });
  }
  for (const [code, t] of territories) {
    const problem =
      t.status === 'follows' && (!t.follows || !files.has(t.follows))
        ? `follows ${t.follows ?? '(nothing)'}, which has no loaded rule file`
        : t.status === 'follows' && !t.timeZone
          ? 'a territory that follows another jurisdiction needs its own timeZone'
          : t.status === 'own' && !files.has(code) && !broken.has(code)
            ? `says it has its own rule file, but there is no ${code}.json`
            : t.status !== 'own' && t.sources.length === 0
              ? 'must cite its source'
              : null;
    if (problem) {
      errors.push({ file: TERRITORIES_FILE, field: `territories.${code}`, message: problem });
      territories.delete(code);
    }
  }
  // The pack is read-only once loaded: results cite its sources by reference (store/checks.ts keeps
  // one stored copy per list), so nothing may change a list after it was stored.
  for (const f of files.values()) deepFreeze(f);
  for (const t of territories.values()) deepFreeze(t);
  return { files, errors, broken, territories, digest: hash.digest('hex') };
}

function loadTerritories(
  dir: string,
  hash: ReturnType<typeof createHash>,
  errors: PackError[],
  into: Map<string, Territory>,
): void {
  const file = TERRITORIES_FILE;
  let raw: unknown;
  try {
    const text = readFileSync(join(dir, file), 'utf8');
    hash.update(file).update('\0').update(text).update('\0');
    raw = JSON.parse(text);
  } catch {
    errors.push({ file, field: '(file)', message: 'cannot be read as JSON' });
    return;
  }
  const parsed = territoriesFile.safeParse(raw);
  if (!parsed.success) {
    errors.push(...parsed.error.issues.map((i) => ({ file, field: i.path.join('.') || '(root)', message: i.message })));
    return;
  }
  for (const [code, t] of Object.entries(parsed.data.territories)) into.set(code, t);
}

let cached: RulePack | null = null;
/** The shipped pack, loaded once per process. */
export function defaultRulePack(): RulePack {
  cached ??= loadRulePack();
  return cached;
}

/** The versions that can govern a jurisdiction: its own, then its group's. */
export function versionsFor(
  pack: RulePack,
  code: string,
): { own: RuleVersion[]; group: RuleVersion[]; file: RuleFile | null } {
  const file = pack.files.get(code) ?? null;
  const groupFile = file?.group ? (pack.files.get(file.group) ?? null) : null;
  return { own: file?.versions ?? [], group: groupFile?.versions ?? [], file };
}

const inForce = (v: RuleVersion, date: string) =>
  versionStart(v) <= date && (v.effectiveTo === null || date <= v.effectiveTo);

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

/** The zone's offset from UTC at instant t (ms; whole seconds), as Intl reads the tz database. */
function offsetAt(t: number, timeZone: string): number {
  const n: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t))) if (p.type !== 'literal') n[p.type] = Number(p.value);
  // Years before 100 would be read as 19xx by Date.UTC; setUTCFullYear keeps them.
  const local = new Date(Date.UTC(2000, n.month! - 1, n.day!, n.hour!, n.minute!, n.second!));
  local.setUTCFullYear(n.year!);
  return local.getTime() - Math.floor(t / 1000) * 1000;
}

const DAY = 86_400_000;
/** Per zone and UTC day: the offset when it is the same at the day's first and last millisecond, else null. */
const dayOffsets = new Map<string, number | null>();

/** The calendar date of an instant in a legal time zone (effective dates are local dates). */
export function localDate(instant: string, timeZone: string): string | null {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) return null;
  // Intl's formatToParts costs microseconds and the intake asks twice per case: the offset is read once
  // per zone and UTC day, and Intl again only on a day the zone changes its offset.
  const day = Math.floor(t / DAY);
  const key = `${timeZone} ${day}`;
  let offset = dayOffsets.get(key);
  if (offset === undefined) {
    const first = offsetAt(day * DAY, timeZone);
    offset = first === offsetAt(day * DAY + DAY - 1, timeZone) ? first : null;
    if (dayOffsets.size > 100_000) dayOffsets.clear();
    dayOffsets.set(key, offset);
  }
  const at = offset === null ? Math.floor(t / 1000) * 1000 + offsetAt(t, timeZone) : t + offset;
  const d = new Date(at);
  const y = d.getUTCFullYear();
  return `${y < 0 ? '-' + String(-y).padStart(6, '0') : String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Whose rule file governs a code: its own, or (a territory) its sovereign's or union's, in the territory's zone. */
export type Governing =
  | {
      ok: true;
      code: string;
      file: RuleFile;
      follows: string | null;
      timeZone: string;
      territoryNote: string | null;
      territorySources: Source[];
    }
  | { ok: false; reason: string; sources: Source[] };

export function governing(pack: RulePack, code: string): Governing {
  const brokenFile = pack.broken.get(code);
  if (brokenFile)
    return {
      ok: false,
      reason: `the rule file ${brokenFile.file} is broken (${brokenFile.field}: ${brokenFile.message})`,
      sources: [],
    };
  const own = pack.files.get(code);
  if (own)
    return {
      ok: true,
      code,
      file: own,
      follows: null,
      timeZone: own.timeZone,
      territoryNote: null,
      territorySources: [],
    };
  const t = pack.territories.get(code);
  if (t?.status === 'follows' && t.follows) {
    const sovereign = governing(pack, t.follows);
    if (!sovereign.ok)
      return {
        ok: false,
        reason: `${code} (${t.name}) follows ${t.follows}, and ${sovereign.reason}`,
        sources: t.sources,
      };
    return {
      ...sovereign,
      follows: t.follows,
      timeZone: t.timeZone ?? sovereign.timeZone,
      territoryNote: t.note,
      territorySources: t.sources,
    };
  }
  if (t && t.status !== 'own') return { ok: false, reason: `${code} (${t.name}): ${t.note}`, sources: t.sources };
  return { ok: false, reason: `no rule file for ${code} in the rule pack`, sources: [] };
}

interface Found<V> {
  version: V;
  /** The file the version came from: the jurisdiction itself, its group (EU), or for a territory its sovereign's. */
  via: string;
  file: RuleFile;
  /** Set when `code` is a territory that follows another jurisdiction's law. */
  follows: string | null;
  /** The local date the version was chosen for, and the zone it was computed in. */
  date: string;
  timeZone: string;
  /** Whether the file that decided (the group's, for a member using the group's version) was verified. */
  verified: boolean;
  verificationReason: string | null;
  /** For an unverified version, the fields not read in the primary text, in a few words (for the why). */
  unverifiedFields: string | null;
}

export type VersionLookup =
  | ({ ok: true; kind: 'travel_rule' } & Found<TravelRuleVersion>)
  | ({ ok: false; kind: 'no_travel_rule'; reason: string; sources: Source[] } & Found<NoTravelRuleVersion>)
  | ({ ok: false; kind: 'prohibited'; reason: string; sources: Source[] } & Found<ProhibitedVersion>)
  | {
      ok: false;
      kind: 'unknown';
      reason: string;
      sources: Source[];
      date: string | null;
      timeZone: string | null;
      verified: boolean | null;
      verificationReason: string | null;
      unverifiedFields: string | null;
      via: string | null;
      follows: string | null;
    };

/**
 * The version in force for a jurisdiction on a local date (YYYY-MM-DD) or at an instant (then the
 * jurisdiction's legal time zone gives the date). The jurisdiction's own version in force beats its
 * group's; a "none_known" period, an unknown start date, or a missing or broken
 * file is a reason ("cannot evaluate"), never a silent pass.
 */
export function ruleInForce(pack: RulePack, code: string, at: string): VersionLookup {
  const g = governing(pack, code);
  const unknown = (
    reason: string,
    sources: Source[],
    date: string | null = null,
    timeZone: string | null = null,
    file: RuleFile | null = null,
  ) =>
    ({
      ok: false,
      kind: 'unknown',
      reason,
      sources,
      date,
      timeZone,
      verified: file ? file.verified : null,
      verificationReason: file?.verification.reason ?? null,
      unverifiedFields: null,
      via: file?.jurisdiction ?? null,
      follows: g.ok ? g.follows : null,
    }) as const;
  if (!g.ok) return unknown(g.reason, g.sources);
  const file = g.file;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : localDate(at, g.timeZone);
  if (!date) return unknown(`the transfer time "${at.slice(0, 40)}" is not a readable instant`, [], null, g.timeZone);
  if (file.group && pack.broken.has(file.group)) {
    const e = pack.broken.get(file.group)!;
    return unknown(`the group rule file ${e.file} is broken (${e.field}: ${e.message})`, [], date, g.timeZone);
  }
  const groupFile = file.group ? (pack.files.get(file.group) ?? null) : null;
  const lists: [RuleVersion[], RuleFile][] = [
    [file.versions, file],
    ...(groupFile ? [[groupFile.versions, groupFile] as [RuleVersion[], RuleFile]] : []),
  ];
  // "Unverified rule" follows the version that decided, not the file: a verified TFR version decides
  // verified even where the member's pre-TFR period is not.
  const found = (from: RuleFile, v: RuleVersion) => ({
    via: from.jurisdiction,
    file: g.file,
    follows: g.follows,
    date,
    timeZone: g.timeZone,
    verified: versionVerified(v),
    verificationReason: versionVerified(v)
      ? null
      : (v.verification?.reason ?? from.verification.reason ?? 'not checked against the primary text'),
    unverifiedFields: versionVerified(v) ? null : unverifiedFields(v),
  });
  // The member's own version in force wins over its group's, whatever its regime: a member file says what
  // holds there (IS/LI/NO: the TFR reached them only through the EEA Agreement), the group fills the gaps.
  for (const [list, from] of lists) {
    const v = list.find((x) => inForce(x, date));
    if (!v) continue;
    const f = found(from, v);
    if (v.regime === 'travel_rule') return { ok: true, kind: 'travel_rule', ...f, version: v };
    if (v.regime === 'prohibited')
      return { ok: false, kind: 'prohibited', reason: `${v.version}: ${v.note}`, sources: v.sources, ...f, version: v };
    if (v.regime === 'no_travel_rule')
      return {
        ok: false,
        kind: 'no_travel_rule',
        reason: `${v.version}: ${v.note}`,
        sources: v.sources,
        ...f,
        version: v,
      };
    return unknown(`${v.version}: ${v.note}`, v.sources, date, g.timeZone, file);
  }
  const all = lists.flatMap(([list]) => list);
  const later = all.find((x) => x.effectiveFrom === null && x.inForceBy && date < x.inForceBy);
  if (later)
    return unknown(
      `${later.version} has no known start date; a source shows it in force by ${later.inForceBy}, and ${date} is earlier`,
      later.sources,
      date,
      g.timeZone,
      file,
    );
  return unknown(`no ${code} rule version in force on ${date} in the rule pack`, file.sources, date, g.timeZone, file);
}
export function retentionYears(pack: RulePack, code: string): number | null {
  const f = pack.files.get(code);
  if (!f) return null;
  return f.retentionYears;
}
