import { useApp } from '../state/app-store';
import { useDialogOpen } from './Dialog';

export function ErrorBanner() {
  const error = useApp((s) => s.error);
  const dialogOpen = useDialogOpen();
  if (!error || dialogOpen) return null;
  return (
    // The code is for support, not for the analyst: kept on the element, out of the sentence.
    <div
      className="error-banner"
      role="alert"
      data-error-code={error.code}
      title={`Error code for support: ${error.code}`}
    >
      {error.message}
    </div>
  );
}
