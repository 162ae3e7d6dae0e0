// Checks the exact command names and argument shapes sent over Tauri IPC,
// using Tauri's own IPC mock (no module mocking of ours).
import { Channel } from "@tauri-apps/api/core";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HISTORY_LIMIT, newClientMsgId, outcomeOf, PAGE_SIZE, tauriApi, toUiError } from "./api";
import type { Frame } from "./bindings/Frame";
import { session } from "./test/fixtures";

afterEach(() => clearMocks());

function recordIpc(reply: unknown = session("x")) {
  const calls: Array<{ cmd: string; args: unknown }> = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    return reply;
  });
  return calls;
}

describe("tauriApi", () => {
  it("lists sessions with a {req: {limit, cursor}} argument, leaving cursor out for the first page", async () => {
    const calls = recordIpc({ sessions: [], next_cursor: null });
    await tauriApi.listSessions(null);
    await tauriApi.listSessions("abc");
    expect(calls).toEqual([
      { cmd: "session_list", args: { req: { limit: PAGE_SIZE } } },
      { cmd: "session_list", args: { req: { limit: 50, cursor: "abc" } } },
    ]);
  });

  it("creates with a {req} argument", async () => {
    const calls = recordIpc();
    await tauriApi.createSession({});
    expect(calls).toEqual([{ cmd: "session_create", args: { req: {} } }]);
  });

  it("addresses one session by session_id for get, update, delete and restore", async () => {
    const calls = recordIpc();
    await tauriApi.getSession("s1");
    await tauriApi.updateSession("s1", { title: "x" });
    await tauriApi.updateSession("s1", { pinned: true });
    await tauriApi.deleteSession("s1");
    await tauriApi.restoreSession("s1");
    expect(calls).toEqual([
      { cmd: "session_get", args: { session_id: "s1" } },
      { cmd: "session_update", args: { session_id: "s1", patch: { title: "x" } } },
      { cmd: "session_update", args: { session_id: "s1", patch: { pinned: true } } },
      { cmd: "session_delete", args: { session_id: "s1" } },
      { cmd: "session_restore", args: { session_id: "s1" } },
    ]);
  });

  it("passes the backend's ApiError rejection through", async () => {
    mockIPC(() => Promise.reject({ code: "SESSION_NOT_FOUND", message: "gone" }));
    await expect(tauriApi.getSession("nope")).rejects.toEqual({ code: "SESSION_NOT_FOUND", message: "gone" });
  });
});

describe("tauriApi chat commands", () => {
  it("reads history with {session_id, limit}", async () => {
    const calls = recordIpc({ messages: [], watermark: 0, has_more: false });
    await tauriApi.chatHistory("s1");
    await tauriApi.chatHistory("s1", 20);
    expect(calls).toEqual([
      { cmd: "chat_history", args: { session_id: "s1", limit: HISTORY_LIMIT } },
      { cmd: "chat_history", args: { session_id: "s1", limit: 20 } },
    ]);
    expect(HISTORY_LIMIT).toBe(200);
  });

  it("subscribes with a Channel as on_frame, delivers its frames in order, and unsubscribes by its id", async () => {
    const snapshot = { session_id: "s1", phase: "idle", running_run_id: null, queue: [], pending_approvals: [], last_seq: 7 };
    const calls = recordIpc(snapshot);
    const frames: Frame[] = [];
    const sub = tauriApi.chatSubscribe("s1", 5, (f) => frames.push(f));
    await expect(sub.snapshot).resolves.toEqual(snapshot);

    const [subscribe] = calls;
    expect(subscribe?.cmd).toBe("chat_subscribe");
    const args = subscribe?.args as { session_id: string; after_seq: number; on_frame: Channel<Frame> };
    expect(args.session_id).toBe("s1");
    expect(args.after_seq).toBe(5);
    expect(args.on_frame).toBeInstanceOf(Channel);
    expect(args.on_frame.id).toBe(sub.channelId);
    expect(JSON.stringify(args.on_frame), "a channel goes over IPC as its id").toBe(`"__CHANNEL__:${sub.channelId}"`);

    // What the Rust side of a Channel sends, through Tauri's own callback registry (out of order on purpose).
    const frame = (seq: number) => ({ session_id: "s1", seq, ts: 0, type: "phase", phase: "thinking" }) as Frame;
    const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback(id: number, data: unknown): void } })
      .__TAURI_INTERNALS__;
    internals.runCallback(sub.channelId, { index: 1, message: frame(9) });
    internals.runCallback(sub.channelId, { index: 0, message: frame(8) });
    expect(frames.map((f) => f.seq), "Tauri's channel restores the send order").toEqual([8, 9]);

    await tauriApi.chatUnsubscribe(sub.channelId);
    expect(calls[1]).toEqual({ cmd: "chat_unsubscribe", args: { channel_id: sub.channelId } });
  });

  it("sends, aborts, steers, clears the queue and retries with the documented arguments", async () => {
    const calls = recordIpc({ message_id: "m", run_id: "r", queue_position: 0 });
    await tauriApi.chatSend("s1", { text: "hi", client_msg_id: "c1", priority: "next" });
    await tauriApi.chatAbort("s1");
    await tauriApi.chatSteer("s1", "faster");
    await tauriApi.chatClearQueue("s1");
    await tauriApi.chatRetry("s1");
    await tauriApi.listModels();
    await tauriApi.updateSession("s1", { model: "env:openai/gpt-4o-mini" });
    await tauriApi.updateSession("s1", { thinking_budget: 4096 });
    expect(calls).toEqual([
      { cmd: "chat_send", args: { session_id: "s1", req: { text: "hi", client_msg_id: "c1", priority: "next" } } },
      { cmd: "chat_abort", args: { session_id: "s1" } },
      { cmd: "chat_steer", args: { session_id: "s1", text: "faster" } },
      { cmd: "chat_clear_queue", args: { session_id: "s1" } },
      { cmd: "chat_retry", args: { session_id: "s1" } },
      { cmd: "models_list", args: {} },
      { cmd: "session_update", args: { session_id: "s1", patch: { model: "env:openai/gpt-4o-mini" } } },
      { cmd: "session_update", args: { session_id: "s1", patch: { thinking_budget: 4096 } } },
    ]);
  });

  it("passes a chat command's ApiError through", async () => {
    mockIPC(() => Promise.reject({ code: "INVALID_INPUT", message: "text is empty" }));
    await expect(tauriApi.chatSend("s1", { text: "" })).rejects.toEqual({ code: "INVALID_INPUT", message: "text is empty" });
    await expect(tauriApi.chatSubscribe("s1", 0, () => undefined).snapshot).rejects.toEqual({
      code: "INVALID_INPUT",
      message: "text is empty",
    });
  });
});

describe("tauriApi account commands", () => {
  it("lists, adds with a {req} argument and removes by account_id", async () => {
    const calls = recordIpc([]);
    await tauriApi.listAccounts();
    await tauriApi.addAccount({ label: "Ollama", kind: "openai_compatible", base_url: "http://127.0.0.1:11434/v1" });
    await tauriApi.addAccount({ label: "Work", kind: "openai", api_key: "sk-test", default_model: "gpt-4o" });
    await tauriApi.removeAccount("ollama");
    expect(calls).toEqual([
      { cmd: "accounts_list", args: {} },
      {
        cmd: "account_add",
        args: { req: { label: "Ollama", kind: "openai_compatible", base_url: "http://127.0.0.1:11434/v1" } },
      },
      { cmd: "account_add", args: { req: { label: "Work", kind: "openai", api_key: "sk-test", default_model: "gpt-4o" } } },
      { cmd: "account_remove", args: { account_id: "ollama" } },
    ]);
  });

  it("updates with {account_id, patch} and tests by account_id", async () => {
    const calls = recordIpc({ models: 3 });
    await tauriApi.updateAccount("lm-studio", { label: "Desk", base_url: "http://gpu-box:1234/v1" });
    await tauriApi.updateAccount("lm-studio", { api_key: "" });
    await expect(tauriApi.testAccount("env:openai")).resolves.toEqual({ models: 3 });
    expect(calls).toEqual([
      { cmd: "account_update", args: { account_id: "lm-studio", patch: { label: "Desk", base_url: "http://gpu-box:1234/v1" } } },
      { cmd: "account_update", args: { account_id: "lm-studio", patch: { api_key: "" } } },
      { cmd: "account_test", args: { account_id: "env:openai" } },
    ]);
  });

  it("probes the local servers with no argument and answers those that responded", async () => {
    const ollama = { id: "ollama", name: "Ollama", base_url: "http://127.0.0.1:11434/v1", models: ["llama3.2", "qwen3:8b"] };
    const calls = recordIpc([ollama]);
    await expect(tauriApi.probeLocalServers()).resolves.toEqual([ollama]);
    expect(calls).toEqual([{ cmd: "local_servers_probe", args: {} }]);
  });

  it("passes account_test's ApiError through", async () => {
    mockIPC(() => Promise.reject({ code: "AUTH_FAILED", message: "401: invalid API key" }));
    await expect(tauriApi.testAccount("work")).rejects.toEqual({ code: "AUTH_FAILED", message: "401: invalid API key" });
  });

  it("passes an account command's ApiError through", async () => {
    mockIPC(() => Promise.reject({ code: "KEYRING_UNAVAILABLE", message: "no keyring" }));
    await expect(tauriApi.addAccount({ label: "x", kind: "openai" })).rejects.toEqual({
      code: "KEYRING_UNAVAILABLE",
      message: "no keyring",
    });
    mockIPC(() => Promise.reject({ code: "ACCOUNT_NOT_FOUND", message: "env:openai comes from the environment" }));
    await expect(tauriApi.removeAccount("env:openai")).rejects.toMatchObject({ code: "ACCOUNT_NOT_FOUND" });
  });
});

describe("tauriApi usage commands", () => {
  it("asks for a session's usage by session_id, and for every account's with no argument", async () => {
    const summary = {
      usage: { input_tokens: 10, output_tokens: 5, cache_read_tokens: 0, cache_write_tokens: 0 },
      cost_usd: null,
      fully_priced: false,
    };
    const calls = recordIpc(summary);
    await expect(tauriApi.sessionUsage("s1")).resolves.toEqual(summary);
    await tauriApi.usageByAccount();
    expect(calls).toEqual([
      { cmd: "session_usage", args: { session_id: "s1" } },
      { cmd: "usage_by_account", args: {} },
    ]);
  });
});

describe("tauriApi settings, approvals, rules and tools", () => {
  it("reads settings with no argument and updates them with {patch}", async () => {
    const calls = recordIpc({ auto_title: false });
    await expect(tauriApi.getSettings()).resolves.toEqual({ auto_title: false });
    await tauriApi.updateSettings({ auto_title: false });
    expect(calls).toEqual([
      { cmd: "settings_get", args: {} },
      { cmd: "settings_update", args: { patch: { auto_title: false } } },
    ]);
  });

  it("answers an approval with {approval_id, answer}, the answer's optional fields left out when unset", async () => {
    const calls = recordIpc(null);
    await tauriApi.answerApproval("ap1", { allow: true });
    await tauriApi.answerApproval("ap2", { allow: true, remember: "session" });
    await tauriApi.answerApproval("ap3", { allow: true, remember: "always", pattern: "git status" });
    await tauriApi.answerApproval("ap4", { allow: false, message: "not that folder" });
    expect(calls).toEqual([
      { cmd: "approval_answer", args: { approval_id: "ap1", answer: { allow: true } } },
      { cmd: "approval_answer", args: { approval_id: "ap2", answer: { allow: true, remember: "session" } } },
      {
        cmd: "approval_answer",
        args: { approval_id: "ap3", answer: { allow: true, remember: "always", pattern: "git status" } },
      },
      { cmd: "approval_answer", args: { approval_id: "ap4", answer: { allow: false, message: "not that folder" } } },
    ]);
  });

  it("passes APPROVAL_NOT_FOUND through (the request was already answered, or expired)", async () => {
    mockIPC(() => Promise.reject({ code: "APPROVAL_NOT_FOUND", message: "no approval ap1 is waiting" }));
    await expect(tauriApi.answerApproval("ap1", { allow: true })).rejects.toMatchObject({ code: "APPROVAL_NOT_FOUND" });
  });

  it("lists rules and tools with no argument, adds a rule with {rule} and removes one by rule_id", async () => {
    const calls = recordIpc([]);
    await tauriApi.listRules();
    await tauriApi.addRule({ tool: "run_shell", pattern: "git status", decision: "allow" });
    await tauriApi.addRule({ tool: "github__*", decision: "deny" });
    await tauriApi.removeRule("r1");
    await tauriApi.listTools();
    expect(calls).toEqual([
      { cmd: "rules_list", args: {} },
      { cmd: "rule_add", args: { rule: { tool: "run_shell", pattern: "git status", decision: "allow" } } },
      { cmd: "rule_add", args: { rule: { tool: "github__*", decision: "deny" } } },
      { cmd: "rule_remove", args: { rule_id: "r1" } },
      { cmd: "tools_list", args: {} },
    ]);
  });

  it("sets a chat's workspace and step limit through session_update's patch", async () => {
    const calls = recordIpc();
    await tauriApi.updateSession("s1", { workspace: "/home/me/project", max_steps: 80 });
    await tauriApi.updateSession("s1", { workspace: "" });
    await tauriApi.updateSession("s1", { max_steps: 0 });
    expect(calls).toEqual([
      { cmd: "session_update", args: { session_id: "s1", patch: { workspace: "/home/me/project", max_steps: 80 } } },
      { cmd: "session_update", args: { session_id: "s1", patch: { workspace: "" } } },
      { cmd: "session_update", args: { session_id: "s1", patch: { max_steps: 0 } } },
    ]);
  });
});

describe("tauriApi MCP server commands", () => {
  it("lists with no argument, adds with {server}, updates with {name, patch}, removes and tests by name", async () => {
    const calls = recordIpc([]);
    await tauriApi.listMcpServers();
    await tauriApi.addMcpServer({
      name: "github",
      transport: { type: "stdio", command: "npx", args: ["-y", "@modelcontextprotocol/server-github"], env: {} },
      secrets: { GITHUB_TOKEN: "ghp_x" },
    });
    await tauriApi.addMcpServer({
      name: "docs",
      transport: { type: "http", url: "https://mcp.example.com/mcp", headers: { "X-Team": "a" } },
      enabled: false,
    });
    await tauriApi.updateMcpServer("github", { enabled: false });
    await tauriApi.removeMcpServer("docs");
    await tauriApi.testMcpServer("github");
    expect(calls).toEqual([
      { cmd: "mcp_servers_list", args: {} },
      {
        cmd: "mcp_server_add",
        args: {
          server: {
            name: "github",
            transport: { type: "stdio", command: "npx", args: ["-y", "@modelcontextprotocol/server-github"], env: {} },
            secrets: { GITHUB_TOKEN: "ghp_x" },
          },
        },
      },
      {
        cmd: "mcp_server_add",
        args: {
          server: {
            name: "docs",
            transport: { type: "http", url: "https://mcp.example.com/mcp", headers: { "X-Team": "a" } },
            enabled: false,
          },
        },
      },
      { cmd: "mcp_server_update", args: { name: "github", patch: { enabled: false } } },
      { cmd: "mcp_server_remove", args: { name: "docs" } },
      { cmd: "mcp_server_test", args: { name: "github" } },
    ]);
  });

  it("passes an MCP command's ApiError through", async () => {
    mockIPC(() => Promise.reject({ code: "INVALID_MCP_SERVER", message: "there is already a server named \"github\"" }));
    await expect(
      tauriApi.addMcpServer({ name: "github", transport: { type: "http", url: "https://x", headers: {} } }),
    ).rejects.toMatchObject({ code: "INVALID_MCP_SERVER" });
  });
});

describe("tauriApi schedule commands", () => {
  it("lists with no argument, adds with {schedule}, updates with {id, patch}, removes, runs and lists runs by id", async () => {
    const calls = recordIpc([]);
    await tauriApi.listSchedules();
    await tauriApi.addSchedule({
      name: "Morning brief",
      cron: "0 9 * * 1-5",
      timezone: "Europe/Berlin",
      prompt: "Summarise my inbox",
      catch_up: true,
      enabled: true,
    });
    await tauriApi.updateSchedule("sc1", { enabled: false, session_id: "" });
    await tauriApi.removeSchedule("sc2");
    await tauriApi.runScheduleNow("sc1");
    await tauriApi.scheduleRuns("sc1");
    await tauriApi.scheduleRuns("sc1", 20);
    expect(calls).toEqual([
      { cmd: "schedules_list", args: {} },
      {
        cmd: "schedule_add",
        args: {
          schedule: {
            name: "Morning brief",
            cron: "0 9 * * 1-5",
            timezone: "Europe/Berlin",
            prompt: "Summarise my inbox",
            catch_up: true,
            enabled: true,
          },
        },
      },
      { cmd: "schedule_update", args: { id: "sc1", patch: { enabled: false, session_id: "" } } },
      { cmd: "schedule_remove", args: { id: "sc2" } },
      { cmd: "schedule_run_now", args: { id: "sc1" } },
      { cmd: "schedule_runs", args: { id: "sc1" } },
      { cmd: "schedule_runs", args: { id: "sc1", limit: 20 } },
    ]);
    expect(Object.keys(calls[5]!.args as object), "no limit key when none is given").toEqual(["id"]);
  });

  it("passes a schedule command's ApiError through", async () => {
    mockIPC(() => Promise.reject({ code: "INVALID_SCHEDULE", message: "bad cron" }));
    await expect(tauriApi.addSchedule({ name: "x", cron: "nope", prompt: "p" })).rejects.toEqual({
      code: "INVALID_SCHEDULE",
      message: "bad cron",
    });
  });
});

describe("tauriApi webhook commands", () => {
  it("lists with no argument, adds with {hook}, updates with {name, patch} and removes by name", async () => {
    const hook = { name: "github", session_id: null, template: "{{payload}}", enabled: true, created_at: 1, last_fired_at: null };
    const calls = recordIpc({ hook, secret: "whsec_1" });
    await expect(tauriApi.addHook({ name: "github", template: "{{payload}}" })).resolves.toEqual({ hook, secret: "whsec_1" });
    await tauriApi.listHooks();
    await tauriApi.updateHook("github", { rotate_secret: true });
    await tauriApi.updateHook("github", { session_id: "", enabled: false });
    await tauriApi.removeHook("github");
    expect(calls).toEqual([
      { cmd: "hook_add", args: { hook: { name: "github", template: "{{payload}}" } } },
      { cmd: "hooks_list", args: {} },
      { cmd: "hook_update", args: { name: "github", patch: { rotate_secret: true } } },
      { cmd: "hook_update", args: { name: "github", patch: { session_id: "", enabled: false } } },
      { cmd: "hook_remove", args: { name: "github" } },
    ]);
  });

  it("passes a webhook command's ApiError through", async () => {
    mockIPC(() => Promise.reject({ code: "HOOK_NOT_FOUND", message: "no hook named x" }));
    await expect(tauriApi.removeHook("x")).rejects.toMatchObject({ code: "HOOK_NOT_FOUND" });
  });
});

describe("tauriApi logs, health, activity, API URL and the chat on screen", () => {
  it("reads logs with {query}, and the rest with no argument", async () => {
    const calls = recordIpc([]);
    await tauriApi.recentLogs({ level: "warn", q: "timeout", after_seq: 41 });
    await tauriApi.recentLogs({});
    await tauriApi.health();
    await tauriApi.activity();
    await tauriApi.apiUrl();
    expect(calls).toEqual([
      { cmd: "logs_recent", args: { query: { level: "warn", q: "timeout", after_seq: 41 } } },
      { cmd: "logs_recent", args: { query: {} } },
      { cmd: "health", args: {} },
      { cmd: "activity", args: {} },
      { cmd: "api_url", args: {} },
    ]);
  });

  it("answers the API URL, or null when the HTTP API is off", async () => {
    recordIpc("http://127.0.0.1:7821");
    await expect(tauriApi.apiUrl()).resolves.toBe("http://127.0.0.1:7821");
    recordIpc(null);
    await expect(tauriApi.apiUrl()).resolves.toBeNull();
  });

  it("says which chat is on screen with {session_id}, null for none", async () => {
    const calls = recordIpc(null);
    await tauriApi.uiViewing("s1");
    await tauriApi.uiViewing(null);
    expect(calls).toEqual([
      { cmd: "ui_viewing", args: { session_id: "s1" } },
      { cmd: "ui_viewing", args: { session_id: null } },
    ]);
  });
});

describe("tauriApi app events", () => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it("delivers hearth://open-session's session id and hearth://new-chat until unlistened", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const opened = vi.fn();
    const newChat = vi.fn();
    const stopOpen = tauriApi.onOpenSession(opened);
    const stopNew = tauriApi.onNewChat(newChat);
    await settle();

    await emit("hearth://open-session", { session_id: "s7" });
    await emit("hearth://new-chat", null);
    expect(opened).toHaveBeenCalledExactlyOnceWith("s7");
    expect(newChat).toHaveBeenCalledOnce();

    stopOpen();
    stopNew();
    await settle();
    await emit("hearth://open-session", { session_id: "s8" });
    await emit("hearth://new-chat", null);
    expect(opened).toHaveBeenCalledTimes(1);
    expect(newChat).toHaveBeenCalledTimes(1);
  });

  it("drops a listener stopped before it was registered", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const opened = vi.fn();
    tauriApi.onOpenSession(opened)();
    await settle();
    await emit("hearth://open-session", { session_id: "s7" });
    expect(opened).not.toHaveBeenCalled();
  });

  it("ignores an open-session payload without a session id", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const opened = vi.fn();
    const stop = tauriApi.onOpenSession(opened);
    await settle();
    await emit("hearth://open-session", null);
    expect(opened).not.toHaveBeenCalled();
    stop();
  });
});

describe("outcomeOf", () => {
  it("settles a call into its value or its error as the UI shows it", async () => {
    await expect(outcomeOf(Promise.resolve(3))).resolves.toEqual({ ok: true, value: 3 });
    await expect(outcomeOf(Promise.reject({ code: "HOOK_NOT_FOUND", message: "gone" }))).resolves.toEqual({
      ok: false,
      error: { code: "HOOK_NOT_FOUND", message: "gone" },
    });
  });
});

describe("newClientMsgId", () => {
  it("makes a fresh UUID each time, with or without crypto.randomUUID", () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(newClientMsgId()).toMatch(uuid);
    expect(newClientMsgId()).not.toBe(newClientMsgId());
    // Outside a secure context there is no randomUUID; the fallback has the same form.
    Object.defineProperty(crypto, "randomUUID", { configurable: true, value: undefined });
    try {
      const ids = new Set(Array.from({ length: 50 }, newClientMsgId));
      expect(ids.size).toBe(50);
      for (const id of ids) expect(id).toMatch(uuid);
    } finally {
      delete (crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(newClientMsgId(), "the real one is back").toMatch(uuid);
  });
});

describe("toUiError", () => {
  it("keeps an ApiError as it is", () => {
    expect(toUiError({ code: "INVALID_TITLE", message: "bad" })).toEqual({ code: "INVALID_TITLE", message: "bad" });
  });

  it("wraps strings and Errors so there is always a message to show", () => {
    expect(toUiError("command session_x not found")).toEqual({ code: "UNKNOWN", message: "command session_x not found" });
    expect(toUiError(new Error("boom")).message).toBe("boom");
    expect(toUiError(undefined).message, "never an empty toast").toBe("Something went wrong.");
  });
});

describe("outside the Hearth app", () => {
  it("rejects with a readable message when there is no Tauri backend", async () => {
    clearMocks();
    delete (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
    await expect(tauriApi.listSessions(null)).rejects.toThrow(/not running inside the Hearth app/);
    const sub = tauriApi.chatSubscribe("s1", 0, () => undefined);
    await expect(sub.snapshot, "no Channel can be made without Tauri either").rejects.toThrow(/not running inside/);
    await expect(tauriApi.uiViewing(null)).rejects.toThrow(/not running inside/);
    // App events: nothing to listen to, and nothing to stop.
    const stop = tauriApi.onOpenSession(() => undefined);
    expect(() => stop()).not.toThrow();
    expect(() => tauriApi.onNewChat(() => undefined)()).not.toThrow();
  });
});

describe("tauriApi presets and links", () => {
  it("sends presets as {preset}, changes as {id, patch}, removals as {id}, links as {url}", async () => {
    const calls = recordIpc(null);
    await tauriApi.listPresets();
    await tauriApi.addPreset({ name: "Brief", prompt: "Be brief." });
    await tauriApi.updatePreset("p1", { prompt: "Be briefer." });
    await tauriApi.removePreset("p1");
    await tauriApi.openLink("https://example.com/");
    expect(calls).toEqual([
      { cmd: "presets_list", args: {} },
      { cmd: "preset_add", args: { preset: { name: "Brief", prompt: "Be brief." } } },
      { cmd: "preset_update", args: { id: "p1", patch: { prompt: "Be briefer." } } },
      { cmd: "preset_remove", args: { id: "p1" } },
      { cmd: "open_link", args: { url: "https://example.com/" } },
    ]);
  });
});

describe("tauriApi memories", () => {
  it("lists with optional tier and q, adds {memory}, changes {id, patch}, removes {id}", async () => {
    const calls = recordIpc([]);
    await tauriApi.listMemories();
    await tauriApi.listMemories({ q: "dog", tier: "archival" });
    await tauriApi.addMemory({ kind: "fact", tier: "core", text: "x" });
    await tauriApi.updateMemory("m1", { tier: "archival" });
    await tauriApi.removeMemory("m1");
    expect(calls).toEqual([
      { cmd: "memories_list", args: {} },
      { cmd: "memories_list", args: { q: "dog", tier: "archival" } },
      { cmd: "memory_add", args: { memory: { kind: "fact", tier: "core", text: "x" } } },
      { cmd: "memory_update", args: { id: "m1", patch: { tier: "archival" } } },
      { cmd: "memory_remove", args: { id: "m1" } },
    ]);
  });
});
