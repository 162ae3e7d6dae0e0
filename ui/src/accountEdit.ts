// The inline "Edit" form on a settings account's row, as plain data: what the fields start
// with, the checks (the same as when adding; the backend validates again and has the last
// word), and the AccountPatch, which names only what changed. Pure, so it is tested without
// rendering.
import { baseUrlProblem, defaultModelProblem, labelProblem } from "./accountForm";
import type { AccountInfo } from "./bindings/AccountInfo";
import type { AccountPatch } from "./bindings/AccountPatch";

/** What the edit form's fields hold, untrimmed. */
export interface AccountEditDraft {
  label: string;
  baseUrl: string;
  defaultModel: string;
  /** A replacement key. Empty keeps the stored key. */
  apiKey: string;
}

export type AccountEditField = keyof AccountEditDraft;

/** Why each refused field is refused. */
export type AccountEditProblems = Partial<Record<AccountEditField, string>>;

export type AccountEditCheck = { ok: true; patch: AccountPatch } | { ok: false; problems: AccountEditProblems };

/** The form as it opens: the account as it is, and no key (a stored key is never shown). */
export function editDraftFrom(account: AccountInfo): AccountEditDraft {
  return { label: account.label, baseUrl: account.base_url, defaultModel: account.default_model ?? "", apiKey: "" };
}

/** The patch that removes the account's key (the "Remove key" action). */
export function removeKeyPatch(): AccountPatch {
  return { api_key: "" };
}

export function isEmptyPatch(patch: AccountPatch): boolean {
  return Object.keys(patch).length === 0;
}

function replacementKeyProblem(apiKey: string): string | null {
  const key = apiKey.trim();
  if (key === "") return null;
  if (/\s/.test(key) || key.length > 500) return "The API key has spaces or is too long; paste it exactly.";
  return null;
}

/**
 * Checks the form against the account it edits. When it passes, `patch` is what
 * `account_update` receives: trimmed, and only the fields that changed (absent fields stay as
 * they are). A cleared default model is sent as "" (which clears it). A blank key field is
 * left out, so the stored key stays: removing it is a separate action (`removeKeyPatch`).
 * Unchanged fields are not checked: they are what the backend already holds.
 */
export function checkAccountEdit(account: AccountInfo, draft: AccountEditDraft): AccountEditCheck {
  const label = draft.label.trim();
  const baseUrl = draft.baseUrl.trim();
  const defaultModel = draft.defaultModel.trim();
  const apiKey = draft.apiKey.trim();

  const patch: AccountPatch = {};
  const problems: AccountEditProblems = {};
  const found = (field: AccountEditField, problem: string | null) => {
    if (problem !== null) problems[field] = problem;
  };

  if (label !== account.label) {
    found("label", labelProblem(label));
    patch.label = label;
  }
  if (baseUrl !== account.base_url) {
    // Unlike a new account, there is no default to fall back on: the URL is replaced.
    found("baseUrl", baseUrl === "" ? "Give the account's base URL." : baseUrlProblem(account.kind, baseUrl));
    patch.base_url = baseUrl;
  }
  if (defaultModel !== (account.default_model ?? "")) {
    found("defaultModel", defaultModelProblem(defaultModel));
    patch.default_model = defaultModel;
  }
  if (apiKey !== "") {
    found("apiKey", replacementKeyProblem(apiKey));
    patch.api_key = apiKey;
  }

  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, patch };
}

/** What a passed Test says: "Connected · 12 models". */
export function connectedLabel(models: number): string {
  return `Connected · ${models} ${models === 1 ? "model" : "models"}`;
}
