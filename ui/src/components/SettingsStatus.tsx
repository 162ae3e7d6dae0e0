/** A settings list that is loading, or could not be loaded (with a Retry). */
export function SettingsStatus({
  failed,
  what,
  onRetry,
  retryTestId,
}: {
  failed: boolean;
  /** "the tools", "the rules"… */
  what: string;
  onRetry(): void;
  retryTestId?: string;
}) {
  if (failed) {
    return (
      <div className="account-list-status" role="alert">
        <span>Couldn’t load {what}.</span>
        <button type="button" className="link-button" data-testid={retryTestId} onClick={onRetry}>
          Retry
        </button>
      </div>
    );
  }
  return (
    <div className="account-list-status" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>Loading {what}…</span>
    </div>
  );
}
