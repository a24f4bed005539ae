import type { Migration } from './index';

export const migration0012: Migration = {
  version: 12,
  name: 'travel rule outcomes "not_required" and "prohibited": queue filter index, and every stored evaluation re-run',
  up(db) {
    db.exec(`
      -- Issue 14 split "cannot evaluate" into what we do not know and "not required" (no rule in force),
      -- and added the "prohibited" red flag. The queue filters on the outcome: it joins the narrow
      -- queue index (after the other check outcomes) and gets its own index for counts and the dashboard.
      DROP INDEX IF EXISTS cases_queue;
      CREATE INDEX cases_queue ON cases (
        status, direction, counterparty_jurisdiction, asset, ivms101_outcome, screening_outcome, travel_rule_outcome,
        assigned_to, risk_score, created_at, counterparty_vasp_id,
        transfer_time, updated_at, fiat_amount_minor, id
      );
      CREATE INDEX IF NOT EXISTS cases_by_travel_rule ON cases (travel_rule_outcome, transfer_time);
      -- Stored evaluations were made by the old engine (UTC dates, no territories, stale rates deciding
      -- "below"). Forgetting the rule pack digest makes the next unlock re-evaluate every case in the
      -- background (Workstation.recheckIfRulesChanged); each result is rewritten because its engine
      -- version changed. Nothing is deleted: until then the old result stays visible.
      DELETE FROM settings WHERE key = 'rules.digest';
      ANALYZE cases_queue;
      ANALYZE cases_by_travel_rule;
    `);
  },
};
