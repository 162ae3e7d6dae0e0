import { useEffect, useLayoutEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from "react";
import { filesOf, readyIds, type PendingAttachment } from "../attachments";
import type { Priority } from "../bindings/Priority";
import { PRIORITY_HINTS, PRIORITY_LABELS } from "../chatFormat";
import { PendingAttachments } from "./Attachments";
import { ArrowUpIcon, PaperclipIcon, SteerIcon, StopIcon } from "./icons";

/** Resolves false when the backend refused: the text goes back into the box. */
type Submit = Promise<boolean> | boolean | void;

export interface ComposerProps {
  /** A run is going: Send becomes Stop, and priority and Steer are offered. */
  running: boolean;
  onSend(text: string, priority: Priority): Submit;
  /** Sends text into the running turn. */
  onSteer(text: string): Submit;
  onStop(): void;
  placeholder?: string;
  /** Takes focus when it appears (and when this turns true). */
  autoFocus?: boolean;
  /** Files going with the next message. */
  attachments?: readonly PendingAttachment[];
  /** Attaches picked or pasted files; no attach button without it. */
  onAddFiles?(files: File[]): void;
  onRemoveAttachment?(key: string): void;
  /** ↑ in an empty composer: edit the last message sent. */
  onEditLast?(): void;
}

/** The textarea grows with its text up to this height, then scrolls. */
const MAX_HEIGHT = 240;
const PRIORITIES: Priority[] = ["later", "next", "now"];

export function Composer({
  running,
  onSend,
  onSteer,
  onStop,
  placeholder = "Message Hearth…",
  autoFocus = false,
  attachments = [],
  onAddFiles,
  onRemoveAttachment,
  onEditLast,
}: ComposerProps) {
  const fileInputRef = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState("");
  const [priority, setPriority] = useState<Priority>("later");
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const draftRef = useRef(draft);
  draftRef.current = draft;

  useLayoutEffect(() => {
    const el = inputRef.current;
    if (!el) return;
    el.style.height = "auto";
    if (el.scrollHeight > 0) el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [draft]);

  useEffect(() => {
    if (autoFocus) inputRef.current?.focus();
  }, [autoFocus]);

  const text = draft.trim();
  // Files alone make a message too, once they are all uploaded.
  const files = readyIds(attachments);
  const canSend = files !== null && (text !== "" || files.length > 0);

  // The box empties at once; if the backend refuses, what was typed comes back (unless the
  // user has started on something else meanwhile).
  const submit = (send: (text: string) => Submit, withFiles: boolean) => {
    if (withFiles ? !canSend : !text) return;
    setDraft("");
    setPriority("later");
    void Promise.resolve(send(text)).then((ok) => {
      if (ok === false && draftRef.current === "") setDraft(text);
    });
    inputRef.current?.focus();
  };

  const send = () => submit((t) => onSend(t, running ? priority : "later"), true);
  const steer = () => submit((t) => onSteer(t), false);

  // A pasted file (a screenshot, a copied file) is attached; pasted text is typed as usual.
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const pasted = filesOf(e.clipboardData);
    if (!onAddFiles || pasted.length === 0) return;
    e.preventDefault();
    onAddFiles(pasted);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && running) {
      e.preventDefault();
      steer();
    } else if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      send();
    } else if (e.key === "ArrowUp" && draft === "" && attachments.length === 0 && onEditLast) {
      e.preventDefault();
      onEditLast();
    } else if (e.key === "Escape" && running && draft === "") {
      e.preventDefault();
      onStop();
    }
  };

  return (
    <div className={`composer${running ? " is-running" : ""}`}>
      {onRemoveAttachment && <PendingAttachments items={attachments} onRemove={onRemoveAttachment} />}
      <textarea
        ref={inputRef}
        className="composer-input"
        data-testid="composer-input"
        aria-label="Message"
        placeholder={running ? "Add to the queue, or steer the reply…" : placeholder}
        rows={1}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <div className="composer-bar">
        {onAddFiles && (
          <>
            <button
              type="button"
              className="composer-icon-button"
              data-testid="composer-attach"
              aria-label="Attach files"
              title="Attach images, PDFs or text files (or drop or paste them)"
              onClick={() => fileInputRef.current?.click()}
            >
              <PaperclipIcon size={17} />
            </button>
            <input
              ref={fileInputRef}
              type="file"
              multiple
              hidden
              data-testid="composer-attach-input"
              onChange={(e) => {
                const picked = Array.from(e.target.files ?? []);
                e.target.value = "";
                if (picked.length > 0) onAddFiles(picked);
              }}
            />
          </>
        )}
        {running && (
          <div className="composer-running-controls">
            <label className="composer-priority">
              <span className="visually-hidden">When to run this message</span>
              <select
                data-testid="composer-priority"
                value={priority}
                title={PRIORITY_HINTS[priority]}
                onChange={(e) => setPriority(e.target.value as Priority)}
              >
                {PRIORITIES.map((p) => (
                  <option key={p} value={p} title={PRIORITY_HINTS[p]}>
                    {PRIORITY_LABELS[p]}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="composer-text-button"
              data-testid="composer-steer"
              title="Send into the reply being written, at its next step"
              disabled={!text}
              onClick={steer}
            >
              <SteerIcon size={14} />
              <span>Steer</span>
            </button>
            {canSend && (
              <button
                type="button"
                className="composer-text-button"
                data-testid="composer-queue"
                title={PRIORITY_HINTS[priority]}
                onClick={send}
              >
                {priority === "now" ? "Send now" : priority === "next" ? "Send next" : "Queue"}
              </button>
            )}
          </div>
        )}
        {running ? (
          <button
            type="button"
            className="composer-round-button is-stop"
            data-testid="composer-stop"
            aria-label="Stop"
            title="Stop (Esc)"
            onClick={onStop}
          >
            <StopIcon size={16} />
          </button>
        ) : (
          <button
            type="button"
            className="composer-round-button"
            data-testid="composer-send"
            aria-label="Send"
            title="Send (Enter)"
            disabled={!canSend}
            onClick={send}
          >
            <ArrowUpIcon size={17} />
          </button>
        )}
      </div>
    </div>
  );
}
