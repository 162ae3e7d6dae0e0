// Thin layer over the Tauri IPC commands. Nothing else in the UI calls `invoke`
// directly: App receives a `HearthApi` and hands plain data and callbacks down, so
// components are tested through their props and this file through Tauri's IPC mock.
import { Channel, invoke, isTauri, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AccountCheck } from "./bindings/AccountCheck";
import type { AccountInfo } from "./bindings/AccountInfo";
import type { AccountPatch } from "./bindings/AccountPatch";
import type { AccountUsage } from "./bindings/AccountUsage";
import type { Activity } from "./bindings/Activity";
import type { ApiError } from "./bindings/ApiError";
import type { ApprovalAnswer } from "./bindings/ApprovalAnswer";
import type { AttachmentInfo } from "./bindings/AttachmentInfo";
import type { CreateSession } from "./bindings/CreateSession";
import type { Frame } from "./bindings/Frame";
import type { HealthCheck } from "./bindings/HealthCheck";
import type { History } from "./bindings/History";
import type { Hook } from "./bindings/Hook";
import type { HookPatch } from "./bindings/HookPatch";
import type { HookWithSecret } from "./bindings/HookWithSecret";
import type { ListSessions } from "./bindings/ListSessions";
import type { LocalServer } from "./bindings/LocalServer";
import type { LogLine } from "./bindings/LogLine";
import type { LogQuery } from "./bindings/LogQuery";
import type { McpServerInfo } from "./bindings/McpServerInfo";
import type { McpServerPatch } from "./bindings/McpServerPatch";
import type { ModelList } from "./bindings/ModelList";
import type { NewAccount } from "./bindings/NewAccount";
import type { NewHook } from "./bindings/NewHook";
import type { NewMcpServer } from "./bindings/NewMcpServer";
import type { NewRule } from "./bindings/NewRule";
import type { NewSchedule } from "./bindings/NewSchedule";
import type { Rule } from "./bindings/Rule";
import type { Schedule } from "./bindings/Schedule";
import type { SchedulePatch } from "./bindings/SchedulePatch";
import type { ScheduleRun } from "./bindings/ScheduleRun";
import type { SendMessage } from "./bindings/SendMessage";
import type { Memory } from "./bindings/Memory";
import type { MemoryPatch } from "./bindings/MemoryPatch";
import type { MemoryTier } from "./bindings/MemoryTier";
import type { NewMemory } from "./bindings/NewMemory";
import type { NewPreset } from "./bindings/NewPreset";
import type { Preset } from "./bindings/Preset";
import type { PresetPatch } from "./bindings/PresetPatch";
import type { SendReceipt } from "./bindings/SendReceipt";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { SearchQuery } from "./bindings/SearchQuery";
import type { SearchResults } from "./bindings/SearchResults";
import type { Session } from "./bindings/Session";
import type { SessionDocument } from "./bindings/SessionDocument";
import type { SessionPage } from "./bindings/SessionPage";
import type { Settings } from "./bindings/Settings";
import type { SettingsPatch } from "./bindings/SettingsPatch";
import type { SteerReceipt } from "./bindings/SteerReceipt";
import type { SubscribeSnapshot } from "./bindings/SubscribeSnapshot";
import type { ToolInfo } from "./bindings/ToolInfo";
import type { UpdateSession } from "./bindings/UpdateSession";
import type { UsageSummary } from "./bindings/UsageSummary";
import type { CommandArgs, CommandName, CommandResult } from "./generated/commands";

export const PAGE_SIZE = 50;
/** How many messages a chat opens with (the newest ones). */
export const HISTORY_LIMIT = 200;

/** A live subscription to a session's frames. */
export interface ChatSubscription {
  /** Identifies the subscription to `chatUnsubscribe`. */
  channelId: number;
  /** The session's state when the subscription began; frames after `after_seq` follow on the channel. */
  snapshot: Promise<SubscribeSnapshot>;
}

export interface HearthApi {
  listSessions(cursor: string | null, limit?: number): Promise<SessionPage>;
  createSession(req?: CreateSession): Promise<Session>;
  getSession(sessionId: string): Promise<Session>;
  updateSession(sessionId: string, patch: UpdateSession): Promise<Session>;
  /** Soft delete; resolves with the session, `deleted_at` set. */
  deleteSession(sessionId: string): Promise<Session>;
  restoreSession(sessionId: string): Promise<Session>;

  /** The newest messages (oldest first) and the watermark to subscribe after. */
  /** The latest `limit` messages of the active path, or those before the message `before`. */
  chatHistory(sessionId: string, limit?: number, before?: string): Promise<History>;
  /** Every frame with seq > afterSeq goes to `onFrame`, in order, exactly once. */
  chatSubscribe(sessionId: string, afterSeq: number, onFrame: (frame: Frame) => void): ChatSubscription;
  chatUnsubscribe(channelId: number): Promise<void>;
  /** A new version of a user message (the old one stays as a branch); its reply is queued. */
  chatEdit(sessionId: string, messageId: string, text: string): Promise<SendReceipt>;
  /** A new reply to what the reply `messageId` answered (the old one stays as a branch). */
  chatRegenerate(sessionId: string, messageId: string): Promise<SendReceipt>;
  /** Shows the version `messageId` of a message, and the branch after it. */
  chatSwitchBranch(sessionId: string, messageId: string): Promise<void>;
  /** Uploads a file for the chat's next message (type sniffed from its bytes by the backend). */
  addAttachment(sessionId: string, file: File): Promise<AttachmentInfo>;
  /** An attachment's bytes (thumbnails). */
  attachmentBytes(attachmentId: string): Promise<ArrayBuffer>;
  chatSend(sessionId: string, req: SendMessage): Promise<SendReceipt>;
  /** Resolves true if a run was going and is now stopping. */
  chatAbort(sessionId: string): Promise<boolean>;
  chatSteer(sessionId: string, text: string): Promise<SteerReceipt>;
  /** Resolves with the number of queued runs removed. */
  chatClearQueue(sessionId: string): Promise<number>;
  /** Runs the last user message again (after an error or an interruption). */
  chatRetry(sessionId: string): Promise<SendReceipt>;
  listModels(): Promise<ModelList>;

  /** Model accounts: the environment's, then those added in settings. Never their keys. */
  listAccounts(): Promise<AccountInfo[]>;
  /** The key, if any, goes to the OS keyring only. */
  addAccount(req: NewAccount): Promise<AccountInfo>;
  /**
   * Only accounts added in settings can be edited. Absent fields stay; `api_key` replaces the
   * key in the keyring, and an empty one removes it.
   */
  updateAccount(accountId: string, patch: AccountPatch): Promise<AccountInfo>;
  /** Reaches the account's server with its key: how many models it lists, or why not. */
  testAccount(accountId: string): Promise<AccountCheck>;
  /** Only accounts added in settings can be removed. */
  removeAccount(accountId: string): Promise<void>;
  /** Ollama and LM Studio on this computer: those that answered (within about a second). */
  probeLocalServers(): Promise<LocalServer[]>;

  /** A session's tokens, and their cost where its models have a price. */
  sessionUsage(sessionId: string): Promise<UsageSummary>;
  /** Tokens and cost per account, over every run. */
  usageByAccount(): Promise<AccountUsage[]>;

  getSettings(): Promise<Settings>;
  /** Absent fields stay as they are; resolves with the settings as stored. */
  updateSettings(patch: SettingsPatch): Promise<Settings>;

  /**
   * Answers a tool call waiting for the user. Its `approval_resolved` frame follows on the
   * chat's subscription. Rejects with APPROVAL_NOT_FOUND once answered or expired.
   */
  answerApproval(approvalId: string, answer: ApprovalAnswer): Promise<void>;
  /** Every stored rule, global and per chat. */
  listRules(): Promise<Rule[]>;
  addRule(rule: NewRule): Promise<Rule>;
  removeRule(ruleId: string): Promise<void>;
  /** The built-in tools and those of the enabled MCP servers (which this may start). */
  listTools(): Promise<ToolInfo[]>;

  listMcpServers(): Promise<McpServerInfo[]>;
  /** Secrets go to the OS keyring only. */
  addMcpServer(server: NewMcpServer): Promise<McpServerInfo>;
  updateMcpServer(name: string, patch: McpServerPatch): Promise<McpServerInfo>;
  removeMcpServer(name: string): Promise<void>;
  /** Starts the server and lists its tools: `status` and `error` say how it went. */
  testMcpServer(name: string): Promise<McpServerInfo>;

  listSchedules(): Promise<Schedule[]>;
  addSchedule(schedule: NewSchedule): Promise<Schedule>;
  /** Absent fields stay; `session_id: ""` (or `model: ""`) clears it. */
  updateSchedule(id: string, patch: SchedulePatch): Promise<Schedule>;
  removeSchedule(id: string): Promise<void>;
  /** Fires the schedule now, whatever its next time. */
  runScheduleNow(id: string): Promise<ScheduleRun>;
  /** Its past firings, newest first. */
  scheduleRuns(id: string, limit?: number): Promise<ScheduleRun[]>;

  /** The webhooks, without their secrets. */
  listHooks(): Promise<Hook[]>;
  /** Resolves with the new secret: the only time it is shown. */
  addHook(hook: NewHook): Promise<HookWithSecret>;
  /** `rotate_secret: true` resolves with the new secret, shown this once. */
  updateHook(name: string, patch: HookPatch): Promise<HookWithSecret>;
  removeHook(name: string): Promise<void>;

  /** The memories (core first, newest first), or with `q` those matching it, best first. */
  listMemories(query?: { tier?: MemoryTier; q?: string }): Promise<Memory[]>;
  addMemory(memory: NewMemory): Promise<Memory>;
  updateMemory(id: string, patch: MemoryPatch): Promise<Memory>;
  removeMemory(id: string): Promise<void>;

  /** Assistant presets (named system prompts), by name. */
  listPresets(): Promise<Preset[]>;
  addPreset(preset: NewPreset): Promise<Preset>;
  updatePreset(id: string, patch: PresetPatch): Promise<Preset>;
  removePreset(id: string): Promise<void>;

  /** Recent log lines, oldest first; `after_seq` asks only for newer ones. */
  recentLogs(query: LogQuery): Promise<LogLine[]>;
  /** Full-text search over every chat's messages, tool inputs and tool outputs. */
  search(req: SearchQuery): Promise<SearchResults>;
  /** Saves the chat's export in the Downloads folder; resolves with the file's path. */
  saveExport(sessionId: string, format: ExportFormat): Promise<string>;
  /** A new chat from an exported JSON document. */
  importSession(doc: SessionDocument): Promise<Session>;
  /** One line per part of Hearth (store, keyring, notifications, api). */
  health(): Promise<HealthCheck[]>;
  /** Runs working, queued and waiting for an answer now. */
  activity(): Promise<Activity>;
  /** The local HTTP API's base URL, or null when it is off. */
  apiUrl(): Promise<string | null>;
  /** Tells the backend which chat is on screen (null: none), so it does not notify about it. */
  uiViewing(sessionId: string | null): Promise<void>;

  /**
   * A notification's "Open" asked for a chat. Returns a function that stops listening; without
   * the Hearth backend nothing is ever delivered.
   */
  onOpenSession(handler: (sessionId: string) => void): () => void;
  /** The tray's "New chat". Returns a function that stops listening. */
  onNewChat(handler: () => void): () => void;
  /**
   * A chat's row may have changed — made, imported, renamed, a message or run in it — by the
   * window, the HTTP API or a script. Returns a function that stops listening.
   */
  onSessionChanged(handler: (sessionId: string) => void): () => void;
  /** Quit was asked for while runs are in flight: the handler asks the user. */
  onConfirmQuit(handler: (activity: Activity) => void): () => void;
  /** Quits now (runs in flight end interrupted). */
  appQuit(): Promise<void>;
  /** Opens an http(s) or mailto link in the system's browser or mail client. */
  openLink(url: string): Promise<void>;
}

/** True inside the Tauri webview (or under Tauri's IPC mock in tests). */
export function hasTauriBackend(): boolean {
  return isTauri() || (typeof window !== "undefined" && "__TAURI_INTERNALS__" in window);
}

const NO_BACKEND = "Hearth's backend is not available: the UI is not running inside the Hearth app.";

/**
 * Invokes a command by its declared name, with its declared arguments (a wrong name or
 * argument fails `tsc`), resolving with its declared answer: see generated/commands.ts.
 */
function invokeCommand<K extends CommandName>(
  command: K,
  args: CommandArgs<K>,
  options?: InvokeOptions,
): Promise<CommandResult<K>> {
  return invoke<CommandResult<K>>(command, args as InvokeArgs, options);
}

function call<K extends CommandName>(command: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
  if (!hasTauriBackend()) {
    // Opened in a plain browser: say so, instead of "cannot read properties of undefined".
    return Promise.reject(new Error(NO_BACKEND));
  }
  return invokeCommand(command, args);
}

/**
 * Delivers an app event's payload to `handler` until the returned function is called (which
 * may be before `listen` has even registered: the listener is then dropped as it arrives).
 */
function listenTo<T>(event: string, handler: (payload: T) => void): () => void {
  if (!hasTauriBackend()) return () => undefined;
  let stopped = false;
  let unlisten: UnlistenFn | null = null;
  // If the backend went away first, there is nothing left to unregister.
  const drop = (fn: UnlistenFn) => void Promise.resolve().then(fn).catch(() => undefined);
  listen<T>(event, (e) => {
    if (!stopped) handler(e.payload);
  }).then(
    (fn) => {
      if (stopped) drop(fn);
      else unlisten = fn;
    },
    () => undefined,
  );
  return () => {
    if (stopped) return;
    stopped = true;
    if (unlisten) drop(unlisten);
  };
}

/** App events the backend emits. */
export const OPEN_SESSION_EVENT = "hearth://open-session";
export const NEW_CHAT_EVENT = "hearth://new-chat";
export const CONFIRM_QUIT_EVENT = "hearth://confirm-quit";
export const SESSION_CHANGED_EVENT = "hearth://session-changed";

/** Makes a send idempotent: the backend answers a repeat with the first receipt. */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; build the same RFC 4122 v4 form from random bytes.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const tauriApi: HearthApi = {
  listSessions(cursor, limit = PAGE_SIZE) {
    // The first page is asked for without a cursor (the field is optional, not nullable).
    const req: ListSessions = cursor === null ? { limit } : { limit, cursor };
    return call("session_list", { req });
  },
  createSession(req = {}) {
    return call("session_create", { req });
  },
  getSession(sessionId) {
    return call("session_get", { session_id: sessionId });
  },
  updateSession(sessionId, patch) {
    return call("session_update", { session_id: sessionId, patch });
  },
  deleteSession(sessionId) {
    return call("session_delete", { session_id: sessionId });
  },
  restoreSession(sessionId) {
    return call("session_restore", { session_id: sessionId });
  },

  chatHistory(sessionId, limit = HISTORY_LIMIT, before) {
    return call("chat_history", before === undefined ? { session_id: sessionId, limit } : { session_id: sessionId, limit, before });
  },
  chatSubscribe(sessionId, afterSeq, onFrame) {
    // A Channel needs Tauri's internals even to be created.
    if (!hasTauriBackend()) return { channelId: -1, snapshot: Promise.reject(new Error(NO_BACKEND)) };
    const channel = new Channel<Frame>();
    // Set before the channel is sent: messages that arrive without a handler are dropped.
    channel.onmessage = onFrame;
    const snapshot = call("chat_subscribe", {
      session_id: sessionId,
      after_seq: afterSeq,
      on_frame: channel,
    });
    return { channelId: channel.id, snapshot };
  },
  chatUnsubscribe(channelId) {
    // The backend drops its end of the channel; Tauri then releases the handler here.
    return call("chat_unsubscribe", { channel_id: channelId });
  },
  chatEdit(sessionId, messageId, text) {
    return call("chat_edit", { session_id: sessionId, message_id: messageId, text });
  },
  chatRegenerate(sessionId, messageId) {
    return call("chat_regenerate", { session_id: sessionId, message_id: messageId });
  },
  chatSwitchBranch(sessionId, messageId) {
    return call("chat_switch_branch", { session_id: sessionId, message_id: messageId });
  },
  async addAttachment(sessionId, file) {
    if (!hasTauriBackend()) throw new Error(NO_BACKEND);
    // The bytes go as the raw body (no JSON or base64 on the way); what and where as headers.
    const bytes = new Uint8Array(await file.arrayBuffer());
    return invokeCommand("attachment_add", bytes, {
      headers: { "x-session-id": encodeURIComponent(sessionId), "x-file-name": encodeURIComponent(file.name) },
    });
  },
  attachmentBytes(attachmentId) {
    return call("attachment_get", { attachment_id: attachmentId });
  },
  chatSend(sessionId, req) {
    return call("chat_send", { session_id: sessionId, req });
  },
  chatAbort(sessionId) {
    return call("chat_abort", { session_id: sessionId });
  },
  chatSteer(sessionId, text) {
    return call("chat_steer", { session_id: sessionId, text });
  },
  chatClearQueue(sessionId) {
    return call("chat_clear_queue", { session_id: sessionId });
  },
  chatRetry(sessionId) {
    return call("chat_retry", { session_id: sessionId });
  },
  listModels() {
    return call("models_list", {});
  },

  listAccounts() {
    return call("accounts_list", {});
  },
  addAccount(req) {
    return call("account_add", { req });
  },
  updateAccount(accountId, patch) {
    return call("account_update", { account_id: accountId, patch });
  },
  testAccount(accountId) {
    return call("account_test", { account_id: accountId });
  },
  removeAccount(accountId) {
    return call("account_remove", { account_id: accountId });
  },
  probeLocalServers() {
    return call("local_servers_probe", {});
  },

  sessionUsage(sessionId) {
    return call("session_usage", { session_id: sessionId });
  },
  usageByAccount() {
    return call("usage_by_account", {});
  },

  getSettings() {
    return call("settings_get", {});
  },
  updateSettings(patch) {
    return call("settings_update", { patch });
  },

  answerApproval(approvalId, answer) {
    return call("approval_answer", { approval_id: approvalId, answer });
  },
  listRules() {
    return call("rules_list", {});
  },
  addRule(rule) {
    return call("rule_add", { rule });
  },
  removeRule(ruleId) {
    return call("rule_remove", { rule_id: ruleId });
  },
  listTools() {
    return call("tools_list", {});
  },

  listMcpServers() {
    return call("mcp_servers_list", {});
  },
  addMcpServer(server) {
    return call("mcp_server_add", { server });
  },
  updateMcpServer(name, patch) {
    return call("mcp_server_update", { name, patch });
  },
  removeMcpServer(name) {
    return call("mcp_server_remove", { name });
  },
  testMcpServer(name) {
    return call("mcp_server_test", { name });
  },

  listSchedules() {
    return call("schedules_list", {});
  },
  addSchedule(schedule) {
    return call("schedule_add", { schedule });
  },
  updateSchedule(id, patch) {
    return call("schedule_update", { id, patch });
  },
  removeSchedule(id) {
    return call("schedule_remove", { id });
  },
  runScheduleNow(id) {
    return call("schedule_run_now", { id });
  },
  scheduleRuns(id, limit) {
    return call("schedule_runs", limit === undefined ? { id } : { id, limit });
  },

  listHooks() {
    return call("hooks_list", {});
  },
  addHook(hook) {
    return call("hook_add", { hook });
  },
  updateHook(name, patch) {
    return call("hook_update", { name, patch });
  },
  removeHook(name) {
    return call("hook_remove", { name });
  },

  listMemories(query = {}) {
    return call("memories_list", { ...query });
  },
  addMemory(memory) {
    return call("memory_add", { memory });
  },
  updateMemory(id, patch) {
    return call("memory_update", { id, patch });
  },
  removeMemory(id) {
    return call("memory_remove", { id });
  },

  listPresets() {
    return call("presets_list", {});
  },
  addPreset(preset) {
    return call("preset_add", { preset });
  },
  updatePreset(id, patch) {
    return call("preset_update", { id, patch });
  },
  removePreset(id) {
    return call("preset_remove", { id });
  },

  recentLogs(query) {
    return call("logs_recent", { query });
  },
  search(req) {
    return call("search", { req });
  },
  saveExport(sessionId, format) {
    return call("session_export_save", { session_id: sessionId, format });
  },
  importSession(doc) {
    return call("session_import", { doc });
  },
  health() {
    return call("health", {});
  },
  activity() {
    return call("activity", {});
  },
  apiUrl() {
    return call("api_url", {});
  },
  uiViewing(sessionId) {
    return call("ui_viewing", { session_id: sessionId });
  },

  onOpenSession(handler) {
    return listenTo<{ session_id: string }>(OPEN_SESSION_EVENT, (payload) => {
      if (typeof payload?.session_id === "string") handler(payload.session_id);
    });
  },
  onNewChat(handler) {
    return listenTo<null>(NEW_CHAT_EVENT, () => handler());
  },
  onSessionChanged(handler) {
    return listenTo<{ session_id: string }>(SESSION_CHANGED_EVENT, (payload) => {
      if (typeof payload?.session_id === "string") handler(payload.session_id);
    });
  },
  onConfirmQuit(handler) {
    return listenTo<Activity>(CONFIRM_QUIT_EVENT, (payload) => {
      if (payload && typeof payload.running === "number") handler(payload);
    });
  },
  appQuit() {
    return call("app_quit", {});
  },
  openLink(url) {
    if (!hasTauriBackend()) {
      // Opened in a plain browser (the UI's dev server): a new tab is the system's browser.
      window.open(url, "_blank", "noopener,noreferrer");
      return Promise.resolve();
    }
    return call("open_link", { url });
  },
};

/** An event on `window` when a link could not be opened; App shows it as an error. */
export const LINK_FAILED_EVENT = "hearth:link-failed";

/** An error as the UI shows it: a backend ApiError, or "UNKNOWN" for anything else. */
export type UiError = { code: ApiError["code"] | "UNKNOWN"; message: string };

/** What a call answered, or why it failed: for props whose caller shows either. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: UiError };

/** Settles a call into an Outcome (never rejects). */
export function outcomeOf<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (e: unknown) => ({ ok: false as const, error: toUiError(e) }),
  );
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/**
 * Normalises whatever a command rejected with. The backend rejects with an
 * ApiError `{code, message}`; anything else (a plain string from Tauri itself,
 * a thrown Error) is wrapped so the UI can always show `message`.
 */
export function toUiError(value: unknown): UiError {
  if (isApiError(value)) return { code: value.code, message: value.message };
  if (typeof value === "string" && value) return { code: "UNKNOWN", message: value };
  if (value instanceof Error && value.message) return { code: "UNKNOWN", message: value.message };
  return { code: "UNKNOWN", message: "Something went wrong." };
}
