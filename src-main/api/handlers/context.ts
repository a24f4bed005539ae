import type { MethodName } from '../../../src-shared/contract';
import type { Workstation } from '../../app/workstation';
import { caseDetail } from '../../cases/detail';
import type { Handlers } from '../dispatcher';

/** What every area's handlers share: the core, and the case detail every case method answers with. */
export interface HandlerContext {
  ws: Workstation;
  detail: (id: string) => ReturnType<typeof caseDetail>;
}

/** An area implements a slice of the contract; `createHandlers` checks the slices cover all of it. */
export type AreaHandlers<K extends MethodName> = Pick<Handlers, K>;

export function handlerContext(ws: Workstation): HandlerContext {
  return {
    ws,
    detail: (id) => {
      const p = ws.decisionPolicy();
      return caseDetail(ws.database(), id, { policy: p.fourEyes, rates: p.rates });
    },
  };
}
