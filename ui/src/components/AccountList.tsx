import { useEffect, useRef, useState } from "react";
import { kindLabel } from "../accountForm";
import type { UiError } from "../api";
import type { AccountInfo } from "../bindings/AccountInfo";
import { KeyIcon, TrashIcon } from "./icons";

export interface AccountListProps {
  /** null while loading. */
  accounts: readonly AccountInfo[] | null;
  /** accounts_list failed. */
  loadFailed: boolean;
  onReload(): void;
  /** Resolves null once removed, or the error to show on the row. */
  onRemove(accountId: string): Promise<UiError | null>;
}

/** The model accounts, each with what it is, where it points, and whether it has a key. */
export function AccountList({ accounts, loadFailed, onReload, onRemove }: AccountListProps) {
  const listRef = useRef<HTMLUListElement>(null);

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
        <AccountItem key={account.id} account={account} onRemove={remove} />
      ))}
    </ul>
  );
}

interface AccountItemProps {
  account: AccountInfo;
  onRemove(accountId: string): Promise<UiError | null>;
}

function AccountItem({ account, onRemove }: AccountItemProps) {
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const removeRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // Focus follows the buttons that replace each other, but not on first render.
  const moved = useRef(false);

  useEffect(() => {
    if (!moved.current) return;
    (confirming ? cancelRef : removeRef).current?.focus();
  }, [confirming]);

  const ask = (next: boolean) => {
    moved.current = true;
    setError(null);
    setConfirming(next);
  };

  const confirm = async () => {
    if (removing) return;
    setRemoving(true);
    const failure = await onRemove(account.id);
    setRemoving(false);
    if (failure) {
      ask(false);
      setError(failure);
    }
  };

  const fromEnv = account.source === "env";
  return (
    <li
      className={`account-item${confirming ? " is-confirming" : ""}`}
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
        {error && (
          <p className="field-error" data-testid="account-remove-error" role="alert">
            Couldn’t remove “{account.label}”: {error.message}
          </p>
        )}
      </div>

      {!fromEnv && (
        <div className="account-actions">
          {confirming ? (
            <div className="account-confirm" role="group" aria-label={`Remove “${account.label}”?`}>
              <span className="account-confirm-text">Remove this account?</span>
              <button
                type="button"
                className="danger-button"
                data-testid="account-remove-confirm"
                disabled={removing}
                onClick={() => void confirm()}
              >
                {removing ? "Removing…" : "Remove"}
              </button>
              <button
                ref={cancelRef}
                type="button"
                className="secondary-button"
                data-testid="account-remove-cancel"
                disabled={removing}
                onClick={() => ask(false)}
              >
                Cancel
              </button>
            </div>
          ) : (
            <button
              ref={removeRef}
              type="button"
              className="secondary-button"
              data-testid="account-remove"
              aria-label={`Remove “${account.label}”`}
              onClick={() => ask(true)}
            >
              <TrashIcon size={14} />
              <span>Remove</span>
            </button>
          )}
        </div>
      )}
    </li>
  );
}
