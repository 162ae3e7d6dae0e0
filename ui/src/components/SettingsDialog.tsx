import type { RefObject } from "react";
import type { UiError } from "../api";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { AccountPatch } from "../bindings/AccountPatch";
import type { AccountUsage } from "../bindings/AccountUsage";
import type { NewAccount } from "../bindings/NewAccount";
import { AccountForm } from "./AccountForm";
import { AccountList, type AccountTestResult } from "./AccountList";
import { Dialog } from "./Dialog";

export interface SettingsDialogProps {
  /** null while loading. */
  accounts: readonly AccountInfo[] | null;
  /** accounts_list failed. */
  accountsFailed: boolean;
  /** Tokens and cost per account; null until known (or if they could not be read). */
  accountUsage: readonly AccountUsage[] | null;
  onReloadAccounts(): void;
  /** Resolves null once added, or the backend's error (shown in the form). */
  onAddAccount(req: NewAccount): Promise<UiError | null>;
  /** Resolves null once removed, or the backend's error (shown on the row). */
  onRemoveAccount(accountId: string): Promise<UiError | null>;
  /** Resolves null once stored, or the backend's error (shown in the row's edit form). */
  onUpdateAccount(accountId: string, patch: AccountPatch): Promise<UiError | null>;
  /** What Test found, shown on the row. */
  onTestAccount(accountId: string): Promise<AccountTestResult>;
  onClose(): void;
  /** Where focus goes back to on close (the gear button). */
  returnFocusRef?: RefObject<HTMLElement | null>;
}

/** Settings, in a modal dialog. One section for now: the model accounts. */
export function SettingsDialog(props: SettingsDialogProps) {
  return (
    <Dialog
      title="Settings"
      testId="settings-dialog"
      closeTestId="settings-close"
      className="settings-dialog"
      onClose={props.onClose}
      returnFocusRef={props.returnFocusRef}
    >
      <section className="settings-section" aria-labelledby="settings-accounts">
        <h3 className="settings-section-title" id="settings-accounts">
          Model accounts
        </h3>
        <p className="settings-section-intro">
          Bring your own keys. Each account’s models appear in the chat’s model picker as{" "}
          <code>account/model</code>. Keys go to your system’s keyring, never to Hearth’s files.
        </p>
        <AccountList
          accounts={props.accounts}
          loadFailed={props.accountsFailed}
          usage={props.accountUsage}
          onReload={props.onReloadAccounts}
          onRemove={props.onRemoveAccount}
          onUpdate={props.onUpdateAccount}
          onTest={props.onTestAccount}
        />
        <AccountForm onAdd={props.onAddAccount} />
      </section>
    </Dialog>
  );
}
