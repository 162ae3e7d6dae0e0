import { useId, type ReactNode } from "react";

/** What a field's control takes: its id (the label points at it) and what describes it. */
export interface FieldControl {
  id: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}

export interface FormFieldProps {
  label: ReactNode;
  /** The control's id; made up when not given. Its hint and error ids add "-hint" and "-error". */
  id?: string;
  /** Under the control (beside it in a setting row), and describing it. */
  hint?: ReactNode;
  hintTestId?: string;
  /** Other elements that describe the control: a hint drawn under a row of fields, presets under it. */
  describedBy?: string;
  /** Marks the control as wrong (`aria-invalid`); left off when undefined. An `error` marks it too. */
  invalid?: boolean;
  /** The field's problem, shown with it (`role="alert"`) and describing the control. */
  error?: ReactNode;
  errorTestId?: string;
  /** Where the field's problem is shown instead, when the form lists its problems together (FormError). */
  errorId?: string;
  /**
   * "stacked" (default): label, control, hint, error, one under the other, in a `.form-field`.
   * "inline": the same parts without the box, in the caller's row of controls.
   * "setting": label and hint beside the control, error under both: the parts of a
   * `.setting-row` form, which takes its name from the label (`${id}-label`).
   * "check": a checkbox inside its label, the hint under the label's words (`.checkbox-row`).
   */
  layout?: "stacked" | "inline" | "setting" | "check";
  /** "stacked" and "inline": the label is for screen readers only (the form shows what the field is). */
  labelHidden?: boolean;
  /** More classes for the stacked box (`is-wide`, …). */
  className?: string;
  /** Draws the control, given what it takes (spread onto the input, select or textarea). */
  children(control: FieldControl): ReactNode;
}

/**
 * One field of a settings form: its label, its control, its hint and its problem, with the ids
 * and aria attributes that tie them together. The settings forms draw their fields with this.
 */
export function FormField({
  label,
  id: givenId,
  hint,
  hintTestId,
  describedBy,
  invalid,
  error,
  errorTestId,
  errorId,
  layout = "stacked",
  labelHidden = false,
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
    <span className="form-hint" id={hintId} data-testid={hintTestId}>
      {hint}
    </span>
  ) : null;
  const errorText = (className: string) =>
    hasError ? (
      <p className={className} id={shownErrorId} data-testid={errorTestId} role="alert">
        {error}
      </p>
    ) : null;

  switch (layout) {
    case "check":
      return (
        <label className="checkbox-row">
          {control}
          <span className="checkbox-text">
            <span className="checkbox-label">{label}</span>
            {hintText}
          </span>
        </label>
      );
    case "setting":
      return (
        <>
          <div className="checkbox-text">
            <label className="checkbox-label" id={`${id}-label`} htmlFor={id}>
              {label}
            </label>
            {hintText}
          </div>
          <div className="setting-control">{control}</div>
          {errorText("field-error setting-row-error")}
        </>
      );
    case "stacked":
    case "inline": {
      const parts = (
        <>
          <label className={labelHidden ? "form-label visually-hidden" : "form-label"} htmlFor={id}>
            {label}
          </label>
          {control}
          {hintText}
          {errorText("field-error")}
        </>
      );
      return layout === "inline" ? parts : <div className={className ? `form-field ${className}` : "form-field"}>{parts}</div>;
    }
  }
}
