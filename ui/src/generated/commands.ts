// Generated from hearth_api::ops (src-tauri/api/src/ops/) by `make bindings`. Do not edit.
import type { Channel } from "@tauri-apps/api/core";
import type { AccountCheck } from "../bindings/AccountCheck";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { AccountPatch } from "../bindings/AccountPatch";
import type { AccountUsage } from "../bindings/AccountUsage";
import type { Activity } from "../bindings/Activity";
import type { ApprovalAnswer } from "../bindings/ApprovalAnswer";
import type { AttachmentInfo } from "../bindings/AttachmentInfo";
import type { CreateSession } from "../bindings/CreateSession";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { Frame } from "../bindings/Frame";
import type { HealthCheck } from "../bindings/HealthCheck";
import type { History } from "../bindings/History";
import type { Hook } from "../bindings/Hook";
import type { HookPatch } from "../bindings/HookPatch";
import type { HookWithSecret } from "../bindings/HookWithSecret";
import type { ListSessions } from "../bindings/ListSessions";
import type { LocalServer } from "../bindings/LocalServer";
import type { LogLine } from "../bindings/LogLine";
import type { LogQuery } from "../bindings/LogQuery";
import type { McpServerInfo } from "../bindings/McpServerInfo";
import type { McpServerPatch } from "../bindings/McpServerPatch";
import type { Memory } from "../bindings/Memory";
import type { MemoryPatch } from "../bindings/MemoryPatch";
import type { MemoryTier } from "../bindings/MemoryTier";
import type { ModelList } from "../bindings/ModelList";
import type { NewAccount } from "../bindings/NewAccount";
import type { NewHook } from "../bindings/NewHook";
import type { NewMcpServer } from "../bindings/NewMcpServer";
import type { NewMemory } from "../bindings/NewMemory";
import type { NewPreset } from "../bindings/NewPreset";
import type { NewRule } from "../bindings/NewRule";
import type { NewSchedule } from "../bindings/NewSchedule";
import type { Preset } from "../bindings/Preset";
import type { PresetPatch } from "../bindings/PresetPatch";
import type { Rule } from "../bindings/Rule";
import type { Schedule } from "../bindings/Schedule";
import type { SchedulePatch } from "../bindings/SchedulePatch";
import type { ScheduleRun } from "../bindings/ScheduleRun";
import type { SearchQuery } from "../bindings/SearchQuery";
import type { SearchResults } from "../bindings/SearchResults";
import type { SendMessage } from "../bindings/SendMessage";
import type { SendReceipt } from "../bindings/SendReceipt";
import type { Session } from "../bindings/Session";
import type { SessionDocument } from "../bindings/SessionDocument";
import type { SessionPage } from "../bindings/SessionPage";
import type { Settings } from "../bindings/Settings";
import type { SettingsPatch } from "../bindings/SettingsPatch";
import type { SteerReceipt } from "../bindings/SteerReceipt";
import type { SubscribeSnapshot } from "../bindings/SubscribeSnapshot";
import type { ToolInfo } from "../bindings/ToolInfo";
import type { UpdateSession } from "../bindings/UpdateSession";
import type { UsageSummary } from "../bindings/UsageSummary";

/**
 * Every IPC command by name: its arguments (snake_case keys, as `invoke` sends them), what it
 * resolves with, and the codes of the `{code, message}` it may reject with.
 */
export interface Commands {
  /**
   * A page of chats, pinned first, then by last activity; `q` keeps those whose title
   * has it. `next_cursor` asks for the next page.
   */
  session_list: {
    args: { req: ListSessions };
    result: SessionPage;
    errors: "INVALID_LIMIT" | "INVALID_CURSOR" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * A new chat. Without `system_prompt` it takes the preset marked `for_new_chats`.
   * `runtime` other than `hearth` needs a `workspace` (an existing directory) and its CLI:
   * a missing or too old one is `RUNTIME_NOT_FOUND` (found and wanted versions in the
   * message); its `model`, when given, must be one the CLI can serve (Claude Code: an
   * Anthropic account's; Codex: an OpenAI or OpenAI-compatible account's) or it is
   * `INVALID_MODEL`.
   */
  session_create: {
    args: { req: CreateSession };
    result: Session;
    errors: "INVALID_TITLE" | "INVALID_MODEL" | "INVALID_WORKSPACE" | "RUNTIME_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** One chat, with its `status`, `queue_depth` and `last_seq`. */
  session_get: {
    args: { session_id: string };
    result: Session;
    errors: "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Changes a chat's title, pin, model, prompt and run settings; absent fields stay. */
  session_update: {
    args: { session_id: string; patch: UpdateSession };
    result: Session;
    errors: "SESSION_NOT_FOUND" | "INVALID_TITLE" | "INVALID_MODEL" | "INVALID_WORKSPACE" | "WORKSPACE_FIXED" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Soft delete: the chat leaves the list until `session_restore`. Over IPC it answers the
   * chat, `deleted_at` set.
   */
  session_delete: {
    args: { session_id: string };
    result: Session;
    errors: "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Undoes a soft delete. */
  session_restore: {
    args: { session_id: string };
    result: Session;
    errors: "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Full-text search over every chat's messages, tool inputs and tool outputs, best first.
   * Every word is a prefix (a single letter a whole word), all words required.
   */
  search: {
    args: { req: SearchQuery };
    result: SearchResults;
    errors: "INVALID_LIMIT" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * A chat as Markdown (to read) or as a JSON document `hearth.session` (lossless, images
   * in base64, to import again). Over HTTP `format` is `md` (the default) or `json`.
   */
  session_export: {
    args: { session_id: string; format: ExportFormat };
    result: string;
    errors: "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Saves a chat's export in the Downloads folder; answers the file's path. */
  session_export_save: {
    args: { session_id: string; format: ExportFormat };
    result: string;
    errors: "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** A new chat (fresh ids) from an exported JSON document. */
  session_import: {
    args: { doc: SessionDocument };
    result: Session;
    errors: "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * The latest `limit` messages of the active path (default 200, at most 1000), or those
   * before the message `before`, oldest first, and the watermark to subscribe after.
   */
  chat_history: {
    args: { session_id: string; limit?: number | null; before?: string | null };
    result: History;
    errors: "SESSION_NOT_FOUND" | "INVALID_LIMIT" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * The chat's state now; then every frame with `seq > after_seq`, in order, exactly once,
   * on `on_frame` until `chat_unsubscribe` (or the page reloads).
   */
  chat_subscribe: {
    args: { session_id: string; after_seq: number; on_frame: Channel<Frame> };
    result: SubscribeSnapshot;
    errors: "SESSION_NOT_FOUND" | "SEQ_OUT_OF_RANGE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Stops feeding a subscription's channel (by the channel's id). */
  chat_unsubscribe: {
    args: { channel_id: number };
    result: void;
    errors: "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Commits a user message (idempotent on `client_msg_id`) and queues its run; answers once
   * it is durable. `attachments` are ids uploaded to this chat and not sent yet.
   */
  chat_send: {
    args: { session_id: string; req: SendMessage };
    result: SendReceipt;
    errors: "SESSION_NOT_FOUND" | "MESSAGE_EMPTY" | "MESSAGE_TOO_LONG" | "QUEUE_FULL" | "ATTACHMENT_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Stops the running run (waiting a second at most for it to end). False when idle. */
  chat_abort: {
    args: { session_id: string };
    result: boolean;
    errors: "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Text for the running run to take into account at its next step; queued as the next
   * message when no run is going (`mode` says which).
   */
  chat_steer: {
    args: { session_id: string; text: string };
    result: SteerReceipt;
    errors: "SESSION_NOT_FOUND" | "MESSAGE_EMPTY" | "MESSAGE_TOO_LONG" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Removes the queued runs (not the running one); answers how many. */
  chat_clear_queue: {
    args: { session_id: string };
    result: number;
    errors: "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Runs the last user message again, after a failed or interrupted reply. */
  chat_retry: {
    args: { session_id: string };
    result: SendReceipt;
    errors: "SESSION_NOT_FOUND" | "NOTHING_TO_RETRY" | "QUEUE_FULL" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** A new version of a user message (the old one stays as a branch); its run is queued. */
  chat_edit: {
    args: { session_id: string; message_id: string; text: string };
    result: SendReceipt;
    errors: "SESSION_NOT_FOUND" | "MESSAGE_EMPTY" | "MESSAGE_TOO_LONG" | "QUEUE_FULL" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** A new reply to what the reply `message_id` answered (the old one stays as a branch). */
  chat_regenerate: {
    args: { session_id: string; message_id: string };
    result: SendReceipt;
    errors: "SESSION_NOT_FOUND" | "QUEUE_FULL" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Shows the version `message_id` of a message, and the branch after it (the frame
   * `branch_changed` tells viewers to read the history again).
   */
  chat_switch_branch: {
    args: { session_id: string; message_id: string };
    result: void;
    errors: "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Uploads a file for the chat's next message; its type comes from its content, never
   * from its name. Over IPC the body is the file's bytes, with headers `x-session-id` and
   * `x-file-name` (percent-encoded); over HTTP one `file` field of a multipart form. The
   * size limit is a setting (20 MB by default), checked while the file streams in.
   */
  attachment_add: {
    args: Uint8Array | ArrayBuffer;
    result: AttachmentInfo;
    errors: "SESSION_NOT_FOUND" | "ATTACHMENT_TOO_LARGE" | "UNSUPPORTED_ATTACHMENT" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * An attachment's bytes (over HTTP with its sniffed type; over IPC the type is on the
   * message's block).
   */
  attachment_get: {
    args: { attachment_id: string };
    result: ArrayBuffer;
    errors: "ATTACHMENT_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Answers a tool call waiting for the user; its `approval_resolved` frame follows on the
   * chat's stream. `remember` (with an optional `pattern`) makes a rule of the answer. Once
   * answered or expired: APPROVAL_NOT_FOUND.
   */
  approval_answer: {
    args: { approval_id: string; answer: ApprovalAnswer };
    result: void;
    errors: "APPROVAL_NOT_FOUND" | "INVALID_RULE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Every stored rule, global and per chat. */
  rules_list: {
    args: Record<string, never>;
    result: Array<Rule>;
    errors: "STORAGE" | "INTERNAL";
  };
  /** A rule for a tool (and an optional pattern on its input): allow, ask or deny. */
  rule_add: {
    args: { rule: NewRule };
    result: Rule;
    errors: "INVALID_RULE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Revokes a rule: the next call it covered is decided without it. */
  rule_remove: {
    args: { rule_id: string };
    result: void;
    errors: "RULE_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * The built-in tools and those of the enabled MCP servers (which this may start), each
   * with the policy that applies when no rule does.
   */
  tools_list: {
    args: Record<string, never>;
    result: Array<ToolInfo>;
    errors: "STORAGE" | "INTERNAL";
  };
  /**
   * Each account's models (cached for ten minutes unless `refresh` asks the servers again),
   * and the default model.
   */
  models_list: {
    args: { refresh?: boolean | null };
    result: ModelList;
    errors: "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Ollama and LM Studio on this computer: those that answered (within about a second). */
  local_servers_probe: {
    args: Record<string, never>;
    result: Array<LocalServer>;
    errors: "STORAGE" | "INTERNAL";
  };
  /** The environment's accounts, then those added in settings. Never their keys. */
  accounts_list: {
    args: Record<string, never>;
    result: Array<AccountInfo>;
    errors: "STORAGE" | "INTERNAL";
  };
  /** Adds an account; its key, if any, goes to the OS keyring only. */
  account_add: {
    args: { req: NewAccount };
    result: AccountInfo;
    errors: "INVALID_ACCOUNT" | "KEYRING_UNAVAILABLE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Changes an account added in settings: absent fields stay; `api_key` replaces the key in
   * the keyring, and an empty one removes it.
   */
  account_update: {
    args: { account_id: string; patch: AccountPatch };
    result: AccountInfo;
    errors: "ACCOUNT_NOT_FOUND" | "INVALID_ACCOUNT" | "KEYRING_UNAVAILABLE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Reaches the account's server with its key: how many models it lists, or why not. */
  account_test: {
    args: { account_id: string };
    result: AccountCheck;
    errors: "ACCOUNT_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Removes an account added in settings, and its key. */
  account_remove: {
    args: { account_id: string };
    result: void;
    errors: "ACCOUNT_NOT_FOUND" | "KEYRING_UNAVAILABLE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** A chat's tokens, and their cost where its models have a price. */
  session_usage: {
    args: { session_id: string };
    result: UsageSummary;
    errors: "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Tokens and cost per account, over every run. */
  usage_by_account: {
    args: Record<string, never>;
    result: Array<AccountUsage>;
    errors: "STORAGE" | "INTERNAL";
  };
  /** Every configured server, with its status and tools when started. */
  mcp_servers_list: {
    args: Record<string, never>;
    result: Array<McpServerInfo>;
    errors: "STORAGE" | "INTERNAL";
  };
  /**
   * Adds a server (started when a chat needs it, or by `mcp_server_test`); its secrets go
   * to the OS keyring only.
   */
  mcp_server_add: {
    args: { server: NewMcpServer };
    result: McpServerInfo;
    errors: "INVALID_MCP_SERVER" | "KEYRING_UNAVAILABLE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Changes a server: absent fields stay; `secrets` replaces them all. */
  mcp_server_update: {
    args: { name: string; patch: McpServerPatch };
    result: McpServerInfo;
    errors: "MCP_SERVER_NOT_FOUND" | "INVALID_MCP_SERVER" | "KEYRING_UNAVAILABLE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Removes a server, and its secrets. */
  mcp_server_remove: {
    args: { name: string };
    result: void;
    errors: "MCP_SERVER_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Starts the server and lists its tools: `status` and `error` say how it went. */
  mcp_server_test: {
    args: { name: string };
    result: McpServerInfo;
    errors: "MCP_SERVER_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Every memory of `tier` (all when absent), core first, newest first; with a `q` that is
   * not blank, those matching any of its words, best first: at most `limit` (1 to 200,
   * default 200) of the tier. `limit` bounds a search only.
   */
  memories_list: {
    args: { tier?: MemoryTier | null; q?: string | null; limit?: number | null };
    result: Array<Memory>;
    errors: "INVALID_LIMIT" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Remembers something (`kind`: profile, preference, relationship or fact); at most 50
   * core memories.
   */
  memory_add: {
    args: { memory: NewMemory };
    result: Memory;
    errors: "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Changes a memory's text, kind or tier; absent fields stay. */
  memory_update: {
    args: { id: string; patch: MemoryPatch };
    result: Memory;
    errors: "NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Forgets a memory. */
  memory_remove: {
    args: { id: string };
    result: void;
    errors: "NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Every preset, by name. */
  presets_list: {
    args: Record<string, never>;
    result: Array<Preset>;
    errors: "STORAGE" | "INTERNAL";
  };
  /** A new preset; `for_new_chats` makes it the prompt of chats made without one. */
  preset_add: {
    args: { preset: NewPreset };
    result: Preset;
    errors: "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Changes a preset; absent fields stay. */
  preset_update: {
    args: { id: string; patch: PresetPatch };
    result: Preset;
    errors: "NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Removes a preset (chats that took its prompt keep it). */
  preset_remove: {
    args: { id: string };
    result: void;
    errors: "NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Every schedule, with its next time and its last run. */
  schedules_list: {
    args: Record<string, never>;
    result: Array<Schedule>;
    errors: "STORAGE" | "INTERNAL";
  };
  /** A new schedule. */
  schedule_add: {
    args: { schedule: NewSchedule };
    result: Schedule;
    errors: "INVALID_SCHEDULE" | "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Changes a schedule: absent fields stay; `session_id: ""` (or `model: ""`) clears it. */
  schedule_update: {
    args: { id: string; patch: SchedulePatch };
    result: Schedule;
    errors: "SCHEDULE_NOT_FOUND" | "INVALID_SCHEDULE" | "SESSION_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Removes a schedule (the chats it made stay). */
  schedule_remove: {
    args: { id: string };
    result: void;
    errors: "SCHEDULE_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Fires the schedule now, whatever its next time, unless its last run is still going. */
  schedule_run_now: {
    args: { id: string };
    result: ScheduleRun;
    errors: "SCHEDULE_NOT_FOUND" | "INVALID_SCHEDULE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** The schedule's past firings, newest first: `limit` of them (1 to 200, default 50). */
  schedule_runs: {
    args: { id: string; limit?: number | null };
    result: Array<ScheduleRun>;
    errors: "SCHEDULE_NOT_FOUND" | "INVALID_LIMIT" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** The webhooks, without their secrets. */
  hooks_list: {
    args: Record<string, never>;
    result: Array<Hook>;
    errors: "STORAGE" | "INTERNAL";
  };
  /** A new webhook; the answer carries its secret, the only time it is shown. */
  hook_add: {
    args: { hook: NewHook };
    result: HookWithSecret;
    errors: "INVALID_HOOK" | "SESSION_NOT_FOUND" | "KEYRING_UNAVAILABLE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Changes a webhook; `rotate_secret: true` answers the new secret, shown this once. */
  hook_update: {
    args: { name: string; patch: HookPatch };
    result: HookWithSecret;
    errors: "HOOK_NOT_FOUND" | "INVALID_HOOK" | "SESSION_NOT_FOUND" | "KEYRING_UNAVAILABLE" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Removes a webhook and its secret. */
  hook_remove: {
    args: { name: string };
    result: void;
    errors: "HOOK_NOT_FOUND" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Every setting. */
  settings_get: {
    args: Record<string, never>;
    result: Settings;
    errors: "STORAGE" | "INTERNAL";
  };
  /**
   * Changes settings (absent fields stay) and answers them as stored. The window applies
   * the global shortcut and start at login too; over HTTP those two are refused.
   */
  settings_update: {
    args: { patch: SettingsPatch };
    result: Settings;
    errors: "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /**
   * Recent log lines, oldest first: of `level` and above, of one chat, containing `q`,
   * after `after_seq`; the newest `limit` (default 500, at most 2000).
   */
  logs_recent: {
    args: { query?: LogQuery | null };
    result: Array<LogLine>;
    errors: "INVALID_LIMIT" | "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Runs working, queued and waiting for an answer now. */
  activity: {
    args: Record<string, never>;
    result: Activity;
    errors: "STORAGE" | "INTERNAL";
  };
  /** One line per part of Hearth: the store and keyring, notifications, the HTTP API. */
  health: {
    args: Record<string, never>;
    result: Array<HealthCheck>;
    errors: "STORAGE" | "INTERNAL";
  };
  /** The HTTP API's base URL, or null when it is off. */
  api_url: {
    args: Record<string, never>;
    result: string | null;
    errors: "STORAGE" | "INTERNAL";
  };
  /** Which chat the window shows (null: none), so that it is not notified about. */
  ui_viewing: {
    args: { session_id?: string | null };
    result: void;
    errors: "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
  /** Quits now (runs in flight end `interrupted`). */
  app_quit: {
    args: Record<string, never>;
    result: void;
    errors: "STORAGE" | "INTERNAL";
  };
  /**
   * Opens a link from a reply outside Hearth: http(s) at once; another scheme (mailto:, an
   * app's) only after the user confirmed it in the webview; javascript:, data:, file: and
   * the app's own schemes never.
   */
  open_link: {
    args: { url: string };
    result: void;
    errors: "INVALID_INPUT" | "STORAGE" | "INTERNAL";
  };
}

export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K]["args"];
export type CommandResult<K extends CommandName> = Commands[K]["result"];
export type CommandError<K extends CommandName> = Commands[K]["errors"];
