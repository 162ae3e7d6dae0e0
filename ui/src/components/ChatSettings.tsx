import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { UiError } from "../api";
import type { Session } from "../bindings/Session";
import {
  checkChatSettings,
  DEFAULT_MAX_STEPS,
  draftFrom,
  folderLabel,
  isEmptyPatch,
  MAX_STEPS_LIMIT,
  type ChatSettingsDraft,
  type ChatSettingsPatch,
} from "../chatSettings";
import { usePopover } from "../usePopover";
import { FormError } from "./FormError";
import { FormField } from "./FormField";
import { ChevronIcon, FolderIcon } from "./icons";

export interface ChatSettingsProps {
  session: Pick<Session, "workspace" | "max_steps"> & Partial<Pick<Session, "runtime" | "runtime_session_id">>;
  /** Resolves null once stored, or the backend's error (INVALID_WORKSPACE…) to show. */
  onSave(patch: ChatSettingsPatch): Promise<UiError | null>;
}

/**
 * The chat's folder (its file tools are confined to it) and step limit: a small button in the
 * chat header showing the folder, and a popover to change both. (No native folder picker
 * without a plugin: the path is typed.)
 */
export function ChatSettings({ session, onSave }: ChatSettingsProps) {
  const { open, setOpen, close, rootRef, buttonRef } = usePopover();

  const label = folderLabel(session.workspace);
  return (
    <div className="chat-settings" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`chat-settings-button${session.workspace ? " has-folder" : ""}`}
        data-testid="workspace-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        title={session.workspace ? `Workspace: ${session.workspace}` : "Choose the folder this chat's file tools work in"}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <FolderIcon size={14} />
        <span className="chat-settings-label" data-testid="workspace-label">
          {label}
        </span>
        <ChevronIcon size={12} className="chat-settings-chevron" />
      </button>
      {open && <ChatSettingsPopover session={session} onSave={onSave} onClose={close} />}
    </div>
  );
}

interface PopoverProps extends ChatSettingsProps {
  onClose(refocus: boolean): void;
}

function ChatSettingsPopover({ session, onSave, onClose }: PopoverProps) {
  const [draft, setDraft] = useState<ChatSettingsDraft>(() => draftFrom(session));
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<UiError | null>(null);
  const [saving, setSaving] = useState(false);
  const workspaceRef = useRef<HTMLInputElement>(null);
  const stepsRef = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    workspaceRef.current?.focus();
  }, []);

  const edit = (next: ChatSettingsDraft) => {
    setDraft(next);
    setProblem(null);
    setFailure(null);
  };

  const save = async (patch: ChatSettingsPatch) => {
    if (saving) return;
    if (isEmptyPatch(patch)) {
      onClose(true);
      return;
    }
    setSaving(true);
    const error = await onSave(patch);
    setSaving(false);
    if (error) {
      setFailure(error);
      return;
    }
    onClose(true);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const check = checkChatSettings(session, draft);
    if (!check.ok) {
      setProblem(check.problem);
      stepsRef.current?.focus();
      return;
    }
    void save(check.patch);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && !e.nativeEvent.isComposing) {
      e.preventDefault();
      e.stopPropagation();
      onClose(true);
    }
  };

  return (
    <form
      className="chat-settings-popover"
      data-testid="chat-settings"
      role="dialog"
      aria-label="Chat settings"
      noValidate
      onSubmit={submit}
      onKeyDown={onKeyDown}
    >
      <FormField
        label="Workspace folder"
        id={`${id}-workspace`}
        invalid={failure?.code === "INVALID_WORKSPACE"}
        hint={
          session.runtime && session.runtime !== "hearth"
            ? session.runtime_session_id
              ? "Fixed: the agent finds this conversation by its folder. Start a new chat for another folder."
              : "An absolute path: the folder the agent works in (fixed once its first turn ran)."
            : "An absolute path. The chat’s file tools work only inside it (none without one); commands start in it."
        }
      >
        {(control) => (
          <input
            {...control}
            ref={workspaceRef}
            data-testid="workspace-input"
            type="text"
            value={draft.workspace}
            placeholder="/home/you/project"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => edit({ ...draft, workspace: e.target.value })}
          />
        )}
      </FormField>
      <FormField
        label="Step limit"
        id={`${id}-steps`}
        invalid={problem !== null}
        hint={`Model calls one reply may make before it stops: 1 to ${MAX_STEPS_LIMIT}.`}
      >
        {(control) => (
          <input
            {...control}
            ref={stepsRef}
            data-testid="max-steps-input"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_STEPS_LIMIT}
            step={1}
            value={draft.maxSteps}
            placeholder={`${DEFAULT_MAX_STEPS} (default)`}
            onChange={(e) => edit({ ...draft, maxSteps: e.target.value })}
          />
        )}
      </FormField>
      <FormError
        testId="workspace-error"
        problem={problem}
        failure={failure}
        failed="Couldn’t save"
        hintTestId="workspace-error-hint"
      />
      <div className="chat-settings-actions">
        {session.workspace !== null && (session.runtime ?? "hearth") === "hearth" && (
          <button
            type="button"
            className="secondary-button"
            data-testid="workspace-clear"
            disabled={saving}
            title="Without a folder, this chat's file tools cannot run"
            onClick={() => {
              edit({ ...draft, workspace: "" });
              void save({ workspace: "" });
            }}
          >
            Clear folder
          </button>
        )}
        <button type="submit" className="primary-button" data-testid="workspace-save" disabled={saving}>
          {saving ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}
