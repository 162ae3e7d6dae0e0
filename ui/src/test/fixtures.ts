import type { Session } from "../bindings/Session";

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
    ...overrides,
  };
}

export const ids = (sessions: readonly Session[]) => sessions.map((s) => s.id);
