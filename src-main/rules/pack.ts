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
const money = z.object({ amount: decimal, currency, exclusive: z.boolean().optional() }).strict();
const item = z.enum(['name', 'account', 'address', 'nationalId', 'customerId', 'birth']);
const requirement = z.object({ id: z.string().min(1), label: z.string().min(1), anyOf: z.array(z.array(item).min(1)).min(1) }).strict();
const tier = z
  .object({ name: z.string().min(1), from: money.optional(), originator: z.array(requirement), beneficiary: z.array(requirement), note: z.string().optional() })
  .strict();
const source = z.object({ label: z.string().min(1), url: z.url() }).strict();
const sources = z.array(source).min(1, 'every rule must cite at least one source');
const common = { version: z.string().min(1), effectiveFrom: isoDate, effectiveTo: isoDate.nullable(), note: z.string().optional(), sources };
const travelRule = z
  .object({
    ...common,
    regime: z.literal('travel_rule'),
    threshold: money,
    tiers: z.array(tier).min(1),
    unhostedWallet: z.object({ duty: z.enum(['verify_ownership', 'risk_based', 'none']), from: money.optional(), note: z.string().optional() }).strict(),
  })
  .strict();
const noneKnown = z.object({ ...common, regime: z.literal('none_known'), note: z.string().min(1) }).strict();
const version = z.discriminatedUnion('regime', [travelRule, noneKnown]);
const ruleFile = z
  .object({
    jurisdiction: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter code'),
    name: z.string().min(1),
    kind: z.enum(['jurisdiction', 'member', 'group']),
    group: z.string().optional(),
    members: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
    authority: z.string().min(1),
    currency: currency.optional(),
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

function semanticErrors(file: string, f: RuleFile): PackError[] {
  const errors: PackError[] = [];
  const code = file.replace(/\.json$/, '');
  if (f.jurisdiction !== code) errors.push({ file, field: 'jurisdiction', message: `says ${f.jurisdiction}, but the file is named ${file}` });
  if (f.kind === 'member' && !f.group) errors.push({ file, field: 'group', message: 'a member file must name its group' });
  const sorted = [...f.versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  sorted.forEach((v, i) => {
    const at = `versions.${f.versions.indexOf(v)}`;
    if (v.effectiveTo && v.effectiveTo < v.effectiveFrom) errors.push({ file, field: `${at}.effectiveTo`, message: 'ends before it starts' });
    const next = sorted[i + 1];
    if (next && (v.effectiveTo === null || v.effectiveTo >= next.effectiveFrom)) {
      errors.push({ file, field: `${at}.effectiveTo`, message: `overlaps version ${next.version}, which starts ${next.effectiveFrom}` });
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

const inForce = (v: RuleVersion, date: string) => v.effectiveFrom <= date && (v.effectiveTo === null || date <= v.effectiveTo);

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
