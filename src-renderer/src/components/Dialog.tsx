import { useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';

// How many dialogs are open: while one is, it shows the error itself, so the screen's banner keeps quiet
// (an error shown twice, once behind the modal, reads as two failures).
let openDialogs = 0;
const listeners = new Set<() => void>();
const opened = (by: number) => {
  openDialogs += by;
  for (const l of listeners) l();
};
export const useDialogOpen = () =>
  useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => openDialogs > 0,
  );

/**
 * A modal on the native <dialog> element: the browser traps focus, Escape closes it, and focus
 * returns to what opened it. No injected styles, so it lives within the strict CSP.
 * The first field marked `data-autofocus` gets the focus: React's autoFocus fires while the dialog is
 * still closed (not focusable), so showModal() would otherwise land on the first control, whatever it is.
 */
export function Dialog({
  title,
  onClose,
  children,
  labelledBy,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  labelledBy: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    d?.showModal();
    opened(1);
    d?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      opened(-1);
      d?.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={labelledBy}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={labelledBy}>{title}</h2>
      {children}
    </dialog>
  );
}
