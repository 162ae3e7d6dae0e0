import type { UiError } from "../api";
import { hintForError } from "../errorHints";

export interface ErrorHintProps {
  error: Pick<UiError, "code">;
  testId: string;
  className?: string;
}

/** What to do about an error, under its message; nothing when its code has no hint. */
export function ErrorHint({ error, testId, className }: ErrorHintProps) {
  const hint = hintForError(error);
  if (hint === null) return null;
  return (
    <p className={className ? `error-hint ${className}` : "error-hint"} data-testid={testId}>
      {hint}
    </p>
  );
}
