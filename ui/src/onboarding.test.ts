import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { tauriApi } from "./api";
import type { AccountInfo } from "./bindings/AccountInfo";
import type { LocalServer } from "./bindings/LocalServer";
import type { ModelInfo } from "./bindings/ModelInfo";
import type { ModelList } from "./bindings/ModelList";
import {
  accountModels,
  checkDetails,
  choiceTitle,
  connectAccount,
  draftFor,
  fieldsFor,
  initialOnboardingState,
  localServerTitle,
  onboardingReducer,
  preselectModel,
  PROVIDER_CARDS,
  visibilityAfterModels,
  type OnboardingAction,
  type OnboardingState,
  type ProviderChoice,
} from "./onboarding";

afterEach(() => clearMocks());

const OLLAMA: LocalServer = {
  id: "ollama",
  name: "Ollama",
  base_url: "http://127.0.0.1:11434/v1",
  models: ["llama3.2", "qwen3:8b"],
};
const ANTHROPIC: ProviderChoice = { type: "kind", kind: "anthropic" };
const OPENAI: ProviderChoice = { type: "kind", kind: "openai" };
const COMPATIBLE: ProviderChoice = { type: "kind", kind: "openai_compatible" };
const LOCAL: ProviderChoice = { type: "local", server: OLLAMA };

const account = (overrides: Partial<AccountInfo> = {}): AccountInfo => ({
  id: "anthropic",
  label: "Anthropic",
  kind: "anthropic",
  base_url: "https://api.anthropic.com",
  default_model: null,
  source: "settings",
  has_key: true,
  ...overrides,
});

const model = (id: string, capabilities: string[] = []): ModelInfo => ({
  id,
  provider: "anthropic",
  name: id.slice(id.indexOf("/") + 1),
  capabilities,
});

const LIST: ModelList = {
  models: [
    model("env:openai/gpt-4o-mini"),
    model("anthropic/claude-haiku-4-5"),
    model("anthropic/claude-sonnet-4-5", ["reasoning"]),
    model("anthropic-2/claude-opus-4-1"),
  ],
  default: "env:openai/gpt-4o-mini",
};

const run = (...actions: OnboardingAction[]): OnboardingState =>
  actions.reduce(onboardingReducer, initialOnboardingState);

describe("visibilityAfterModels", () => {
  it("opens onboarding when the first list at start-up has no model", () => {
    expect(visibilityAfterModels("pending", { models: [], default: null }, false)).toBe("open");
  });

  it("does not open it when there are models, when listing failed, or when a chat is already open", () => {
    expect(visibilityAfterModels("pending", LIST, false)).toBe("closed");
    expect(visibilityAfterModels("pending", null, false), "a failure shows as it always did").toBe("closed");
    expect(visibilityAfterModels("pending", { models: [], default: null }, true)).toBe("closed");
  });

  it("is decided once: later lists neither open nor close it", () => {
    const empty = { models: [], default: null };
    expect(visibilityAfterModels("closed", empty, false), "skipped or finished: not again this launch").toBe("closed");
    expect(visibilityAfterModels("open", LIST, false), "an account added meanwhile does not close it").toBe("open");
    expect(visibilityAfterModels("open", null, false)).toBe("open");
  });
});

describe("step 1: the choices", () => {
  it("offers Anthropic, OpenAI and an OpenAI-compatible server", () => {
    expect(PROVIDER_CARDS.map((c) => [c.kind, c.title])).toEqual([
      ["anthropic", "Anthropic"],
      ["openai", "OpenAI"],
      ["openai_compatible", "OpenAI-compatible server"],
    ]);
  });

  it("titles a local server with how many models it serves", () => {
    expect(localServerTitle(OLLAMA)).toBe("Ollama — 2 models found");
    expect(localServerTitle({ ...OLLAMA, name: "LM Studio", models: ["qwen"] })).toBe("LM Studio — 1 model found");
    expect(localServerTitle({ ...OLLAMA, models: [] })).toBe("Ollama — 0 models found");
  });

  it("titles step 2 after the choice", () => {
    expect(choiceTitle(ANTHROPIC)).toBe("Connect Anthropic");
    expect(choiceTitle(OPENAI)).toBe("Connect OpenAI");
    expect(choiceTitle(COMPATIBLE)).toBe("Connect an OpenAI-compatible server");
    expect(choiceTitle(LOCAL)).toBe("Connect Ollama");
  });
});

describe("step 2: the details", () => {
  it("asks OpenAI and Anthropic for a key only, labelled after the provider", () => {
    expect(fieldsFor(ANTHROPIC)).toEqual({ baseUrl: false, apiKey: true, keyRequired: true });
    expect(draftFor(ANTHROPIC)).toEqual({ kind: "anthropic", label: "Anthropic", baseUrl: "", apiKey: "", defaultModel: "" });
    expect(draftFor(OPENAI)).toMatchObject({ kind: "openai", label: "OpenAI", baseUrl: "" });
  });

  it("asks a compatible server for its URL and an optional key", () => {
    expect(fieldsFor(COMPATIBLE)).toEqual({ baseUrl: true, apiKey: true, keyRequired: false });
    expect(draftFor(COMPATIBLE)).toMatchObject({ kind: "openai_compatible", baseUrl: "" });
  });

  it("fills in a local server from the probe, with no key", () => {
    expect(fieldsFor(LOCAL)).toEqual({ baseUrl: true, apiKey: false, keyRequired: false });
    expect(draftFor(LOCAL)).toEqual({
      kind: "openai_compatible",
      label: "Ollama",
      baseUrl: "http://127.0.0.1:11434/v1",
      apiKey: "",
      defaultModel: "",
    });
  });

  it("checks with the Settings form's rules and builds the NewAccount", () => {
    expect(checkDetails(ANTHROPIC, { ...draftFor(ANTHROPIC), apiKey: " sk-ant-x " })).toEqual({
      ok: true,
      req: { label: "Anthropic", kind: "anthropic", api_key: "sk-ant-x" },
    });
    const noKey = checkDetails(OPENAI, draftFor(OPENAI));
    expect(noKey.ok === false && noKey.problems.apiKey).toMatch(/OpenAI needs an API key/);
    const noUrl = checkDetails(COMPATIBLE, draftFor(COMPATIBLE));
    expect(noUrl.ok === false && noUrl.problems.baseUrl).toMatch(/base URL/);
    expect(checkDetails(LOCAL, { ...draftFor(LOCAL), apiKey: "stale" })).toEqual({
      ok: true,
      req: { label: "Ollama", kind: "openai_compatible", base_url: "http://127.0.0.1:11434/v1" },
    });
  });
});

describe("step 3: the models", () => {
  it("keeps the new account's models only", () => {
    expect(accountModels(LIST, "anthropic").map((m) => m.id)).toEqual([
      "anthropic/claude-haiku-4-5",
      "anthropic/claude-sonnet-4-5",
    ]);
    expect(accountModels(LIST, "nobody")).toEqual([]);
  });

  it("preselects the account's default model, else the app's default among them, else the first", () => {
    const models = accountModels(LIST, "anthropic");
    expect(preselectModel(account({ default_model: "claude-sonnet-4-5" }), models, null)).toBe("anthropic/claude-sonnet-4-5");
    expect(preselectModel(account({ default_model: "gone" }), models, "anthropic/claude-sonnet-4-5")).toBe(
      "anthropic/claude-sonnet-4-5",
    );
    expect(preselectModel(account(), models, "env:openai/gpt-4o-mini"), "another account's default is not offered").toBe(
      "anthropic/claude-haiku-4-5",
    );
    expect(preselectModel(account(), [], null)).toBe("");
  });
});

describe("onboardingReducer", () => {
  const chose = (choice: ProviderChoice): OnboardingAction => ({ type: "chose", choice });
  const error = { code: "AUTH_FAILED" as const, message: "401: invalid x-api-key" };

  it("goes from a choice to its details and Back again", () => {
    const details = run(chose(ANTHROPIC));
    expect(details).toMatchObject({ step: "details", choice: ANTHROPIC, draft: draftFor(ANTHROPIC), busy: false });
    expect(onboardingReducer(details, { type: "back" })).toEqual({ step: "provider" });
    expect(onboardingReducer(details, chose(OPENAI)), "one choice at a time").toBe(details);
  });

  it("edits the draft and forgets the last problems or error", () => {
    const invalid = run(chose(OPENAI), { type: "invalid", problems: { apiKey: "OpenAI needs an API key." } });
    expect(invalid).toMatchObject({ problems: { apiKey: "OpenAI needs an API key." } });
    const edited = onboardingReducer(invalid, { type: "edited", field: "apiKey", value: "sk-1" });
    expect(edited).toMatchObject({ draft: { apiKey: "sk-1" }, problems: {}, error: null });
  });

  it("clears the key as it is sent, and holds the form while testing", () => {
    const testing = run(chose(OPENAI), { type: "edited", field: "apiKey", value: "sk-1" }, { type: "testing" });
    expect(testing).toMatchObject({ step: "details", busy: true, draft: { apiKey: "", label: "OpenAI" } });
    expect(onboardingReducer(testing, { type: "edited", field: "label", value: "x" }), "no edits while testing").toBe(testing);
    expect(onboardingReducer(testing, { type: "back" }), "no Back while testing").toBe(testing);
    expect(onboardingReducer(testing, { type: "testing" }), "a double submit is one").toBe(testing);
  });

  it("stays on the details with the error when the test fails, ready for another try", () => {
    const failed = run(chose(ANTHROPIC), { type: "testing" }, { type: "testFailed", error });
    expect(failed).toMatchObject({ step: "details", busy: false, error });
    const retried = onboardingReducer(failed, { type: "testing" });
    expect(retried).toMatchObject({ busy: true, error: null });
  });

  it("moves to the models once connected, and preselects one when they arrive", () => {
    const connected = run(chose(ANTHROPIC), { type: "testing" }, { type: "connected", account: account() });
    expect(connected).toEqual({ step: "model", account: account(), models: null, model: "", error: null, busy: false });
    const loaded = onboardingReducer(connected, { type: "modelsLoaded", list: LIST });
    expect(loaded).toMatchObject({ models: accountModels(LIST, "anthropic"), model: "anthropic/claude-haiku-4-5" });
    expect(onboardingReducer(loaded, { type: "picked", model: "anthropic/claude-sonnet-4-5" })).toMatchObject({
      model: "anthropic/claude-sonnet-4-5",
    });
    expect(onboardingReducer(loaded, { type: "modelsLoaded", list: { models: [], default: null } }), "once").toBe(loaded);
  });

  it("ignores a connection that is not being waited for", () => {
    const details = run(chose(ANTHROPIC));
    expect(onboardingReducer(details, { type: "connected", account: account() })).toBe(details);
    expect(onboardingReducer(details, { type: "testFailed", error })).toBe(details);
    expect(onboardingReducer(initialOnboardingState, { type: "modelsLoaded", list: LIST })).toBe(initialOnboardingState);
  });

  it("still lets the chat start with the default when the models could not be listed", () => {
    const failed = run(chose(ANTHROPIC), { type: "testing" }, { type: "connected", account: account() }, {
      type: "modelsFailed",
      error: { code: "NETWORK", message: "offline" },
    });
    expect(failed).toMatchObject({ models: [], model: "", error: { at: "models", error: { code: "NETWORK" } } });
    expect(onboardingReducer(failed, { type: "starting" })).toMatchObject({ busy: true, error: null });
  });

  it("starts once, and shows why starting failed", () => {
    const loaded = run(
      chose(ANTHROPIC),
      { type: "testing" },
      { type: "connected", account: account() },
    );
    expect(onboardingReducer(loaded, { type: "starting" }), "not before the models are in").toBe(loaded);
    const ready = onboardingReducer(loaded, { type: "modelsLoaded", list: LIST });
    const starting = onboardingReducer(ready, { type: "starting" });
    expect(starting).toMatchObject({ busy: true });
    expect(onboardingReducer(starting, { type: "starting" })).toBe(starting);
    expect(onboardingReducer(starting, { type: "picked", model: "x" }), "the choice is fixed while starting").toBe(starting);
    const failed = onboardingReducer(starting, { type: "startFailed", error: { code: "INVALID_MODEL", message: "no" } });
    expect(failed).toMatchObject({ busy: false, error: { at: "start", error: { code: "INVALID_MODEL" } } });
  });
});

describe("connectAccount (over Tauri's IPC mock)", () => {
  const ADDED = account({ id: "work" });

  function backend(test: () => unknown) {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "account_add") return ADDED;
      if (cmd === "account_test") return test();
      if (cmd === "account_remove") return null;
      throw new Error(`unexpected ${cmd}`);
    });
    return calls;
  }

  it("adds the account, then tests it", async () => {
    const calls = backend(() => ({ models: 4 }));
    const req = { label: "Work", kind: "anthropic" as const, api_key: "sk-ant-x" };
    await expect(connectAccount(tauriApi, req)).resolves.toEqual({ ok: true, account: ADDED, check: { models: 4 } });
    expect(calls).toEqual([
      { cmd: "account_add", args: { req } },
      { cmd: "account_test", args: { account_id: "work" } },
    ]);
  });

  it("removes the account again when the test fails, and answers the test's error", async () => {
    const calls = backend(() => Promise.reject({ code: "AUTH_FAILED", message: "401: invalid x-api-key" }));
    const result = await connectAccount(tauriApi, { label: "Work", kind: "anthropic", api_key: "bad" });
    expect(result).toEqual({ ok: false, error: { code: "AUTH_FAILED", message: "401: invalid x-api-key" } });
    expect(calls.map((c) => c.cmd)).toEqual(["account_add", "account_test", "account_remove"]);
    expect(calls[2]?.args).toEqual({ account_id: "work" });
  });

  it("answers the test's error even if removing fails too", async () => {
    mockIPC((cmd) => {
      if (cmd === "account_add") return ADDED;
      return Promise.reject({ code: cmd === "account_test" ? "NETWORK" : "STORAGE", message: cmd });
    });
    await expect(connectAccount(tauriApi, { label: "Work", kind: "openai_compatible" })).resolves.toEqual({
      ok: false,
      error: { code: "NETWORK", message: "account_test" },
    });
  });

  it("answers the add's error, with nothing to test or remove", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return Promise.reject({ code: "KEYRING_UNAVAILABLE", message: "no keyring" });
    });
    await expect(connectAccount(tauriApi, { label: "Work", kind: "openai", api_key: "sk" })).resolves.toEqual({
      ok: false,
      error: { code: "KEYRING_UNAVAILABLE", message: "no keyring" },
    });
    expect(calls).toEqual(["account_add"]);
  });
});
