import { useEffect } from 'react';
import type { CaseDetail } from '../../../../src-shared/contract';
import { useApp } from '../../state/app-store';
import { useQueue } from '../../state/queue-store';
import type { DecisionKind } from '../DecisionDialogs';

/** The case screen's keys: Esc back to the queue, j/k the next/previous case, a/r/i a decision. */
export function useCaseKeys(d: CaseDetail | null, dialogOpen: boolean, openDialog: (kind: DecisionKind) => void): void {
  const navigate = useApp((s) => s.navigate);
  const openCase = useApp((s) => s.openCase);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialogOpen || e.ctrlKey || e.metaKey || e.altKey) return;
      if (
        e.target instanceof HTMLInputElement ||
        e.target instanceof HTMLTextAreaElement ||
        e.target instanceof HTMLSelectElement
      )
        return;
      const q = useQueue.getState();
      const step = (by: number) => {
        const next = q.selected + by;
        const row = q.rowAt(next);
        if (row) {
          q.select(next);
          q.ensure(next - 5, next + 5);
          void openCase(row.id);
        }
      };
      const keys: Record<string, () => void> = {
        Escape: () => navigate({ name: 'queue' }),
        j: () => step(1),
        k: () => step(-1),
        a: () => d?.decidable.ok && openDialog('accept'),
        r: () => d?.decidable.ok && openDialog('reject'),
        i: () => d?.decidable.ok && openDialog('request_information'),
      };
      const fn = keys[e.key];
      if (fn) {
        e.preventDefault();
        fn();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [d, dialogOpen, navigate, openCase, openDialog]);
}
