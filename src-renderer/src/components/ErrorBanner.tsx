import { useApp } from '../state/app-store';

export function ErrorBanner() {
  const error = useApp((s) => s.error);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert">
      {error.message} <span className="muted">({error.code})</span>
    </div>
  );
}
