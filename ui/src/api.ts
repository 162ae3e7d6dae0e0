// Thin layer over the Tauri IPC commands. Nothing else in the UI calls `invoke`
// directly: components receive a `HearthApi` (see App), so they can be exercised
// with an in-memory implementation in tests and in a plain browser (`npm run dev`).
import { invoke, isTauri, type InvokeArgs } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { CreateSession } from "./bindings/CreateSession";
import type { ListSessions } from "./bindings/ListSessions";
import type { Session } from "./bindings/Session";
import type { SessionPage } from "./bindings/SessionPage";
import type { UpdateSession } from "./bindings/UpdateSession";

export const PAGE_SIZE = 50;

export interface HearthApi {
  listSessions(cursor: string | null, limit?: number): Promise<SessionPage>;
  createSession(req?: CreateSession): Promise<Session>;
  getSession(sessionId: string): Promise<Session>;
  updateSession(sessionId: string, patch: UpdateSession): Promise<Session>;
  /** Soft delete; resolves with the session, `deleted_at` set. */
  deleteSession(sessionId: string): Promise<Session>;
  restoreSession(sessionId: string): Promise<Session>;
}

/** True inside the Tauri webview (or under Tauri's IPC mock in tests). */
export function hasTauriBackend(): boolean {
  return isTauri() || (typeof window !== "undefined" && "__TAURI_INTERNALS__" in window);
}

function call<T>(command: string, args: InvokeArgs): Promise<T> {
  if (!hasTauriBackend()) {
    // Opened in a plain browser: say so, instead of "cannot read properties of undefined".
    return Promise.reject(new Error("Hearth's backend is not available: the UI is not running inside the Hearth app."));
  }
  return invoke<T>(command, args);
}

export const tauriApi: HearthApi = {
  listSessions(cursor, limit = PAGE_SIZE) {
    // The first page is asked for without a cursor (the field is optional, not nullable).
    const req: ListSessions = cursor === null ? { limit } : { limit, cursor };
    return call<SessionPage>("session_list", { req });
  },
  createSession(req = {}) {
    return call<Session>("session_create", { req });
  },
  getSession(sessionId) {
    return call<Session>("session_get", { session_id: sessionId });
  },
  updateSession(sessionId, patch) {
    return call<Session>("session_update", { session_id: sessionId, patch });
  },
  deleteSession(sessionId) {
    return call<Session>("session_delete", { session_id: sessionId });
  },
  restoreSession(sessionId) {
    return call<Session>("session_restore", { session_id: sessionId });
  },
};

/** An error as the UI shows it: a backend ApiError, or "UNKNOWN" for anything else. */
export type UiError = { code: ApiError["code"] | "UNKNOWN"; message: string };

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
