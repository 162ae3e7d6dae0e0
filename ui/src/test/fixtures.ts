import type { Session } from "../bindings/Session";
import type { Settings } from "../bindings/Settings";

/** A session with readable defaults: created at `created` (ms), not pinned, no messages. */
export function session(id: string, created = 1_000, overrides: Partial<Session> = {}): Session {
  return {
    id,
    title: `Chat ${id}`,
    title_source: "default",
    pinned: false,
    model: null,
    system_prompt: null,
    workspace: null,
    thinking_budget: null,
    max_steps: null,
    created_at: created,
    updated_at: created,
    last_message_at: null,
    deleted_at: null,
    status: "idle",
    queue_depth: 0,
    last_seq: 0,
    runtime: "hearth",
    runtime_session_id: null,
    ...overrides,
  };
}

export const ids = (sessions: readonly Session[]) => sessions.map((s) => s.id);

/** The settings as a fresh install stores them, with `overrides`. */
export function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    auto_title: true,
    close_to_tray: true,
    start_at_login: false,
    global_shortcut: "",
    notifications_muted: false,
    schedules_paused: false,
    event_retention_days: 30,
    attachment_max_mb: 20,
    claude_code_path: "",
    codex_path: "",
    runtime_silence_secs: 600,
    ...overrides,
  };
}
