import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where shipped data lives. The Electron shell sets WAYBILL_RESOURCES (its bundle moves the code). */
export function resourcesDir(): string {
  return process.env.WAYBILL_RESOURCES ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources');
}
