import { useEffect, useId, useRef, type FormEvent } from "react";
import type { Outcome } from "../api";
import type { Hook } from "../bindings/Hook";
import type { HookPatch } from "../bindings/HookPatch";
import type { HookWithSecret } from "../bindings/HookWithSecret";
import type { NewHook } from "../bindings/NewHook";
import type { Session } from "../bindings/Session";
import { chatTitle } from "../settingsFormat";
import { useDraftForm } from "../useDraftForm";
import type { HookAuth } from "../bindings/HookAuth";
import {
  checkHookDraft,
  draftFromHook,
  EMPTY_HOOK_DRAFT,
  HOOK_AUTH_LABELS,
  hookPatch,
  type HookDraft,
  type HookField,
} from "../webhooks";
import { FormError } from "./FormError";
import { FormField } from "./FormField";

const FIELD_ORDER: readonly HookField[] = ["name", "template", "secret"];

export interface HookFormProps {
  /** The hook being edited, or null for a new one. */
  editing: Hook | null;
  /** The sidebar's chats, to send to. */
  sessions: readonly Session[];
  onAdd(hook: NewHook): Promise<Outcome<HookWithSecret>>;
  onUpdate(name: string, patch: HookPatch): Promise<Outcome<HookWithSecret>>;
  /** Saved or cancelled. */
  onDone(): void;
  /** A secret was made (a new hook, or a switch to Standard Webhooks): it is to be shown. */
  onCreated(result: HookWithSecret): void;
}

/** Adds a webhook, or edits one's template and chat in place. */
export function HookForm({ editing, sessions, onAdd, onUpdate, onDone, onCreated }: HookFormProps) {
  const form = useDraftForm<HookDraft, HookField>(() => (editing ? draftFromHook(editing) : EMPTY_HOOK_DRAFT), FIELD_ORDER);
  const { draft, edit, problems, shownProblems, failure, submitting, refs } = form;
  const id = useId();

  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // The whole form in view (the panel scrolls), the cursor in its first field.
    formRef.current?.scrollIntoView?.({ block: "start" });
    (editing ? refs.current.template : refs.current.name)?.focus({ preventScroll: true });
  }, [editing]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    const check = checkHookDraft(draft);
    if (!check.ok) {
      form.reject(check.problems);
      return;
    }
    const patch = editing ? hookPatch(editing, check.hook) : null;
    if (patch && Object.keys(patch).length === 0) {
      onDone();
      return;
    }
    const saved = await form.save(async () => {
      const result = editing && patch ? await onUpdate(editing.name, patch) : await onAdd(check.hook);
      if (!result.ok) return result.error;
      if (!editing || result.value.secret) onCreated(result.value);
      return null;
    });
    if (saved) onDone();
  };

  const targetKnown = draft.target === "" || sessions.some((s) => s.id === draft.target);
  const setRef = form.fieldRef;
  return (
    <form
      ref={formRef}
      className={editing ? "account-edit hook-form" : "account-form hook-form"}
      aria-labelledby={`${id}-title`}
      data-testid="hook-form"
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h4 className="account-form-title" id={`${id}-title`}>
        {editing ? `Edit “${editing.name}”` : "New webhook"}
      </h4>
      <div className="form-row">
        <FormField label="Name" id={`${id}-name`} invalid={problems.name !== undefined}>
          {(field) => (
            <input
              {...field}
              ref={setRef("name")}
              data-testid="hook-name"
              type="text"
              value={draft.name}
              placeholder="github-issues"
              autoComplete="off"
              spellCheck={false}
              disabled={editing !== null}
              onChange={(e) => edit({ name: e.target.value })}
            />
          )}
        </FormField>
        <FormField label="Sends to" id={`${id}-target`} className="is-wide">
          {(field) => (
            <select {...field} data-testid="hook-target" value={draft.target} onChange={(e) => edit({ target: e.target.value })}>
              <option value="">Its own chat (made on its first call)</option>
              {sessions.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
              {!targetKnown && <option value={draft.target}>{chatTitle(sessions, draft.target)}</option>}
            </select>
          )}
        </FormField>
      </div>
      <div className="form-row">
        <FormField
          label="Calls prove the secret by"
          id={`${id}-auth`}
          hint="GitHub and Standard Webhooks senders sign each call with it; the secret itself is never sent."
        >
          {(field) => (
            <select
              {...field}
              data-testid="hook-auth"
              value={draft.auth}
              onChange={(e) => edit({ auth: e.target.value as HookAuth })}
            >
              {(Object.keys(HOOK_AUTH_LABELS) as HookAuth[]).map((auth) => (
                <option key={auth} value={auth}>
                  {HOOK_AUTH_LABELS[auth]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField
          label="The sender’s secret (optional)"
          id={`${id}-secret`}
          className="is-wide"
          invalid={problems.secret !== undefined}
          hint={editing ? "Paste one to replace the secret; empty keeps it." : "Empty: Hearth makes one and shows it once."}
        >
          {(field) => (
            <input
              {...field}
              ref={setRef("secret")}
              data-testid="hook-secret-input"
              type="password"
              value={draft.secret}
              placeholder={draft.auth === "standard_webhooks" ? "whsec_…" : ""}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => edit({ secret: e.target.value })}
            />
          )}
        </FormField>
      </div>
      <FormField
        label="Prompt template"
        id={`${id}-template`}
        invalid={problems.template !== undefined}
        hint={
          <>
            <code>{"{{field.path}}"}</code> inserts that value of the JSON payload (<code>{"{{items.0.name}}"}</code> for
            a list’s first), <code>{"{{payload}}"}</code> all of it. The values are quoted to the model as untrusted
            content, so it does not follow instructions inside them.
          </>
        }
      >
        {(field) => (
          <textarea
            {...field}
            ref={setRef("template")}
            data-testid="hook-template"
            rows={5}
            value={draft.template}
            placeholder={"A new issue was opened: {{issue.title}}\n\n{{issue.body}}\n\nTriage it."}
            spellCheck={false}
            onChange={(e) => edit({ template: e.target.value })}
          />
        )}
      </FormField>
      <FormError
        testId="hook-form-error"
        problems={shownProblems.map((f) => ({ key: f, message: problems[f] }))}
        failure={failure}
        failed={`Couldn’t ${editing ? "save" : "add"} the webhook`}
        hintTestId="hook-error-hint"
      />
      <div className="form-actions">
        <button type="button" className="secondary-button" data-testid="hook-cancel" disabled={submitting} onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary-button" data-testid="hook-save" disabled={submitting}>
          {submitting ? "Saving…" : editing ? "Save changes" : "Add webhook"}
        </button>
      </div>
    </form>
  );
}
