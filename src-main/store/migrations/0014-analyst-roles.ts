import type { Migration } from './index';

// Analysts as people (issue 15): each has a role and a state. Rows from before (second analysts added
// with a passphrase verifier) become active analysts and keep their verifier until they approve once,
// when they get a key slot of their own. A removed analyst's row stays, so the names in the audit trail
// keep meaning one person: a name is never reused.
export const migration0014: Migration = {
  version: 14,
  name: 'analysts have roles and a state (invited, active, removed)',
  up(db) {
    db.exec(`
      ALTER TABLE analysts ADD COLUMN role TEXT NOT NULL DEFAULT 'analyst' CHECK (role IN ('analyst', 'supervisor'));
      ALTER TABLE analysts ADD COLUMN state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('invited', 'active', 'removed'));
      ALTER TABLE analysts ADD COLUMN removed_by TEXT;
      ALTER TABLE analysts ADD COLUMN removed_at TEXT;
    `);
  },
};
