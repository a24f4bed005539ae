import type { Migration } from './index';

// Issue 18 point 12: the SLA runs from when a case ARRIVED in this workstation, not from the transfer's
// creation at the exchange (a backlog synced on day one was in breach before anyone saw it). The intake
// writes `arrived_at` once, on the first admission, and never again. Cases already stored get the time of
// their first audit event (their `case.received`), or, should a case have none, the time it was last
// received: the earliest this workstation can prove it held the case.
export const migration0015: Migration = {
  version: 15,
  name: 'cases remember when they first arrived in the workstation (the SLA clock)',
  up(db) {
    db.exec(`
      ALTER TABLE cases ADD COLUMN arrived_at TEXT;
      UPDATE cases SET arrived_at = coalesce(
        (SELECT min(a.at) FROM audit_events a WHERE a.case_id = cases.id),
        received_at
      );
      -- The queue's narrow index (0010) held created_at for the SLA filter; it now holds arrived_at, so a
      -- combined filter with "SLA breached" is still answered from the index alone.
      DROP INDEX cases_queue;
      CREATE INDEX cases_queue ON cases (
        status, direction, counterparty_jurisdiction, asset, ivms101_outcome, screening_outcome,
        assigned_to, risk_score, arrived_at, counterparty_vasp_id,
        transfer_time, updated_at, fiat_amount_minor, id
      );
      ANALYZE cases_queue;
      -- The queue sorted by arrival (the SLA countdown), as every other sort: (column, id).
      CREATE INDEX cases_by_arrived_at ON cases (arrived_at, id);
    `);
  },
};
