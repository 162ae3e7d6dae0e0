import { useCallback, useEffect, useRef, useState } from "react";
import { toUiError, type HearthApi, type UiError } from "./api";
import type { AccountInfo } from "./bindings/AccountInfo";
import type { AccountPatch } from "./bindings/AccountPatch";
import type { AccountUsage } from "./bindings/AccountUsage";
import type { NewAccount } from "./bindings/NewAccount";
import type { AccountTestResult } from "./components/AccountList";
import type { SettingsDialogProps } from "./components/SettingsDialog";

export type AccountSettings = Pick<
  SettingsDialogProps,
  | "accounts"
  | "accountsFailed"
  | "accountUsage"
  | "onReloadAccounts"
  | "onAddAccount"
  | "onRemoveAccount"
  | "onUpdateAccount"
  | "onTestAccount"
>;

interface AccountsState {
  /** null while loading or after a failure. */
  list: AccountInfo[] | null;
  failed: boolean;
}

/**
 * Settings' Accounts section: the accounts (asked for when Settings opens), their usage, and
 * what changes them. `onAccountsChanged`: an account was added, edited, tested or removed, so
 * the models on offer may have changed.
 */
export function useAccountSettings(api: HearthApi, onAccountsChanged: () => void): AccountSettings {
  const [accounts, setAccounts] = useState<AccountsState>({ list: null, failed: false });
  const request = useRef(0);

  const loadAccounts = useCallback(() => {
    const current = ++request.current;
    setAccounts((state) => (state.failed ? { list: null, failed: false } : state));
    api.listAccounts().then(
      (list) => current === request.current && setAccounts({ list, failed: false }),
      () => current === request.current && setAccounts({ list: null, failed: true }),
    );
  }, [api]);

  useEffect(() => {
    loadAccounts();
    return () => {
      request.current += 1;
    };
  }, [loadAccounts]);

  // Shown on the rows when it arrives; without it the rows just show no usage.
  const [usage, setUsage] = useState<AccountUsage[] | null>(null);
  useEffect(() => {
    let active = true;
    api.usageByAccount().then(
      (list) => active && setUsage(list),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [api]);

  const addAccount = async (req: NewAccount): Promise<UiError | null> => {
    let added: AccountInfo;
    try {
      added = await api.addAccount(req);
    } catch (e) {
      return toUiError(e);
    }
    // Shown at once, then the list as the backend has it.
    setAccounts((state) =>
      state.list && !state.list.some((a) => a.id === added.id) ? { ...state, list: [...state.list, added] } : state,
    );
    loadAccounts();
    onAccountsChanged();
    return null;
  };

  const removeAccount = async (accountId: string): Promise<UiError | null> => {
    try {
      await api.removeAccount(accountId);
    } catch (e) {
      return toUiError(e);
    }
    setAccounts((state) => (state.list ? { ...state, list: state.list.filter((a) => a.id !== accountId) } : state));
    loadAccounts();
    onAccountsChanged();
    return null;
  };

  const updateAccount = async (accountId: string, patch: AccountPatch): Promise<UiError | null> => {
    let updated: AccountInfo;
    try {
      updated = await api.updateAccount(accountId, patch);
    } catch (e) {
      return toUiError(e);
    }
    // Shown at once, then the list as the backend has it.
    setAccounts((state) =>
      state.list ? { ...state, list: state.list.map((a) => (a.id === updated.id ? updated : a)) } : state,
    );
    loadAccounts();
    onAccountsChanged();
    return null;
  };

  const testAccount = async (accountId: string): Promise<AccountTestResult> => {
    let check;
    try {
      check = await api.testAccount(accountId);
    } catch (e) {
      return { ok: false, error: toUiError(e) };
    }
    // Testing fetched the server's models afresh: the picker can show them.
    onAccountsChanged();
    return { ok: true, check };
  };

  return {
    accounts: accounts.list,
    accountsFailed: accounts.failed,
    accountUsage: usage,
    onReloadAccounts: loadAccounts,
    onAddAccount: addAccount,
    onRemoveAccount: removeAccount,
    onUpdateAccount: updateAccount,
    onTestAccount: testAccount,
  };
}
