import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { Session } from "../bindings/Session";
import { runtimeLabel } from "../runtimes";
import { titleProblem } from "../validation";
import { PencilIcon, PinIcon, TrashIcon } from "./icons";

export interface SessionRowProps {
  session: Session;
  selected: boolean;
  editing: boolean;
  onSelect(id: string): void;
  onStartRename(id: string): void;
  /** Ends renaming. `title` is the new (trimmed, valid) title, or null when cancelled. */
  onFinishRename(id: string, title: string | null): void;
  onTogglePin(id: string, pinned: boolean): void;
  onDelete(id: string): void;
}

export function SessionRow({
  session,
  selected,
  editing,
  onSelect,
  onStartRename,
  onFinishRename,
  onTogglePin,
  onDelete,
}: SessionRowProps) {
  const selectRef = useRef<HTMLButtonElement>(null);
  const rowRef = useRef<HTMLLIElement>(null);
  // After Enter/Escape in the rename input, focus goes back to the row (not after a blur:
  // the user has put focus somewhere else on purpose).
  const refocusAfterEdit = useRef(false);

  useEffect(() => {
    if (selected) rowRef.current?.scrollIntoView?.({ block: "nearest" });
  }, [selected]);

  useEffect(() => {
    if (!editing && refocusAfterEdit.current) {
      refocusAfterEdit.current = false;
      selectRef.current?.focus();
    }
  }, [editing]);

  const onRowKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key === "F2") {
      e.preventDefault();
      onStartRename(session.id);
    }
  };

  const className = ["session-item", selected && "is-selected", editing && "is-editing", session.pinned && "is-pinned"]
    .filter(Boolean)
    .join(" ");

  return (
    <li
      ref={rowRef}
      className={className}
      data-testid="session-item"
      data-session-id={session.id}
      data-pinned={String(session.pinned)}
      data-selected={String(selected)}
    >
      {editing ? (
        <RenameInput
          initial={session.title}
          onDone={(title, viaKeyboard) => {
            refocusAfterEdit.current = viaKeyboard;
            onFinishRename(session.id, title);
          }}
        />
      ) : (
        <>
          <button
            ref={selectRef}
            type="button"
            className="session-select"
            aria-current={selected ? "page" : undefined}
            title={session.title}
            onClick={() => onSelect(session.id)}
            onDoubleClick={() => onStartRename(session.id)}
            onKeyDown={onRowKeyDown}
          >
            {session.pinned && (
              <span className="session-pin-marker" aria-label="Pinned" role="img">
                <PinIcon size={12} filled />
              </span>
            )}
            <span className="session-title" data-testid="session-title">
              {session.title}
            </span>
            {session.runtime !== "hearth" && (
              <span
                className="runtime-badge is-small"
                data-testid="session-runtime"
                title={`${runtimeLabel(session.runtime)} in ${session.workspace ?? "?"}`}
              >
                {runtimeLabel(session.runtime)}
              </span>
            )}
          </button>
          <div className="session-actions">
            <button
              type="button"
              className="icon-button"
              data-testid="session-rename"
              aria-label={`Rename “${session.title}”`}
              title="Rename"
              onClick={() => onStartRename(session.id)}
            >
              <PencilIcon size={15} />
            </button>
            <button
              type="button"
              className="icon-button"
              data-testid="session-pin"
              aria-label={session.pinned ? `Unpin “${session.title}”` : `Pin “${session.title}”`}
              aria-pressed={session.pinned}
              title={session.pinned ? "Unpin" : "Pin"}
              onClick={() => onTogglePin(session.id, !session.pinned)}
            >
              <PinIcon size={15} filled={session.pinned} />
            </button>
            <button
              type="button"
              className="icon-button danger"
              data-testid="session-delete"
              aria-label={`Delete “${session.title}”`}
              title="Delete"
              onClick={() => onDelete(session.id)}
            >
              <TrashIcon size={15} />
            </button>
          </div>
        </>
      )}
    </li>
  );
}

interface RenameInputProps {
  initial: string;
  /** `title` is null when cancelled. `viaKeyboard` is false when ended by a blur. */
  onDone(title: string | null, viaKeyboard: boolean): void;
}

function RenameInput({ initial, onDone }: RenameInputProps) {
  const [draft, setDraft] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  // Once committed or cancelled, a later blur (the input unmounting) must not commit again.
  const settled = useRef(false);
  const messageId = useId();

  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.focus();
    input.select();
  }, []);

  const commit = (viaKeyboard: boolean) => {
    if (settled.current) return;
    const title = draft.trim();
    const why = titleProblem(title);
    if (why) {
      setProblem(why);
      return;
    }
    settled.current = true;
    onDone(title, viaKeyboard);
  };

  const cancel = () => {
    if (settled.current) return;
    settled.current = true;
    onDone(null, true);
  };

  return (
    <div className="session-rename">
      <input
        ref={inputRef}
        className="session-rename-input"
        data-testid="session-rename-input"
        aria-label="Chat title"
        aria-invalid={problem !== null}
        aria-describedby={problem ? messageId : undefined}
        value={draft}
        spellCheck={false}
        onChange={(e) => {
          setDraft(e.target.value);
          if (problem) setProblem(null);
        }}
        onKeyDown={(e) => {
          if (e.nativeEvent.isComposing) return;
          if (e.key === "Enter") {
            e.preventDefault();
            commit(true);
          } else if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            cancel();
          }
        }}
        onBlur={() => commit(false)}
      />
      {problem && (
        <p id={messageId} className="session-rename-error" data-testid="session-rename-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
