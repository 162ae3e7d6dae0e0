import { useId, useRef, useState, type FormEvent } from "react";
import {
  ACCOUNT_KINDS,
  ACCOUNT_PRESETS,
  checkAccountDraft,
  draftWithKind,
  draftWithPreset,
  emptyDraft,
  KIND_LABELS,
  needsBaseUrl,
  type AccountDraft,
  type AccountField,
  type AccountProblems,
} from "../accountForm";
import type { UiError } from "../api";
import type { AccountKind } from "../bindings/AccountKind";
import type { NewAccount } from "../bindings/NewAccount";
import { FormError } from "./FormError";
import { FormField } from "./FormField";

export interface AccountFormProps {
  /** Resolves null once the account is added, or the backend's error to show. */
  onAdd(req: NewAccount): Promise<UiError | null>;
}

const FIELDS: readonly AccountField[] = ["label", "baseUrl", "apiKey", "defaultModel"];

const PLACEHOLDERS: Record<AccountKind, Record<AccountField, string>> = {
  openai: { label: "Personal OpenAI", baseUrl: "https://api.openai.com/v1", apiKey: "sk-…", defaultModel: "gpt-4o-mini" },
  openai_compatible: {
    label: "Local Ollama",
    baseUrl: "http://127.0.0.1:11434/v1",
    apiKey: "Local servers usually need none",
    defaultModel: "llama3.2",
  },
  anthropic: {
    label: "Personal Anthropic",
    baseUrl: "https://api.anthropic.com",
    apiKey: "sk-ant-…",
    defaultModel: "claude-sonnet-4-5",
  },
};

/**
 * Adds a model account. The API key lives in this form's state only until it is submitted:
 * it is cleared as it is sent, whatever the answer, and never shown again.
 */
export function AccountForm({ onAdd }: AccountFormProps) {
  const [draft, setDraft] = useState<AccountDraft>(() => emptyDraft());
  const [problems, setProblems] = useState<AccountProblems>({});
  const [failure, setFailure] = useState<UiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const id = useId();
  const fieldRefs = useRef<Partial<Record<AccountField, HTMLInputElement | null>>>({});

  const fieldId = (field: AccountField) => `${id}-${field}`;
  const errorId = (field: AccountField) => `${id}-${field}-error`;

  // Editing takes the old messages away; the next submit checks again.
  const edit = (next: AccountDraft) => {
    setDraft(next);
    setProblems({});
    setFailure(null);
    setAdded(null);
  };
  const set = (field: AccountField, value: string) => edit({ ...draft, [field]: value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    const check = checkAccountDraft(draft);
    setAdded(null);
    setFailure(null);
    if (!check.ok) {
      setProblems(check.problems);
      const first = FIELDS.find((f) => check.problems[f] !== undefined);
      if (first) fieldRefs.current[first]?.focus();
      return;
    }
    setProblems({});
    // The key leaves the form as it is sent.
    setDraft((d) => ({ ...d, apiKey: "" }));
    setSubmitting(true);
    const error = await onAdd(check.req);
    setSubmitting(false);
    if (error) {
      setFailure(error);
      return;
    }
    setDraft(emptyDraft());
    setAdded(check.req.label);
  };

  const compatible = draft.kind === "openai_compatible";
  const placeholders = PLACEHOLDERS[draft.kind];
  const shownProblems = FIELDS.filter((f) => problems[f] !== undefined);
  /** A checked field's id, whether it is wrong, and where its problem is listed. */
  const fieldProps = (field: AccountField) => ({
    id: fieldId(field),
    invalid: problems[field] !== undefined,
    errorId: errorId(field),
  });
  const fieldRef = (field: AccountField) => (el: HTMLInputElement | null) => {
    fieldRefs.current[field] = el;
  };

  return (
    <form className="account-form" aria-labelledby={`${id}-title`} noValidate onSubmit={(e) => void submit(e)}>
      <h4 className="account-form-title" id={`${id}-title`}>
        Add account
      </h4>

      <div className="form-row">
        <FormField label="Kind" id={`${id}-kind`}>
          {(control) => (
            <select
              {...control}
              data-testid="account-add-kind"
              value={draft.kind}
              onChange={(e) => edit(draftWithKind(draft, e.target.value as AccountKind))}
            >
              {ACCOUNT_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {KIND_LABELS[kind]}
                </option>
              ))}
            </select>
          )}
        </FormField>

        <FormField label="Label" {...fieldProps("label")} className="is-wide">
          {(control) => (
            <input
              {...control}
              ref={fieldRef("label")}
              data-testid="account-add-label"
              type="text"
              value={draft.label}
              placeholder={placeholders.label}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set("label", e.target.value)}
            />
          )}
        </FormField>
      </div>

      <FormField
        label={`Base URL${needsBaseUrl(draft.kind) ? "" : " (optional)"}`}
        {...fieldProps("baseUrl")}
        describedBy={`${id}-presets`}
      >
        {(control) => (
          <>
            <input
              {...control}
              ref={fieldRef("baseUrl")}
              data-testid="account-add-url"
              type="url"
              inputMode="url"
              value={draft.baseUrl}
              placeholder={placeholders.baseUrl}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set("baseUrl", e.target.value)}
            />
            <div className="form-presets" id={`${id}-presets`}>
              <span className="form-hint">Local server:</span>
              {ACCOUNT_PRESETS.map((preset) => (
                <button
                  key={preset.id}
                  type="button"
                  className="chip-button"
                  data-testid={`account-preset-${preset.id}`}
                  aria-label={`Fill in ${preset.title}`}
                  onClick={() => edit(draftWithPreset(draft, preset))}
                >
                  {preset.title}
                </button>
              ))}
            </div>
          </>
        )}
      </FormField>

      <div className="form-row">
        <FormField
          label={`API key${compatible ? " (optional)" : ""}`}
          {...fieldProps("apiKey")}
          className="is-wide"
          hint="Kept in your system’s keyring; it is never shown again."
        >
          {(control) => (
            <input
              {...control}
              ref={fieldRef("apiKey")}
              data-testid="account-add-key"
              type="password"
              value={draft.apiKey}
              placeholder={placeholders.apiKey}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set("apiKey", e.target.value)}
            />
          )}
        </FormField>

        <FormField label="Default model (optional)" {...fieldProps("defaultModel")}>
          {(control) => (
            <input
              {...control}
              ref={fieldRef("defaultModel")}
              data-testid="account-add-model"
              type="text"
              value={draft.defaultModel}
              placeholder={placeholders.defaultModel}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set("defaultModel", e.target.value)}
            />
          )}
        </FormField>
      </div>

      <FormError
        testId="account-add-error"
        problems={shownProblems.map((field) => ({ key: field, message: problems[field], id: errorId(field) }))}
        failure={failure}
        failed="Couldn’t add the account"
        hintTestId="account-error-hint"
      />
      {added !== null && (
        <p className="form-done" data-testid="account-add-done" role="status">
          Added “{added}”. Its models are now in the chat’s model picker.
        </p>
      )}

      <div className="form-actions">
        <button type="submit" className="primary-button" data-testid="account-add-submit" disabled={submitting}>
          {submitting ? "Adding…" : "Add account"}
        </button>
      </div>
    </form>
  );
}
