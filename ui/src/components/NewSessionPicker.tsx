import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { UiError } from "../api";
import type { CreateSession } from "../bindings/CreateSession";
import type { ModelList } from "../bindings/ModelList";
import type { RuntimeKind } from "../bindings/RuntimeKind";
import { modelOptionLabel } from "../capabilities";
import { needsWorkspace, newSessionRequest, RUNTIMES, servesProvider, runtimeLabel, type NewSessionDraft } from "../runtimes";
import { usePopover } from "../usePopover";
import { FormError } from "./FormError";
import { FormField } from "./FormField";
import { ChevronIcon } from "./icons";

export interface NewSessionPickerProps {
  models: ModelList | null;
  /** Makes and opens the chat; resolves null, or the backend's refusal to show. */
  onCreate(req: CreateSession): Promise<UiError | null>;
}

/**
 * Beside "New chat": a chat on another runtime (Claude Code drives the `claude` CLI in a
 * folder, Codex the `codex` CLI), with its model next to it. The path is typed (no folder dialog without a plugin).
 */
export function NewSessionPicker({ models, onCreate }: NewSessionPickerProps) {
  const { open, setOpen, close, rootRef, buttonRef } = usePopover();
  return (
    <div className="new-session-picker" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="icon-button new-session-more"
        data-testid="new-session-picker"
        aria-label="New chat with a runtime, folder and model"
        aria-expanded={open}
        aria-haspopup="dialog"
        title="New chat on Hearth, Claude Code or Codex…"
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <ChevronIcon size={14} />
      </button>
      {open && <Popover models={models} onCreate={onCreate} onClose={close} />}
    </div>
  );
}

function Popover({ models, onCreate, onClose }: NewSessionPickerProps & { onClose(refocus: boolean): void }) {
  const [draft, setDraft] = useState<NewSessionDraft>({ runtime: "claude-code", workspace: "", model: "" });
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<UiError | null>(null);
  const [saving, setSaving] = useState(false);
  const firstRef = useRef<HTMLSelectElement>(null);
  const id = useId();
  useEffect(() => firstRef.current?.focus(), []);

  const edit = (next: NewSessionDraft) => {
    setDraft(next);
    setProblem(null);
    setFailure(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const checked = newSessionRequest(draft);
    if (!checked.ok) {
      setProblem(checked.problem);
      return;
    }
    setSaving(true);
    const error = await onCreate(checked.req);
    setSaving(false);
    if (error) setFailure(error);
    else onClose(false);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && !e.nativeEvent.isComposing) {
      e.preventDefault();
      e.stopPropagation();
      onClose(true);
    }
  };
  // An agent CLI speaks one API: offer the models of the accounts it can use.
  const offered = (models?.models ?? []).filter((m) => servesProvider(draft.runtime, m.provider));

  return (
    <form
      className="chat-settings-popover new-session-popover"
      data-testid="new-session-form"
      role="dialog"
      aria-label="New chat"
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={onKeyDown}
    >
      <div className="new-session-row">
        <FormField label="Runtime" id={`${id}-runtime`}>
          {(control) => (
            <select
              {...control}
              ref={firstRef}
              data-testid="new-session-runtime"
              value={draft.runtime}
              onChange={(e) => edit({ ...draft, runtime: e.target.value as RuntimeKind, model: "" })}
            >
              {RUNTIMES.map((r) => (
                <option key={r.kind} value={r.kind} disabled={r.unavailable !== undefined}>
                  {r.unavailable ? `${r.label} (${r.unavailable.toLowerCase()})` : r.label}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Model" id={`${id}-model`}>
          {(control) => (
            <select
              {...control}
              data-testid="new-session-model"
              value={draft.model}
              onChange={(e) => edit({ ...draft, model: e.target.value })}
            >
              <option value="">{draft.runtime === "hearth" ? "Default" : `${runtimeLabel(draft.runtime)}’s own login`}</option>
              {offered.map((m) => (
                <option key={m.id} value={m.id}>
                  {modelOptionLabel(m)}
                </option>
              ))}
            </select>
          )}
        </FormField>
      </div>
      <FormField
        label="Workspace folder"
        id={`${id}-workspace`}
        invalid={problem !== null || failure?.code === "INVALID_WORKSPACE"}
        hint={
          needsWorkspace(draft.runtime)
            ? "An absolute path. The agent works in it; it is fixed once the first turn ran."
            : "Optional: the folder this chat’s file tools work in."
        }
      >
        {(control) => (
          <input
            {...control}
            data-testid="new-session-workspace"
            type="text"
            value={draft.workspace}
            placeholder="/home/you/project"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => edit({ ...draft, workspace: e.target.value })}
          />
        )}
      </FormField>
      <FormError testId="new-session-error" problem={problem} failure={failure} failed="Couldn’t start the chat" hintTestId="new-session-error-hint" />
      <div className="chat-settings-actions">
        <button type="submit" className="primary-button" data-testid="new-session-create" disabled={saving}>
          {saving ? "Starting…" : "Start chat"}
        </button>
      </div>
    </form>
  );
}
