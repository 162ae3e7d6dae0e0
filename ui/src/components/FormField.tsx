import { useId, type ReactNode } from "react";

/** What a field's control takes: its id (the label points at it) and how it is described. */
export interface FieldControl {
  id: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}

export interface FormFieldProps {
  label: ReactNode;
  /** The control's id; made up when not given. Its hint, error and label ids add "-hint", "-error", "-label". */
  id?: string;
  /** Under the control (beside it in a setting row), and describing it. */
  hint?: ReactNode;
  /** Other elements that describe the control: a hint drawn under a row of fields, presets under it. */
  describedBy?: string;
  /** The control is marked as wrong (`aria-invalid`); left off when undefined. An `error` marks it too. */
  invalid?: boolean;
  /** The field's problem, shown with it (`role="alert"`) and describing the control. */
  error?: ReactNode;
  errorTestId?: string;
  /** Where the field's problem is shown instead, when the form lists its problems together (FormError). */
  errorId?: string;
  /**
   * "stacked" (default): label, control, hint, error, one under the other (`.form-field`).
   * "setting": label and hint beside the control, error under both; the parts of a `.setting-row`
   * form, which labels itself with the label (`${id}-label`).
   * "check": a checkbox inside its label, the hint under the label's words (`.checkbox-row`).
   */
  layout?: "stacked" | "setting" | "check";
  /** More classes for a stacked field's box (`is-wide`, …). */
  className?: string;
  /** Draws the control, given what it takes (spread it onto the input, select or textarea). */
  children(control: FieldControl): ReactNode;
}

/**
 * One field of a settings form: its label, its control, its hint and its problem, with the ids
 * and aria attributes that tie them together. Every settings form draws its fields with this.
 */
export function FormField({
  label,
  id: givenId,
  hint,
  describedBy,
  invalid,
  error,
  errorTestId,
  errorId,
  layout = "stacked",
  className,
  children,
}: FormFieldProps) {
  const madeId = useId();
  const id = givenId ?? madeId;
  const hintId = `${id}-hint`;
  const shownErrorId = `${id}-error`;
  const hasError = error !== undefined && error !== null && error !== false;
  const markedInvalid = hasError ? true : invalid;
  const describers = [
    hasError ? shownErrorId : null,
    markedInvalid && errorId ? errorId : null,
    hint ? hintId : null,
    describedBy ?? null,
  ].filter(Boolean);
  const control = children({
    id,
    ...(markedInvalid !== undefined && { "aria-invalid": markedInvalid }),
    ...(describers.length > 0 && { "aria-describedby": describers.join(" ") }),
  });
  const hintText = hint ? (
    <span className="form-hint" id={hintId}>
      {hint}
    </span>
  ) : null;

  if (layout === "check") {
    return (
      <label className="checkbox-row">
        {control}
        <span className="checkbox-text">
          <span className="checkbox-label">{label}</span>
          {hintText}
        </span>
      </label>
    );
  }

  if (layout === "setting") {
    return (
      <>
        <div className="checkbox-text">
          <label className="checkbox-label" id={`${id}-label`} htmlFor={id}>
            {label}
          </label>
          {hintText}
        </div>
        <div className="setting-control">{control}</div>
        {hasError && (
          <p className="field-error setting-row-error" id={shownErrorId} data-testid={errorTestId} role="alert">
            {error}
          </p>
        )}
      </>
    );
  }

  return (
    <div className={className ? `form-field ${className}` : "form-field"}>
      <label className="form-label" htmlFor={id}>
        {label}
      </label>
      {control}
      {hintText}
      {hasError && (
        <p className="field-error" id={shownErrorId} data-testid={errorTestId} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
