// What the rows of the settings lists (accounts, MCP servers, schedules, webhooks) share:
// their actions run one at a time, a failure is said under the row, and a step that cannot
// be undone asks first.
import { useCallback, useState } from "react";
import type { UiError } from "../api";
import { ErrorHint } from "./ErrorHint";

/** What failed, in words for "Couldn’t {what} “{name}”", and why. */
export interface RowActionError {
  what: string;
  error: UiError;
}

/**
 * A row's actions: `busy` names the one going (the others wait), `error` the last one's
 * failure. `act(kind, what, call)` runs `call`, which resolves to its failure or null.
 */
export function useRowAction<K extends string>() {
  const [busy, setBusy] = useState<K | null>(null);
  const [error, setError] = useState<RowActionError | null>(null);
  const act = useCallback(async (kind: K, what: string, call: () => Promise<UiError | null>) => {
    setBusy(kind);
    setError(null);
    const failure = await call();
    setBusy(null);
    if (failure) setError({ what, error: failure });
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, act, clearError };
}

/** A row action's failure, under the row, with what to do about it. */
export function ActionError({ failed, name, testId, hintTestId }: { failed: RowActionError; name: string; testId: string; hintTestId: string }) {
  return (
    <div className="field-error" data-testid={testId} role="alert">
      <p>
        Couldn’t {failed.what} “{name}”: {failed.error.message}
      </p>
      <ErrorHint error={failed.error} testId={hintTestId} />
    </div>
  );
}

export interface ConfirmBarProps {
  /** Its name for assistive technology: "Remove “Work”?" */
  label: string;
  /** The question shown: "Remove this account?" */
  question: string;
  /** The confirming button's words, before and while it works: "Remove", "Removing…". */
  confirm: string;
  working: string;
  /** Its action is going (both buttons wait). */
  busy: boolean;
  confirmTestId: string;
  cancelTestId: string;
  onConfirm(): void;
  onCancel(): void;
}

/** The question a row asks in place of its buttons before something that cannot be undone. */
export function ConfirmBar({ label, question, confirm, working, busy, confirmTestId, cancelTestId, onConfirm, onCancel }: ConfirmBarProps) {
  return (
    <div className="account-confirm" role="group" aria-label={label}>
      <span className="account-confirm-text">{question}</span>
      <button type="button" className="danger-button" data-testid={confirmTestId} disabled={busy} onClick={onConfirm}>
        {busy ? working : confirm}
      </button>
      {/* The safe choice takes the focus as the question appears. */}
      <button type="button" className="secondary-button" data-testid={cancelTestId} disabled={busy} autoFocus onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
