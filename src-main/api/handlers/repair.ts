import type { Ivms101FieldView, Ivms101SchemaView } from '../../../src-shared/contract';
import { addNote, mentionable } from '../../cases/notes';
import { previewRepair, repairCase } from '../../cases/repair';
import { COMPONENTS } from '../../ivms101/schema';
import type { AreaHandlers, HandlerContext } from './context';

/** The IVMS101 model as the repair form reads it: the engine's own table, so the form has no field list of its own. */
function schemaView(): Ivms101SchemaView {
  const components: Record<string, Ivms101FieldView[]> = {};
  for (const [name, fields] of Object.entries(COMPONENTS))
    components[name] = fields.map((f) => ({
      name: f.name,
      name2020: f.name2020 ?? null,
      alt: [...(f.alt ?? [])],
      min: f.min,
      max: Number.isFinite(f.max) ? f.max : null,
      type: f.type.t === 'code' ? { t: 'code', codes: [...f.type.codes] } : f.type,
      only: f.only ?? null,
    }));
  return { root: 'IdentityPayload', components };
}

/** Repairing a case's IVMS101 record from the counterparty's answer, and internal case notes (issue 18). */
export function repairHandlers({
  ws,
  detail,
}: HandlerContext): AreaHandlers<
  'cases.repairSchema' | 'cases.repairPreview' | 'cases.repair' | 'cases.note' | 'cases.mentionable'
> {
  return {
    'cases.repairSchema': () => schemaView(),
    'cases.repairPreview': ({ caseId, ivms101 }) => {
      ws.touch();
      return previewRepair(ws.database(), caseId, ivms101, ws.checkContext());
    },
    'cases.repair': async ({ caseId, ivms101, note }) => {
      repairCase(ws.database(), { caseId, ivms101, note, analyst: ws.actor }, ws.checkContext());
      ws.events.emit('cases.changed', { count: 1 });
      // Offline, the repair waits in the outbox; the status bar says so.
      await ws.syncEngine()?.tryNow('push', 'ivms101_repair');
      return detail(caseId);
    },
    'cases.mentionable': () => mentionable(ws.database()),
    'cases.note': ({ caseId, body, revises }) => {
      addNote(ws.database(), { caseId, body, revises: revises ?? null, author: ws.actor });
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
  };
}
