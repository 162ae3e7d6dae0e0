// Settings → Tools, Rules, MCP servers and General, through the dialog's props.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { UiError } from "../api";
import type { HealthCheck } from "../bindings/HealthCheck";
import type { McpServerInfo } from "../bindings/McpServerInfo";
import type { Rule } from "../bindings/Rule";
import type { ToolInfo } from "../bindings/ToolInfo";
import { settings } from "../test/fixtures";
import type { McpTestResult } from "./McpSettings";
import { SettingsDialog, type SettingsDialogProps, type SettingsTab } from "./SettingsDialog";

const TOOLS: ToolInfo[] = [
  { name: "read_file", description: "Read a file in the workspace", class: "read_only", default: "allow", server: null },
  { name: "run_shell", description: "Run a shell command", class: "shell", default: "ask", server: null },
  { name: "github__create_issue", description: "Open an issue", class: "mcp", default: "ask", server: "github" },
  { name: "github__list_issues", description: "List issues", class: "mcp", default: "ask", server: "github" },
];

const RULES: Rule[] = [
  { id: "r1", tool: "run_shell", pattern: null, decision: "deny", session_id: null, created_at: Date.UTC(2025, 0, 5) },
  { id: "r2", tool: "run_shell", pattern: "git status", decision: "allow", session_id: null, created_at: Date.UTC(2025, 0, 9) },
  { id: "r3", tool: "github__*", pattern: null, decision: "allow", session_id: "s1", created_at: Date.UTC(2025, 0, 10) },
];

const SERVERS: McpServerInfo[] = [
  {
    name: "github",
    transport: { type: "stdio", command: "npx", args: ["-y", "@modelcontextprotocol/server-github"], env: {} },
    enabled: true,
    secret_keys: ["GITHUB_TOKEN"],
    status: "running",
    error: null,
    tools: ["github__create_issue", "github__list_issues"],
  },
  {
    name: "docs",
    transport: { type: "http", url: "https://mcp.example.com/mcp", headers: {} },
    enabled: false,
    secret_keys: [],
    status: "error",
    error: "connection refused",
    tools: [],
  },
];

const HEALTH: HealthCheck[] = [
  { name: "store", ok: true, detail: "hearth.db, 12 chats" },
  { name: "keyring", ok: true, detail: "Secret Service" },
  { name: "notifications", ok: false, detail: "no notification daemon answered" },
  { name: "api", ok: true, detail: "listening on 127.0.0.1:7821" },
];

function renderSettings(tab: SettingsTab, overrides: Partial<SettingsDialogProps> = {}) {
  const props: SettingsDialogProps = {
    initialTab: tab,
    onTabShown: vi.fn(),
    accounts: [],
    accountsFailed: false,
    accountUsage: null,
    onReloadAccounts: vi.fn(),
    onAddAccount: vi.fn(() => Promise.resolve(null)),
    onRemoveAccount: vi.fn(() => Promise.resolve(null)),
    onUpdateAccount: vi.fn(() => Promise.resolve(null)),
    onTestAccount: vi.fn(() => Promise.resolve({ ok: true as const, check: { models: 1 } })),
    tools: TOOLS,
    toolsFailed: false,
    onReloadTools: vi.fn(),
    rules: RULES,
    rulesFailed: false,
    onReloadRules: vi.fn(),
    onSetToolPolicy: vi.fn(() => Promise.resolve(null)),
    onAddRule: vi.fn(() => Promise.resolve(null)),
    onRemoveRule: vi.fn(() => Promise.resolve(null)),
    presets: {
      presets: [],
      failed: false,
      onReload: vi.fn(),
      onAdd: vi.fn(() => Promise.resolve(null)),
      onUpdate: vi.fn(() => Promise.resolve(null)),
      onRemove: vi.fn(() => Promise.resolve(null)),
    },
    memory: {
      memories: [],
      failed: false,
      onReload: vi.fn(),
      onSearch: vi.fn(() => Promise.resolve([])),
      onAdd: vi.fn(() => Promise.resolve(null)),
      onUpdate: vi.fn(() => Promise.resolve(null)),
      onRemove: vi.fn(() => Promise.resolve(null)),
    },
    mcpServers: SERVERS,
    mcpServersFailed: false,
    onReloadMcpServers: vi.fn(),
    onAddMcpServer: vi.fn(() => Promise.resolve(null)),
    onUpdateMcpServer: vi.fn(() => Promise.resolve(null)),
    onRemoveMcpServer: vi.fn(() => Promise.resolve(null)),
    onTestMcpServer: vi.fn((name: string) =>
      Promise.resolve<McpTestResult>({ ok: true, server: { ...SERVERS.find((s) => s.name === name)!, status: "running" } }),
    ),
    settings: settings(),
    settingsFailed: false,
    onReloadSettings: vi.fn(),
    onUpdateSettings: vi.fn(() => Promise.resolve(null)),
    health: HEALTH,
    healthFailed: false,
    onCheckHealth: vi.fn(() => Promise.resolve()),
    sessions: [],
    models: null,
    onOpenSession: vi.fn(),
    schedules: [],
    schedulesFailed: false,
    onReloadSchedules: vi.fn(),
    onAddSchedule: vi.fn(() => Promise.resolve(null)),
    onUpdateSchedule: vi.fn(() => Promise.resolve(null)),
    onRemoveSchedule: vi.fn(() => Promise.resolve(null)),
    onRunScheduleNow: vi.fn(() => Promise.resolve({ ok: false as const, error: { code: "UNKNOWN" as const, message: "no" } })),
    onLoadScheduleRuns: vi.fn(() => Promise.resolve({ ok: true as const, value: [] })),
    hooks: [],
    hooksFailed: false,
    onReloadHooks: vi.fn(),
    apiUrl: null,
    onAddHook: vi.fn(() => Promise.resolve({ ok: false as const, error: { code: "UNKNOWN" as const, message: "no" } })),
    onUpdateHook: vi.fn(() => Promise.resolve({ ok: false as const, error: { code: "UNKNOWN" as const, message: "no" } })),
    onRemoveHook: vi.fn(() => Promise.resolve(null)),
    onQueryLogs: vi.fn(() => Promise.resolve([])),
    onClose: vi.fn(),
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<SettingsDialog {...props} />);
  return { props, user, ...view, rerenderWith: (more: Partial<SettingsDialogProps>) => view.rerender(<SettingsDialog {...props} {...more} />) };
}

/** A promise the test settles by hand, to look at the page while a call is pending. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const policy = (tool: string) =>
  screen.getAllByTestId("tool-policy").find((s) => s.dataset.tool === tool) as HTMLSelectElement;

describe("Settings tabs", () => {
  it("opens on Accounts, and shows a section when its tab is chosen, saying so", async () => {
    const { user, props } = renderSettings("accounts", { initialTab: undefined });
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((t) => t.textContent)).toEqual([
      "Accounts",
      "Presets",
      "Memory",
      "Tools",
      "Rules",
      "MCP servers",
      "Schedules",
      "Webhooks",
      "Logs",
      "General",
    ]);
    expect(screen.getByTestId("settings-tab-accounts").getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("heading", { name: "Model accounts" })).toBeTruthy();
    expect(props.onTabShown).toHaveBeenLastCalledWith("accounts");

    await user.click(screen.getByTestId("settings-tab-rules"));
    expect(screen.getByTestId("settings-panel-rules")).toBeTruthy();
    expect(screen.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe(screen.getByTestId("settings-tab-rules").id);
    expect(props.onTabShown).toHaveBeenLastCalledWith("rules");
  });

  it("moves between tabs with the arrow keys", async () => {
    const { user, props } = renderSettings("accounts");
    screen.getByTestId("settings-tab-accounts").focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(screen.getByTestId("settings-tab-presets"));
    expect(screen.getByTestId("settings-panel-presets")).toBeTruthy();
    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(document.activeElement, "wraps around").toBe(screen.getByTestId("settings-tab-general"));
    expect(props.onTabShown).toHaveBeenLastCalledWith("general");
  });
});

describe("Settings → Tools", () => {
  it("groups the built-in tools and each server's, with what they do and their default", () => {
    renderSettings("tools");
    const groups = within(screen.getByTestId("tools-list")).getAllByRole("region");
    expect(groups.map((g) => g.getAttribute("aria-label"))).toEqual(["Built-in tools", "github"]);
    const shell = screen.getAllByTestId("tool-item").find((i) => i.dataset.tool === "run_shell")!;
    expect(within(shell).getByTestId("tool-class").textContent).toBe("Runs commands");
    expect(within(shell).getByTestId("tool-default").textContent).toBe("default: ask");
    expect(shell.textContent).toContain("Run a shell command");
    const issue = screen.getAllByTestId("tool-item").find((i) => i.dataset.tool === "github__create_issue")!;
    expect(issue.textContent, "an MCP tool by its own name under its server").toContain("create_issue");
  });

  it("shows each tool's policy from its global rule without a pattern, and the server's for its tools", () => {
    renderSettings("tools");
    expect(policy("run_shell").value).toBe("deny");
    expect(policy("read_file").value).toBe("");
    expect(policy("read_file").selectedOptions[0]?.textContent).toBe("Default (Allow)");
    expect(policy("github__*").value, "a chat-only rule is not the server's policy").toBe("");
    expect(policy("github__list_issues").selectedOptions[0]?.textContent).toBe("Default (Ask)");
  });

  it("sets a tool's policy, and back to the default, holding the choice while it saves", async () => {
    const saved = deferred<UiError | null>();
    const onSetToolPolicy = vi.fn().mockReturnValueOnce(saved.promise).mockResolvedValue(null);
    const { user } = renderSettings("tools", { onSetToolPolicy });
    await user.selectOptions(policy("read_file"), "ask");
    expect(onSetToolPolicy).toHaveBeenLastCalledWith("read_file", "ask");
    expect(policy("read_file").value).toBe("ask");
    expect(policy("read_file").disabled).toBe(true);
    saved.resolve(null);
    await vi.waitFor(() => expect(policy("read_file").disabled).toBe(false));
    await user.selectOptions(policy("run_shell"), "");
    expect(onSetToolPolicy).toHaveBeenLastCalledWith("run_shell", null);
  });

  it("sets every tool of a server at once with its server's select", async () => {
    const { user, props } = renderSettings("tools");
    await user.selectOptions(policy("github__*"), "deny");
    expect(props.onSetToolPolicy).toHaveBeenCalledExactlyOnceWith("github__*", "deny");
  });

  it("shows why a change failed", async () => {
    const { user } = renderSettings("tools", {
      onSetToolPolicy: vi.fn(() => Promise.resolve({ code: "INVALID_RULE" as const, message: "bad tool" })),
    });
    await user.selectOptions(policy("run_shell"), "allow");
    expect(screen.getByTestId("tool-policy-error").textContent).toContain("bad tool");
  });

  it("says while the tools load, and offers to retry when they could not", async () => {
    const { user, props, rerenderWith } = renderSettings("tools", { tools: null });
    expect(screen.getByRole("status").textContent).toContain("Loading the tools");
    rerenderWith({ tools: null, toolsFailed: true });
    await user.click(screen.getByTestId("tools-retry"));
    expect(props.onReloadTools).toHaveBeenCalledOnce();
  });
});

describe("Settings → Rules", () => {
  const rows = () => within(screen.getByTestId("rules-list")).getAllByTestId("rule-item");

  it("lists each rule: decision, tool, pattern, whether it is for one chat, and when it was made", () => {
    renderSettings("rules");
    expect(rows().map((r) => r.dataset.ruleId), "global rules first, newest first").toEqual(["r2", "r1", "r3"]);
    const [status, deny, chat] = rows();
    expect(within(status!).getByTestId("rule-decision").textContent).toBe("Allow");
    expect(within(status!).getByTestId("rule-tool").textContent).toBe("run_shell");
    expect(within(status!).getByTestId("rule-pattern").textContent).toBe("git status");
    expect(within(deny!).queryByTestId("rule-pattern")).toBeNull();
    expect(deny!.textContent).toContain("any call");
    expect(within(deny!).queryByTestId("rule-session")).toBeNull();
    expect(within(chat!).getByTestId("rule-tool").textContent).toBe("Every tool of github");
    expect(within(chat!).getByTestId("rule-session").textContent).toBe("this chat only");
    expect(within(chat!).getByTestId("rule-created").getAttribute("datetime")).toBe("2025-01-10T00:00:00.000Z");
  });

  it("revokes a rule, and shows why it could not", async () => {
    const onRemoveRule = vi.fn().mockResolvedValueOnce({ code: "STORAGE", message: "disk full" }).mockResolvedValue(null);
    const { user } = renderSettings("rules", { onRemoveRule });
    await user.click(within(rows()[1]!).getByTestId("rule-revoke"));
    expect(onRemoveRule).toHaveBeenCalledExactlyOnceWith("r1");
    expect(within(rows()[1]!).getByTestId("rule-revoke-error").textContent).toContain("disk full");
  });

  it("says there are none yet", () => {
    renderSettings("rules", { rules: [] });
    expect(screen.getByTestId("rules-list").textContent).toContain("No rules yet");
  });

  it("adds a rule from the form, and clears the form", async () => {
    const { user, props } = renderSettings("rules");
    await user.type(screen.getByTestId("rule-add-tool"), "fetch_url");
    await user.type(screen.getByTestId("rule-add-pattern"), "https://docs.rs/");
    await user.selectOptions(screen.getByTestId("rule-add-decision"), "allow");
    await user.click(screen.getByTestId("rule-add-submit"));
    expect(props.onAddRule).toHaveBeenCalledExactlyOnceWith({ tool: "fetch_url", pattern: "https://docs.rs/", decision: "allow" });
    expect((screen.getByTestId("rule-add-tool") as HTMLInputElement).value).toBe("");
    expect(screen.queryByTestId("rule-add-error")).toBeNull();
  });

  it("suggests the tools' names, each server's and every tool", () => {
    renderSettings("rules");
    const list = document.getElementById(screen.getByTestId("rule-add-tool").getAttribute("list")!)!;
    expect([...list.querySelectorAll("option")].map((o) => o.value)).toContain("github__*");
    expect([...list.querySelectorAll("option")].map((o) => o.value)).toContain("*");
  });

  it("checks the form before sending, and shows the backend's refusal", async () => {
    const { user, props } = renderSettings("rules", {
      onAddRule: vi.fn(() => Promise.resolve({ code: "INVALID_RULE" as const, message: "a bad glob" })),
    });
    await user.click(screen.getByTestId("rule-add-submit"));
    expect(screen.getByTestId("rule-add-error").textContent).toMatch(/Name a tool/);
    expect(props.onAddRule).not.toHaveBeenCalled();
    await user.type(screen.getByTestId("rule-add-tool"), "read_file");
    await user.type(screen.getByTestId("rule-add-pattern"), "[[");
    await user.selectOptions(screen.getByTestId("rule-add-decision"), "deny");
    await user.click(screen.getByTestId("rule-add-submit"));
    expect(props.onAddRule).toHaveBeenCalledExactlyOnceWith({ tool: "read_file", pattern: "[", decision: "deny" });
    const error = screen.getByTestId("rule-add-error");
    expect(error.textContent).toContain("a bad glob");
    expect(error.dataset.errorCode).toBe("INVALID_RULE");
    expect((screen.getByTestId("rule-add-tool") as HTMLInputElement).value, "kept to fix").toBe("read_file");
  });
});

describe("Settings → MCP servers", () => {
  const item = (name: string) => screen.getAllByTestId("mcp-server-item").find((i) => i.dataset.name === name)!;
  const field = (id: string) => screen.getByTestId(id) as HTMLInputElement | HTMLTextAreaElement;

  it("lists each server: its status, tool count, how it is reached, its secrets' names and its error", () => {
    renderSettings("mcp");
    const github = item("github");
    expect(within(github).getByTestId("mcp-server-status").textContent).toBe("Running");
    expect(within(github).getByTestId("mcp-server-tools").textContent).toBe("2 tools");
    expect(within(github).getByTestId("mcp-server-tools").getAttribute("title")).toBe("create_issue, list_issues");
    expect(within(github).getByTestId("mcp-server-transport").textContent).toBe(
      "stdio npx -y @modelcontextprotocol/server-github",
    );
    expect(github.textContent).toContain("GITHUB_TOKEN");
    expect((within(github).getByTestId("mcp-server-enabled") as HTMLInputElement).checked).toBe(true);
    const docs = item("docs");
    expect(docs.dataset.status).toBe("error");
    expect(within(docs).getByTestId("mcp-server-error").textContent).toBe("connection refused");
    expect((within(docs).getByTestId("mcp-server-enabled") as HTMLInputElement).checked).toBe(false);
    expect(within(docs).queryByTestId("mcp-server-tools"), "no tools listed yet").toBeNull();
  });

  it("enables and disables a server", async () => {
    const { user, props } = renderSettings("mcp");
    await user.click(within(item("github")).getByTestId("mcp-server-enabled"));
    expect(props.onUpdateMcpServer).toHaveBeenCalledExactlyOnceWith("github", { enabled: false });
    await user.click(within(item("docs")).getByTestId("mcp-server-enabled"));
    expect(props.onUpdateMcpServer).toHaveBeenLastCalledWith("docs", { enabled: true });
  });

  it("tests a server and says it connected, or why it could not be tested", async () => {
    const onTestMcpServer = vi
      .fn()
      .mockResolvedValueOnce({ ok: true, server: SERVERS[0] })
      .mockResolvedValueOnce({ ok: false, error: { code: "MCP_SERVER_NOT_FOUND", message: "no MCP server \"docs\"" } });
    const { user } = renderSettings("mcp", { onTestMcpServer });
    await user.click(within(item("github")).getByTestId("mcp-server-test"));
    expect(onTestMcpServer).toHaveBeenCalledWith("github");
    expect(within(item("github")).getByTestId("mcp-test-result").textContent).toBe("Connected: 2 tools.");
    await user.click(within(item("docs")).getByTestId("mcp-server-test"));
    expect(within(item("docs")).getByTestId("mcp-server-action-error").textContent).toContain("no MCP server");
  });

  it("removes a server only once confirmed", async () => {
    const { user, props } = renderSettings("mcp");
    await user.click(within(item("docs")).getByTestId("mcp-server-remove"));
    expect(props.onRemoveMcpServer).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(within(item("docs")).getByTestId("mcp-server-remove-cancel"));
    await user.click(within(item("docs")).getByTestId("mcp-server-remove-confirm"));
    expect(props.onRemoveMcpServer).toHaveBeenCalledExactlyOnceWith("docs");
  });

  it("adds a stdio server: arguments one per line, env and secrets as KEY=value; the secrets leave the form", async () => {
    const { user, props } = renderSettings("mcp", { mcpServers: [] });
    expect(screen.getByTestId("mcp-server-list").textContent).toContain("No MCP servers yet");
    await user.type(field("mcp-add-name"), "github");
    await user.type(field("mcp-add-command"), "npx");
    await user.type(field("mcp-add-args"), "-y{Enter}@modelcontextprotocol/server-github");
    await user.type(field("mcp-add-env"), "LOG_LEVEL=debug");
    await user.type(field("mcp-add-secrets"), "GITHUB_TOKEN=ghp_123");
    expect(field("mcp-add-secrets").className, "masked as typed").toContain("is-secret");
    await user.click(screen.getByTestId("mcp-add-submit"));
    expect(props.onAddMcpServer).toHaveBeenCalledExactlyOnceWith({
      name: "github",
      transport: { type: "stdio", command: "npx", args: ["-y", "@modelcontextprotocol/server-github"], env: { LOG_LEVEL: "debug" } },
      secrets: { GITHUB_TOKEN: "ghp_123" },
    });
    expect(field("mcp-add-secrets").value).toBe("");
    expect(screen.getByTestId("mcp-add-done").textContent).toContain("github");
  });

  it("adds an HTTP server with its URL and headers", async () => {
    const { user, props } = renderSettings("mcp");
    await user.selectOptions(screen.getByTestId("mcp-add-type"), "http");
    expect(screen.queryByTestId("mcp-add-command")).toBeNull();
    await user.type(field("mcp-add-name"), "docs2");
    await user.type(field("mcp-add-url"), "https://mcp.example.com/mcp");
    await user.type(field("mcp-add-headers"), "X-Team: docs");
    await user.type(field("mcp-add-secrets"), "Authorization: Bearer abc");
    await user.click(screen.getByTestId("mcp-add-submit"));
    expect(props.onAddMcpServer).toHaveBeenCalledExactlyOnceWith({
      name: "docs2",
      transport: { type: "http", url: "https://mcp.example.com/mcp", headers: { "X-Team": "docs" } },
      secrets: { Authorization: "Bearer abc" },
    });
  });

  it("says what is wrong before sending, and shows the backend's refusal with the secrets gone", async () => {
    const { user, props } = renderSettings("mcp", {
      onAddMcpServer: vi.fn(() =>
        Promise.resolve({ code: "INVALID_MCP_SERVER" as const, message: 'there is already a server named "github"' }),
      ),
    });
    await user.type(field("mcp-add-name"), "Git Hub");
    await user.click(screen.getByTestId("mcp-add-submit"));
    const error = screen.getByTestId("mcp-add-error");
    expect(error.textContent).toMatch(/1 to 32/);
    expect(error.textContent).toMatch(/command/);
    expect(document.activeElement).toBe(field("mcp-add-name"));
    expect(props.onAddMcpServer).not.toHaveBeenCalled();

    await user.clear(field("mcp-add-name"));
    await user.type(field("mcp-add-name"), "github");
    await user.type(field("mcp-add-command"), "npx");
    await user.type(field("mcp-add-secrets"), "TOKEN=x");
    await user.click(screen.getByTestId("mcp-add-submit"));
    expect(screen.getByTestId("mcp-add-error").textContent).toContain("already a server");
    expect(screen.getByTestId("mcp-add-error").dataset.errorCode).toBe("INVALID_MCP_SERVER");
    expect(field("mcp-add-name").value, "kept to fix").toBe("github");
    expect(field("mcp-add-secrets").value, "never kept").toBe("");
  });
});

describe("Settings → General", () => {
  const checkbox = () => screen.getByTestId("setting-auto-title") as HTMLInputElement;

  it("names chats automatically unless turned off", async () => {
    const { user, props, rerenderWith } = renderSettings("general");
    expect(checkbox().checked).toBe(true);
    expect(checkbox().closest("label")?.textContent).toContain("Name chats automatically");
    await user.click(checkbox());
    expect(props.onUpdateSettings).toHaveBeenCalledExactlyOnceWith({ auto_title: false });
    rerenderWith({ settings: settings({ auto_title: false }) });
    expect(checkbox().checked).toBe(false);
  });

  it("shows why the setting could not be saved, and the stored value", async () => {
    const { user } = renderSettings("general", {
      onUpdateSettings: vi.fn(() => Promise.resolve({ code: "STORAGE" as const, message: "read-only database" })),
    });
    await user.click(checkbox());
    expect(screen.getByTestId("setting-error").textContent).toContain("read-only database");
    expect(checkbox().checked, "back to what is stored").toBe(true);
  });
});

describe("Settings → General: tray, login, shortcut, notifications, schedules, retention", () => {
  const box = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

  it.each([
    ["setting-close-to-tray", "close_to_tray", true, "Closing the window keeps Hearth running in the tray"],
    ["setting-start-at-login", "start_at_login", false, "Start Hearth in the tray when you log in"],
    ["setting-notifications-muted", "notifications_muted", false, "No desktop notifications"],
    ["setting-schedules-paused", "schedules_paused", false, "No schedule runs"],
  ] as const)("%s shows the stored value and changes %s", async (testId, key, stored, words) => {
    const { user, props } = renderSettings("general");
    expect(box(testId).checked).toBe(stored);
    expect(box(testId).closest("label")?.textContent).toContain(words);
    await user.click(box(testId));
    expect(props.onUpdateSettings).toHaveBeenCalledExactlyOnceWith({ [key]: !stored });
  });

  it("saves the global shortcut trimmed, and an empty one turns it off", async () => {
    const { user, props, rerenderWith } = renderSettings("general");
    const save = screen.getByTestId("setting-global-shortcut-save") as HTMLButtonElement;
    expect(box("setting-global-shortcut").value).toBe("");
    expect(save.disabled, "nothing changed yet").toBe(true);
    expect(box("setting-global-shortcut").closest("form")?.textContent).toContain("CmdOrCtrl+Shift+Space");

    await user.type(box("setting-global-shortcut"), " CmdOrCtrl+Shift+H {Enter}");
    expect(props.onUpdateSettings).toHaveBeenLastCalledWith({ global_shortcut: "CmdOrCtrl+Shift+H" });

    rerenderWith({ settings: settings({ global_shortcut: "CmdOrCtrl+Shift+H" }) });
    expect(box("setting-global-shortcut").value).toBe("CmdOrCtrl+Shift+H");
    await user.clear(box("setting-global-shortcut"));
    await user.click(screen.getByTestId("setting-global-shortcut-save"));
    expect(props.onUpdateSettings).toHaveBeenLastCalledWith({ global_shortcut: "" });
  });

  it("puts the stored shortcut back when the backend refuses one", async () => {
    const { user } = renderSettings("general", {
      onUpdateSettings: vi.fn(() => Promise.resolve({ code: "INVALID_INPUT" as const, message: "\"Hyper+Q\" is not a shortcut" })),
    });
    await user.type(box("setting-global-shortcut"), "Hyper+Q");
    await user.click(screen.getByTestId("setting-global-shortcut-save"));
    expect(screen.getByTestId("setting-error").textContent).toContain("is not a shortcut");
    expect(box("setting-global-shortcut").value).toBe("");
  });

  it("keeps run event logs for 1 to 3650 days, refusing anything else before sending", async () => {
    const { user, props } = renderSettings("general");
    const input = box("setting-event-retention");
    expect(input.value).toBe("30");
    for (const bad of ["0", "3651", "2.5"]) {
      await user.clear(input);
      await user.type(input, bad);
      await user.click(screen.getByTestId("setting-event-retention-save"));
      expect(screen.getByTestId("setting-event-retention-error").textContent, bad).toContain("from 1 to 3650");
      expect(input.getAttribute("aria-invalid")).toBe("true");
    }
    expect(props.onUpdateSettings).not.toHaveBeenCalled();

    await user.clear(input);
    await user.type(input, "90");
    expect(screen.queryByTestId("setting-event-retention-error"), "gone once edited").toBeNull();
    await user.click(screen.getByTestId("setting-event-retention-save"));
    expect(props.onUpdateSettings).toHaveBeenCalledExactlyOnceWith({ event_retention_days: 90 });
  });

  it("limits attachments to 1 to 512 MB, 20 by default", async () => {
    const { user, props } = renderSettings("general");
    const input = box("setting-attachment-max");
    expect(input.value).toBe("20");
    await user.clear(input);
    await user.type(input, "513");
    await user.click(screen.getByTestId("setting-attachment-max-save"));
    expect(screen.getByTestId("setting-attachment-max-error").textContent).toContain("from 1 to 512");
    expect(props.onUpdateSettings).not.toHaveBeenCalled();
    await user.clear(input);
    await user.type(input, "50");
    await user.click(screen.getByTestId("setting-attachment-max-save"));
    expect(props.onUpdateSettings).toHaveBeenCalledExactlyOnceWith({ attachment_max_mb: 50 });
  });

  it("takes the Claude Code CLI's absolute path (empty: found automatically) and a silence limit", async () => {
    const { user, props } = renderSettings("general");
    const path = box("setting-claude-path");
    expect(path.value).toBe("");
    await user.type(path, "bin/claude");
    await user.click(screen.getByTestId("setting-claude-path-save"));
    expect(screen.getByTestId("setting-claude-path-error").textContent).toContain("absolute path");
    expect(props.onUpdateSettings).not.toHaveBeenCalled();
    await user.clear(path);
    await user.type(path, "/opt/claude/bin/claude");
    await user.click(screen.getByTestId("setting-claude-path-save"));
    expect(props.onUpdateSettings).toHaveBeenCalledExactlyOnceWith({ claude_code_path: "/opt/claude/bin/claude" });
    const silence = box("setting-runtime-silence");
    expect(silence.value).toBe("600");
    await user.clear(silence);
    await user.type(silence, "4");
    await user.click(screen.getByTestId("setting-runtime-silence-save"));
    expect(screen.getByTestId("setting-runtime-silence-error").textContent).toContain("from 5 to 86400");
  });
});

describe("Settings → General: health", () => {
  it("shows one line per check, ok or not, with its detail", () => {
    renderSettings("general");
    const lines = screen.getAllByTestId("health-line");
    expect(lines.map((l) => [l.dataset.name, l.dataset.ok])).toEqual([
      ["store", "true"],
      ["keyring", "true"],
      ["notifications", "false"],
      ["api", "true"],
    ]);
    expect(lines[2]!.className).toContain("is-failed");
    expect(lines[2]!.textContent).toContain("Notifications");
    expect(lines[2]!.textContent).toContain("no notification daemon answered");
    expect(lines[0]!.className).toContain("is-ok");
  });

  it("checks again on request, and says while checking the first time or that it failed", async () => {
    const check = deferred<void>();
    const { user, props, rerenderWith } = renderSettings("general", { onCheckHealth: vi.fn(() => check.promise) });
    await user.click(screen.getByTestId("health-refresh"));
    expect(props.onCheckHealth).toHaveBeenCalledOnce();
    expect(screen.getByTestId("health-refresh").textContent).toBe("Checking…");
    check.resolve();
    await vi.waitFor(() => expect(screen.getByTestId("health-refresh").textContent).toBe("Check again"));

    rerenderWith({ health: null });
    expect(screen.getByTestId("health").textContent).toContain("Loading the health check");
    rerenderWith({ health: null, healthFailed: true });
    await user.click(screen.getByTestId("health-retry"));
    expect(props.onCheckHealth).toHaveBeenCalledTimes(2);
  });

  it("is shown under the settings even while they load", () => {
    renderSettings("general", { settings: null });
    expect(screen.getAllByTestId("health-line")).toHaveLength(4);
  });
});

describe("Settings → Schedules, Webhooks and Logs tabs", () => {
  it("show their sections, and say so when shown", async () => {
    const { user, props } = renderSettings("accounts");
    await user.click(screen.getByTestId("settings-tab-schedules"));
    expect(props.onTabShown).toHaveBeenLastCalledWith("schedules");
    expect(screen.getByRole("heading", { name: "Schedules" })).toBeTruthy();
    expect(screen.getByTestId("schedule-new")).toBeTruthy();

    await user.click(screen.getByTestId("settings-tab-hooks"));
    expect(props.onTabShown).toHaveBeenLastCalledWith("hooks");
    expect(screen.getByTestId("hook-new")).toBeTruthy();

    await user.click(screen.getByTestId("settings-tab-logs"));
    expect(props.onTabShown).toHaveBeenLastCalledWith("logs");
    expect(screen.getByTestId("logs-level")).toBeTruthy();
    expect(props.onQueryLogs).toHaveBeenCalledWith({});
  });

  it("tell Schedules whether they are paused, from the settings", () => {
    renderSettings("schedules", { settings: settings({ schedules_paused: true }) });
    expect(screen.getByTestId("schedules-paused")).toBeTruthy();
  });
});

