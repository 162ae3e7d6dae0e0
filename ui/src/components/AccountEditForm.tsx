import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import {
  checkAccountEdit,
  editDraftFrom,
  isEmptyPatch,
  removeKeyPatch,
  type AccountEditDraft,
  type AccountEditField,
  type AccountEditProblems,
} from "../accountEdit";
import type { UiError } from "../api";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { AccountPatch } from "../bindings/AccountPatch";
import { FormError } from "./FormError";
import { FormField } from "./FormField";

export interface AccountEditFormProps {
  account: AccountInfo;
  /** Resolves null once the change is stored, or the backend's error to show. */
  onUpdate(accountId: string, patch: AccountPatch): Promise<UiError | null>;
  /** Saved (or nothing changed), or cancelled: the row shows its details again. */
  onClose(): void;
}

const FIELDS: readonly AccountEditField[] = ["label", "baseUrl", "defaultModel", "apiKey"];

interface Failure {
  action: "save" | "removeKey";
  error: UiError;
}

/**
 * Edits a settings account in place. A replacement key lives in this form's state only until
 * it is sent: it is cleared as it is sent, whatever the answer, and never shown again.
 */
export function AccountEditForm({ account, onUpdate, onClose }: AccountEditFormProps) {
  const [draft, setDraft] = useState<AccountEditDraft>(() => editDraftFrom(account));
  const [problems, setProblems] = useState<AccountEditProblems>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [saving, setSaving] = useState(false);
  const [removingKey, setRemovingKey] = useState(false);
  const [keyRemoved, setKeyRemoved] = useState(false);
  const id = useId();
  const fieldRefs = useRef<Partial<Record<AccountEditField, HTMLInputElement | null>>>({});
  const busy = saving || removingKey;

  useEffect(() => {
    fieldRefs.current.label?.focus();
  }, []);

  const fieldId = (field: AccountEditField) => `${id}-${field}`;
  const errorId = (field: AccountEditField) => `${id}-${field}-error`;

  // Editing takes the old messages away; the next Save checks again.
  const set = (field: AccountEditField, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setProblems({});
    setFailure(null);
    setKeyRemoved(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const check = checkAccountEdit(account, draft);
    setFailure(null);
    setKeyRemoved(false);
    if (!check.ok) {
      setProblems(check.problems);
      const first = FIELDS.find((f) => check.problems[f] !== undefined);
      if (first) fieldRefs.current[first]?.focus();
      return;
    }
    setProblems({});
    if (isEmptyPatch(check.patch)) {
      onClose();
      return;
    }
    // The key leaves the form as it is sent.
    setDraft((d) => ({ ...d, apiKey: "" }));
    setSaving(true);
    const error = await onUpdate(account.id, check.patch);
    setSaving(false);
    if (error) {
      setFailure({ action: "save", error });
      return;
    }
    onClose();
  };

  const removeKey = async () => {
    if (busy) return;
    setFailure(null);
    setKeyRemoved(false);
    setRemovingKey(true);
    const error = await onUpdate(account.id, removeKeyPatch());
    setRemovingKey(false);
    if (error) {
      setFailure({ action: "removeKey", error });
      return;
    }
    setKeyRemoved(true);
    // The Remove key button goes away with the key.
    fieldRefs.current.apiKey?.focus();
  };

  // Escape leaves the form, not the whole dialog (and waits while a change is being stored).
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || e.nativeEvent.isComposing) return;
    e.preventDefault();
    if (!busy) onClose();
  };

  const shownProblems = FIELDS.filter((f) => problems[f] !== undefined);
  /** A field's id, whether it is wrong, and where its problem is listed. */
  const fieldProps = (field: AccountEditField) => ({
    id: fieldId(field),
    invalid: problems[field] !== undefined,
    errorId: errorId(field),
  });
  const input = (field: AccountEditField) => ({
    ref: (el: HTMLInputElement | null) => {
      fieldRefs.current[field] = el;
    },
    value: draft[field],
    autoComplete: "off",
    spellCheck: false,
    onChange: (e: { target: { value: string } }) => set(field, e.target.value),
  });

  return (
    <form
      className="account-edit"
      data-testid="account-edit-form"
      aria-label={`Edit “${account.label}”`}
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={onKeyDown}
    >
      <div className="form-row">
        <FormField label="Label" {...fieldProps("label")} className="is-wide">
          {(control) => <input {...control} {...input("label")} data-testid="account-edit-label" type="text" />}
        </FormField>
        <FormField label="Default model (optional)" {...fieldProps("defaultModel")}>
          {(control) => <input {...control} {...input("defaultModel")} data-testid="account-edit-model" type="text" />}
        </FormField>
      </div>

      <FormField label="Base URL" {...fieldProps("baseUrl")}>
        {(control) => <input {...control} {...input("baseUrl")} data-testid="account-edit-url" type="url" inputMode="url" />}
      </FormField>

      <FormField
        label={account.has_key ? "Replace key" : "API key (optional)"}
        {...fieldProps("apiKey")}
        hint={
          account.has_key
            ? "Empty keeps the stored key. A new one replaces it in your system’s keyring."
            : "No key is stored. A key goes to your system’s keyring and is never shown again."
        }
      >
        {(control) => (
          <div className="account-edit-key">
            <input
              {...control}
              {...input("apiKey")}
              data-testid="account-edit-key"
              type="password"
              placeholder={account.has_key ? "Leave empty to keep the stored key" : "Paste a key to store one"}
            />
            {account.has_key && (
              <button
                type="button"
                className="secondary-button is-danger"
                data-testid="account-remove-key"
                disabled={busy}
                title="Delete this account's key from the system keyring"
                onClick={() => void removeKey()}
              >
                {removingKey ? "Removing…" : "Remove key"}
              </button>
            )}
          </div>
        )}
      </FormField>

      <FormError
        testId="account-edit-error"
        problems={shownProblems.map((field) => ({ key: field, message: problems[field], id: errorId(field) }))}
        failure={failure?.error ?? null}
        failed={failure?.action === "removeKey" ? "Couldn’t remove the key" : "Couldn’t save the changes"}
        hintTestId="account-error-hint"
      />
      {keyRemoved && (
        <p className="form-done" role="status">
          Key removed from the keyring.
        </p>
      )}

      <div className="form-actions">
        <button
          type="button"
          className="secondary-button"
          data-testid="account-edit-cancel"
          disabled={busy}
          onClick={onClose}
        >
          Cancel
        </button>
        <button type="submit" className="primary-button" data-testid="account-edit-save" disabled={busy}>
          {saving ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}
