import { useId, useState, type FormEvent } from "react";
import type { UiError } from "../api";
import type { NewPreset } from "../bindings/NewPreset";
import type { Preset } from "../bindings/Preset";
import type { PresetPatch } from "../bindings/PresetPatch";
import { firstLine } from "../presets";
import { ErrorHint } from "./ErrorHint";
import { FormError } from "./FormError";
import { FormField } from "./FormField";
import { SettingsStatus } from "./SettingsStatus";

export interface PresetsSettingsProps {
  /** null while loading. */
  presets: readonly Preset[] | null;
  failed: boolean;
  onReload(): void;
  /** Each resolves null once stored, or the backend's error (shown where it happened). */
  onAdd(preset: NewPreset): Promise<UiError | null>;
  onUpdate(id: string, patch: PresetPatch): Promise<UiError | null>;
  onRemove(id: string): Promise<UiError | null>;
}

/** The assistant presets, each editable in place, and a form to add one. */
export function PresetsSettings({ presets, failed, onReload, onAdd, onUpdate, onRemove }: PresetsSettingsProps) {
  return (
    <>
      {presets === null ? (
        <SettingsStatus failed={failed} what="the presets" onRetry={onReload} retryTestId="presets-retry" />
      ) : (
        <ul className="account-list preset-list" data-testid="presets-list" aria-label="Presets">
          {presets.length === 0 && (
            <li className="account-list-empty">
              No presets yet. A preset is a named set of instructions — “Code reviewer”, “Translate to French” — that
              any chat can take from the instructions button in its header.
            </li>
          )}
          {presets.map((preset) => (
            <PresetItem key={preset.id} preset={preset} onUpdate={onUpdate} onRemove={onRemove} />
          ))}
        </ul>
      )}
      <PresetForm
        title="Add preset"
        submitLabel="Add preset"
        testId="preset-add"
        initial={{ name: "", prompt: "" }}
        onSubmit={(draft) => onAdd(draft)}
        resetOnSuccess
      />
    </>
  );
}

interface ItemProps {
  preset: Preset;
  onUpdate(id: string, patch: PresetPatch): Promise<UiError | null>;
  onRemove(id: string): Promise<UiError | null>;
}

function PresetItem({ preset, onUpdate, onRemove }: ItemProps) {
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  const [toggling, setToggling] = useState(false);
  const toggleNewChats = async () => {
    setToggling(true);
    setError(null);
    const failure = await onUpdate(preset.id, { for_new_chats: !preset.for_new_chats });
    setToggling(false);
    setError(failure);
  };

  const remove = async () => {
    setRemoving(true);
    setError(null);
    const failure = await onRemove(preset.id);
    setRemoving(false);
    setError(failure);
  };

  if (editing) {
    return (
      <li className="preset-item is-editing" data-testid="preset-item" data-preset-id={preset.id}>
        <PresetForm
          title={`Edit “${preset.name}”`}
          submitLabel="Save"
          testId="preset-edit"
          initial={{ name: preset.name, prompt: preset.prompt }}
          onSubmit={async (draft) => {
            const patch: PresetPatch = {};
            if (draft.name.trim() !== preset.name) patch.name = draft.name;
            if (draft.prompt.trim() !== preset.prompt) patch.prompt = draft.prompt;
            const failure = Object.keys(patch).length === 0 ? null : await onUpdate(preset.id, patch);
            if (!failure) setEditing(false);
            return failure;
          }}
          onCancel={() => setEditing(false)}
          autoFocus
        />
      </li>
    );
  }

  return (
    <li className="rule-item preset-item" data-testid="preset-item" data-preset-id={preset.id}>
      <div className="rule-main">
        <div className="rule-heading">
          <span className="preset-name" data-testid="preset-name">
            {preset.name}
          </span>
          {preset.for_new_chats && (
            <span className="badge badge-muted" data-testid="preset-for-new-chats" title="New chats start with these instructions">
              New chats
            </span>
          )}
        </div>
        <p className="preset-prompt" data-testid="preset-prompt" title={preset.prompt}>
          {firstLine(preset.prompt, 140)}
        </p>
        {error && (
          <div className="field-error" data-testid="preset-remove-error" role="alert">
            <p>Couldn’t change it: {error.message}</p>
            <ErrorHint error={error} testId="preset-error-hint" />
          </div>
        )}
      </div>
      <div className="preset-actions">
        <button
          type="button"
          className="secondary-button"
          data-testid="preset-new-chats-toggle"
          aria-pressed={preset.for_new_chats}
          title={preset.for_new_chats ? "New chats start without instructions" : "New chats start with this preset"}
          disabled={toggling}
          onClick={() => void toggleNewChats()}
        >
          {preset.for_new_chats ? "Not for new chats" : "Use for new chats"}
        </button>
        <button
          type="button"
          className="secondary-button"
          data-testid="preset-edit-open"
          aria-label={`Edit the preset ${preset.name}`}
          onClick={() => setEditing(true)}
        >
          Edit
        </button>
        <button
          type="button"
          className="secondary-button"
          data-testid="preset-remove"
          aria-label={`Delete the preset ${preset.name}`}
          disabled={removing}
          onClick={() => void remove()}
        >
          {removing ? "Deleting…" : "Delete"}
        </button>
      </div>
    </li>
  );
}

interface FormProps {
  title: string;
  submitLabel: string;
  testId: string;
  initial: NewPreset;
  onSubmit(draft: NewPreset): Promise<UiError | null>;
  onCancel?(): void;
  resetOnSuccess?: boolean;
  /** Put the cursor in the name (a form that just opened in place of its row). */
  autoFocus?: boolean;
}

function PresetForm({ title, submitLabel, testId, initial, onSubmit, onCancel, resetOnSuccess, autoFocus }: FormProps) {
  const [draft, setDraft] = useState<NewPreset>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<UiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const id = useId();

  const edit = (next: NewPreset) => {
    setDraft(next);
    setProblem(null);
    setFailure(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    if (draft.name.trim() === "" || draft.prompt.trim() === "") {
      setProblem("A preset needs a name and instructions.");
      return;
    }
    setSubmitting(true);
    const error = await onSubmit(draft);
    setSubmitting(false);
    if (error) return setFailure(error);
    if (resetOnSuccess) setDraft(initial);
  };

  return (
    <form
      className="account-form preset-form"
      data-testid={`${testId}-form`}
      aria-labelledby={`${id}-title`}
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === "Escape" && onCancel) {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <h4 className="account-form-title" id={`${id}-title`}>
        {title}
      </h4>
      <FormField label="Name" id={`${id}-name`}>
        {(control) => (
          <input
            {...control}
            data-testid={`${testId}-name`}
            type="text"
            value={draft.name}
            maxLength={60}
            placeholder="Code reviewer"
            autoComplete="off"
            autoFocus={autoFocus}
            onChange={(e) => edit({ ...draft, name: e.target.value })}
          />
        )}
      </FormField>
      <FormField
        label="Instructions"
        id={`${id}-prompt`}
        hint="The model reads these before every reply in a chat that uses the preset. Changing a preset later does not change chats that already took it."
      >
        {(control) => (
          <textarea
            {...control}
            className="assistant-prompt is-prose"
            data-testid={`${testId}-prompt`}
            rows={5}
            value={draft.prompt}
            placeholder="You review code. Point out bugs first, then risky patterns; style last."
            onChange={(e) => edit({ ...draft, prompt: e.target.value })}
          />
        )}
      </FormField>
      <FormError
        testId={`${testId}-error`}
        problem={problem}
        failure={failure}
        failed="Couldn’t save the preset"
        hintTestId={`${testId}-error-hint`}
      />
      <div className="form-actions">
        {onCancel && (
          <button type="button" className="secondary-button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="primary-button" data-testid={`${testId}-submit`} disabled={submitting}>
          {submitting ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
