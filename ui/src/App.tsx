import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { toUiError, type HearthApi } from "./api";
import type { Session } from "./bindings/Session";
import { ChatPane } from "./components/ChatPane";
import { Sidebar } from "./components/Sidebar";
import { ErrorToast, UndoToast } from "./components/Toasts";
import { initialSessionListState, sessionListReducer } from "./sessionList";

export interface AppProps {
  api: HearthApi;
}

interface PendingUndo {
  key: number;
  session: Session;
  wasSelected: boolean;
  /** Resolves true once the delete has landed, false if it failed. Undo waits for it. */
  deleted: Promise<boolean>;
}

interface ShownError {
  key: number;
  message: string;
}

export function App({ api }: AppProps) {
  const [list, dispatch] = useReducer(sessionListReducer, initialSessionListState);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [undo, setUndo] = useState<PendingUndo | null>(null);
  const [error, setError] = useState<ShownError | null>(null);

  // Read by async callbacks, which must see the state at the time they run.
  const listRef = useRef(list);
  listRef.current = list;
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const loadingRef = useRef(false);
  const toastKey = useRef(0);

  const showError = useCallback((e: unknown) => {
    setError({ key: ++toastKey.current, message: toUiError(e).message });
  }, []);

  const findSession = (id: string) => listRef.current.sessions.find((s) => s.id === id);

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

  // Lets end-to-end tests wait until the first page is on screen.
  useEffect(() => {
    if (list.loaded) document.body.dataset.ready = "true";
    else if (list.loadFailed) document.body.dataset.ready = "error";
  }, [list.loaded, list.loadFailed]);

  const createSession = async () => {
    try {
      const session = await api.createSession({});
      dispatch({ type: "upserted", session });
      setSelectedId(session.id);
    } catch (e) {
      showError(e);
    }
  };

  // Rename and pin show at once; if the backend refuses, the row goes back as it was.
  const updateSession = async (id: string, patch: { title: string } | { pinned: boolean }) => {
    const before = findSession(id);
    if (!before) return;
    const optimistic: Session = "title" in patch ? { ...before, title: patch.title, title_source: "user" } : { ...before, ...patch };
    dispatch({ type: "upserted", session: optimistic, force: true });
    try {
      const session = await api.updateSession(id, patch);
      dispatch({ type: "upserted", session });
    } catch (e) {
      dispatch({ type: "upserted", session: before, force: true });
      showError(e);
    }
  };

  const deleteSession = (id: string) => {
    const session = findSession(id);
    if (!session) return;
    const wasSelected = selectedRef.current === id;
    dispatch({ type: "removed", id });
    if (wasSelected) setSelectedId(null);
    const key = ++toastKey.current;
    const deleted = api.deleteSession(id).then(
      () => true,
      (e: unknown) => {
        // Nothing was deleted: put the row back and drop the offer to undo.
        dispatch({ type: "restored", session });
        setUndo((current) => (current?.key === key ? null : current));
        if (wasSelected && selectedRef.current === null) setSelectedId(id);
        showError(e);
        return false;
      },
    );
    setUndo({ key, session, wasSelected, deleted });
  };

  const undoDelete = async () => {
    const pending = undo;
    if (!pending) return;
    setUndo(null);
    // A restore racing the delete could run first and be undone by it.
    if (!(await pending.deleted)) return;
    try {
      const session = await api.restoreSession(pending.session.id);
      dispatch({ type: "restored", session });
      if (pending.wasSelected && selectedRef.current === null) setSelectedId(session.id);
    } catch (e) {
      showError(e);
    }
  };

  const selected = selectedId === null ? null : (list.sessions.find((s) => s.id === selectedId) ?? null);

  return (
    <div className="app">
      <Sidebar
        sessions={list.sessions}
        selectedId={selected?.id ?? null}
        hasMore={list.hasMore}
        loading={list.loading}
        loadFailed={list.loadFailed}
        loaded={list.loaded}
        onNewSession={createSession}
        onSelect={setSelectedId}
        onRename={(id, title) => void updateSession(id, { title })}
        onTogglePin={(id, pinned) => void updateSession(id, { pinned })}
        onDelete={deleteSession}
        onLoadMore={() => void loadNextPage()}
      />
      <ChatPane session={selected} onNewSession={createSession} />
      <div className="toast-region">
        {undo && (
          <UndoToast
            key={undo.key}
            message={`Deleted “${undo.session.title}”`}
            onUndo={() => void undoDelete()}
            onDismiss={() => setUndo((current) => (current?.key === undo.key ? null : current))}
          />
        )}
        {error && (
          <ErrorToast
            key={error.key}
            message={error.message}
            onDismiss={() => setError((current) => (current?.key === error.key ? null : current))}
          />
        )}
      </div>
    </div>
  );
}
