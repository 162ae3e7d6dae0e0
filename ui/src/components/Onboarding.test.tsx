import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { UiError } from "../api";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { LocalServer } from "../bindings/LocalServer";
import type { ModelList } from "../bindings/ModelList";
import type { NewAccount } from "../bindings/NewAccount";
import type { ConnectResult } from "../onboarding";
import { Onboarding, type ModelsResult, type OnboardingProps } from "./Onboarding";

const OLLAMA: LocalServer = { id: "ollama", name: "Ollama", base_url: "http://127.0.0.1:11434/v1", models: ["llama3.2", "qwen3:8b"] };
const LMSTUDIO: LocalServer = { id: "lmstudio", name: "LM Studio", base_url: "http://127.0.0.1:1234/v1", models: ["qwen"] };

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

const MODELS: ModelList = {
  models: [
    { id: "env:openai/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", capabilities: [] },
    { id: "anthropic/claude-haiku-4-5", provider: "anthropic", name: "claude-haiku-4-5", capabilities: ["vision", "tools"] },
    {
      id: "anthropic/claude-sonnet-4-5",
      provider: "anthropic",
      name: "claude-sonnet-4-5",
      capabilities: ["vision", "tools", "reasoning"],
    },
  ],
  default: "env:openai/gpt-4o-mini",
};

const AUTH_FAILED: UiError = { code: "AUTH_FAILED", message: "401: invalid x-api-key" };

/** A promise the test settles by hand, to look at the step while a call is pending. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function renderOnboarding(overrides: Partial<OnboardingProps> = {}) {
  const props: OnboardingProps = {
    localServers: [],
    onConnect: vi.fn((req: NewAccount) =>
      Promise.resolve<ConnectResult>({
        ok: true,
        account: account({ label: req.label, kind: req.kind }),
        check: { models: 2 },
      }),
    ),
    onListModels: vi.fn(() => Promise.resolve<ModelsResult>({ ok: true, list: MODELS })),
    onStart: vi.fn(() => Promise.resolve(null)),
    onSkip: vi.fn(),
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<Onboarding {...props} />);
  return { props, user, ...view, rerenderWith: (more: Partial<OnboardingProps>) => view.rerender(<Onboarding {...props} {...more} />) };
}

const byTestId = (id: string) => screen.getByTestId(id);
const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const step = () => byTestId("onboarding").dataset.step;

describe("Onboarding step 1: choose a provider", () => {
  it("offers Anthropic, OpenAI and an OpenAI-compatible server", () => {
    renderOnboarding();
    expect(step()).toBe("provider");
    expect(byTestId("onboarding-provider-anthropic").textContent).toContain("Anthropic");
    expect(byTestId("onboarding-provider-openai").textContent).toContain("OpenAI");
    expect(byTestId("onboarding-provider-openai_compatible").textContent).toContain("OpenAI-compatible server");
    expect(within(byTestId("onboarding")).getByRole("heading", { level: 1 }).textContent).toBe("Welcome to Hearth");
  });

  it("says it is looking for local servers, then shows a card for each one found", () => {
    const { rerenderWith } = renderOnboarding({ localServers: null });
    expect(byTestId("onboarding-probing").textContent).toMatch(/Looking for Ollama and LM Studio/);
    expect(screen.queryByTestId("onboarding-local-ollama")).toBeNull();

    rerenderWith({ localServers: [OLLAMA, LMSTUDIO] });
    expect(screen.queryByTestId("onboarding-probing")).toBeNull();
    expect(byTestId("onboarding-local-ollama").textContent).toContain("Ollama — 2 models found");
    expect(byTestId("onboarding-local-ollama").textContent).toContain("http://127.0.0.1:11434/v1");
    expect(byTestId("onboarding-local-lmstudio").textContent).toContain("LM Studio — 1 model found");
  });

  it("shows no local card when none answered", () => {
    renderOnboarding({ localServers: [] });
    expect(screen.queryByTestId("onboarding-local-ollama")).toBeNull();
    expect(screen.queryByTestId("onboarding-local-lmstudio")).toBeNull();
    expect(byTestId("onboarding-no-local")).toBeTruthy();
  });

  it("does not take the focus when it appears, but gives the heading it on the way back", async () => {
    const { user } = renderOnboarding();
    expect(document.activeElement).toBe(document.body);
    await user.click(byTestId("onboarding-provider-openai"));
    await user.click(byTestId("onboarding-back"));
    expect(document.activeElement).toBe(screen.getByRole("heading", { level: 1 }));
  });

  it("shows where the user is in the three steps", async () => {
    const { user } = renderOnboarding();
    const current = () => screen.getByRole("list", { name: "Setup steps" }).querySelector("[aria-current='step']");
    expect(current()?.textContent).toBe("1Provider");
    await user.click(byTestId("onboarding-provider-openai"));
    expect(current()?.textContent).toBe("2Connect");
  });

  it("can be skipped", async () => {
    const { user, props } = renderOnboarding();
    await user.click(byTestId("onboarding-skip"));
    expect(props.onSkip).toHaveBeenCalledOnce();
  });
});

describe("Onboarding step 2: connect", () => {
  it("asks Anthropic for a key, with the label prefilled, and no URL", async () => {
    const { user } = renderOnboarding();
    await user.click(byTestId("onboarding-provider-anthropic"));
    expect(step()).toBe("details");
    expect(input("onboarding-label").value).toBe("Anthropic");
    expect(input("onboarding-api-key").type).toBe("password");
    expect(screen.queryByTestId("onboarding-base-url")).toBeNull();
    expect(document.activeElement, "the cursor waits in the key field").toBe(input("onboarding-api-key"));
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Connect Anthropic");
  });

  it("labels OpenAI after it", async () => {
    const { user } = renderOnboarding();
    await user.click(byTestId("onboarding-provider-openai"));
    expect(input("onboarding-label").value).toBe("OpenAI");
  });

  it("asks a compatible server for its URL and an optional key", async () => {
    const { user, props } = renderOnboarding();
    await user.click(byTestId("onboarding-provider-openai_compatible"));
    expect(document.activeElement).toBe(input("onboarding-base-url"));
    expect(screen.getByText("API key (optional)")).toBeTruthy();
    await user.type(input("onboarding-base-url"), "http://gpu-box:8000/v1");
    await user.click(byTestId("onboarding-test"));
    expect(props.onConnect).toHaveBeenCalledExactlyOnceWith({
      label: "OpenAI-compatible",
      kind: "openai_compatible",
      base_url: "http://gpu-box:8000/v1",
    });
  });

  it("fills a local server in from the probe and sends no key", async () => {
    const { user, props } = renderOnboarding({ localServers: [OLLAMA] });
    await user.click(byTestId("onboarding-local-ollama"));
    expect(input("onboarding-label").value).toBe("Ollama");
    expect(input("onboarding-base-url").value).toBe("http://127.0.0.1:11434/v1");
    expect(screen.queryByTestId("onboarding-api-key")).toBeNull();
    expect(document.activeElement, "nothing to type: Test is next").toBe(byTestId("onboarding-test"));
    await user.click(byTestId("onboarding-test"));
    expect(props.onConnect).toHaveBeenCalledExactlyOnceWith({
      label: "Ollama",
      kind: "openai_compatible",
      base_url: "http://127.0.0.1:11434/v1",
    });
  });

  it("checks the fields before sending anything", async () => {
    const { user, props } = renderOnboarding();
    await user.click(byTestId("onboarding-provider-openai"));
    await user.clear(input("onboarding-label"));
    await user.click(byTestId("onboarding-test"));
    expect(props.onConnect).not.toHaveBeenCalled();
    const error = byTestId("onboarding-error");
    expect(error.textContent).toMatch(/label/);
    expect(error.textContent).toMatch(/OpenAI needs an API key/);
    expect(input("onboarding-label").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement, "the first bad field").toBe(input("onboarding-label"));

    await user.type(input("onboarding-label"), "Work");
    expect(screen.queryByTestId("onboarding-error"), "editing takes the old problems away").toBeNull();
  });

  it("tests, says so meanwhile, and clears the key as it is sent", async () => {
    const pending = deferred<ConnectResult>();
    const { user, props } = renderOnboarding({ onConnect: vi.fn(() => pending.promise) });
    await user.click(byTestId("onboarding-provider-anthropic"));
    await user.type(input("onboarding-api-key"), "sk-ant-secret");
    await user.click(byTestId("onboarding-test"));
    expect(props.onConnect).toHaveBeenCalledExactlyOnceWith({ label: "Anthropic", kind: "anthropic", api_key: "sk-ant-secret" });
    expect(input("onboarding-api-key").value).toBe("");
    expect((byTestId("onboarding-test") as HTMLButtonElement).disabled).toBe(true);
    expect((byTestId("onboarding-back") as HTMLButtonElement).disabled).toBe(true);
    expect(byTestId("onboarding-testing").textContent).toMatch(/Testing/);
    pending.resolve({ ok: false, error: AUTH_FAILED });
    await screen.findByTestId("onboarding-error");
  });

  it("shows a failed test's error with its hint, and tries again on the same step", async () => {
    const onConnect = vi
      .fn<OnboardingProps["onConnect"]>()
      .mockResolvedValueOnce({ ok: false, error: AUTH_FAILED })
      .mockResolvedValueOnce({ ok: true, account: account(), check: { models: 2 } });
    const { user } = renderOnboarding({ onConnect });
    await user.click(byTestId("onboarding-provider-anthropic"));
    await user.type(input("onboarding-api-key"), "sk-ant-bad");
    await user.click(byTestId("onboarding-test"));

    const error = await screen.findByTestId("onboarding-error");
    expect(error.dataset.errorCode).toBe("AUTH_FAILED");
    expect(error.textContent).toContain("401: invalid x-api-key");
    expect(within(error).getByTestId("onboarding-error-hint").textContent).toMatch(/API key/);
    expect(step()).toBe("details");
    expect(document.activeElement, "back in the key field for the next try").toBe(input("onboarding-api-key"));

    await user.type(input("onboarding-api-key"), "sk-ant-good");
    expect(screen.queryByTestId("onboarding-error")).toBeNull();
    await user.click(byTestId("onboarding-test"));
    expect(onConnect).toHaveBeenLastCalledWith({ label: "Anthropic", kind: "anthropic", api_key: "sk-ant-good" });
    await screen.findByTestId("onboarding-model");
  });

  it("goes back to the choices", async () => {
    const { user } = renderOnboarding();
    await user.click(byTestId("onboarding-provider-openai"));
    await user.click(byTestId("onboarding-back"));
    expect(step()).toBe("provider");
    expect(byTestId("onboarding-provider-anthropic")).toBeTruthy();
  });

  it("can be skipped", async () => {
    const { user, props } = renderOnboarding();
    await user.click(byTestId("onboarding-provider-openai"));
    await user.click(byTestId("onboarding-skip"));
    expect(props.onSkip).toHaveBeenCalledOnce();
  });
});

describe("Onboarding step 3: pick a model", () => {
  async function connected(overrides: Partial<OnboardingProps> = {}) {
    const view = renderOnboarding(overrides);
    await view.user.click(byTestId("onboarding-provider-anthropic"));
    await view.user.type(input("onboarding-api-key"), "sk-ant-x");
    await view.user.click(byTestId("onboarding-test"));
    return view;
  }

  it("offers the new account's models only, the first preselected", async () => {
    const { props } = await connected();
    const select = (await screen.findByTestId("onboarding-model")) as HTMLSelectElement;
    expect(props.onListModels).toHaveBeenCalledOnce();
    expect([...select.options].map((o) => o.value)).toEqual(["anthropic/claude-haiku-4-5", "anthropic/claude-sonnet-4-5"]);
    expect(select.options[1]?.textContent).toBe("claude-sonnet-4-5 · vision, tools, reasoning");
    expect(select.value).toBe("anthropic/claude-haiku-4-5");
    expect(byTestId("onboarding-connected").textContent).toContain("Anthropic");
    expect(document.activeElement).toBe(select);
  });

  it("preselects the account's default model", async () => {
    await connected({
      onConnect: vi.fn(() =>
        Promise.resolve<ConnectResult>({ ok: true, account: account({ default_model: "claude-sonnet-4-5" }), check: { models: 2 } }),
      ),
    });
    expect(((await screen.findByTestId("onboarding-model")) as HTMLSelectElement).value).toBe("anthropic/claude-sonnet-4-5");
  });

  it("starts the chat with the chosen model", async () => {
    const { user, props } = await connected();
    await user.selectOptions(await screen.findByTestId("onboarding-model"), "anthropic/claude-sonnet-4-5");
    await user.click(byTestId("onboarding-start"));
    expect(props.onStart).toHaveBeenCalledExactlyOnceWith("anthropic/claude-sonnet-4-5");
  });

  it("waits for the models before it can start", async () => {
    const models = deferred<ModelsResult>();
    const { user, props } = await connected({ onListModels: vi.fn(() => models.promise) });
    expect(step()).toBe("model");
    expect((byTestId("onboarding-start") as HTMLButtonElement).disabled).toBe(true);
    await user.click(byTestId("onboarding-start"));
    expect(props.onStart).not.toHaveBeenCalled();
    models.resolve({ ok: true, list: MODELS });
    await screen.findByTestId("onboarding-model");
    expect((byTestId("onboarding-start") as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows why starting failed, and tries again", async () => {
    const onStart = vi
      .fn<OnboardingProps["onStart"]>()
      .mockResolvedValueOnce({ code: "INVALID_MODEL", message: "unknown model" })
      .mockResolvedValueOnce(null);
    const { user } = await connected({ onStart });
    await screen.findByTestId("onboarding-model");
    await user.click(byTestId("onboarding-start"));
    expect((await screen.findByTestId("onboarding-error")).textContent).toContain("Couldn’t start the chat: unknown model");
    await user.click(byTestId("onboarding-start"));
    expect(onStart).toHaveBeenCalledTimes(2);
  });

  it("still starts a chat, with the default model, when the models could not be listed", async () => {
    const { user, props } = await connected({
      onListModels: vi.fn(() => Promise.resolve<ModelsResult>({ ok: false, error: { code: "NETWORK", message: "offline" } })),
    });
    const error = await screen.findByTestId("onboarding-error");
    expect(error.textContent).toContain("Couldn’t list the models: offline");
    const select = byTestId("onboarding-model") as HTMLSelectElement;
    expect(select.disabled).toBe(true);
    await user.click(byTestId("onboarding-start"));
    expect(props.onStart).toHaveBeenCalledExactlyOnceWith(null);
  });

  it("can be skipped", async () => {
    const { user, props } = await connected();
    await screen.findByTestId("onboarding-model");
    await user.click(byTestId("onboarding-skip"));
    expect(props.onSkip).toHaveBeenCalledOnce();
    expect(props.onStart).not.toHaveBeenCalled();
  });
});
