import { useCallback, useEffect, useReducer, useRef, type Dispatch } from "react";
import { toUiError, type HearthApi, type UiError } from "./api";
import type { Session } from "./bindings/Session";
import type { ChatSettingsPatch } from "./chatSettings";
import { initialSessionListState, sessionListReducer, type SessionListAction, type SessionListState } from "./sessionList";

export type SessionPatch = { title: string } | { pinned: boolean } | { model: string } | { thinking_budget: number };

/** How long to gather frames that change a session's row before asking for it again. */
const SESSION_REFRESH_MS = 250;

export interface SessionList {
  list: SessionListState;
  dispatch: Dispatch<SessionListAction>;
  /** A loaded row, as it is when asked (for async callbacks). */
  findSession(id: string): Session | undefined;
  loadNextPage(): Promise<void>;
  refreshSession(id: string): void;
  updateSession(id: string, patch: SessionPatch): Promise<void>;
  changeChatSettings(id: string, patch: ChatSettingsPatch): Promise<UiError | null>;
}

/**
 * The sidebar's chats: pages read as it scrolls, rows read again when a frame or another
 * writer (the HTTP API, a script, a schedule) changed them, and the changes made here.
 */
export function useSessionList(api: HearthApi, showError: (e: unknown) => void): SessionList {
  const [list, dispatch] = useReducer(sessionListReducer, initialSessionListState);
  // Read by async callbacks, which must see the state at the time they run.
  const listRef = useRef(list);
  listRef.current = list;
  const loadingRef = useRef(false);

  const findSession = useCallback((id: string) => listRef.current.sessions.find((s) => s.id === id), []);

  const loadNextPage = useCallback(async () => {
    const state = listRef.current;
    if (loadingRef.current || (state.loaded && !state.hasMore)) return;
    loadingRef.current = true;
    dispatch({ type: "loadStarted" });
    try {
      const page = await api.listSessions(state.loaded ? state.nextCursor : null);
      dispatch({ type: "pageLoaded", page });
    } catch (e) {
      dispatch({ type: "loadFailed" });
      showError(e);
    } finally {
      loadingRef.current = false;
    }
  }, [api, showError]);

  useEffect(() => {
    void loadNextPage();
  }, [loadNextPage]);

  // A frame said the session changed (title, last activity): fetch its row again, once per burst.
  const refreshTimers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const refreshSession = useCallback(
    (id: string) => {
      const timers = refreshTimers.current;
      if (timers.has(id)) return;
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id);
          api.getSession(id).then(
            (session) => dispatch({ type: "upserted", session }),
            (e: unknown) => {
              // Deleted elsewhere (the HTTP API, the CLI): it leaves the list as if deleted here.
              // Anything else (the backend is gone): the list stays as it is.
              if (toUiError(e).code === "SESSION_NOT_FOUND") dispatch({ type: "removed", id });
            },
          );
        }, SESSION_REFRESH_MS),
      );
    },
    [api],
  );
  useEffect(() => {
    const timers = refreshTimers.current;
    return () => timers.forEach(clearTimeout);
  }, []);
  // Chats made or changed elsewhere (the HTTP API, a script, a schedule) show up in the list.
  useEffect(() => api.onSessionChanged(refreshSession), [api, refreshSession]);

  // Lets end-to-end tests wait until the first page is on screen.
  useEffect(() => {
    if (list.loaded) document.body.dataset.ready = "true";
    else if (list.loadFailed) document.body.dataset.ready = "error";
  }, [list.loaded, list.loadFailed]);

  // Rename, pin and model show at once; if the backend refuses, the row goes back as it was.
  const updateSession = async (id: string, patch: SessionPatch) => {
    const before = findSession(id);
    if (!before) return;
    const optimistic: Session =
      "title" in patch
        ? { ...before, title: patch.title, title_source: "user" }
        : "model" in patch
          ? { ...before, model: patch.model === "" ? null : patch.model }
          : "thinking_budget" in patch
            ? { ...before, thinking_budget: patch.thinking_budget === 0 ? null : patch.thinking_budget }
            : { ...before, ...patch };
    dispatch({ type: "upserted", session: optimistic, force: true });
    try {
      const session = await api.updateSession(id, patch);
      dispatch({ type: "upserted", session });
    } catch (e) {
      dispatch({ type: "upserted", session: before, force: true });
      showError(e);
    }
  };

  // The folder and step limit: not optimistic (the backend checks the folder exists), and the
  // popover shows the error itself.
  const changeChatSettings = async (id: string, patch: ChatSettingsPatch): Promise<UiError | null> => {
    try {
      const session = await api.updateSession(id, patch);
      dispatch({ type: "upserted", session });
      return null;
    } catch (e) {
      return toUiError(e);
    }
  };

  return { list, dispatch, findSession, loadNextPage, refreshSession, updateSession, changeChatSettings };
}
