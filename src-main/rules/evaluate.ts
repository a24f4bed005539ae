import Decimal from 'decimal.js';
import type { CaseRecord } from '../../src-shared/case';
import type {
  MoneyAmount,
  RateUsed,
  Side,
  SideEvaluation,
  TravelRuleEvaluation,
  TravelRuleOutcome,
  UnhostedDuty,
} from '../../src-shared/checks';
import { convert, display, DEFAULT_MAX_RATE_AGE_HOURS, type Conversion, type RateSource } from './fx';
import { ruleInForce, type Money, type RulePack, type Tier, type TravelRuleVersion } from './pack';

// Does the Travel Rule apply to this transfer, under whose rule and version, at what rate, in which
// tier, with what duties? Each jurisdiction is evaluated on ITS local date of the transfer (the
// instant stays UTC); the stricter side wins. Every step is written down in `why`, so an analyst or
// an auditor can replay it. See docs/rule-pack.md for the outcomes and when each is chosen.

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
/** A threshold as the analyst reads it: "no minimum" rather than "from 0.00 SGD". */
const limitText = (m: Money) => (isZero(m) ? 'no minimum' : moneyText(m));
/** "2000.00 EUR = 2160.00 USD at …"; a value already in the rule's currency is said once ("5000.00 USD"). */
function valueIn(
  valueText: string,
  value: MoneyAmount,
  conv: { amount: string; rates: RateUsed[] },
  limit: Money,
): string {
  const converted = amountText(conv.amount, limit.currency, limit);
  if (value.currency === limit.currency && conv.rates.length === 0) return converted;
  const rates = conv.rates.map((r) => `${r.base}/${r.quote} ${r.rate} (${r.source}, ${r.asOf})`).join(' then ');
  return `${valueText} = ${converted}${rates ? ` at ${rates}` : ''}`;
}
/** A rule's own note ends its sentence; the local date and the flag follow it inside the same sentence. */
const clause = (text: string) => text.replace(/\.\s*$/, '');
/** Two decimals for people; the exact figure too when rounding would hide which side of a limit it is on. */
function amountText(amount: string, currency: string, limit?: Money): string {
  const shown = display(amount, currency);
  if (limit && limit.currency === currency) {
    const rounded = new Decimal(amount).toFixed(2, Decimal.ROUND_HALF_UP);
    if (new Decimal(rounded).equals(limit.amount) && !new Decimal(amount).equals(limit.amount))
      return `${shown} (exactly ${new Decimal(amount).toFixed()} ${currency})`;
  }
  return shown;
}
const hours = (h: number) => (h >= 48 ? `${h} hours (${Math.floor(h / 24)} days)` : `${h} hours`);

type Cause = 'rule' | 'rate' | null;
interface SideResult {
  eval: SideEvaluation;
  requirements: SideRequirements | null;
  unknown: string | null;
  version: TravelRuleVersion | null;
  /** Why a side could not be evaluated: an unknown rule, or a missing/stale rate. */
  cause: Cause;
  staleRates: RateUsed[];
  unverified: { jurisdiction: string; version: string; reason: string; fields: string } | null;
}

function evaluateSide(
  side: Side,
  party: 'us' | 'counterparty',
  code: string | null,
  c: CaseRecord,
  value: MoneyAmount,
  valueText: string,
  ctx: EvaluationContext,
  otherCode: string | null,
): SideResult {
  const blank: SideEvaluation = {
    side,
    party,
    jurisdiction: code,
    status: 'cannot_evaluate',
    version: null,
    via: null,
    threshold: null,
    converted: null,
    tier: null,
    reason: '',
    sources: [],
    localDate: null,
    timeZone: null,
    follows: null,
    verified: null,
  };
  const result = (e: SideEvaluation, o: Partial<SideResult> = {}): SideResult => ({
    eval: e,
    requirements: null,
    unknown: null,
    version: null,
    cause: null,
    staleRates: [],
    unverified: null,
    ...o,
  });
  if (!code)
    return result({
      ...blank,
      status: 'no_counterparty_vasp',
      reason: 'Self-hosted wallet: there is no counterparty VASP to exchange Travel Rule data with.',
    });
  const found = ruleInForce(ctx.pack, code, c.transferTime);
  const when = found.date ? ` (local date ${found.date}, ${found.timeZone})` : '';
  const territory = found.follows ? `${code} follows ${found.follows} law; ` : '';
  if (found.kind === 'unknown') {
    return result(
      {
        ...blank,
        localDate: found.date,
        timeZone: found.timeZone,
        follows: found.follows,
        reason: `Cannot evaluate ${code}: ${territory}${clause(found.reason)}${when}.`,
        sources: found.sources,
      },
      { unknown: code, cause: 'rule' },
    );
  }
  const base: SideEvaluation = {
    ...blank,
    version: found.version.version,
    via: found.via,
    sources: found.version.sources,
    localDate: found.date,
    timeZone: found.timeZone,
    follows: found.follows,
    verified: found.verified,
  };
  const unverified = found.verified
    ? null
    : {
        jurisdiction: code,
        version: found.version.version,
        reason: found.verificationReason ?? 'not checked against the primary text',
        fields: found.unverifiedFields ?? 'not checked against the primary text',
      };
  const mark = unverified ? ' [unverified rule]' : '';
  if (found.kind === 'no_travel_rule') {
    return result(
      {
        ...base,
        status: 'not_required',
        reason: `${code}: not required on this side — ${territory}${clause(found.reason)}${when}${mark}.`,
      },
      { unverified },
    );
  }
  if (found.kind === 'prohibited') {
    return result(
      {
        ...base,
        status: 'prohibited',
        reason: `${code} prohibits VASP activity — ${territory}${clause(found.reason)}${when}${mark}.`,
      },
      { unverified },
    );
  }
  // A rule that reaches only transfers between two VASPs (KR Enforcement Decree Art. 10-10) does not reach a
  // transfer to or from a self-hosted wallet, at any amount: not required on our side, never "applies".
  if (party === 'us' && c.walletType === 'unhosted' && found.version.unhostedWallet.scope === 'vasp_to_vasp') {
    return result(
      {
        ...base,
        status: 'not_required',
        reason: `${code}: not required on this side — ${territory}${found.version.version}${when} applies only to transfers between two VASPs, and the other side is a self-hosted wallet${mark}.`,
      },
      { version: found.version, unverified },
    );
  }
  // Both VASPs in the same jurisdiction with a domestic variant (UK reg. 64C): its reduced tiers apply.
  const domestic = found.version.domestic && otherCode === code && !found.follows ? found.version.domestic : null;
  const v: TravelRuleVersion = domestic ? { ...found.version, tiers: domestic.tiers } : found.version;
  const withBase = { ...base, threshold: v.threshold };
  const label = `${found.file.name} — ${v.version}`;
  const source = v.sources[0]?.label ?? v.version;
  const strictest = v.tiers[v.tiers.length - 1]!;
  const head = `${code}: ${territory}${v.version}${domestic ? ' (both VASPs in ' + code + ': ' + domestic.note + ')' : ''}${when}`;
  // Conversion is needed only when an amount matters: a non-zero threshold, or more than one tier.
  const needsAmount = !isZero(v.threshold) || v.tiers.length > 1;
  const ruleCurrency = v.threshold.currency;
  const applied = (
    tier: Tier,
    reason: string,
    converted: SideEvaluation['converted'],
    note: string | null,
    stale: RateUsed[] = [],
  ) =>
    result(
      { ...withBase, status: 'applies', tier: tier.name, converted, reason: reason + mark },
      { requirements: { jurisdiction: code, label, source, tier, note }, version: v, staleRates: stale, unverified },
    );
  if (!needsAmount) return applied(strictest, `${head} applies to every transfer (no minimum).`, null, null);

  const max = ctx.maxRateAgeHours ?? DEFAULT_MAX_RATE_AGE_HOURS;
  const conv: Conversion = convert(value.amount, value.currency, ruleCurrency, c.transferTime, ctx.rates, max);
  if (!conv.ok) {
    const missing = `the ${value.currency}→${ruleCurrency} exchange rate is missing (${conv.reason})`;
    // The rule applies to every transfer; only the tier needs the amount. Assume the strictest.
    if (isZero(v.threshold))
      return applied(
        strictest,
        `${head} applies to every transfer; ${missing}, so the tier cannot be chosen: the strictest (${strictest.name}) is assumed.`,
        null,
        `no ${ruleCurrency} rate: the strictest tier applies`,
      );
    return result(
      {
        ...withBase,
        reason: `Cannot evaluate ${code}: ${missing}, and it decides whether the ${v.version} threshold (${moneyText(v.threshold)}) is met${when}${mark}.`,
      },
      // Without an amount, completeness asks for the strictest tier's data: never less than the rule may need.
      {
        requirements: {
          jurisdiction: code,
          label,
          source,
          tier: strictest,
          note: `no ${ruleCurrency} rate: the strictest tier applies`,
        },
        version: v,
        cause: 'rate',
        unverified,
      },
    );
  }
  const converted = { amount: conv.amount, currency: ruleCurrency, rates: conv.rates };
  const amount = valueIn(valueText, value, conv, v.threshold);
  const stale = conv.rates.filter((r) => r.stale);
  const age = stale.length ? Math.max(...stale.map((r) => r.ageHours)) : 0;
  const staleText = `the ${stale.map((r) => `${r.base}/${r.quote}`).join(', ')} rate is ${hours(age)} older than the transfer (limit ${max} h)`;
  const applies = meets(conv.amount, v.threshold);
  if (applies) {
    if (stale.length && v.tiers.length > 1) {
      // A stale rate never chooses a lower tier.
      return applied(
        strictest,
        `${head} applies — ${amount}, ${limitText(v.threshold)}; ${staleText}, so the tier cannot be chosen: the strictest (${strictest.name}) is assumed.`,
        converted,
        `stale ${ruleCurrency} rate: the strictest tier applies`,
        stale,
      );
    }
    let tier: Tier = v.tiers[0]!;
    for (const t of v.tiers) if (t.from && meets(conv.amount, t.from)) tier = t;
    return applied(
      tier,
      `${head} applies — ${amount}, ${limitText(v.threshold)}; tier: ${tier.name}.`,
      converted,
      null,
      stale,
    );
  }
  if (stale.length) {
    // A stale rate never concludes "below": the rate may have moved enough to cross the threshold.
    return result(
      {
        ...withBase,
        converted,
        reason: `Cannot evaluate ${code}: ${amount} would be below ${v.version}'s threshold (${moneyText(v.threshold)}), but ${staleText}: a stale rate cannot conclude "below"${when}${mark}.`,
      },
      {
        requirements: {
          jurisdiction: code,
          label,
          source,
          tier: strictest,
          note: `stale ${ruleCurrency} rate: the strictest tier applies`,
        },
        version: v,
        cause: 'rate',
        staleRates: stale,
        unverified,
      },
    );
  }
  return result(
    {
      ...withBase,
      status: 'below_threshold',
      converted,
      reason: `${head}: below the threshold — ${amount}; the rule applies ${moneyText(v.threshold)}${mark}.`,
    },
    { version: v, unverified },
  );
}

function unhostedDuty(
  c: CaseRecord,
  us: SideResult,
  value: MoneyAmount,
  valueText: string,
  ctx: EvaluationContext,
): UnhostedDuty | null {
  if (c.walletType !== 'unhosted' || !us.version || !us.eval.jurisdiction) return null;
  const u = us.version.unhostedWallet;
  // Duties that hold whenever the rule applies, at any amount (EU Art. 14(5)/16(2): obtain and hold).
  const always = us.eval.status === 'applies' ? (u.whenApplies ?? null) : null;
  const base = {
    jurisdiction: us.eval.jurisdiction,
    version: us.version.version,
    duty: u.duty,
    threshold: u.from ?? null,
    always,
  };
  const lead = always ? `Self-hosted wallet, at any amount: ${always}` : '';
  const join = (...parts: string[]) => parts.filter(Boolean).join(' ');
  if (u.scope === 'vasp_to_vasp')
    return {
      ...base,
      applies: false,
      reason: join(`${us.version.version}: no Travel Rule duty for a self-hosted wallet, at any amount.`, u.note ?? ''),
    };
  if (u.duty === 'none')
    return {
      ...base,
      applies: false,
      reason: join(
        lead,
        `${us.version.version}: ${always ? 'no further duty' : 'no duty specific to'} self-hosted wallets.`,
        u.note ?? '',
      ),
    };
  const what =
    u.duty === 'verify_ownership'
      ? 'verify that the customer owns or controls the self-hosted address'
      : 'assess the self-hosted wallet on risk';
  if (!u.from) return { ...base, applies: true, reason: join(lead, `At any amount: ${what}.`, u.note ?? '') };
  const max = ctx.maxRateAgeHours ?? DEFAULT_MAX_RATE_AGE_HOURS;
  const conv = convert(value.amount, value.currency, u.from.currency, c.transferTime, ctx.rates, max);
  if (!conv.ok)
    return {
      ...base,
      applies: null,
      reason: join(
        lead,
        `Cannot tell whether the duty to ${what} (${moneyText(u.from)}) applies: the ${value.currency}→${u.from.currency} exchange rate is missing (${conv.reason}).`,
      ),
    };
  const applies = meets(conv.amount, u.from);
  const shown = valueIn(valueText, value, conv, u.from);
  if (!applies && conv.stale) {
    return {
      ...base,
      applies: null,
      reason: join(
        lead,
        `Cannot tell whether the duty to ${what} (${moneyText(u.from)}) applies: ${shown}, but the rate is older than ${max} hours, and a stale rate cannot conclude "below".`,
      ),
    };
  }
  return {
    ...base,
    applies,
    reason: applies
      ? join(lead, `${shown}, which is ${moneyText(u.from)}: also ${what}.`, u.note ?? '')
      : join(
          lead,
          `${shown}: the duty to ${what} applies only ${moneyText(u.from)}, so that check is not required here${always ? '; the duty above still applies' : ''}.`,
        ),
  };
}

function outcomeOf(statuses: SideEvaluation['status'][]): TravelRuleOutcome {
  if (statuses.includes('prohibited')) return 'prohibited';
  if (statuses.includes('applies')) return 'applies';
  if (statuses.includes('cannot_evaluate')) return 'cannot_evaluate';
  if (statuses.includes('below_threshold')) return 'below_threshold';
  return 'not_required';
}

export function evaluateCase(c: CaseRecord, ctx: EvaluationContext): Evaluation {
  const value: MoneyAmount = c.fiatValue
    ? { amount: c.fiatValue.amount, currency: c.fiatValue.currency }
    : { amount: c.amount, currency: c.asset };
  // Fiat to the cent; a crypto amount at its full precision ("0.0375 BTC", never "0.04 BTC").
  const valueText = c.fiatValue
    ? display(value.amount, value.currency)
    : `${new Decimal(value.amount).toFixed()} ${value.currency}`;
  const them = c.walletType === 'unhosted' ? null : (c.counterparty?.jurisdiction ?? null);
  const [originator, beneficiary] =
    c.direction === 'withdrawal'
      ? [
          evaluateSide('originator', 'us', ctx.homeJurisdiction, c, value, valueText, ctx, them),
          evaluateSide('beneficiary', 'counterparty', them, c, value, valueText, ctx, ctx.homeJurisdiction),
        ]
      : [
          evaluateSide('originator', 'counterparty', them, c, value, valueText, ctx, ctx.homeJurisdiction),
          evaluateSide('beneficiary', 'us', ctx.homeJurisdiction, c, value, valueText, ctx, them),
        ];
  const sides = [originator, beneficiary];
  const us = sides.find((s) => s.eval.party === 'us')!;
  const other = sides.find((s) => s.eval.party === 'counterparty')!;
  const outcome = outcomeOf(sides.map((s) => s.eval.status));

  const warnings: string[] = [];
  // One warning per stale rate, however many sides used it.
  const stale = new Map<string, { r: RateUsed; codes: string[] }>();
  for (const s of sides)
    for (const r of s.staleRates) {
      const k = `${r.base}/${r.quote}@${r.asOf}`;
      const e = stale.get(k) ?? { r, codes: [] };
      if (s.eval.jurisdiction && !e.codes.includes(s.eval.jurisdiction)) e.codes.push(s.eval.jurisdiction);
      stale.set(k, e);
    }
  for (const { r, codes } of stale.values()) {
    warnings.push(
      `The ${r.base}/${r.quote} rate used for ${codes.join(' and ')} (${r.asOf}) is ${hours(r.ageHours)} older than the transfer (limit ${ctx.maxRateAgeHours ?? DEFAULT_MAX_RATE_AGE_HOURS} h).`,
    );
  }
  if (us.eval.status === 'below_threshold' && other.eval.status === 'applies') {
    warnings.push(
      `Below our threshold, but above the counterparty's (${other.eval.jurisdiction}, ${other.eval.version}): expect them to ask for Travel Rule data.`,
    );
  }
  if (outcome === 'applies' && sides.some((s) => s.eval.status === 'cannot_evaluate')) {
    warnings.push(
      `The Travel Rule applies, but ${sides
        .filter((s) => s.eval.status === 'cannot_evaluate')
        .map((s) => s.eval.jurisdiction)
        .join(', ')} could not be evaluated: its requirements may add to what is listed.`,
    );
  }
  const protocol = c.counterparty?.protocol ?? null;
  const counterparty: TravelRuleEvaluation['counterparty'] =
    c.walletType === 'unhosted' || !c.counterparty
      ? { capability: 'self-hosted', protocol: null, note: 'Self-hosted wallet: no counterparty VASP.' }
      : protocol === 'email'
        ? {
            capability: 'email',
            protocol: null,
            note: `${c.counterparty.name} speaks no Travel Rule protocol: the data goes by e-mail to its compliance contact (the "sunrise" case).`,
          }
        : { capability: 'protocol', protocol, note: `${c.counterparty.name} receives the data by ${protocol}.` };
  // (Not when both sides are the same jurisdiction: our own side already says why, once.)
  if (
    other.eval.status === 'cannot_evaluate' &&
    other.eval.jurisdiction &&
    other.eval.jurisdiction !== us.eval.jurisdiction
  ) {
    warnings.push(
      other.cause === 'rate'
        ? `The counterparty's threshold (${other.eval.jurisdiction}, ${other.eval.version}) could not be checked: the exchange rate that decides it is missing or too old.`
        : `The counterparty's jurisdiction (${other.eval.jurisdiction}) has no Travel Rule we can evaluate: it may not be able to receive or return Travel Rule data.`,
    );
  }
  const redFlags = sides
    .filter((s) => s.eval.status === 'prohibited')
    .map(
      (s) =>
        `${s.eval.party === 'counterparty' ? 'Counterparty jurisdiction' : 'Our jurisdiction'} ${s.eval.jurisdiction} prohibits VASP activity (${s.eval.version}${s.eval.sources[0] ? `; ${s.eval.sources[0].label}` : ''}).`,
    );
  const unverified = sides
    .map((s) => s.unverified)
    .filter(
      (u, i, all): u is { jurisdiction: string; version: string; reason: string; fields: string } =>
        u !== null && all.findIndex((x) => x?.jurisdiction === u.jurisdiction) === i,
    );
  const unhosted = unhostedDuty(c, us, value, valueText, ctx);
  const selfHosted = c.walletType === 'unhosted';
  // Our rule reaches only VASP-to-VASP transfers, and this one is to or from a self-hosted wallet.
  const outOfScope =
    selfHosted && us.eval.status === 'not_required' && us.version?.unhostedWallet.scope === 'vasp_to_vasp';
  const head =
    outcome === 'prohibited'
      ? `RED FLAG: ${redFlags.join(' ')}${sides.some((s) => s.eval.status === 'applies') ? ' The Travel Rule duties below still apply on the other side.' : ''}`
      : outcome === 'applies'
        ? selfHosted
          ? `The ${us.eval.jurisdiction} rule applies to this transfer on our side; the other side is a self-hosted wallet, so there is no receiving or sending VASP to exchange Travel Rule data with: what the rule asks for a self-hosted wallet follows.`
          : 'The Travel Rule applies to this transfer.'
        : outcome === 'below_threshold'
          ? 'The Travel Rule does not apply: the transfer is below the threshold of every rule in force.'
          : outcome === 'not_required'
            ? outOfScope
              ? `Not required${unverified.length ? ' — unconfirmed (unverified rule)' : ''}: the ${us.eval.jurisdiction} Travel Rule (${us.eval.version}) applies only to transfers between two VASPs; the other side is a self-hosted wallet, so there is no Travel Rule data to send or to obtain.`
              : unverified.length
                ? // Absence of a rule is only as good as the reading behind it: an unverified "not required"
                  // (an EU member's national law before the TFR not read) is said as unconfirmed.
                  `Not required — unconfirmed: no Travel Rule is recorded in force on the transfer’s local date, but that rests on an unverified rule (${unverified.map((u) => u.jurisdiction).join(', ')}); a national rule may have applied.`
                : 'Not required: no Travel Rule was in force in the jurisdictions concerned on the transfer’s local date.'
            : 'Cannot evaluate whether the Travel Rule applies.';
  // Both sides in the same jurisdiction read the same: say it once.
  // A self-hosted wallet is said once: by the head where it names it, else by the counterparty side's line.
  const headSaysSelfHosted = selfHosted && (outcome === 'applies' || outOfScope);
  const reasons = [
    ...new Set(
      sides.filter((s) => !(headSaysSelfHosted && s.eval.status === 'no_counterparty_vasp')).map((s) => s.eval.reason),
    ),
  ];
  // One line per unverified version, naming every jurisdiction it decided (a territory follows its sovereign's).
  const unverifiedLines = new Map<string, { version: string; fields: string; codes: string[] }>();
  for (const u of unverified) {
    const k = `${u.version}\n${u.fields}`;
    const e = unverifiedLines.get(k) ?? { version: u.version, fields: u.fields, codes: [] };
    e.codes.push(u.jurisdiction);
    unverifiedLines.set(k, e);
  }
  const why = [
    head,
    ...reasons,
    ...(unhosted ? [unhosted.reason] : []),
    ...[...unverifiedLines.values()].map(
      (u) =>
        `Unverified rule: ${u.codes[0]}'s rule version ${u.version}${u.codes.length > 1 ? ` (also deciding for ${u.codes.slice(1).join(', ')})` : ''} is not verified (${u.fields}); \`waybill rules audit ${u.codes[0]}\` shows what was read and what was not.`,
    ),
    // Self-hosted: already said above.
    ...(selfHosted ? [] : [counterparty.note]),
  ];
  return {
    result: {
      outcome,
      why,
      warnings,
      sides: sides.map((s) => s.eval),
      unhosted,
      counterparty,
      inputs: {
        transferTime: c.transferTime,
        value,
        homeJurisdiction: ctx.homeJurisdiction,
        counterpartyJurisdiction: them,
      },
      rulePackDigest: ctx.pack.digest,
      redFlags,
      // The full reason (what was read, what was not) stays on the stored evaluation and in exports.
      unverified: unverified.map((u) => ({ jurisdiction: u.jurisdiction, version: u.version, reason: u.reason })),
    },
    requirements: sides.map((s) => s.requirements).filter((r): r is SideRequirements => r !== null),
    unknown: sides.map((s) => s.unknown).filter((u): u is string => u !== null),
  };
}
