import { useState, type ReactNode } from 'react';

/**
 * The second analyst's half of four eyes: who they are, their own passphrase, and approve or refuse.
 * Used for decisions and for sanctions true matches, so the two controls cannot drift apart. The
 * passphrase is cleared after every attempt (the caller's `onDecide` runs, then the field empties).
 */
export function SecondAnalystForm({
  idPrefix,
  analystLabel,
  candidates,
  error,
  busy,
  refuseLabel,
  approveLabel,
  onDecide,
  onCancel,
  children,
}: {
  idPrefix: string;
  analystLabel: string;
  candidates: string[];
  error: { message: string } | null;
  busy: boolean;
  refuseLabel: string;
  approveLabel: string;
  onDecide: (approve: boolean, approver: string, passphrase: string) => Promise<void>;
  onCancel: () => void;
  /** Fields between the passphrase and the buttons (e.g. a note). */
  children?: ReactNode;
}) {
  const [approver, setApprover] = useState(candidates[0] ?? '');
  const [pass, setPass] = useState('');
  const decide = async (approve: boolean) => {
    const passphrase = pass;
    setPass('');
    await onDecide(approve, approver, passphrase);
  };
  if (candidates.length === 0)
    return <p className="notice">No other analyst is set up on this workstation. Add one in Settings → Analysts.</p>;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void decide(true);
      }}
    >
      <label htmlFor={`${idPrefix}-approver`}>{analystLabel}</label>
      <select id={`${idPrefix}-approver`} value={approver} onChange={(e) => setApprover(e.target.value)}>
        {candidates.map((a) => (
          <option key={a} value={a}>
            {a}
          </option>
        ))}
      </select>
      <label htmlFor={`${idPrefix}-pass`}>Their passphrase</label>
      <input
        id={`${idPrefix}-pass`}
        type="password"
        autoComplete="off"
        data-autofocus
        value={pass}
        onChange={(e) => setPass(e.target.value)}
      />
      {children}
      {error && (
        <p className="error-banner" role="alert">
          {error.message}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy || !pass} onClick={() => void decide(false)}>
          {refuseLabel}
        </button>
        <button type="submit" className="primary" disabled={busy || !pass || !approver}>
          {approveLabel}
        </button>
      </div>
    </form>
  );
}
