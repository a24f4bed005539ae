import type { CaseRecord } from '../../src-shared/case';
import { generateCases } from '../../src-main/cases/generate';

/** A realistic case with the facts a rules test cares about set explicitly. */
export function caseWith(o: {
  direction?: 'withdrawal' | 'deposit';
  counterparty?: string | null;
  protocol?: 'TRP' | 'TRISA' | 'email';
  value: string;
  currency: string;
  at: string;
  unhosted?: boolean;
}): CaseRecord {
  const [c] = [...generateCases(1, { seed: 99 })];
  if (!c) throw new Error('generator returned nothing');
  const unhosted = o.unhosted ?? o.counterparty === null;
  return {
    ...c,
    direction: o.direction ?? 'withdrawal',
    walletType: unhosted ? 'unhosted' : 'hosted',
    counterparty: unhosted
      ? null
      : {
          vaspId: 'vasp-x',
          name: 'Counterparty VASP',
          jurisdiction: o.counterparty ?? 'US',
          protocol: o.protocol ?? 'TRP',
          email: 'compliance@vasp.example',
        },
    fiatValue: { amount: o.value, currency: o.currency },
    transferTime: o.at,
  };
}
