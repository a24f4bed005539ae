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
    exclusive: z.boolean({ error: 'must say whether the amount itself is caught: true for "above/more than", false for "or more/at least/from"' }),
    text: z.string().min(1).optional(),
  })
  .strict();
const item = z.enum(['name', 'account', 'address', 'nationalId', 'customerId', 'birth']);
const requirement = z.object({ id: z.string().min(1), label: z.string().min(1), anyOf: z.array(z.array(item).min(1)).min(1) }).strict();
const tier = z
  .object({ name: z.string().min(1), from: money.optional(), originator: z.array(requirement), beneficiary: z.array(requirement), note: z.string().optional() })
  .strict();
const source = z.object({ label: z.string().min(1), url: z.url(), article: z.string().min(1).optional(), quote: z.string().min(1).optional() }).strict();
const sources = z.array(source).min(1, 'every rule must cite at least one source');
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
};
const travelRule = z
  .object({
    ...common,
    regime: z.literal('travel_rule'),
    threshold: money,
    tiers: z.array(tier).min(1),
    unhostedWallet: z.object({ duty: z.enum(['verify_ownership', 'risk_based', 'none']), from: money.optional(), note: z.string().optional() }).strict(),
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
const verification = z.object({ checkedOn: isoDate, reason: z.string().min(1).optional(), notes: z.string().min(1).optional() }).strict();
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
    verified: z.boolean({ error: 'must say whether the rule was checked against the primary text (true/false)' }),
    verification,
    retentionYears: z.number().int().min(1).max(30),
    retentionSource: source.optional(),
    provenance: z.enum(['curated', 'reference']),
    sources,
    versions: z.array(version),
  })
  .strict();

export type Money = z.infer<typeof money>;
export type Requirement = z.infer<typeof requirement>;
export type Tier = z.infer<typeof tier>;
export type Source = z.infer<typeof source>;
export type TravelRuleVersion = z.infer<typeof travelRule>;
export type RuleVersion = z.infer<typeof version>;
export type RuleFile = z.infer<typeof ruleFile>;

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
  /** SHA-256 over every file's bytes: a stored evaluation is stale when this changes. */
  digest: string;
}

export const DEFAULT_RULES_DIR = () => join(resourcesDir(), 'rules');

/** Where a version starts for ordering: its effective date, or (start unknown) the date a source shows it in force. */
export const versionStart = (v: RuleVersion): string => v.effectiveFrom ?? v.inForceBy ?? '';

function semanticErrors(file: string, f: RuleFile): PackError[] {
  const errors: PackError[] = [];
  const code = file.replace(/\.json$/, '');
  if (f.jurisdiction !== code) errors.push({ file, field: 'jurisdiction', message: `says ${f.jurisdiction}, but the file is named ${file}` });
  if (f.kind === 'member' && !f.group) errors.push({ file, field: 'group', message: 'a member file must name its group' });
  if (!f.verified && !f.verification.reason) errors.push({ file, field: 'verification.reason', message: 'an unverified rule must say what could not be verified and why' });
  f.versions.forEach((v, i) => {
    const at = `versions.${i}`;
    if (v.effectiveFrom === null && !v.inForceBy) errors.push({ file, field: `${at}.inForceBy`, message: 'a version whose start date is unknown (effectiveFrom null) must give the earliest date a source shows it in force' });
    if (v.effectiveFrom !== null && v.inForceBy) errors.push({ file, field: `${at}.inForceBy`, message: 'only for a version whose start date is unknown (effectiveFrom null)' });
    if (f.verified && v.regime === 'travel_rule') {
      if (!v.threshold.text) errors.push({ file, field: `${at}.threshold.text`, message: 'a verified rule quotes its threshold wording' });
      if (!v.sources.some((s) => s.article && s.quote)) errors.push({ file, field: `${at}.sources`, message: 'a verified rule cites its threshold source down to the article, with a quote' });
    }
  });
  const sorted = [...f.versions].sort((a, b) => versionStart(a).localeCompare(versionStart(b)));
  sorted.forEach((v, i) => {
    const at = `versions.${f.versions.indexOf(v)}`;
    if (v.effectiveTo && v.effectiveTo < versionStart(v)) errors.push({ file, field: `${at}.effectiveTo`, message: 'ends before it starts' });
    const next = sorted[i + 1];
    if (next && (v.effectiveTo === null || v.effectiveTo >= versionStart(next))) {
      errors.push({ file, field: `${at}.effectiveTo`, message: `overlaps version ${next.version}, which starts ${versionStart(next)}` });
    }
    if (v.regime === 'travel_rule') {
      v.tiers.forEach((t, ti) => {
        if (ti > 0 && !t.from) errors.push({ file, field: `${at}.tiers.${ti}.from`, message: 'every tier after the first needs a starting amount' });
      });
    }
  });
  return errors;
}

export function loadRulePack(dir = DEFAULT_RULES_DIR()): RulePack {
  const files = new Map<string, RuleFile>();
  const errors: PackError[] = [];
  const broken = new Map<string, PackError>();
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const code = file.replace(/\.json$/, '');
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
      const issues = parsed.error.issues.map((i) => ({ file, field: i.path.join('.') || '(root)', message: i.message }));
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
    files.set(code, parsed.data);
  }
  return { files, errors, broken, digest: hash.digest('hex') };
}

let cached: RulePack | null = null;
/** The shipped pack, loaded once per process. */
export function defaultRulePack(): RulePack {
  cached ??= loadRulePack();
  return cached;
}

/** The versions that can govern a jurisdiction: its own, then its group's. */
export function versionsFor(pack: RulePack, code: string): { own: RuleVersion[]; group: RuleVersion[]; file: RuleFile | null } {
  const file = pack.files.get(code) ?? null;
  const groupFile = file?.group ? (pack.files.get(file.group) ?? null) : null;
  return { own: file?.versions ?? [], group: groupFile?.versions ?? [], file };
}

const inForce = (v: RuleVersion, date: string) => versionStart(v) <= date && (v.effectiveTo === null || date <= v.effectiveTo);

export type VersionLookup =
  | { ok: true; version: TravelRuleVersion; via: string; file: RuleFile }
  | { ok: false; reason: string; sources: Source[] };

/**
 * The Travel Rule version in force for a jurisdiction on a date. A jurisdiction's own rule wins over
 * its group's; a "none_known" period or a missing or broken file is a reason, never a silent pass.
 */
export function ruleInForce(pack: RulePack, code: string, date: string): VersionLookup {
  const brokenFile = pack.broken.get(code);
  if (brokenFile) return { ok: false, reason: `the rule file ${brokenFile.file} is broken (${brokenFile.field}: ${brokenFile.message})`, sources: [] };
  const { own, group, file } = versionsFor(pack, code);
  if (!file) return { ok: false, reason: `no rule file for ${code} in the rule pack`, sources: [] };
  if (file.group && pack.broken.has(file.group)) {
    const e = pack.broken.get(file.group)!;
    return { ok: false, reason: `the group rule file ${e.file} is broken (${e.field}: ${e.message})`, sources: [] };
  }
  for (const [list, via] of [[own, code], [group, file.group ?? code]] as const) {
    const v = list.find((x) => inForce(x, date));
    if (v?.regime === 'travel_rule') return { ok: true, version: v, via, file };
  }
  const none = [...own, ...group].find((x) => inForce(x, date));
  if (none) return { ok: false, reason: `${none.version}: ${none.note ?? 'no Travel Rule in force'}`, sources: none.sources };
  return { ok: false, reason: `no ${code} rule version in force on ${date} in the rule pack`, sources: file.sources };
}

export function retentionYears(pack: RulePack, code: string): number | null {
  const f = pack.files.get(code);
  if (!f) return null;
  return f.retentionYears;
}
