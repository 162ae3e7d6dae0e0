// Checks the exact command names and argument shapes sent over Tauri IPC,
// using Tauri's own IPC mock (no module mocking of ours).
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { PAGE_SIZE, tauriApi, toUiError } from "./api";
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
  });
});
