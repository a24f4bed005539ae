import { useEffect, useMemo, useRef, useState } from 'react';
import type { Ivms101Check } from '../../../../src-shared/checks';
import type { CaseDetail, Ivms101SchemaView, MailView, RepairPreview } from '../../../../src-shared/contract';
import { Dialog } from '../../components/Dialog';
import { ErrorBanner } from '../../components/ErrorBanner';
import { IVMS_LABEL, plural, time } from '../../format';
import { asError, useApp } from '../../state/app-store';
import { ComponentFields } from './RepairForm';
import { ChangeList } from './VersionsPanel';

type Json = Record<string, unknown>;

/**
 * Repair (issue 18, 9): the analyst puts the counterparty's answer into the case's IVMS101 record. Each
 * change is validated as typed by the checks' own validator (cases.repairPreview); saving makes a new
 * version with the analyst's name and the required why, and the original as received stays.
 */
export function RepairDialog({
  detail,
  check,
  source,
  onClose,
}: {
  detail: CaseDetail;
  check: Ivms101Check | null;
  /** The message the answer came in, shown beside the form. */
  source: MailView | null;
  onClose: () => void;
}) {
  const { client, caseAction, busy, setError } = useApp();
  const [schema, setSchema] = useState<Ivms101SchemaView | null>(null);
  const [value, setValue] = useState<Json>(() => structuredClone(detail.record.ivms101));
  const [note, setNote] = useState(() =>
    source ? `From the counterparty's e-mail of ${time(source.receivedAt ?? source.createdAt)}: ` : '',
  );
  const [preview, setPreview] = useState<RepairPreview | null>(null);
  const seq = useRef(0);
  useEffect(() => {
    void client
      ?.call('cases.repairSchema', {})
      .then(setSchema)
      .catch((e: unknown) => setError(asError(e).message, asError(e).code));
  }, [client, setError]);
  // Validated as typed: a short pause after the last keystroke, and only the newest answer counts.
  useEffect(() => {
    const n = ++seq.current;
    const t = setTimeout(() => {
      void client
        ?.call('cases.repairPreview', { caseId: detail.record.id, ivms101: value })
        .then((p) => n === seq.current && setPreview(p))
        .catch((e: unknown) => n === seq.current && setError(asError(e).message, asError(e).code));
    }, 250);
    return () => clearTimeout(t);
  }, [client, detail.record.id, value, setError]);

  const shown = preview?.check ?? check;
  const edition = shown?.edition ?? check?.edition ?? '2023';
  const missing = useMemo(
    () => (shown?.completeness?.missing ?? []).flatMap((m) => m.items.map((i) => ({ path: i.path, label: i.label }))),
    [shown],
  );
  const changes = preview?.changes ?? [];
  const blocked = (preview?.blocking.length ?? 0) > 0;
  const canSave = !busy && changes.length > 0 && !blocked && note.trim().length > 0;
  return (
    <Dialog title={`Repair the IVMS101 record of case ${detail.record.id}`} labelledBy="repair-h" onClose={onClose}>
      <ErrorBanner />
      <p className="muted small">
        IVMS101 {edition} · the record as received is kept as it is; this repair becomes version{' '}
        {Math.max(detail.ivms101Versions.length, 1) + 1}, signed with your name and your reason.
      </p>
      {source && (
        <details className="rf-source" open>
          <summary>The counterparty&apos;s answer ({source.subject})</summary>
          <pre className="mail-body">{source.bodyText}</pre>
        </details>
      )}
      <div className="rf-status" role="status" aria-live="polite" data-testid="repair-status">
        {shown ? (
          <>
            After the repair:{' '}
            <span className={`check check-${shown.outcome}`}>{IVMS_LABEL[shown.outcome] ?? shown.outcome}</span>{' '}
            {shown.completeness?.complete
              ? 'everything required is present'
              : `${plural(shown.completeness?.missing.length ?? 0, 'requirement')} unmet`}
            {shown.errors.length ? ` · ${plural(shown.errors.length, 'error')}` : ''}
            {shown.warnings.length ? ` · ${plural(shown.warnings.length, 'warning')}` : ''}
          </>
        ) : (
          'Checking…'
        )}
      </div>
      {blocked && (
        <div className="problem error" role="alert">
          Not saved while a changed field is wrong: {preview!.blocking.join('; ')}
        </div>
      )}
      <form
        className="repair-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!canSave) return;
          void caseAction((c) => c.call('cases.repair', { caseId: detail.record.id, ivms101: value, note })).then(
            (ok) => ok && onClose(),
          );
        }}
      >
        {schema ? (
          <ComponentFields
            comp={schema.root}
            value={value}
            path=""
            onChange={setValue}
            ctx={{ schema, edition, problems: [...(shown?.errors ?? []), ...(shown?.warnings ?? [])], missing }}
          />
        ) : (
          <p className="muted">Loading the IVMS101 model…</p>
        )}
        <h4>What changes ({changes.length})</h4>
        {changes.length ? <ChangeList changes={changes} /> : <p className="muted small">Nothing yet.</p>}
        <label htmlFor="repair-note">Why (required): where the data comes from</label>
        <textarea
          id="repair-note"
          rows={2}
          maxLength={2000}
          required
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!canSave}>
            Save as a new version
          </button>
        </div>
      </form>
    </Dialog>
  );
}
