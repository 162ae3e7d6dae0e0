import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { toUiError, type UiError } from "../api";
import type { NewPreset } from "../bindings/NewPreset";
import type { Preset } from "../bindings/Preset";
import { firstLine, instructionsLabel, presetOf } from "../presets";
import { usePopover } from "../usePopover";
import { FormError } from "./FormError";
import { FormField } from "./FormField";
import { AssistantIcon, ChevronIcon } from "./icons";

/** Where the picker gets and keeps presets. */
export interface PresetSource {
  list(): Promise<Preset[]>;
  add(preset: NewPreset): Promise<Preset>;
}

export interface AssistantPickerProps {
  /** The chat's instructions (its system prompt); null when it has none. */
  prompt: string | null;
  presets: PresetSource;
  /** Stores the chat's instructions (`""` clears them); resolves null, or the error to show. */
  onSave(prompt: string): Promise<UiError | null>;
}

/**
 * The chat's instructions: a button in the chat header naming the preset the chat uses
 * ("No instructions", "Custom instructions" otherwise), and a popover to pick a preset, write
 * the instructions, or keep what was written as a new preset.
 */
export function AssistantPicker({ prompt, presets, onSave }: AssistantPickerProps) {
  const { open, setOpen, close, rootRef, buttonRef } = usePopover();
  const [list, setList] = useState<Preset[] | null>(null);
  const source = useRef(presets);
  source.current = presets;

  // Loaded with the chat (for the button's label) and again each time the popover opens.
  const reload = () =>
    source.current.list().then(
      (l) => setList(l),
      () => undefined,
    );
  useEffect(() => {
    void reload();
  }, []);

  const label = instructionsLabel(prompt, list);
  const hasPrompt = (prompt?.trim() ?? "") !== "";
  return (
    <div className="chat-settings assistant-picker" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`chat-settings-button${hasPrompt ? " has-folder" : ""}`}
        data-testid="assistant-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        title={hasPrompt ? `Instructions: ${firstLine(prompt ?? "", 200)}` : "Give this chat instructions, or pick a preset"}
        onClick={() => {
          if (open) return close(false);
          void reload();
          setOpen(true);
        }}
      >
        <AssistantIcon size={14} />
        <span className="chat-settings-label" data-testid="assistant-label">
          {label}
        </span>
        <ChevronIcon size={12} className="chat-settings-chevron" />
      </button>
      {open && (
        <AssistantPopover
          prompt={prompt}
          presets={list}
          onAddPreset={async (preset) => {
            const added = await source.current.add(preset);
            setList((l) => [...(l ?? []), added].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: "base" })));
            return added;
          }}
          onSave={onSave}
          onClose={close}
        />
      )}
    </div>
  );
}

interface PopoverProps {
  prompt: string | null;
  presets: readonly Preset[] | null;
  onAddPreset(preset: NewPreset): Promise<Preset>;
  onSave(prompt: string): Promise<UiError | null>;
  onClose(refocus: boolean): void;
}

function AssistantPopover({ prompt, presets, onAddPreset, onSave, onClose }: PopoverProps) {
  const [draft, setDraft] = useState(prompt ?? "");
  const [naming, setNaming] = useState<string | null>(null);
  const [failure, setFailure] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const chosen = presetOf(draft, presets ?? []);
  const empty = draft.trim() === "";

  const isNaming = naming !== null;
  useEffect(() => {
    if (isNaming) nameRef.current?.focus();
  }, [isNaming]);

  const edit = (text: string) => {
    setDraft(text);
    setFailure(null);
  };

  const save = async () => {
    if (busy) return;
    if (draft.trim() === (prompt ?? "").trim()) return onClose(true);
    setBusy(true);
    const error = await onSave(draft.trim());
    setBusy(false);
    if (error) return setFailure(error);
    onClose(true);
  };

  const addPreset = async () => {
    if (busy || naming === null) return;
    setBusy(true);
    try {
      await onAddPreset({ name: naming, prompt: draft });
      setNaming(null);
      setFailure(null);
      textRef.current?.focus();
    } catch (e) {
      setFailure(toUiError(e));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void (naming !== null ? addPreset() : save());
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || e.nativeEvent.isComposing) return;
    e.preventDefault();
    e.stopPropagation();
    if (naming !== null) {
      setNaming(null);
      textRef.current?.focus();
    } else {
      onClose(true);
    }
  };

  return (
    <form
      className="chat-settings-popover assistant-popover"
      data-testid="assistant-popover"
      role="dialog"
      aria-label="Instructions for this chat"
      noValidate
      onSubmit={submit}
      onKeyDown={onKeyDown}
    >
      <fieldset className="assistant-presets">
        <legend className="form-label">Preset</legend>
        <div className="assistant-preset-list" role="radiogroup" aria-label="Presets">
          <PresetOption
            name="None"
            description="No instructions: the model’s own defaults"
            checked={empty}
            onChoose={() => edit("")}
            testId="assistant-preset-none"
          />
          {(presets ?? []).map((p) => (
            <PresetOption
              key={p.id}
              name={p.name}
              description={firstLine(p.prompt)}
              checked={chosen?.id === p.id}
              onChoose={() => edit(p.prompt)}
              testId="assistant-preset"
            />
          ))}
          {presets === null && <p className="form-hint">Loading presets…</p>}
          {presets?.length === 0 && (
            <p className="form-hint" data-testid="assistant-no-presets">
              No presets yet: write instructions below and keep them as one, or add some in Settings → Presets.
            </p>
          )}
        </div>
      </fieldset>
      <FormField
        label="Instructions for this chat"
        id={`${id}-prompt`}
        hint="The model reads these before every reply in this chat (its system prompt)."
      >
        {(control) => (
          <textarea
            {...control}
            ref={textRef}
            className="assistant-prompt is-prose"
            data-testid="assistant-prompt"
            rows={6}
            value={draft}
            placeholder="You are a careful reviewer. Point out bugs first…"
            onChange={(e) => edit(e.target.value)}
          />
        )}
      </FormField>
      {naming !== null && (
        <FormField label="Preset name" id={`${id}-name`}>
          {(control) => (
            <input
              {...control}
              ref={nameRef}
              data-testid="assistant-preset-name"
              type="text"
              value={naming}
              maxLength={60}
              placeholder="Code reviewer"
              autoComplete="off"
              onChange={(e) => {
                setNaming(e.target.value);
                setFailure(null);
              }}
            />
          )}
        </FormField>
      )}
      <FormError testId="assistant-error" failure={failure} failed="Couldn’t save" hintTestId="assistant-error-hint" />
      <div className="chat-settings-actions">
        {naming === null ? (
          <>
            {!empty && !chosen && (
              <button type="button" className="secondary-button" data-testid="assistant-keep" disabled={busy} onClick={() => setNaming("")}>
                Save as preset…
              </button>
            )}
            <button type="submit" className="primary-button" data-testid="assistant-save" disabled={busy}>
              {busy ? "Saving…" : "Use for this chat"}
            </button>
          </>
        ) : (
          <>
            <button type="button" className="secondary-button" disabled={busy} onClick={() => setNaming(null)}>
              Cancel
            </button>
            <button type="submit" className="primary-button" data-testid="assistant-preset-add" disabled={busy || naming.trim() === ""}>
              Add preset
            </button>
          </>
        )}
      </div>
    </form>
  );
}

function PresetOption(props: { name: string; description: string; checked: boolean; onChoose(): void; testId: string }) {
  return (
    <button
      type="button"
      role="radio"
      aria-checked={props.checked}
      className="assistant-preset-option"
      data-testid={props.testId}
      onClick={props.onChoose}
    >
      <span className="assistant-preset-name">{props.name}</span>
      <span className="assistant-preset-description">{props.description}</span>
    </button>
  );
}
