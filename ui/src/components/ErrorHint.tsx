import type { UiError } from "../api";
import { hintForError, type HintContext } from "../errorHints";

export interface ErrorHintProps {
  error: Pick<UiError, "code">;
  testId: string;
  className?: string;
  /** Where the error is shown (see HintContext); "app" by default. */
  context?: HintContext;
}

/** What to do about an error, under its message; nothing when its code has no hint. */
export function ErrorHint({ error, testId, className, context }: ErrorHintProps) {
  const hint = hintForError(error, context);
  if (hint === null) return null;
  return (
    <p className={className ? `error-hint ${className}` : "error-hint"} data-testid={testId}>
      {hint}
    </p>
  );
}
