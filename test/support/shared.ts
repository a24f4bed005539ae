import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './cli';

/** `../shared` beside the project root (CI and every developer have it). */
export const SHARED = process.env.WAYBILL_SHARED ?? resolve(ROOT, '..', 'shared');
if (!existsSync(SHARED)) throw new Error(`shared/ not found at ${SHARED}; set WAYBILL_SHARED`);
export const sharedPath = (...p: string[]) => resolve(SHARED, ...p);
