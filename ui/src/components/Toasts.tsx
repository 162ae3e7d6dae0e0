import { useEffect, useRef, useState, type ReactNode } from "react";
import { AlertIcon, CloseIcon } from "./icons";

/**
 * Calls `onExpire` after `durationMs`, counting only the time the toast is not
 * hovered or focused (so a user reaching for a button doesn't lose it).
 */
function useAutoDismiss(durationMs: number, onExpire: () => void, paused: boolean) {
  const remaining = useRef(durationMs);
  const onExpireRef = useRef(onExpire);
  onExpireRef.current = onExpire;

  useEffect(() => {
    if (paused) return;
    const started = Date.now();
    const timer = setTimeout(() => onExpireRef.current(), remaining.current);
    return () => {
      clearTimeout(timer);
      remaining.current = Math.max(0, remaining.current - (Date.now() - started));
    };
  }, [paused]);
}

interface ToastProps {
  testId: string;
  role: "status" | "alert";
  tone: "neutral" | "error";
  durationMs: number;
  onDismiss(): void;
  dismissLabel: string;
  children: ReactNode;
}

function Toast({ testId, role, tone, durationMs, onDismiss, dismissLabel, children }: ToastProps) {
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  useAutoDismiss(durationMs, onDismiss, hovered || focused);
  return (
    <div
      className={`toast toast-${tone}`}
      data-testid={testId}
      role={role}
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
    >
      {children}
      <button type="button" className="toast-close" aria-label={dismissLabel} onClick={onDismiss}>
        <CloseIcon size={14} />
      </button>
    </div>
  );
}

export const UNDO_TOAST_MS = 6000;
export const ERROR_TOAST_MS = 8000;

export interface UndoToastProps {
  message: string;
  onUndo(): void;
  onDismiss(): void;
  durationMs?: number;
}

export function UndoToast({ message, onUndo, onDismiss, durationMs = UNDO_TOAST_MS }: UndoToastProps) {
  return (
    <Toast testId="undo-toast" role="status" tone="neutral" durationMs={durationMs} onDismiss={onDismiss} dismissLabel="Dismiss">
      <span className="toast-message">{message}</span>
      <button type="button" className="toast-action" data-testid="undo-button" onClick={onUndo}>
        Undo
      </button>
    </Toast>
  );
}

export interface ErrorToastProps {
  message: string;
  onDismiss(): void;
  durationMs?: number;
}

export function ErrorToast({ message, onDismiss, durationMs = ERROR_TOAST_MS }: ErrorToastProps) {
  return (
    <Toast testId="error-toast" role="alert" tone="error" durationMs={durationMs} onDismiss={onDismiss} dismissLabel="Dismiss error">
      <AlertIcon size={16} className="toast-icon" />
      <span className="toast-message">{message}</span>
    </Toast>
  );
}
