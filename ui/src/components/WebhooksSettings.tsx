import { useEffect, useRef, useState } from "react";
import type { Outcome, UiError } from "../api";
import type { Hook } from "../bindings/Hook";
import type { HookPatch } from "../bindings/HookPatch";
import type { HookWithSecret } from "../bindings/HookWithSecret";
import type { NewHook } from "../bindings/NewHook";
import type { Session } from "../bindings/Session";
import { copyText } from "../clipboard";
import { chatTitle, formatWhen } from "../settingsFormat";
import { curlExample, HOOK_AUTH_LABELS, HOOK_AUTH_USE, hookUrl } from "../webhooks";
import { HookForm } from "./HookForm";
import { CopyIcon, KeyIcon, PencilIcon, TrashIcon } from "./icons";
import { ActionError, ConfirmBar, useRowAction } from "./RowActions";
import { SettingsStatus } from "./SettingsStatus";

export interface WebhooksSettingsProps {
  /** null while loading. */
  hooks: readonly Hook[] | null;
  failed: boolean;
  onReload(): void;
  /** The chats a hook can send to (the sidebar's), for the target and the titles. */
  sessions: readonly Session[];
  /** The local HTTP API's base URL; null when it is off, undefined until known. */
  apiUrl: string | null | undefined;
  /** Resolves with the hook and its secret (shown this once), or the backend's error. */
  onAdd(hook: NewHook): Promise<Outcome<HookWithSecret>>;
  /** With `rotate_secret`, resolves with the new secret (shown this once). */
  onUpdate(name: string, patch: HookPatch): Promise<Outcome<HookWithSecret>>;
  onRemove(name: string): Promise<UiError | null>;
  onOpenSession(sessionId: string): void;
}

/** A secret just made, shown on its hook until dismissed or Settings closes. */
interface ShownSecret {
  name: string;
  secret: string;
  rotated: boolean;
  auth: Hook["auth"];
}

/** The webhooks, each with its URL, Rotate secret and Delete, and a form to add one. */
export function WebhooksSettings(props: WebhooksSettingsProps) {
  const { hooks, failed, onReload, apiUrl } = props;
  const [editing, setEditing] = useState<string | null>(null);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const newButtonRef = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  useEffect(() => {
    if (editing !== null || !refocus.current) return;
    refocus.current = false;
    newButtonRef.current?.focus();
  }, [editing]);

  const closeForm = () => {
    refocus.current = true;
    setEditing(null);
  };

  const showSecret = (result: HookWithSecret, rotated: boolean) => {
    if (result.secret) setSecret({ name: result.hook.name, secret: result.secret, rotated, auth: result.hook.auth });
  };

  // Until the list shows the new hook, its secret is shown above it.
  const orphan = secret !== null && !(hooks ?? []).some((h) => h.name === secret.name);
  return (
    <>
      {apiUrl === null && (
        <p className="settings-notice" data-testid="hooks-api-off" role="status">
          Hearth’s HTTP API is off, so webhooks cannot be called now. They are kept, and work again once it is on.
        </p>
      )}
      {orphan && <SecretPanel shown={secret} apiUrl={apiUrl} onDismiss={() => setSecret(null)} />}
      {hooks === null ? (
        <SettingsStatus failed={failed} what="the webhooks" onRetry={onReload} retryTestId="hooks-retry" />
      ) : (
        <ul className="account-list" data-testid="hook-list" aria-label="Webhooks">
          {hooks.length === 0 && <li className="account-list-empty">No webhooks yet.</li>}
          {hooks.map((hook) =>
            editing === hook.name ? (
              <li key={hook.name} className="account-item is-editing" data-testid="hook-row" data-name={hook.name}>
                <HookForm {...props} editing={hook} onDone={closeForm} onCreated={(result) => showSecret(result, true)} />
              </li>
            ) : (
              <HookItem
                key={hook.name}
                {...props}
                hook={hook}
                secret={secret?.name === hook.name ? secret : null}
                onRotated={(result) => showSecret(result, true)}
                onDismissSecret={() => setSecret(null)}
                onEdit={() => setEditing(hook.name)}
              />
            ),
          )}
        </ul>
      )}
      {editing === "" ? (
        <HookForm {...props} editing={null} onDone={closeForm} onCreated={(result) => showSecret(result, false)} />
      ) : (
        <div className="settings-list-actions">
          <button
            ref={newButtonRef}
            type="button"
            className="secondary-button"
            data-testid="hook-new"
            onClick={() => setEditing("")}
          >
            New webhook
          </button>
        </div>
      )}
    </>
  );
}

interface SecretPanelProps {
  shown: ShownSecret;
  apiUrl: string | null | undefined;
  onDismiss(): void;
}

function SecretPanel({ shown, apiUrl, onDismiss }: SecretPanelProps) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <div className="hook-secret-panel" data-testid="hook-secret-panel" role="status">
      <p className="hook-secret-title">
        <KeyIcon size={13} />
        {shown.rotated ? `New secret for “${shown.name}”` : `Secret for “${shown.name}”`}
      </p>
      <div className="hook-secret-row">
        <code className="hook-secret" data-testid="hook-secret">
          {shown.secret}
        </code>
        <button
          type="button"
          className="secondary-button"
          data-testid="hook-secret-copy"
          onClick={() => void copyText(shown.secret).then(setCopied)}
        >
          <CopyIcon size={13} />
          <span>{copied ? "Copied" : "Copy"}</span>
        </button>
      </div>
      <p className="hook-secret-warning">
        Copy it now: it will not be shown again. {HOOK_AUTH_USE[shown.auth]}
        {shown.rotated && " The old secret no longer works."}
        {copied === false && " The clipboard is not available: select the secret and copy it by hand."}
      </p>
      {apiUrl && (
        <p className="hook-secret-url">
          URL: <code>{hookUrl(apiUrl, shown.name)}</code>
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="secondary-button" data-testid="hook-secret-dismiss" onClick={onDismiss}>
          I have copied it
        </button>
      </div>
    </div>
  );
}

interface ItemProps extends WebhooksSettingsProps {
  hook: Hook;
  /** Its secret, just made; null once dismissed (never shown again). */
  secret: ShownSecret | null;
  onRotated(result: HookWithSecret): void;
  onDismissSecret(): void;
  onEdit(): void;
}

function HookItem(props: ItemProps) {
  const { hook, secret, sessions, apiUrl, onUpdate, onRemove, onOpenSession, onRotated, onDismissSecret, onEdit } = props;
  const [confirming, setConfirming] = useState<"remove" | "rotate" | null>(null);
  const { busy, error, act: run, clearError } = useRowAction<"toggle" | "rotate" | "remove">();
  // Whatever became of it, the question is answered.
  const act = (kind: "toggle" | "rotate" | "remove", what: string, call: () => Promise<UiError | null>) =>
    run(kind, what, async () => {
      const failure = await call();
      setConfirming(null);
      return failure;
    });

  const toggle = (enabled: boolean) =>
    act("toggle", enabled ? "enable" : "disable", async () => {
      const result = await onUpdate(hook.name, { enabled });
      return result.ok ? null : result.error;
    });
  const rotate = () =>
    act("rotate", "rotate the secret of", async () => {
      const result = await onUpdate(hook.name, { rotate_secret: true });
      if (!result.ok) return result.error;
      onRotated(result.value);
      return null;
    });
  const remove = () => act("remove", "delete", () => onRemove(hook.name));

  const url = apiUrl ? hookUrl(apiUrl, hook.name) : null;
  return (
    <li
      className={[
        "account-item hook-item",
        confirming === "remove" && "is-confirming",
        !hook.enabled && "is-disabled",
      ]
        .filter(Boolean)
        .join(" ")}
      data-testid="hook-row"
      data-name={hook.name}
      data-enabled={String(hook.enabled)}
    >
      <div className="account-main">
        <div className="account-heading">
          <span className="account-label">{hook.name}</span>
          {!hook.enabled && <span className="badge badge-muted">Off</span>}
        </div>
        <dl className="account-details">
          <div>
            <dt>URL</dt>
            <dd>
              {url === null ? (
                <span className="account-none">{apiUrl === null ? "HTTP API off" : "…"}</span>
              ) : (
                <code className="account-url" data-testid="hook-url" title={url}>
                  {url}
                </code>
              )}
            </dd>
          </div>
          <div>
            <dt>Sends to</dt>
            <dd data-testid="hook-target-label">
              {hook.session_id === null ? (
                "Its own chat"
              ) : (
                <button type="button" className="link-button" onClick={() => onOpenSession(hook.session_id!)}>
                  {chatTitle(sessions, hook.session_id)}
                </button>
              )}
            </dd>
          </div>
          <div>
            <dt>Calls prove it by</dt>
            <dd data-testid="hook-auth-label">{HOOK_AUTH_LABELS[hook.auth]}</dd>
          </div>
          <div>
            <dt>Last called</dt>
            <dd data-testid="hook-last-fired">
              {hook.last_fired_at === null ? <span className="account-none">Never</span> : formatWhen(hook.last_fired_at)}
            </dd>
          </div>
        </dl>
        <pre className="hook-template-preview" title="Its prompt template">
          {hook.template}
        </pre>
        {url !== null && hook.auth === "bearer" && (
          <details className="hook-example">
            <summary>Call it with curl</summary>
            <code className="hook-curl" data-testid="hook-curl">
              {curlExample(url)}
            </code>
          </details>
        )}
        {secret && <SecretPanel shown={secret} apiUrl={apiUrl} onDismiss={onDismissSecret} />}
        {error && <ActionError failed={error} name={hook.name} testId="hook-action-error" hintTestId="hook-error-hint" />}
      </div>

      <div className="account-actions">
        {confirming !== null ? (
          <ConfirmBar
            {...(confirming === "remove"
              ? { label: `Delete “${hook.name}”?`, question: "Delete this webhook?", confirm: "Delete", working: "Deleting…" }
              : {
                  label: `Rotate the secret of “${hook.name}”?`,
                  question: "Replace its secret? The old one stops working.",
                  confirm: "Rotate",
                  working: "Rotating…",
                })}
            busy={busy !== null}
            confirmTestId={confirming === "remove" ? "hook-delete-confirm" : "hook-rotate-confirm"}
            cancelTestId="hook-confirm-cancel"
            onConfirm={() => void (confirming === "remove" ? remove() : rotate())}
            onCancel={() => setConfirming(null)}
          />
        ) : (
          <>
            <label className="switch" title={hook.enabled ? "Calls are taken" : "Calls are refused"}>
              <input
                type="checkbox"
                role="switch"
                data-testid="hook-enabled"
                checked={hook.enabled}
                disabled={busy !== null}
                onChange={(e) => void toggle(e.target.checked)}
              />
              <span>Enabled</span>
            </label>
            <button
              type="button"
              className="secondary-button"
              data-testid="hook-edit"
              aria-label={`Edit “${hook.name}”`}
              disabled={busy !== null}
              onClick={onEdit}
            >
              <PencilIcon size={13} />
              <span>Edit</span>
            </button>
            <button
              type="button"
              className="secondary-button"
              data-testid="hook-rotate"
              aria-label={`Rotate the secret of “${hook.name}”`}
              disabled={busy !== null}
              onClick={() => {
                clearError();
                setConfirming("rotate");
              }}
            >
              <KeyIcon size={13} />
              <span>Rotate secret</span>
            </button>
            <button
              type="button"
              className="secondary-button"
              data-testid="hook-delete"
              aria-label={`Delete “${hook.name}”`}
              disabled={busy !== null}
              onClick={() => {
                clearError();
                setConfirming("remove");
              }}
            >
              <TrashIcon size={14} />
              <span>Delete</span>
            </button>
          </>
        )}
      </div>
    </li>
  );
}
