import Decimal from 'decimal.js';
import type { RuleSet } from '../ivms101/completeness';
import { ruleInForce, type RulePack } from './pack';

/**
 * Rule sets for jurisdictions named by hand (the CLI): the version in force on `date`, the tier for
 * `amount` when it is in the rule's currency. Otherwise the strictest tier, and the note says why:
 * an unknown amount must never loosen the requirements.
 */
export function ruleSetsFor(
  pack: RulePack,
  jurisdictions: string[],
  date: string,
  amount?: { value: string; currency: string },
): { ruleSets: RuleSet[]; notEvaluated: string[] } {
  const ruleSets: RuleSet[] = [];
  const notEvaluated: string[] = [];
  for (const j of [...new Set(jurisdictions.map((x) => x.toUpperCase()))]) {
    const found = ruleInForce(pack, j, date);
    if (!found.ok) {
      notEvaluated.push(j);
      continue;
    }
    const v = found.version;
    const strictest = v.tiers[v.tiers.length - 1]!;
    const label = `${found.file.name} — ${v.version}`;
    const source = v.sources[0]?.label ?? v.version;
    const currency = v.threshold.currency;
    if (v.tiers.length === 1 && new Decimal(v.threshold.amount).isZero()) {
      ruleSets.push({ jurisdiction: j, label, source, tier: strictest, note: null });
    } else if (!amount) {
      ruleSets.push({
        jurisdiction: j,
        label,
        source,
        tier: strictest,
        note: `no amount given: the strictest tier (${strictest.name}) applies`,
      });
    } else if (amount.currency.toUpperCase() !== currency) {
      ruleSets.push({
        jurisdiction: j,
        label,
        source,
        tier: strictest,
        note: `amount in ${amount.currency}, rule in ${currency}, no exchange rate here: the strictest tier (${strictest.name}) applies`,
      });
    } else {
      const meets = (m: { amount: string; exclusive?: boolean | undefined }) =>
        m.exclusive
          ? new Decimal(amount.value).greaterThan(m.amount)
          : new Decimal(amount.value).greaterThanOrEqualTo(m.amount);
      if (!meets(v.threshold)) {
        ruleSets.push({
          jurisdiction: j,
          label,
          source,
          tier: {
            name: `below the ${currency} ${v.threshold.amount} threshold: not applicable`,
            originator: [],
            beneficiary: [],
          },
          note: null,
        });
      } else {
        let tier = v.tiers[0]!;
        for (const t of v.tiers) if (t.from && meets(t.from)) tier = t;
        ruleSets.push({ jurisdiction: j, label, source, tier, note: null });
      }
    }
  }
  return { ruleSets, notEvaluated };
}
