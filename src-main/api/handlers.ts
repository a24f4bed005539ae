import type { Workstation } from '../app/workstation';
import type { Handlers } from './dispatcher';
import { casesHandlers } from './handlers/cases';
import { handlerContext } from './handlers/context';
import { decisionHandlers } from './handlers/decisions';
import { exportHandlers } from './handlers/export';
import { mailHandlers } from './handlers/mail';
import { notificationHandlers } from './handlers/notifications';
import { oversightHandlers } from './handlers/oversight';
import { repairHandlers } from './handlers/repair';
import { screeningHandlers } from './handlers/screening';
import { settingsHandlers } from './handlers/settings';
import { syncHandlers } from './handlers/sync';
import { vaultHandlers } from './handlers/vault';

/**
 * The contract's methods, implemented over the core: one file per area under `handlers/`, composed
 * here. The `Handlers` type makes a method the areas forget a compile error. Thin: the logic lives in
 * the areas of src-main.
 */
export function createHandlers(ws: Workstation): Handlers {
  const c = handlerContext(ws);
  return {
    ...vaultHandlers(c),
    ...settingsHandlers(c),
    ...casesHandlers(c),
    ...decisionHandlers(c),
    ...syncHandlers(c),
    ...mailHandlers(c),
    ...exportHandlers(c),
    ...screeningHandlers(c),
    ...oversightHandlers(c),
    ...notificationHandlers(c),
    ...repairHandlers(c),
  };
}
