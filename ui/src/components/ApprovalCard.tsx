import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { UiError } from "../api";
import type { Approval } from "../bindings/Approval";
import type { ApprovalAnswer } from "../bindings/ApprovalAnswer";
import { localReachNote, noRuleReason, parseEditedInput, patternHelp, prettyValue, subjectLabel, suggestPattern } from "../toolCalls";
import { ErrorHint } from "./ErrorHint";
import { AlertIcon } from "./icons";

export interface ApprovalCardProps {
  approval: Approval;
  /** Resolves null once the backend took the answer, or its error. */
  onAnswer(approvalId: string, answer: ApprovalAnswer): Promise<UiError | null>;
}

/** The card shows the answers, or the form of Always…, of Deny or of Edit…. */
type Mode = "choose" | "always" | "deny" | "edit";

/**
 * A tool call waiting for the user: its full arguments and what it acts on, and Allow once,
 * Allow for this chat, Always… (with a pattern), Edit… (run it with arguments the user changed)
 * or Deny (with a message for the model). With
 * the card focused, Enter allows once and Esc starts a denial. Once answered, the buttons stay
 * disabled until the answer's frame replaces the card.
 */
export function ApprovalCard({ approval, onAnswer }: ApprovalCardProps) {
  const [mode, setMode] = useState<Mode>("choose");
  const [pattern, setPattern] = useState(() => suggestPattern(approval.tool, approval.subject));
  const [message, setMessage] = useState("");
  const [edited, setEdited] = useState(() => prettyValue(approval.input));
  const [editProblem, setEditProblem] = useState<string | null>(null);
  const editRef = useRef<HTMLTextAreaElement>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [expired, setExpired] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const patternRef = useRef<HTMLInputElement>(null);
  const messageRef = useRef<HTMLInputElement>(null);
  const moved = useRef(false);
  const id = useId();

  // Focus follows the form that opens, and comes back to the card when it closes.
  useEffect(() => {
    if (!moved.current) return;
    if (mode === "always") {
      patternRef.current?.focus();
      patternRef.current?.select();
    }
    else if (mode === "deny") messageRef.current?.focus();
    else if (mode === "edit") editRef.current?.focus();
    else rootRef.current?.focus();
  }, [mode]);

  const go = (next: Mode) => {
    moved.current = true;
    setError(null);
    setMode(next);
  };

  const locked = sending || expired;

  const answer = async (reply: ApprovalAnswer) => {
    if (locked) return;
    setSending(true);
    setError(null);
    const failure = await onAnswer(approval.id, reply);
    if (failure === null) return; // stays disabled until approval_resolved arrives
    if (failure.code === "APPROVAL_NOT_FOUND") {
      setExpired(true);
    } else {
      setError(failure);
      setSending(false);
    }
  };

  const allowAlways = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = pattern.trim();
    void answer(trimmed === "" ? { allow: true, remember: "always" } : { allow: true, remember: "always", pattern: trimmed });
  };

  const deny = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = message.trim();
    void answer(trimmed === "" ? { allow: false } : { allow: false, message: trimmed });
  };

  const runEdited = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseEditedInput(edited);
    if (!parsed.ok) {
      setEditProblem(parsed.problem);
      return;
    }
    setEditProblem(null);
    void answer({ allow: true, input: parsed.input });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.nativeEvent.isComposing || locked) return;
    if (e.key === "Enter" && e.target === e.currentTarget && mode === "choose") {
      e.preventDefault();
      void answer({ allow: true });
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      go(mode === "choose" ? "deny" : "choose");
    }
  };

  const subjectName = subjectLabel(approval.tool);
  return (
    <div
      ref={rootRef}
      className={`approval-card${locked ? " is-locked" : ""}`}
      data-testid="approval-card"
      data-approval-id={approval.id}
      role="group"
      aria-labelledby={`${id}-title`}
      aria-describedby={locked || error || mode !== "choose" ? undefined : `${id}-keys`}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="approval-title" id={`${id}-title`}>
        <AlertIcon size={15} className="approval-icon" />
        <span>Allow this call?</span>
      </div>
      {subjectName && approval.subject !== null && (
        <div className="approval-subject">
          <span className="approval-label">{subjectName}</span>
          <code data-testid="approval-subject">{approval.subject}</code>
        </div>
      )}
      <div className="approval-args">
        <span className="approval-label">Arguments</span>
        <pre className="tool-code approval-args-code" data-testid="tool-args" tabIndex={0}>
          {prettyValue(approval.input)}
        </pre>
      </div>

      {localReachNote(approval.tool, approval.subject) !== null && (
        <p className="form-hint is-warning" data-testid="approval-local" role="note">
          {localReachNote(approval.tool, approval.subject)}
        </p>
      )}

      {mode === "choose" && (
        <div className="approval-actions">
          <button
            type="button"
            className="primary-button"
            data-testid="approval-allow-once"
            disabled={locked}
            onClick={() => void answer({ allow: true })}
          >
            Allow once
          </button>
          <button
            type="button"
            className="secondary-button"
            data-testid="approval-allow-session"
            title="Allow this tool without asking again in this chat"
            disabled={locked}
            onClick={() => void answer({ allow: true, remember: "session" })}
          >
            Allow for this chat
          </button>
          <button
            type="button"
            className="secondary-button"
            data-testid="approval-allow-always"
            title="Add a rule that allows calls like this one in every chat"
            disabled={locked}
            onClick={() => go("always")}
          >
            Always…
          </button>
          <button
            type="button"
            className="secondary-button"
            data-testid="approval-edit"
            title="Change the arguments, then run it with yours"
            disabled={locked}
            onClick={() => go("edit")}
          >
            Edit…
          </button>
          <button
            type="button"
            className="secondary-button is-danger"
            data-testid="approval-deny"
            disabled={locked}
            onClick={() => go("deny")}
          >
            Deny
          </button>
        </div>
      )}

      {mode === "always" && (
        <form className="approval-form" onSubmit={allowAlways} noValidate>
          <label className="approval-label" htmlFor={`${id}-pattern`}>
            Always allow <code>{approval.tool}</code> for
          </label>
          <div className="approval-form-row">
            <input
              ref={patternRef}
              id={`${id}-pattern`}
              data-testid="approval-pattern"
              type="text"
              value={pattern}
              placeholder="every call of this tool"
              autoComplete="off"
              spellCheck={false}
              disabled={locked}
              aria-describedby={`${id}-pattern-help`}
              onChange={(e) => setPattern(e.target.value)}
            />
            <button type="submit" className="primary-button" data-testid="approval-always-confirm" disabled={locked}>
              Always allow
            </button>
            <button type="button" className="secondary-button" disabled={locked} onClick={() => go("choose")}>
              Cancel
            </button>
          </div>
          {noRuleReason(approval.tool, approval.subject) !== null && (
            <p className="form-hint is-warning" data-testid="approval-no-rule" role="note">
              {noRuleReason(approval.tool, approval.subject)}
            </p>
          )}
          <span className="form-hint" id={`${id}-pattern-help`}>
            {[patternHelp(approval.tool), "Empty: every call of this tool."].filter(Boolean).join(" ")}
          </span>
        </form>
      )}

      {mode === "edit" && (
        <form className="approval-form" onSubmit={runEdited} noValidate>
          <label className="approval-label" htmlFor={`${id}-edit`}>
            Run <code>{approval.tool}</code> with these arguments
          </label>
          <textarea
            ref={editRef}
            id={`${id}-edit`}
            className="tool-code approval-edit-input"
            data-testid="approval-edit-input"
            value={edited}
            rows={Math.min(12, Math.max(3, edited.split("\n").length))}
            spellCheck={false}
            disabled={locked}
            aria-invalid={editProblem !== null}
            aria-describedby={`${id}-edit-help`}
            onChange={(e) => {
              setEdited(e.target.value);
              setEditProblem(null);
            }}
          />
          {editProblem !== null && (
            <p className="form-error" data-testid="approval-edit-error" role="alert">
              {editProblem}
            </p>
          )}
          <div className="approval-form-row">
            <button type="submit" className="primary-button" data-testid="approval-edit-confirm" disabled={locked}>
              Run edited
            </button>
            <button type="button" className="secondary-button" disabled={locked} onClick={() => go("choose")}>
              Cancel
            </button>
          </div>
          <span className="form-hint" id={`${id}-edit-help`}>
            The model is told you edited it. No rule is made.
          </span>
        </form>
      )}

      {mode === "deny" && (
        <form className="approval-form" onSubmit={deny} noValidate>
          <label className="approval-label" htmlFor={`${id}-message`}>
            Tell the model why (optional)
          </label>
          <div className="approval-form-row">
            <input
              ref={messageRef}
              id={`${id}-message`}
              data-testid="approval-deny-message"
              type="text"
              value={message}
              placeholder="e.g. not in that folder"
              autoComplete="off"
              disabled={locked}
              onChange={(e) => setMessage(e.target.value)}
            />
            <button type="submit" className="danger-button" data-testid="approval-deny-confirm" disabled={locked}>
              Deny
            </button>
            <button type="button" className="secondary-button" disabled={locked} onClick={() => go("choose")}>
              Cancel
            </button>
          </div>
        </form>
      )}

      {expired ? (
        <p className="approval-note is-expired" data-testid="approval-expired" role="alert">
          This request expired: it was already answered, or its run ended.
        </p>
      ) : error ? (
        <div className="approval-note is-error" data-testid="approval-error" role="alert">
          <p>Couldn’t send the answer: {error.message}</p>
          <ErrorHint error={error} testId="approval-error-hint" />
        </div>
      ) : sending ? (
        <p className="approval-note" role="status">
          Sending…
        </p>
      ) : mode === "choose" ? (
        <p className="approval-keys" id={`${id}-keys`}>
          <kbd>Enter</kbd> allows once · <kbd>Esc</kbd> denies
        </p>
      ) : (
        <p className="approval-keys">
          <kbd>Enter</kbd> confirms · <kbd>Esc</kbd> goes back
        </p>
      )}
    </div>
  );
}
