import type { Migration } from './index';

/** The case columns the queue's counts are kept by: every filter that is a plain value of the case row. */
export const QUEUE_COUNT_COLUMNS = [
  'status',
  'direction',
  'counterparty_jurisdiction',
  'counterparty_vasp_id',
  'asset',
  'ivms101_outcome',
  'screening_outcome',
  'travel_rule_outcome',
  'assigned_to',
] as const;

/** Each counted value as read from a row: the columns as they are, and the risk score in bands of ten. */
const keyOf = (row: 'NEW' | 'OLD') => [
  ...QUEUE_COUNT_COLUMNS.map((c) => `${row}.${c}`),
  `CAST(${row}.risk_score / 10 AS INTEGER)`,
];
const KEY = [...QUEUE_COUNT_COLUMNS, 'risk_band'];
const cols = KEY.join(', ');
const same = (row: 'NEW' | 'OLD') =>
  keyOf(row)
    .map((v, i) => `${KEY[i]} IS ${v}`)
    .join(' AND ');
const add = `
  INSERT INTO queue_counts (${cols}, n) SELECT ${keyOf('NEW').join(', ')}, 0
    WHERE NOT EXISTS (SELECT 1 FROM queue_counts WHERE ${same('NEW')});
  UPDATE queue_counts SET n = n + 1 WHERE ${same('NEW')};`;
const remove = `
  UPDATE queue_counts SET n = n - 1 WHERE ${same('OLD')};
  DELETE FROM queue_counts WHERE n = 0 AND ${same('OLD')};`;

// Issue 21: a queue count at a million cases read up to 400,000 index entries (p95 428 ms per filter
// change). The number of cases per combination of the filterable row values (and of the risk score in
// bands of ten, for the "risk at least 50/70/90" filter) is kept instead, by triggers in the same
// transaction as each write, so it cannot drift from the cases; a count is a sum over these rows.
// The SLA and a text search are still counted from the indexes. A later migration that rebuilds
// `cases` must recreate these triggers.
export const migration0018: Migration = {
  version: 18,
  name: 'queue counts kept per combination of filter values, by triggers on cases',
  up(db) {
    const oldKey = keyOf('OLD');
    const newKey = keyOf('NEW');
    db.exec(`
      CREATE TABLE queue_counts (
        ${QUEUE_COUNT_COLUMNS.map((c) => `${c} TEXT`).join(', ')},
        risk_band INTEGER,
        n INTEGER NOT NULL CHECK (n >= 0)
      );
      CREATE INDEX queue_counts_key ON queue_counts (${cols});
      INSERT INTO queue_counts (${cols}, n)
        SELECT ${keyOf('NEW')
          .map((v) => v.replace('NEW.', ''))
          .join(', ')}, count(*)
        FROM cases GROUP BY ${KEY.map((_, i) => i + 1).join(', ')};
      CREATE TRIGGER queue_counts_insert AFTER INSERT ON cases BEGIN ${add}
      END;
      CREATE TRIGGER queue_counts_delete AFTER DELETE ON cases BEGIN ${remove}
      END;
      CREATE TRIGGER queue_counts_update AFTER UPDATE OF ${QUEUE_COUNT_COLUMNS.join(', ')}, risk_score ON cases
        WHEN NOT (${oldKey.map((v, i) => `${v} IS ${newKey[i]}`).join(' AND ')})
      BEGIN ${remove} ${add}
      END;
    `);
  },
};
