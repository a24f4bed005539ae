import { existsSync } from 'node:fs';
import type { CaseRecord } from '../src-shared/case';
import { generateCase } from '../src-main/cases/generate';
import { Random } from '../src-main/cases/random';
import { parseOfacCsv } from '../src-main/screening/lists/ofac';
import { getCase, updateCase, type BackendDB } from './store';

// Realistic traffic: generated withdrawals and deposits across jurisdictions and assets (about a fifth
// with incomplete or invalid IVMS101, some to self-hosted wallets), about 1% carrying a name from the
// OFAC list, and counterparties that answer: protocol ones after a delay, e-mail ones never by
// themselves (the analyst records their reply).

/** Cases x{seed}-{n}: n from `after` + 1 (an exchange that already holds `after` of them goes on from there). */
export function caseFactory(seed: number, ofacDir?: string, after = 0): () => CaseRecord {
  const r = new Random(seed + after);
  let n = after;
  const listed =
    ofacDir && existsSync(ofacDir)
      ? parseOfacCsv(ofacDir)
          .entries.filter((e) => e.kind === 'individual' && /^[A-Z' -]+, [A-Za-z' -]+$/.test(e.names[0] ?? ''))
          .map((e) => e.names[0]!)
      : [];
  const opts = {
    seed,
    start: new Date(Date.now() - 30 * 86_400_000),
    end: new Date(),
    defectRate: 0.2,
    unhostedRate: 0.12,
  };
  return () => {
    n++;
    const c = generateCase(r, n, opts);
    c.id = `x${seed}-${String(n).padStart(7, '0')}`;
    c.status = 'pending_review';
    if (listed.length && r.chance(0.01)) {
      const [last = '', first = ''] = r.pick(listed).split(', ');
      const side = c.direction === 'withdrawal' ? 'beneficiary' : 'originator';
      const persons =
        ((c.ivms101[side] as Record<string, unknown>)[`${side}Persons`] as { naturalPerson?: { name: unknown } }[]) ??
        [];
      if (persons[0]?.naturalPerson)
        persons[0].naturalPerson.name = {
          nameIdentifier: [{ primaryIdentifier: last, secondaryIdentifier: first, nameIdentifierType: 'LEGL' }],
        };
    }
    return c;
  };
}

/** One step of the counterparties' and the exchange's side of the flow. Returns how many cases moved. */
export function advanceFlows(db: BackendDB, r: Random, minAgeMs: number): number {
  const due = new Date(Date.now() - minAgeMs).toISOString();
  const rows = db
    .prepare(
      "SELECT id FROM cases WHERE status IN ('awaiting_counterparty', 'counterparty_approved', 'awaiting_tx_hash', 'accepted') AND json_extract(data, '$.updatedAt') < ? LIMIT 50",
    )
    .all(due) as { id: string }[];
  for (const { id } of rows) {
    const c = getCase(db, id)!;
    if (c.status === 'awaiting_counterparty')
      updateCase(db, id, { status: r.chance(0.9) ? 'counterparty_approved' : 'counterparty_rejected' });
    else if (c.status === 'counterparty_approved') updateCase(db, id, { status: 'awaiting_tx_hash' });
    else if (c.status === 'awaiting_tx_hash')
      updateCase(db, id, {
        status: 'completed',
        txHash: (c.network === 'ethereum' ? '0x' : '') + r.chars('0123456789abcdef', 64),
      });
    else if (c.status === 'accepted' && c.direction === 'deposit') updateCase(db, id, { status: 'completed' });
  }
  return rows.length;
}
