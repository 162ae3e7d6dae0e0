import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useRef, useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { UiError } from "../api";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { NewAccount } from "../bindings/NewAccount";
import { settings } from "../test/fixtures";
import type { AccountTestResult } from "./AccountList";
import { SettingsDialog, type SettingsDialogProps } from "./SettingsDialog";

const ACCOUNTS: AccountInfo[] = [
  {
    id: "env:openai",
    label: "OpenAI (environment)",
    kind: "openai",
    base_url: "https://api.openai.com/v1",
    default_model: null,
    source: "env",
    has_key: true,
  },
  {
    id: "ollama",
    label: "Ollama",
    kind: "openai_compatible",
    base_url: "http://127.0.0.1:11434/v1",
    default_model: "llama3.2",
    source: "settings",
    has_key: false,
  },
];

/** The sections other than Accounts, loaded and empty, with callbacks that succeed. */
const OTHER_SECTIONS = {
  tools: [],
  toolsFailed: false,
  onReloadTools: () => undefined,
  rules: [],
  rulesFailed: false,
  onReloadRules: () => undefined,
  onSetToolPolicy: () => Promise.resolve(null),
  onAddRule: () => Promise.resolve(null),
  onRemoveRule: () => Promise.resolve(null),
  mcpServers: [],
  mcpServersFailed: false,
  onReloadMcpServers: () => undefined,
  onAddMcpServer: () => Promise.resolve(null),
  onUpdateMcpServer: () => Promise.resolve(null),
  onRemoveMcpServer: () => Promise.resolve(null),
  onTestMcpServer: (name: string) => Promise.resolve({ ok: false as const, error: { code: "UNKNOWN" as const, message: name } }),
  settings: settings(),
  settingsFailed: false,
  onReloadSettings: () => undefined,
  onUpdateSettings: () => Promise.resolve(null),
  health: [],
  healthFailed: false,
  onCheckHealth: () => Promise.resolve(),
  sessions: [],
  models: null,
  onOpenSession: () => undefined,
  schedules: [],
  schedulesFailed: false,
  onReloadSchedules: () => undefined,
  onAddSchedule: () => Promise.resolve(null),
  onUpdateSchedule: () => Promise.resolve(null),
  onRemoveSchedule: () => Promise.resolve(null),
  onRunScheduleNow: () => Promise.resolve({ ok: false as const, error: { code: "UNKNOWN" as const, message: "no" } }),
  onLoadScheduleRuns: () => Promise.resolve({ ok: true as const, value: [] }),
  hooks: [],
  hooksFailed: false,
  onReloadHooks: () => undefined,
  apiUrl: null,
  onAddHook: () => Promise.resolve({ ok: false as const, error: { code: "UNKNOWN" as const, message: "no" } }),
  onUpdateHook: () => Promise.resolve({ ok: false as const, error: { code: "UNKNOWN" as const, message: "no" } }),
  onRemoveHook: () => Promise.resolve(null),
  onQueryLogs: () => Promise.resolve([]),
  presets: {
    presets: [],
    failed: false,
    onReload: () => undefined,
    onAdd: () => Promise.resolve(null),
    onUpdate: () => Promise.resolve(null),
    onRemove: () => Promise.resolve(null),
  },
  memory: {
    memories: [],
    failed: false,
    onReload: () => undefined,
    onSearch: () => Promise.resolve([]),
    onAdd: () => Promise.resolve(null),
    onUpdate: () => Promise.resolve(null),
    onRemove: () => Promise.resolve(null),
  },
} satisfies Partial<SettingsDialogProps>;

function renderDialog(overrides: Partial<SettingsDialogProps> = {}) {
  const props: SettingsDialogProps = {
    ...OTHER_SECTIONS,
    accounts: ACCOUNTS,
    accountsFailed: false,
    accountUsage: null,
    onReloadAccounts: vi.fn(),
    onAddAccount: vi.fn(() => Promise.resolve(null)),
    onRemoveAccount: vi.fn(() => Promise.resolve(null)),
    onUpdateAccount: vi.fn(() => Promise.resolve(null)),
    onTestAccount: vi.fn(() => Promise.resolve<AccountTestResult>({ ok: true, check: { models: 3 } })),
    onClose: vi.fn(),
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<SettingsDialog {...props} />);
  return { props, user, ...view };
}

const items = () => screen.getAllByTestId("account-item");
const item = (id: string) => {
  const found = items().find((i) => i.dataset.accountId === id);
  if (!found) throw new Error(`no account row for ${id}`);
  return found;
};
const field = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

/** A promise the test settles by hand, to look at the form while a call is pending. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("SettingsDialog", () => {
  it("is a labelled modal dialog that takes focus when it opens", () => {
    renderDialog();
    const dialog = screen.getByRole("dialog", { name: "Settings" });
    expect(dialog.dataset.testid).toBe("settings-dialog");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(dialog.contains(document.activeElement), "focus moved into the dialog").toBe(true);
    expect(within(dialog).getByRole("heading", { name: "Model accounts" })).toBeTruthy();
  });

  it("closes on Escape and from the close button", async () => {
    const { user, props } = renderDialog();
    await user.click(field("account-add-label"));
    await user.keyboard("{Escape}");
    expect(props.onClose).toHaveBeenCalledTimes(1);
    await user.click(screen.getByTestId("settings-close"));
    expect(props.onClose).toHaveBeenCalledTimes(2);
  });

  it("keeps Tab and Shift+Tab inside the dialog", async () => {
    const outside = document.createElement("button");
    outside.textContent = "behind the dialog";
    document.body.append(outside);
    try {
      const { user } = renderDialog();
      const dialog = screen.getByTestId("settings-dialog");
      const close = screen.getByTestId("settings-close");
      const submit = screen.getByTestId("account-add-submit");

      await user.tab();
      expect(document.activeElement, "the first control comes first").toBe(close);
      await user.tab({ shift: true });
      expect(document.activeElement, "Shift+Tab from the first wraps to the last").toBe(submit);
      await user.tab();
      expect(document.activeElement, "Tab from the last wraps to the first").toBe(close);

      for (let i = 0; i < 30; i++) {
        await user.tab();
        expect(dialog.contains(document.activeElement), `tab ${i} stays inside`).toBe(true);
      }
      act(() => outside.focus());
      expect(dialog.contains(document.activeElement), "focus sent outside comes back").toBe(true);
    } finally {
      outside.remove();
    }
  });

  it("gives focus back to the gear button when it closes", async () => {
    function Harness() {
      const [open, setOpen] = useState(false);
      const gear = useRef<HTMLButtonElement>(null);
      return (
        <>
          <button ref={gear} data-testid="settings-open" onClick={() => setOpen(true)}>
            Settings
          </button>
          <input data-testid="elsewhere" />
          {open && (
            <SettingsDialog
              {...OTHER_SECTIONS}
              accounts={[]}
              accountsFailed={false}
              accountUsage={null}
              onReloadAccounts={() => undefined}
              onAddAccount={() => Promise.resolve(null)}
              onRemoveAccount={() => Promise.resolve(null)}
              onUpdateAccount={() => Promise.resolve(null)}
              onTestAccount={() => Promise.resolve({ ok: true, check: { models: 0 } })}
              onClose={() => setOpen(false)}
              returnFocusRef={gear}
            />
          )}
        </>
      );
    }
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByTestId("settings-open"));
    expect(screen.getByTestId("settings-dialog").contains(document.activeElement)).toBe(true);
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("settings-dialog")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("settings-open"));
  });
});

describe("SettingsDialog account list", () => {
  it("shows each account's label, id, kind, URL, default model, key and source", () => {
    renderDialog();
    expect(items().map((i) => i.dataset.accountId)).toEqual(["env:openai", "ollama"]);
    expect(items().map((i) => i.dataset.source)).toEqual(["env", "settings"]);

    const env = within(item("env:openai"));
    expect(env.getByTestId("account-label").textContent).toBe("OpenAI (environment)");
    expect(env.getByText("env:openai").tagName, "the id is monospace code").toBe("CODE");
    expect(env.getByTestId("account-kind").textContent).toBe("OpenAI");
    expect(env.getByTestId("account-url").textContent).toBe("https://api.openai.com/v1");
    expect(env.getByTestId("account-default-model").textContent).toBe("none");
    expect(env.getByTestId("account-key").textContent).toBe("key stored");
    expect(env.getByText("from environment")).toBeTruthy();

    const ollama = within(item("ollama"));
    expect(ollama.getByTestId("account-kind").textContent).toBe("OpenAI-compatible");
    expect(ollama.getByTestId("account-url").textContent).toBe("http://127.0.0.1:11434/v1");
    expect(ollama.getByTestId("account-default-model").textContent).toBe("llama3.2");
    expect(ollama.getByTestId("account-key").textContent).toBe("no key");
    expect(ollama.queryByText("from environment")).toBeNull();
  });

  it("offers no Remove for accounts from the environment", () => {
    renderDialog();
    expect(within(item("env:openai")).queryByTestId("account-remove")).toBeNull();
    expect(within(item("ollama")).getByTestId("account-remove").getAttribute("aria-label")).toBe("Remove “Ollama”");
  });

  it("removes only after the inline confirm, and can be cancelled", async () => {
    const { user, props } = renderDialog();
    const row = within(item("ollama"));
    await user.click(row.getByTestId("account-remove"));
    expect(props.onRemoveAccount, "one click is not enough").not.toHaveBeenCalled();
    expect(row.getByTestId("account-remove-confirm")).toBeTruthy();
    expect(document.activeElement, "focus moves to the safe choice").toBe(row.getByTestId("account-remove-cancel"));

    await user.click(row.getByTestId("account-remove-cancel"));
    expect(row.queryByTestId("account-remove-confirm")).toBeNull();
    expect(document.activeElement, "focus goes back to Remove").toBe(row.getByTestId("account-remove"));
    expect(props.onRemoveAccount).not.toHaveBeenCalled();

    await user.click(row.getByTestId("account-remove"));
    await user.click(row.getByTestId("account-remove-confirm"));
    expect(props.onRemoveAccount).toHaveBeenCalledExactlyOnceWith("ollama");
  });

  it("shows a failed removal on the row", async () => {
    const onRemoveAccount = vi.fn(() => Promise.resolve<UiError | null>({ code: "STORAGE", message: "disk full" }));
    const { user } = renderDialog({ onRemoveAccount });
    const row = within(item("ollama"));
    await user.click(row.getByTestId("account-remove"));
    await user.click(row.getByTestId("account-remove-confirm"));
    expect(row.getByTestId("account-remove-error").textContent).toContain("disk full");
    expect(row.getByTestId("account-remove"), "the row is back to its Remove button").toBeTruthy();
  });

  it("shows loading, then a retry if the list could not be read, and an empty list", async () => {
    const { rerender, props, user } = renderDialog({ accounts: null });
    expect(screen.getByText("Loading accounts…")).toBeTruthy();
    rerender(<SettingsDialog {...props} accountsFailed />);
    await user.click(screen.getByTestId("account-list-retry"));
    expect(props.onReloadAccounts).toHaveBeenCalledTimes(1);
    rerender(<SettingsDialog {...props} accounts={[]} />);
    expect(screen.getByTestId("account-list").textContent).toMatch(/No accounts yet/);
  });
});

describe("SettingsDialog add account form", () => {
  it("starts as an OpenAI account at OpenAI's URL, with a password field for the key", () => {
    renderDialog();
    expect((screen.getByTestId("account-add-kind") as HTMLSelectElement).value).toBe("openai");
    expect(field("account-add-url").value).toBe("https://api.openai.com/v1");
    expect(field("account-add-key").type).toBe("password");
    expect(field("account-add-key").autocomplete).toBe("off");
  });

  it("sends the trimmed NewAccount and clears the key field", async () => {
    const { user, props } = renderDialog();
    await user.type(field("account-add-label"), "  Work  ");
    await user.type(field("account-add-key"), "sk-secret-123");
    await user.type(field("account-add-model"), "gpt-4o");
    await user.click(screen.getByTestId("account-add-submit"));

    expect(props.onAddAccount).toHaveBeenCalledExactlyOnceWith({
      label: "Work",
      kind: "openai",
      base_url: "https://api.openai.com/v1",
      api_key: "sk-secret-123",
      default_model: "gpt-4o",
    } satisfies NewAccount);
    expect(field("account-add-key").value).toBe("");
    expect(field("account-add-label").value, "the form is ready for another account").toBe("");
    expect(screen.getByTestId("account-add-done").textContent).toContain("Work");
    expect(document.body.innerHTML, "the key is nowhere on the page").not.toContain("sk-secret-123");
  });

  it("clears the key as soon as it is sent, before the backend answers", async () => {
    const answer = deferred<UiError | null>();
    const { user, props } = renderDialog({ onAddAccount: vi.fn(() => answer.promise) });
    await user.type(field("account-add-label"), "Work");
    await user.type(field("account-add-key"), "sk-secret-123{Enter}");
    expect(props.onAddAccount).toHaveBeenCalledTimes(1);
    expect(field("account-add-key").value).toBe("");
    expect((screen.getByTestId("account-add-submit") as HTMLButtonElement).disabled, "no double submit").toBe(true);
    await act(async () => answer.resolve(null));
    expect((screen.getByTestId("account-add-submit") as HTMLButtonElement).disabled).toBe(false);
  });

  it("fills the URL from the Ollama and LM Studio buttons, as an OpenAI-compatible account", async () => {
    const { user, props } = renderDialog();
    await user.click(screen.getByTestId("account-preset-ollama"));
    expect(field("account-add-url").value).toBe("http://127.0.0.1:11434/v1");
    expect((screen.getByTestId("account-add-kind") as HTMLSelectElement).value).toBe("openai_compatible");
    expect(field("account-add-label").value).toBe("Ollama");

    await user.click(screen.getByTestId("account-preset-lmstudio"));
    expect(field("account-add-url").value).toBe("http://127.0.0.1:1234/v1");
    expect(field("account-add-label").value, "a label already there stays").toBe("Ollama");

    await user.click(screen.getByTestId("account-add-submit"));
    expect(props.onAddAccount, "no key needed for a local server").toHaveBeenCalledExactlyOnceWith({
      label: "Ollama",
      kind: "openai_compatible",
      base_url: "http://127.0.0.1:1234/v1",
    });
  });

  it("offers OpenAI, OpenAI-compatible and Anthropic, each with its own URL", async () => {
    const { user, props } = renderDialog();
    const kind = screen.getByTestId("account-add-kind") as HTMLSelectElement;
    expect([...kind.options].map((o) => [o.value, o.textContent])).toEqual([
      ["openai", "OpenAI"],
      ["openai_compatible", "OpenAI-compatible"],
      ["anthropic", "Anthropic"],
    ]);
    await user.selectOptions(kind, "anthropic");
    expect(field("account-add-url").value).toBe("https://api.anthropic.com");
    await user.type(field("account-add-label"), "Claude");
    await user.type(field("account-add-key"), "sk-ant-1");
    await user.click(screen.getByTestId("account-add-submit"));
    expect(props.onAddAccount).toHaveBeenCalledExactlyOnceWith({
      label: "Claude",
      kind: "anthropic",
      base_url: "https://api.anthropic.com",
      api_key: "sk-ant-1",
    });
  });

  it("empties OpenAI's URL when switching to OpenAI-compatible, which then needs one", async () => {
    const { user, props } = renderDialog();
    await user.selectOptions(screen.getByTestId("account-add-kind"), "openai_compatible");
    expect(field("account-add-url").value).toBe("");
    await user.type(field("account-add-label"), "Box");
    await user.click(screen.getByTestId("account-add-submit"));
    expect(props.onAddAccount).not.toHaveBeenCalled();
    expect(screen.getByTestId("account-add-error").textContent).toMatch(/base URL/);
    expect(field("account-add-url").getAttribute("aria-invalid")).toBe("true");
  });

  it("checks the label and URL before sending, marks the fields and focuses the first", async () => {
    const { user, props } = renderDialog();
    await user.clear(field("account-add-url"));
    await user.type(field("account-add-url"), "api.example.com/v1");
    await user.type(field("account-add-key"), "sk-x");
    await user.click(screen.getByTestId("account-add-submit"));
    expect(props.onAddAccount).not.toHaveBeenCalled();

    const error = screen.getByTestId("account-add-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toMatch(/label/i);
    expect(error.textContent).toMatch(/http:\/\/ or https:\/\//);
    expect(field("account-add-label").getAttribute("aria-invalid")).toBe("true");
    expect(field("account-add-url").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(field("account-add-label"));
    expect(field("account-add-key").value, "nothing was sent, so the key is still there to fix the rest").toBe("sk-x");

    await user.type(field("account-add-label"), "x".repeat(61));
    expect(screen.queryByTestId("account-add-error"), "editing clears the messages").toBeNull();
    await user.click(screen.getByTestId("account-add-submit"));
    expect(screen.getByTestId("account-add-error").textContent).toMatch(/60/);
  });

  it("shows the backend's error inline and keeps the other fields", async () => {
    const onAddAccount = vi.fn(() =>
      Promise.resolve<UiError | null>({ code: "KEYRING_UNAVAILABLE", message: "the system keyring is locked" }),
    );
    const { user } = renderDialog({ onAddAccount });
    await user.type(field("account-add-label"), "Work");
    await user.type(field("account-add-key"), "sk-secret-123");
    await user.click(screen.getByTestId("account-add-submit"));

    const error = screen.getByTestId("account-add-error");
    expect(error.textContent).toContain("the system keyring is locked");
    expect(error.dataset.errorCode).toBe("KEYRING_UNAVAILABLE");
    expect(field("account-add-label").value).toBe("Work");
    expect(field("account-add-key").value, "the key is not kept, even after a failure").toBe("");
    expect(screen.queryByTestId("account-add-done")).toBeNull();
  });
});

describe("SettingsDialog account Test", () => {
  it("is offered on every account, from the environment too; Edit only on settings accounts", () => {
    renderDialog();
    expect(within(item("env:openai")).getByTestId("account-test").getAttribute("aria-label")).toBe("Test “OpenAI (environment)”");
    expect(within(item("env:openai")).queryByTestId("account-edit")).toBeNull();
    expect(within(item("ollama")).getByTestId("account-test")).toBeTruthy();
    expect(within(item("ollama")).getByTestId("account-edit").getAttribute("aria-label")).toBe("Edit “Ollama”");
  });

  it("shows how many models the server lists, on that row only", async () => {
    const answer = deferred<AccountTestResult>();
    const { user, props } = renderDialog({ onTestAccount: vi.fn(() => answer.promise) });
    const row = within(item("env:openai"));
    await user.click(row.getByTestId("account-test"));
    expect(props.onTestAccount).toHaveBeenCalledExactlyOnceWith("env:openai");
    const button = row.getByTestId("account-test") as HTMLButtonElement;
    expect(button.disabled, "one test at a time").toBe(true);
    expect(button.textContent).toBe("Testing…");

    await act(async () => answer.resolve({ ok: true, check: { models: 12 } }));
    const result = row.getByTestId("account-test-result");
    expect(result.textContent).toBe("Connected · 12 models");
    expect(result.dataset.ok).toBe("true");
    expect(within(item("ollama")).queryByTestId("account-test-result")).toBeNull();
    expect(button.disabled).toBe(false);
  });

  it("shows the error's message and what to do about it", async () => {
    const onTestAccount = vi.fn(() =>
      Promise.resolve<AccountTestResult>({ ok: false, error: { code: "AUTH_FAILED", message: "401: invalid API key" } }),
    );
    const { user } = renderDialog({ onTestAccount });
    const row = within(item("ollama"));
    await user.click(row.getByTestId("account-test"));
    const result = row.getByTestId("account-test-result");
    expect(result.dataset.ok).toBe("false");
    expect(result.dataset.errorCode).toBe("AUTH_FAILED");
    expect(result.getAttribute("role")).toBe("alert");
    expect(result.textContent).toContain("401: invalid API key");
    expect(row.getByTestId("account-error-hint").textContent).toBe(
      "Check the API key in Settings → Model accounts (Replace key).",
    );
  });

  it("shows no hint for an error without one, and clears the last answer when testing again", async () => {
    const onTestAccount = vi
      .fn<(id: string) => Promise<AccountTestResult>>()
      .mockResolvedValueOnce({ ok: false, error: { code: "NETWORK", message: "connection refused" } })
      .mockResolvedValueOnce({ ok: false, error: { code: "UNKNOWN", message: "command account_test not found" } });
    const { user } = renderDialog({ onTestAccount });
    const row = within(item("ollama"));
    await user.click(row.getByTestId("account-test"));
    expect(row.getByTestId("account-error-hint").textContent).toMatch(/could not reach the provider/);
    await user.click(row.getByTestId("account-test"));
    expect(row.getByTestId("account-test-result").textContent).toContain("command account_test not found");
    expect(row.queryByTestId("account-error-hint")).toBeNull();
  });
});

describe("SettingsDialog account Edit", () => {
  const KEYED: AccountInfo = {
    id: "lm-studio",
    label: "LM Studio",
    kind: "openai_compatible",
    base_url: "http://127.0.0.1:1234/v1",
    default_model: "qwen2.5-7b",
    source: "settings",
    has_key: true,
  };

  it("opens in place with the account's values, an empty password field for the key, and focus on the label", async () => {
    const { user } = renderDialog({ accounts: [...ACCOUNTS, KEYED] });
    const row = within(item("lm-studio"));
    await user.click(row.getByTestId("account-edit"));
    expect(field("account-edit-label").value).toBe("LM Studio");
    expect(field("account-edit-url").value).toBe("http://127.0.0.1:1234/v1");
    expect(field("account-edit-model").value).toBe("qwen2.5-7b");
    expect(field("account-edit-key").value).toBe("");
    expect(field("account-edit-key").type).toBe("password");
    expect(field("account-edit-key").autocomplete).toBe("off");
    expect(document.activeElement).toBe(field("account-edit-label"));
    expect(row.queryByTestId("account-remove"), "the row's actions wait while editing").toBeNull();
  });

  it("saves only the changed fields with the replacement key, clears the key as it is sent, then closes", async () => {
    const answer = deferred<UiError | null>();
    const { user, props } = renderDialog({ accounts: [...ACCOUNTS, KEYED], onUpdateAccount: vi.fn(() => answer.promise) });
    const row = within(item("lm-studio"));
    await user.click(row.getByTestId("account-edit"));
    await user.clear(field("account-edit-label"));
    await user.type(field("account-edit-label"), " Desk GPU ");
    await user.type(field("account-edit-key"), "sk-rotated-42");
    await user.click(screen.getByTestId("account-edit-save"));

    expect(props.onUpdateAccount).toHaveBeenCalledExactlyOnceWith("lm-studio", { label: "Desk GPU", api_key: "sk-rotated-42" });
    expect(field("account-edit-key").value, "cleared before the backend answers").toBe("");
    expect((screen.getByTestId("account-edit-save") as HTMLButtonElement).disabled, "no double save").toBe(true);
    expect(document.body.innerHTML).not.toContain("sk-rotated-42");

    await act(async () => answer.resolve(null));
    expect(screen.queryByTestId("account-edit-label"), "the row shows its details again").toBeNull();
    expect(document.activeElement, "focus goes back to Edit").toBe(row.getByTestId("account-edit"));
  });

  it("sends nothing when nothing changed, and an empty key field keeps the key", async () => {
    const { user, props } = renderDialog({ accounts: [...ACCOUNTS, KEYED] });
    await user.click(within(item("lm-studio")).getByTestId("account-edit"));
    await user.click(screen.getByTestId("account-edit-save"));
    expect(props.onUpdateAccount).not.toHaveBeenCalled();
    expect(screen.queryByTestId("account-edit-label")).toBeNull();

    await user.click(within(item("lm-studio")).getByTestId("account-edit"));
    await user.clear(field("account-edit-model"));
    await user.click(screen.getByTestId("account-edit-save"));
    expect(props.onUpdateAccount, "a cleared default model is sent as empty").toHaveBeenCalledExactlyOnceWith("lm-studio", {
      default_model: "",
    });
  });

  it("removes the key with an empty api_key, as its own action", async () => {
    const { user, props, rerender } = renderDialog({ accounts: [...ACCOUNTS, KEYED] });
    await user.click(within(item("lm-studio")).getByTestId("account-edit"));
    await user.type(field("account-edit-label"), " 2");
    await user.click(screen.getByTestId("account-remove-key"));
    expect(props.onUpdateAccount).toHaveBeenCalledExactlyOnceWith("lm-studio", { api_key: "" });
    expect(screen.getByRole("status").textContent).toMatch(/Key removed/);
    expect(field("account-edit-label").value, "other edits wait for Save").toBe("LM Studio 2");

    // The list comes back without the key: no key to remove any more.
    rerender(<SettingsDialog {...props} accounts={[...ACCOUNTS, { ...KEYED, has_key: false }]} />);
    expect(screen.queryByTestId("account-remove-key")).toBeNull();
    expect(document.activeElement).toBe(field("account-edit-key"));
    expect(within(item("ollama")).queryByTestId("account-edit-label")).toBeNull();
  });

  it("offers no Remove key for an account without one", async () => {
    const { user } = renderDialog();
    await user.click(within(item("ollama")).getByTestId("account-edit"));
    expect(screen.queryByTestId("account-remove-key")).toBeNull();
  });

  it("shows the backend's refusal inline with its hint, keeps the fields, and still forgets the key", async () => {
    const onUpdateAccount = vi.fn(() =>
      Promise.resolve<UiError | null>({ code: "NETWORK", message: "the keyring could not be reached" }),
    );
    const { user } = renderDialog({ accounts: [...ACCOUNTS, KEYED], onUpdateAccount });
    await user.click(within(item("lm-studio")).getByTestId("account-edit"));
    await user.clear(field("account-edit-url"));
    await user.type(field("account-edit-url"), "http://gpu-box:1234/v1");
    await user.type(field("account-edit-key"), "sk-secret-9");
    await user.click(screen.getByTestId("account-edit-save"));

    const error = screen.getByTestId("account-edit-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.dataset.errorCode).toBe("NETWORK");
    expect(error.textContent).toContain("the keyring could not be reached");
    expect(within(error).getByTestId("account-error-hint").textContent).toMatch(/check the base URL/);
    expect(field("account-edit-url").value).toBe("http://gpu-box:1234/v1");
    expect(field("account-edit-key").value, "the key is not kept, even after a failure").toBe("");
  });

  it("checks the fields before sending and marks the first bad one", async () => {
    const { user, props } = renderDialog();
    await user.click(within(item("ollama")).getByTestId("account-edit"));
    await user.clear(field("account-edit-label"));
    await user.clear(field("account-edit-url"));
    await user.type(field("account-edit-url"), "gpu-box:1234");
    await user.click(screen.getByTestId("account-edit-save"));
    expect(props.onUpdateAccount).not.toHaveBeenCalled();
    const error = screen.getByTestId("account-edit-error");
    expect(error.textContent).toMatch(/label/);
    expect(error.textContent).toMatch(/http:\/\/ or https:\/\//);
    expect(field("account-edit-label").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(field("account-edit-label"));
  });

  it("leaves without saving on Cancel or Escape, and Escape does not close Settings", async () => {
    const { user, props } = renderDialog();
    const row = within(item("ollama"));
    await user.click(row.getByTestId("account-edit"));
    await user.type(field("account-edit-label"), " changed");
    await user.click(screen.getByTestId("account-edit-cancel"));
    expect(screen.queryByTestId("account-edit-label")).toBeNull();
    expect(row.getByTestId("account-label").textContent).toBe("Ollama");

    await user.click(row.getByTestId("account-edit"));
    expect(field("account-edit-label").value, "a new edit starts from the account").toBe("Ollama");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("account-edit-label")).toBeNull();
    expect(props.onClose).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(row.getByTestId("account-edit"));
    expect(props.onUpdateAccount).not.toHaveBeenCalled();
  });

  it("forgets the last Test's answer once a change is saved", async () => {
    const { user } = renderDialog();
    const row = within(item("ollama"));
    await user.click(row.getByTestId("account-test"));
    expect(row.getByTestId("account-test-result")).toBeTruthy();
    await user.click(row.getByTestId("account-edit"));
    await user.type(field("account-edit-model"), "-q4");
    await user.click(screen.getByTestId("account-edit-save"));
    expect(row.queryByTestId("account-test-result")).toBeNull();
  });
});

describe("SettingsDialog account usage", () => {
  it("shows each account's tokens and cost, and nothing for an account not used yet", () => {
    renderDialog({
      accountUsage: [
        {
          account_id: "ollama",
          summary: {
            usage: { input_tokens: 12_300, output_tokens: 4_500, cache_read_tokens: 0, cache_write_tokens: 0 },
            cost_usd: null,
            fully_priced: false,
          },
        },
        {
          account_id: "env:openai",
          summary: {
            usage: { input_tokens: 10_000, output_tokens: 2_000, cache_read_tokens: 2_300, cache_write_tokens: 0 },
            cost_usd: 0.42,
            fully_priced: false,
          },
        },
      ],
    });
    expect(within(item("ollama")).getByTestId("account-usage").textContent).toBe("12.3k in · 4.5k out");
    expect(within(item("env:openai")).getByTestId("account-usage").textContent).toBe("12.3k in · 2k out · ≥ $0.42");
  });

  it("shows no usage line before the usage is known or for an unused account", () => {
    const { rerender, props } = renderDialog();
    expect(screen.queryAllByTestId("account-usage")).toEqual([]);
    rerender(<SettingsDialog {...props} accountUsage={[]} />);
    expect(screen.queryAllByTestId("account-usage")).toEqual([]);
  });
});
