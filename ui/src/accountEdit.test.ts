import { describe, expect, it } from "vitest";
import {
  checkAccountEdit,
  connectedLabel,
  editDraftFrom,
  isEmptyPatch,
  removeKeyPatch,
  type AccountEditDraft,
} from "./accountEdit";
import type { AccountInfo } from "./bindings/AccountInfo";

const ACCOUNT: AccountInfo = {
  id: "lm-studio",
  label: "LM Studio",
  kind: "openai_compatible",
  base_url: "http://127.0.0.1:1234/v1",
  default_model: "qwen2.5-7b",
  source: "settings",
  has_key: true,
};

const draft = (overrides: Partial<AccountEditDraft> = {}): AccountEditDraft => ({ ...editDraftFrom(ACCOUNT), ...overrides });

const patchOf = (d: AccountEditDraft, account = ACCOUNT) => {
  const check = checkAccountEdit(account, d);
  if (!check.ok) throw new Error(`refused: ${JSON.stringify(check.problems)}`);
  return check.patch;
};

const problems = (d: AccountEditDraft) => {
  const check = checkAccountEdit(ACCOUNT, d);
  return check.ok ? {} : check.problems;
};

describe("editDraftFrom", () => {
  it("starts from the account as it is, with an empty key field", () => {
    expect(editDraftFrom(ACCOUNT)).toEqual({
      label: "LM Studio",
      baseUrl: "http://127.0.0.1:1234/v1",
      defaultModel: "qwen2.5-7b",
      apiKey: "",
    });
    expect(editDraftFrom({ ...ACCOUNT, default_model: null }).defaultModel).toBe("");
  });
});

describe("checkAccountEdit: the patch", () => {
  it("is empty when nothing changed, so the stored key stays", () => {
    expect(patchOf(draft())).toEqual({});
    expect(isEmptyPatch(patchOf(draft()))).toBe(true);
    expect(patchOf(draft({ label: "  LM Studio ", apiKey: "   " })), "spaces alone change nothing").toEqual({});
  });

  it("names only the fields that changed, trimmed", () => {
    expect(patchOf(draft({ label: "  Desk GPU " }))).toEqual({ label: "Desk GPU" });
    expect(patchOf(draft({ baseUrl: " http://gpu-box:1234/v1 " }))).toEqual({ base_url: "http://gpu-box:1234/v1" });
    expect(patchOf(draft({ defaultModel: "llama3.2" }))).toEqual({ default_model: "llama3.2" });
    expect(patchOf(draft({ label: "Desk", defaultModel: "llama3.2" }))).toEqual({ label: "Desk", default_model: "llama3.2" });
    expect(isEmptyPatch(patchOf(draft({ label: "Desk" })))).toBe(false);
  });

  it("sends a replacement key only when one is typed; an empty key field keeps the stored key", () => {
    expect(patchOf(draft({ apiKey: " sk-new-1 " }))).toEqual({ api_key: "sk-new-1" });
    expect("api_key" in patchOf(draft({ label: "Desk", apiKey: "" }))).toBe(false);
  });

  it("sends a cleared default model as an empty string, which clears it", () => {
    expect(patchOf(draft({ defaultModel: "  " }))).toEqual({ default_model: "" });
    const none = { ...ACCOUNT, default_model: null };
    expect(patchOf(editDraftFrom(none), none), "no default before, none now").toEqual({});
  });

  it("has Remove key send an empty key, and nothing else", () => {
    expect(removeKeyPatch()).toEqual({ api_key: "" });
  });
});

describe("checkAccountEdit: the checks", () => {
  it("refuses an empty or over-long label", () => {
    expect(problems(draft({ label: " " })).label).toMatch(/label/i);
    expect(problems(draft({ label: "x".repeat(61) })).label).toMatch(/60/);
  });

  it("refuses an empty or non-http base URL", () => {
    expect(problems(draft({ baseUrl: "" })).baseUrl).toMatch(/base URL/);
    expect(problems(draft({ baseUrl: "127.0.0.1:1234/v1" })).baseUrl).toMatch(/http:\/\/ or https:\/\//);
  });

  it("refuses a key or default model with spaces inside", () => {
    expect(problems(draft({ apiKey: "sk one" })).apiKey).toMatch(/spaces/);
    expect(problems(draft({ defaultModel: "gpt 4o" })).defaultModel).toBeDefined();
  });

  it("reports every problem at once and sends nothing", () => {
    const check = checkAccountEdit(ACCOUNT, draft({ label: "", baseUrl: "nope", apiKey: "a b" }));
    expect(check.ok).toBe(false);
    expect(Object.keys(check.ok ? {} : check.problems)).toEqual(["label", "baseUrl", "apiKey"]);
  });

  it("does not check fields left as they were", () => {
    const odd = { ...ACCOUNT, label: "x".repeat(80) };
    expect(checkAccountEdit(odd, { ...editDraftFrom(odd), defaultModel: "m" })).toEqual({
      ok: true,
      patch: { default_model: "m" },
    });
  });
});

describe("connectedLabel", () => {
  it("counts the server's models", () => {
    expect(connectedLabel(12)).toBe("Connected · 12 models");
    expect(connectedLabel(1)).toBe("Connected · 1 model");
    expect(connectedLabel(0)).toBe("Connected · 0 models");
  });
});
