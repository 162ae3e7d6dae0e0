import { createContext, useContext, useEffect, useState, type KeyboardEvent } from "react";
import type { BranchInfo } from "../bindings/BranchInfo";
import { copyText } from "../clipboard";
import { CheckIcon, ChevronIcon, CopyIcon, PencilIcon, RetryIcon } from "./icons";

/** What can be done to a message of the open chat; null where nothing can (tests, previews). */
export interface MessageActionsValue {
  /** A reply is being written or waits: no editing, regenerating or switching now. */
  busy: boolean;
  /** Resolves false if the backend refused (the editor stays open). */
  edit(messageId: string, text: string): Promise<boolean>;
  regenerate(messageId: string): void;
  switchTo(messageId: string): void;
  /** The message being edited (one at a time), and opening or closing its editor. */
  editingId: string | null;
  setEditingId(messageId: string | null): void;
}

export const MessageActions = createContext<MessageActionsValue | null>(null);

/** ‹ 2/3 ›: the versions of a message, and moving between them. */
export function BranchSwitcher({ branch }: { branch: BranchInfo }) {
  const actions = useContext(MessageActions);
  const { index, siblings } = branch;
  const go = (to: number) => {
    const id = siblings[to];
    if (actions && id) actions.switchTo(id);
  };
  const off = !actions || actions.busy;
  return (
    <span className="branch-switcher" data-testid="branch-switcher">
      <button
        type="button"
        className="message-action"
        data-testid="branch-prev"
        aria-label="Previous version"
        disabled={off || index === 0}
        onClick={() => go(index - 1)}
      >
        <ChevronIcon size={13} className="is-left" />
      </button>
      <span className="branch-position" data-testid="branch-position">
        {index + 1}/{siblings.length}
      </span>
      <button
        type="button"
        className="message-action"
        data-testid="branch-next"
        aria-label="Next version"
        disabled={off || index === siblings.length - 1}
        onClick={() => go(index + 1)}
      >
        <ChevronIcon size={13} className="is-right" />
      </button>
    </span>
  );
}

/** How long Copy says what became of the copy. */
const COPIED_MS = 1500;

/** Copies a message's text as written (its markdown), and says so for a moment. */
function CopyMessage({ text }: { text: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const timer = setTimeout(() => setCopied(null), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  const label = copied === null ? "Copy" : copied ? "Copied" : "Copy failed";
  return (
    <button
      type="button"
      className="message-action"
      data-testid="message-copy"
      data-copied={copied ?? undefined}
      title={label}
      onClick={() => void copyText(text).then(setCopied)}
    >
      {copied ? <CheckIcon size={13} /> : <CopyIcon size={13} />}
      <span className="visually-hidden" aria-live="polite">
        {label}
      </span>
    </button>
  );
}

/** Under a message: its versions, Copy, and Edit (the user's) or Regenerate (a reply). */
export function MessageActionBar({
  messageId,
  branch,
  kind,
  onEdit,
  regenerate = true,
  text = "",
}: {
  messageId: string;
  branch?: BranchInfo;
  kind: "user" | "reply";
  onEdit?(): void;
  /** A reply offers Regenerate (the last one of its run does). */
  regenerate?: boolean;
  /** What Copy copies; no Copy when empty. */
  text?: string;
}) {
  const actions = useContext(MessageActions);
  const can = actions !== null && !actions.busy;
  const copy = text.trim() !== "";
  if (!branch && !can && !copy) return null;
  return (
    <div className={`message-actions is-${kind}`} data-testid="message-actions">
      {branch && <BranchSwitcher branch={branch} />}
      {copy && <CopyMessage text={text} />}
      {can && kind === "user" && onEdit && (
        <button type="button" className="message-action" data-testid="message-edit" title="Edit (keeps this version)" onClick={onEdit}>
          <PencilIcon size={13} />
          <span className="visually-hidden">Edit</span>
        </button>
      )}
      {can && kind === "reply" && regenerate && (
        <button
          type="button"
          className="message-action"
          data-testid="message-regenerate"
          title="Regenerate (keeps this reply)"
          onClick={() => actions.regenerate(messageId)}
        >
          <RetryIcon size={13} />
          <span className="visually-hidden">Regenerate</span>
        </button>
      )}
    </div>
  );
}

/** Editing a sent message: Enter saves as a new version, Escape cancels. */
export function MessageEditor({ messageId, initial, onDone }: { messageId: string; initial: string; onDone(): void }) {
  const actions = useContext(MessageActions);
  const [text, setText] = useState(initial);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    if (!actions || saving || text.trim() === "") return;
    setSaving(true);
    const ok = await actions.edit(messageId, text.trim());
    setSaving(false);
    if (ok) onDone();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void save();
    } else if (e.key === "Escape") {
      e.preventDefault();
      onDone();
    }
  };
  return (
    <div className="message-editor" data-testid="message-editor">
      <textarea
        className="message-editor-input"
        data-testid="message-editor-input"
        aria-label="Edit message"
        value={text}
        autoFocus
        rows={Math.min(8, Math.max(2, text.split("\n").length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="message-editor-bar">
        <button type="button" className="secondary-button" data-testid="message-editor-cancel" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="primary-button"
          data-testid="message-editor-save"
          disabled={saving || text.trim() === ""}
          onClick={() => void save()}
        >
          Send
        </button>
      </div>
    </div>
  );
}
