import type { Migration } from './index';

export const migration0003: Migration = {
  version: 3,
  name: 'FX rates: pair, rate (decimal string), as-of time and source',
  up(db) {
    db.exec(`
      CREATE TABLE fx_rates (
        base TEXT NOT NULL,                   -- 1 unit of base…
        quote TEXT NOT NULL,                  -- …is worth rate units of quote
        rate TEXT NOT NULL,                   -- decimal string: no binary floats for money
        as_of TEXT NOT NULL,                  -- ISO time the rate was observed
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        PRIMARY KEY (base, quote, as_of, source)
      ) STRICT;
      CREATE INDEX fx_rates_lookup ON fx_rates (base, quote, as_of);
    `);
  },
};
