import type Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../../src-shared/result';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-case-checks';
import { migration0003 } from './0003-fx-rates';
import { migration0004 } from './0004-screening';
import { migration0005 } from './0005-sync';
import { migration0006 } from './0006-retention';
import { migration0007 } from './0007-workstation';
import { migration0008 } from './0008-mail';
import { migration0009 } from './0009-queue-speed';
import { migration0010 } from './0010-queue-index';
import { migration0011 } from './0011-utc-times';
import { migration0012 } from './0012-travel-rule-outcomes';
import { migration0013 } from './0013-screening-evidence';
import { migration0014 } from './0014-analyst-roles';
import { migration0015 } from './0015-arrival';
import { migration0016 } from './0016-team-sync';
import { migration0017 } from './0017-repairs-and-notes';
import { migration0018 } from './0018-queue-counts';
import { migration0019 } from './0019-queue-covering';
import { migration0020 } from './0020-check-versions';
import { migration0021 } from './0021-fewer-case-indexes';
import { migration0022 } from './0022-rule-sources';
import { migration0023 } from './0023-check-outcome-index';
import { migration0024 } from './0024-search-index-batches';
import { migration0025 } from './0025-queue-rows';
import { migration0026 } from './0026-triage-index';
import { migration0027 } from './0027-random-index-writes';
import { registerSearchIndexFunctions } from '../search-index';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
  /**
   * Rebuilds a table other tables reference (SQLite's documented twelve steps): foreign keys are off
   * while it runs (they cannot be switched inside a transaction), and checked before it commits.
   */
  rebuildsTable?: boolean;
}

/** In order; each version is the previous plus one. Never edit one that has shipped: add the next. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
  migration0016,
  migration0017,
  migration0018,
  migration0019,
  migration0020,
  migration0021,
  migration0022,
  migration0023,
  migration0024,
  migration0025,
  migration0026,
  migration0027,
];
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Runs each pending migration in its own transaction; refuses a database written by a newer Waybill. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  // Triggers from 0024 on ask this function: every connection that migrates has it.
  registerSearchIndexFunctions(db);
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    throw new AppError(
      'unavailable',
      `The case database has schema version ${current}, newer than this Waybill understands (${latest}). Update Waybill; the database was not changed.`,
      { schemaVersion: current, supported: latest },
    );
  }
  for (const m of migrations.slice(current)) {
    const fk = m.rebuildsTable ? (db.pragma('foreign_keys', { simple: true }) as number) : 0;
    if (fk) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        m.up(db);
        if (m.rebuildsTable) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length)
            throw new AppError(
              'unavailable',
              `Migration ${m.version} would break ${broken.length} references; nothing was changed.`,
            );
        }
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (fk) db.pragma('foreign_keys = ON');
    }
  }
  return schemaVersion(db);
}
