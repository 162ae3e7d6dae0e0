// Words the settings lists show for chats and moments (schedules, webhooks, logs).
import type { Session } from "./bindings/Session";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatWhen(ms: number): string {
  return dateTime.format(new Date(ms));
}

/** A chat's title, or a stand-in for one that is not in the list (older, or deleted). */
export function chatTitle(sessions: readonly Session[], id: string): string {
  return sessions.find((s) => s.id === id)?.title ?? `Chat ${id.slice(0, 8)}…`;
}
