import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { AppError } from '../../src-shared/result';
import { tightenDataDir } from './private-files';

export const APP_FOLDER_NAME = 'Waybill';

/** The per-user application data folder Electron would choose (`app.getPath('userData')`). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER_NAME);
}

/**
 * `--data-dir` wins, then WAYBILL_DATA_DIR, then the OS default. Under test the default is refused,
 * so no test can ever touch an analyst's real case database.
 */
export function resolveDataDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env.WAYBILL_DATA_DIR;
  if (chosen) return resolve(chosen);
  if (env.VITEST || env.NODE_ENV === 'test') {
    throw new AppError('invalid_input', 'Under test a data folder must be given (--data-dir or WAYBILL_DATA_DIR).');
  }
  return defaultDataDir(env);
}

export function ensureDataDir(dir: string): void {
  // 0o700: the folder holds the encrypted database and vault; other local users need not list it.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'logs'), { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder as it was (0755 from an older version or a copy): tighten it.
  tightenDataDir(dir);
}
