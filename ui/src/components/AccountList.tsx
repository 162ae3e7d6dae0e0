import { useEffect, useMemo, useRef, useState, type RefObject } from "react";
import { connectedLabel } from "../accountEdit";
import { kindLabel } from "../accountForm";
import type { UiError } from "../api";
import type { AccountCheck } from "../bindings/AccountCheck";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { AccountPatch } from "../bindings/AccountPatch";
import type { AccountUsage } from "../bindings/AccountUsage";
import type { UsageSummary } from "../bindings/UsageSummary";
import { accountUsageLabel, usageDetails } from "../usageFormat";
import { AccountEditForm } from "./AccountEditForm";
import { ErrorHint } from "./ErrorHint";
import { KeyIcon, PencilIcon, PlugIcon, TrashIcon } from "./icons";
import { ConfirmBar } from "./RowActions";

/** What Test found: the server answered with its models, or the backend's error. */
export type AccountTestResult = { ok: true; check: AccountCheck } | { ok: false; error: UiError };

export interface AccountListProps {
  /** null while loading. */
  accounts: readonly AccountInfo[] | null;
  /** accounts_list failed. */
  loadFailed: boolean;
  /** Tokens and cost per account; null until known (or if they could not be read). */
  usage: readonly AccountUsage[] | null;
  onReload(): void;
  /** Resolves null once removed, or the error to show on the row. */
  onRemove(accountId: string): Promise<UiError | null>;
  /** Resolves null once stored, or the error to show in the row's edit form. */
  onUpdate(accountId: string, patch: AccountPatch): Promise<UiError | null>;
  onTest(accountId: string): Promise<AccountTestResult>;
}

/** The model accounts, each with what it is, where it points, whether it has a key, and its use. */
export function AccountList({ accounts, loadFailed, usage, onReload, onRemove, onUpdate, onTest }: AccountListProps) {
  const listRef = useRef<HTMLUListElement>(null);
  const usageById = useMemo(() => new Map(usage?.map((u) => [u.account_id, u.summary])), [usage]);

  // The row that had focus is gone: keep focus in the list rather than losing it.
  const remove = async (accountId: string) => {
    const error = await onRemove(accountId);
    if (error === null) listRef.current?.focus();
    return error;
  };

  if (loadFailed) {
    return (
      <div className="account-list-status" role="alert">
        <span>Couldn’t load the accounts.</span>
        <button type="button" className="link-button" data-testid="account-list-retry" onClick={onReload}>
          Retry
        </button>
      </div>
    );
  }
  if (accounts === null) {
    return (
      <div className="account-list-status" role="status">
        <span className="spinner" aria-hidden="true" />
        <span>Loading accounts…</span>
      </div>
    );
  }
  return (
    <ul className="account-list" data-testid="account-list" aria-label="Model accounts" ref={listRef} tabIndex={-1}>
      {accounts.length === 0 && (
        <li className="account-list-empty">No accounts yet. Add one below to start chatting.</li>
      )}
      {accounts.map((account) => (
        <AccountItem
          key={account.id}
          account={account}
          usage={usageById.get(account.id)}
          onRemove={remove}
          onUpdate={onUpdate}
          onTest={onTest}
        />
      ))}
    </ul>
  );
}

interface AccountItemProps {
  account: AccountInfo;
  usage?: UsageSummary;
  onRemove(accountId: string): Promise<UiError | null>;
  onUpdate(accountId: string, patch: AccountPatch): Promise<UiError | null>;
  onTest(accountId: string): Promise<AccountTestResult>;
}

/** The row shows its details, asks to confirm a removal, or holds the edit form. */
type Mode = "view" | "confirming" | "editing";

/** One account: its details and usage, Test, and for settings accounts Edit and Remove. */
function AccountItem({ account, usage, onRemove, onUpdate, onTest }: AccountItemProps) {
  const [mode, setMode] = useState<Mode>("view");
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [testing, setTesting] = useState(false);
  const [tested, setTested] = useState<AccountTestResult | null>(null);
  const removeRef = useRef<HTMLButtonElement>(null);
  const editRef = useRef<HTMLButtonElement>(null);
  // Focus follows the controls that replace each other, but not on first render.
  const moved = useRef(false);
  // The button that left the details (Edit or Remove), which gets focus back when they return.
  const back = useRef<RefObject<HTMLButtonElement | null>>(removeRef);

  useEffect(() => {
    if (!moved.current) return;
    if (mode === "view") back.current.current?.focus();
    // The question focuses its Cancel, and the edit form its first field, themselves.
  }, [mode]);

  const go = (next: Mode) => {
    moved.current = true;
    if (next !== "view") back.current = next === "editing" ? editRef : removeRef;
    setError(null);
    setMode(next);
  };

  const confirm = async () => {
    if (removing) return;
    setRemoving(true);
    const failure = await onRemove(account.id);
    setRemoving(false);
    if (failure) {
      go("view");
      setError(failure);
    }
  };

  const test = async () => {
    if (testing) return;
    setTesting(true);
    setTested(null);
    const result = await onTest(account.id);
    setTesting(false);
    setTested(result);
  };

  // A change makes the last Test's answer stale.
  const update = async (accountId: string, patch: AccountPatch) => {
    const failure = await onUpdate(accountId, patch);
    if (failure === null) setTested(null);
    return failure;
  };

  const fromEnv = account.source === "env";
  const usageLabel = accountUsageLabel(usage);
  const editing = mode === "editing" && !fromEnv;
  return (
    <li
      className={`account-item${mode === "confirming" ? " is-confirming" : ""}${editing ? " is-editing" : ""}`}
      data-testid="account-item"
      data-account-id={account.id}
      data-source={account.source}
    >
      <div className="account-main">
        <div className="account-heading">
          <span className="account-label" data-testid="account-label">
            {account.label}
          </span>
          <code className="account-id" title={`Model ids of this account start with “${account.id}/”`}>
            {account.id}
          </code>
        </div>
        {editing ? (
          <AccountEditForm account={account} onUpdate={update} onClose={() => go("view")} />
        ) : (
          <>
            <dl className="account-details">
              <div>
                <dt>Kind</dt>
                <dd data-testid="account-kind">{kindLabel(account.kind)}</dd>
              </div>
              <div>
                <dt>Base URL</dt>
                <dd className="account-url" data-testid="account-url" title={account.base_url}>
                  {account.base_url}
                </dd>
              </div>
              <div>
                <dt>Default model</dt>
                <dd data-testid="account-default-model">
                  {account.default_model ?? <span className="account-none">none</span>}
                </dd>
              </div>
              {usage && usageLabel !== null && (
                <div>
                  <dt>Usage</dt>
                  <dd data-testid="account-usage" title={usageDetails(usage)}>
                    {usageLabel}
                  </dd>
                </div>
              )}
            </dl>
            <div className="account-badges">
              <span
                className={`badge ${account.has_key ? "badge-ok" : "badge-muted"}`}
                data-testid="account-key"
                data-has-key={String(account.has_key)}
              >
                <KeyIcon size={12} />
                {account.has_key ? "key stored" : "no key"}
              </span>
              {fromEnv && (
                <span className="badge badge-muted" data-testid="account-env" title="Set by environment variables; change them to change this account">
                  from environment
                </span>
              )}
            </div>
            {tested &&
              (tested.ok ? (
                <p className="account-test-result is-ok" data-testid="account-test-result" data-ok="true" role="status">
                  {connectedLabel(tested.check.models)}
                </p>
              ) : (
                <div
                  className="account-test-result is-error"
                  data-testid="account-test-result"
                  data-ok="false"
                  data-error-code={tested.error.code}
                  role="alert"
                >
                  <p>Test failed: {tested.error.message}</p>
                  <ErrorHint error={tested.error} testId="account-error-hint" />
                </div>
              ))}
          </>
        )}
        {error && (
          <div className="field-error" data-testid="account-remove-error" role="alert">
            <p>
              Couldn’t remove “{account.label}”: {error.message}
            </p>
            <ErrorHint error={error} testId="account-error-hint" />
          </div>
        )}
      </div>

      {!editing && (
        <div className="account-actions">
          {mode === "confirming" ? (
            <ConfirmBar
              label={`Remove “${account.label}”?`}
              question="Remove this account?"
              confirm="Remove"
              working="Removing…"
              busy={removing}
              confirmTestId="account-remove-confirm"
              cancelTestId="account-remove-cancel"
              onConfirm={() => void confirm()}
              onCancel={() => go("view")}
            />
          ) : (
            <>
              <button
                type="button"
                className="secondary-button"
                data-testid="account-test"
                aria-label={`Test “${account.label}”`}
                title="Reach the server with this account’s key and count its models"
                disabled={testing}
                onClick={() => void test()}
              >
                <PlugIcon size={14} />
                <span>{testing ? "Testing…" : "Test"}</span>
              </button>
              {!fromEnv && (
                <>
                  <button
                    ref={editRef}
                    type="button"
                    className="secondary-button"
                    data-testid="account-edit"
                    aria-label={`Edit “${account.label}”`}
                    onClick={() => go("editing")}
                  >
                    <PencilIcon size={14} />
                    <span>Edit</span>
                  </button>
                  <button
                    ref={removeRef}
                    type="button"
                    className="secondary-button"
                    data-testid="account-remove"
                    aria-label={`Remove “${account.label}”`}
                    onClick={() => go("confirming")}
                  >
                    <TrashIcon size={14} />
                    <span>Remove</span>
                  </button>
                </>
              )}
            </>
          )}
        </div>
      )}
    </li>
  );
}
