import Decimal from 'decimal.js';
import type { CaseRecord } from '../../src-shared/case';
import type { MoneyAmount, Side, SideEvaluation, TravelRuleEvaluation, UnhostedDuty } from '../../src-shared/checks';
import { convert, display, DEFAULT_MAX_RATE_AGE_HOURS, type RateSource } from './fx';
import { ruleInForce, type Money, type RulePack, type Tier, type TravelRuleVersion } from './pack';

// Does the Travel Rule apply to this transfer, under whose rule and version, at what rate, in which
// tier, with what duties? Both jurisdictions are evaluated on the transfer's date; the stricter wins.
// Every step is written down in `why`, so an analyst or an auditor can replay it.

export interface EvaluationContext {
  pack: RulePack;
  rates: RateSource;
  homeJurisdiction: string;
  maxRateAgeHours?: number;
}

/** What a side needs from the IVMS101 payload, for completeness. */
export interface SideRequirements {
  jurisdiction: string;
  label: string;
  source: string;
  tier: Tier;
  note: string | null;
}

export interface Evaluation {
  result: TravelRuleEvaluation;
  requirements: SideRequirements[];
  /** Jurisdictions whose requirements are unknown (no rule, broken file): completeness must say so. */
  unknown: string[];
}

function meets(value: string, limit: Money): boolean {
  const v = new Decimal(value);
  return limit.exclusive ? v.greaterThan(limit.amount) : v.greaterThanOrEqualTo(limit.amount);
}

const moneyText = (m: Money) => `${m.exclusive ? 'above' : 'from'} ${display(m.amount, m.currency)}`;
const isZero = (m: Money) => new Decimal(m.amount).isZero() && !m.exclusive;

interface SideResult {
  eval: SideEvaluation;
  requirements: SideRequirements | null;
  unknown: string | null;
  version: TravelRuleVersion | null;
  staleWarning: string | null;
}

function evaluateSide(side: Side, party: 'us' | 'counterparty', code: string | null, c: CaseRecord, value: MoneyAmount, ctx: EvaluationContext): SideResult {
  const date = c.transferTime.slice(0, 10);
  const blank: SideEvaluation = { side, party, jurisdiction: code, status: 'cannot_evaluate', version: null, via: null, threshold: null, converted: null, tier: null, reason: '', sources: [] };
  if (!code) {
    return {
      eval: { ...blank, status: 'no_counterparty_vasp', reason: 'Self-hosted wallet: there is no counterparty VASP to send Travel Rule data to.' },
      requirements: null,
      unknown: null,
      version: null,
      staleWarning: null,
    };
  }
  const found = ruleInForce(ctx.pack, code, date);
  if (!found.ok) {
    return { eval: { ...blank, reason: `Cannot evaluate ${code}: ${found.reason}.`, sources: found.sources }, requirements: null, unknown: code, version: null, staleWarning: null };
  }
  const v = found.version;
  const base = { ...blank, version: v.version, via: found.via, threshold: v.threshold, sources: v.sources };
  const label = `${found.file.name} — ${v.version}`;
  const strictest = v.tiers[v.tiers.length - 1]!;
  // Conversion is needed only when an amount matters: a non-zero threshold, or more than one tier.
  const needsAmount = !isZero(v.threshold) || v.tiers.length > 1;
  const ruleCurrency = v.threshold.currency;
  if (!needsAmount) {
    return {
      eval: { ...base, status: 'applies', tier: strictest.name, reason: `${code}: ${v.version} applies to every transfer (no minimum).` },
      requirements: { jurisdiction: code, label, source: v.sources[0]?.label ?? v.version, tier: strictest, note: null },
      unknown: null,
      version: v,
      staleWarning: null,
    };
  }
  const conv = convert(value.amount, value.currency, ruleCurrency, c.transferTime, ctx.rates, ctx.maxRateAgeHours ?? DEFAULT_MAX_RATE_AGE_HOURS);
  if (!conv.ok && isZero(v.threshold)) {
    // The rule applies to every transfer; only the tier needs the amount. Assume the strictest.
    return {
      eval: { ...base, status: 'applies', tier: strictest.name, reason: `${code}: ${v.version} applies to every transfer; ${conv.reason}, so the tier cannot be chosen: the strictest (${strictest.name}) is assumed.` },
      requirements: { jurisdiction: code, label, source: v.sources[0]?.label ?? v.version, tier: strictest, note: `no ${ruleCurrency} rate: the strictest tier applies` },
      unknown: null,
      version: v,
      staleWarning: null,
    };
  }
  if (!conv.ok) {
    return {
      eval: { ...base, reason: `Cannot evaluate ${code}: ${conv.reason}, so the ${moneyText(v.threshold)} threshold cannot be checked.` },
      // Without an amount, completeness asks for the strictest tier's data: never less than the rule may need.
      requirements: { jurisdiction: code, label, source: v.sources[0]?.label ?? v.version, tier: strictest, note: `no ${ruleCurrency} rate: the strictest tier applies` },
      unknown: null,
      version: v,
      staleWarning: null,
    };
  }
  const converted = { amount: conv.amount, currency: ruleCurrency, rates: conv.rates };
  const applies = meets(conv.amount, v.threshold);
  let tier: Tier = v.tiers[0]!;
  for (const t of v.tiers) if (t.from && meets(conv.amount, t.from)) tier = t;
  const rateText = conv.rates.map((r) => `${r.base}/${r.quote} ${r.rate} (${r.source}, ${r.asOf})`).join(' then ');
  const amountText = `${display(value.amount, value.currency)} = ${display(conv.amount, ruleCurrency)}${rateText ? ` at ${rateText}` : ''}`;
  const staleWarning = conv.stale
    ? `The ${conv.rates.filter((r) => r.stale).map((r) => `${r.base}/${r.quote}`).join(', ')} rate used for ${code} is ${Math.max(...conv.rates.map((r) => r.ageHours))} hours older than the transfer (limit ${ctx.maxRateAgeHours ?? DEFAULT_MAX_RATE_AGE_HOURS} h).`
    : null;
  return {
    eval: {
      ...base,
      status: applies ? 'applies' : 'below_threshold',
      converted,
      tier: applies ? tier.name : null,
      reason: applies
        ? `${code}: ${v.version} applies — ${amountText}, ${moneyText(v.threshold)}; tier: ${tier.name}.`
        : `${code}: below the threshold of ${v.version} — ${amountText}; the rule applies ${moneyText(v.threshold)}.`,
    },
    requirements: applies ? { jurisdiction: code, label, source: v.sources[0]?.label ?? v.version, tier, note: null } : null,
    unknown: null,
    version: v,
    staleWarning,
  };
}

function unhostedDuty(c: CaseRecord, us: SideResult, value: MoneyAmount, ctx: EvaluationContext): UnhostedDuty | null {
  if (c.walletType !== 'unhosted' || !us.version || !us.eval.jurisdiction) return null;
  const u = us.version.unhostedWallet;
  const base = { jurisdiction: us.eval.jurisdiction, version: us.version.version, duty: u.duty, threshold: u.from ?? null };
  if (u.duty === 'none') return { ...base, applies: false, reason: `${us.version.version}: no duty for self-hosted wallets. ${u.note ?? ''}`.trim() };
  if (!u.from) return { ...base, applies: true, reason: u.note ?? 'Applies to every self-hosted wallet transfer.' };
  const conv = convert(value.amount, value.currency, u.from.currency, c.transferTime, ctx.rates, ctx.maxRateAgeHours ?? DEFAULT_MAX_RATE_AGE_HOURS);
  if (!conv.ok) return { ...base, applies: null, reason: `Cannot tell whether the self-hosted wallet duty (${moneyText(u.from)}) applies: ${conv.reason}.` };
  const applies = meets(conv.amount, u.from);
  const what = u.duty === 'verify_ownership' ? 'verify that the customer owns or controls the self-hosted address' : 'assess the self-hosted wallet on risk';
  return {
    ...base,
    applies,
    reason: applies
      ? `${display(conv.amount, u.from.currency)} is ${moneyText(u.from)}: ${what}. ${u.note ?? ''}`.trim()
      : `${display(conv.amount, u.from.currency)}: the self-hosted wallet duty applies only ${moneyText(u.from)}; none here.`,
  };
}

export function evaluateCase(c: CaseRecord, ctx: EvaluationContext): Evaluation {
  const value: MoneyAmount = c.fiatValue ? { amount: c.fiatValue.amount, currency: c.fiatValue.currency } : { amount: c.amount, currency: c.asset };
  const them = c.walletType === 'unhosted' ? null : (c.counterparty?.jurisdiction ?? null);
  const [originator, beneficiary] =
    c.direction === 'withdrawal'
      ? [evaluateSide('originator', 'us', ctx.homeJurisdiction, c, value, ctx), evaluateSide('beneficiary', 'counterparty', them, c, value, ctx)]
      : [evaluateSide('originator', 'counterparty', them, c, value, ctx), evaluateSide('beneficiary', 'us', ctx.homeJurisdiction, c, value, ctx)];
  const sides = [originator, beneficiary];
  const us = sides.find((s) => s.eval.party === 'us')!;
  const other = sides.find((s) => s.eval.party === 'counterparty')!;

  const statuses = sides.map((s) => s.eval.status);
  const outcome = statuses.includes('applies') ? 'applies' : statuses.includes('cannot_evaluate') ? 'cannot_evaluate' : 'below_threshold';
  const warnings: string[] = [];
  for (const s of sides) if (s.staleWarning) warnings.push(s.staleWarning);
  if (us.eval.status === 'below_threshold' && other.eval.status === 'applies') {
    warnings.push(`Below our threshold, but above the counterparty's (${other.eval.jurisdiction}, ${other.eval.version}): expect them to ask for Travel Rule data.`);
  }
  if (outcome === 'applies' && sides.some((s) => s.eval.status === 'cannot_evaluate')) {
    warnings.push(`The Travel Rule applies, but ${sides.filter((s) => s.eval.status === 'cannot_evaluate').map((s) => s.eval.jurisdiction).join(', ')} could not be evaluated: its requirements may add to what is listed.`);
  }
  const protocol = c.counterparty?.protocol ?? null;
  const counterparty: TravelRuleEvaluation['counterparty'] =
    c.walletType === 'unhosted' || !c.counterparty
      ? { capability: 'self-hosted', protocol: null, note: 'Self-hosted wallet: no counterparty VASP.' }
      : protocol === 'email'
        ? { capability: 'email', protocol: null, note: `${c.counterparty.name} speaks no Travel Rule protocol: the data goes by e-mail to its compliance contact (the "sunrise" case).` }
        : { capability: 'protocol', protocol, note: `${c.counterparty.name} receives the data by ${protocol}.` };
  if (other.eval.status === 'cannot_evaluate' && other.eval.jurisdiction) {
    warnings.push(`The counterparty's jurisdiction (${other.eval.jurisdiction}) has no Travel Rule we can evaluate: it may not be able to receive or return Travel Rule data.`);
  }
  const unhosted = unhostedDuty(c, us, value, ctx);
  const head =
    outcome === 'applies'
      ? 'The Travel Rule applies to this transfer.'
      : outcome === 'below_threshold'
        ? 'The Travel Rule does not apply: the transfer is below every applicable threshold.'
        : 'Cannot evaluate whether the Travel Rule applies.';
  const why = [head, ...sides.map((s) => s.eval.reason), ...(unhosted ? [unhosted.reason] : []), counterparty.note];
  return {
    result: {
      outcome,
      why,
      warnings,
      sides: sides.map((s) => s.eval),
      unhosted,
      counterparty,
      inputs: { transferTime: c.transferTime, value, homeJurisdiction: ctx.homeJurisdiction, counterpartyJurisdiction: them },
      rulePackDigest: ctx.pack.digest,
    },
    requirements: sides.map((s) => s.requirements).filter((r): r is SideRequirements => r !== null),
    unknown: sides.map((s) => s.unknown).filter((u): u is string => u !== null),
  };
}
