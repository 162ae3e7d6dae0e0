import type { RefObject } from "react";
import type { UiError } from "../api";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { NewAccount } from "../bindings/NewAccount";
import { AccountForm } from "./AccountForm";
import { AccountList } from "./AccountList";
import { Dialog } from "./Dialog";

export interface SettingsDialogProps {
  /** null while loading. */
  accounts: readonly AccountInfo[] | null;
  /** accounts_list failed. */
  accountsFailed: boolean;
  onReloadAccounts(): void;
  /** Resolves null once added, or the backend's error (shown in the form). */
  onAddAccount(req: NewAccount): Promise<UiError | null>;
  /** Resolves null once removed, or the backend's error (shown on the row). */
  onRemoveAccount(accountId: string): Promise<UiError | null>;
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
          onReload={props.onReloadAccounts}
          onRemove={props.onRemoveAccount}
        />
        <AccountForm onAdd={props.onAddAccount} />
      </section>
    </Dialog>
  );
}
