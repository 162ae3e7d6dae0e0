import { useCallback, useEffect, useRef, useState } from "react";
import { toUiError, type HearthApi, type UiError } from "./api";
import type { CreateSession } from "./bindings/CreateSession";
import type { SearchHit } from "./bindings/SearchHit";
import type { SessionDocument } from "./bindings/SessionDocument";
import { ChatArea } from "./components/ChatArea";
import { OnboardingArea } from "./components/OnboardingArea";
import { SettingsArea } from "./components/SettingsArea";
import { ShortcutsDialog } from "./components/ShortcutsDialog";
import { Sidebar } from "./components/Sidebar";
import { ErrorToast, UndoToast } from "./components/Toasts";
import { visibilityAfterModels, type OnboardingVisibility } from "./onboarding";
import { revealMessage } from "./revealMessage";
import { useAppEvents } from "./useAppEvents";
import { useDeleteUndo } from "./useDeleteUndo";
import { useErrorToast } from "./useErrorToast";
import { useKeyboardShortcuts } from "./useKeyboardShortcuts";
import { useModels } from "./useModels";
import { useSessionList } from "./useSessionList";

export { revealMessage } from "./revealMessage";

export interface AppProps {
  api: HearthApi;
}

/**
 * The window: the sidebar, then onboarding or the open chat, Settings and the shortcuts over
 * them, and the toasts. Which chat is open, and what opens one, is decided here; the rest is
 * in the hooks it uses (the session list, deleting with undo, the models, the error toast,
 * the keyboard shortcuts, the backend's app events).
 */
export function App({ api }: AppProps) {
  const { error, showError, dismissError } = useErrorToast();
  const sessions = useSessionList(api, showError);
  const { list, dispatch, findSession } = sessions;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // Read by async callbacks, which must see the state at the time they run.
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const { undo, deleteSession, undoDelete, dismissUndo } = useDeleteUndo(api, sessions, { selectedRef, setSelectedId }, showError);

  // First-run setup: decided by the first model list, shown in place of the chat while open,
  // and not again this launch once it is finished, skipped, or left for a chat in the sidebar.
  const [onboarding, setOnboarding] = useState<OnboardingVisibility>("pending");
  /** A chat started from onboarding: its composer takes the cursor. */
  const [focusComposerFor, setFocusComposerFor] = useState<string | null>(null);
  // At startup, and again whenever the accounts change in Settings.
  const { models, loadModels } = useModels(api, showError, (listed) =>
    setOnboarding((v) => visibilityAfterModels(v, listed, selectedRef.current !== null)),
  );

  const [settingsOpen, setSettingsOpen] = useState(false);
  const settingsButtonRef = useRef<HTMLButtonElement>(null);
  const searchInputRef = useRef<HTMLInputElement>(null);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);

  /** Creates a session and opens it (which also leaves onboarding). Rejects with the backend's error. */
  const openNewSession = async (req: CreateSession = {}) => {
    const session = await api.createSession(req);
    dispatch({ type: "upserted", session });
    setSelectedId(session.id);
    setFocusComposerFor(null);
    setOnboarding("closed");
    return session;
  };

  const createSession = async () => {
    try {
      await openNewSession();
    } catch (e) {
      showError(e);
    }
  };

  /** The new-chat picker's chat (a runtime, a folder, a model): the refusal is shown in the picker. */
  const createSessionWith = async (req: CreateSession) => {
    try {
      await openNewSession(req);
      return null;
    } catch (e) {
      return toUiError(e);
    }
  };

  const selectSession = (id: string) => {
    setSelectedId(id);
    setFocusComposerFor(null);
    setOnboarding("closed");
  };

  /** Onboarding's last step: the new chat opens with the chosen model and the cursor in its composer. */
  const startFromOnboarding = async (model: string | null): Promise<UiError | null> => {
    try {
      const session = await openNewSession(model === null ? {} : { model });
      setFocusComposerFor(session.id);
      return null;
    } catch (e) {
      return toUiError(e);
    }
  };

  /**
   * Opens a chat by id from outside the sidebar (a notification, Settings): fetched first when
   * it is not among the loaded rows. Settings closes so the chat is seen.
   */
  const openSessionById = async (id: string) => {
    if (!findSession(id)) {
      try {
        dispatch({ type: "upserted", session: await api.getSession(id) });
      } catch (e) {
        showError(e);
        return;
      }
    }
    setSettingsOpen(false);
    selectSession(id);
  };

  const reloadChat = useRef<(() => void) | null>(null);
  const searchMessages = useCallback((q: string, limit: number) => api.search({ q, limit }), [api]);

  /** Opens a search hit's chat and shows the message (see `revealMessage`). */
  const openHit = async (hit: SearchHit) => {
    await openSessionById(hit.session_id);
    // On a version an edit or a regenerated reply replaced: show that version first.
    if (!hit.active) {
      try {
        await api.chatSwitchBranch(hit.session_id, hit.shown_in);
      } catch (e) {
        showError(e);
        return;
      }
      // Read it now rather than when the switch's frame arrives: until then the chat on
      // screen is the version without the message, and would read as "not in it".
      reloadChat.current?.();
    }
    // A long chat reads its older messages until the hit is among them.
    if (!(await revealMessage(hit.shown_in, 20_000))) {
      showError({ code: "NOT_FOUND", message: "The chat is open, but that message is not in it any more (an earlier version of it, or deleted)." });
    }
  };

  const importChat = async (file: File) => {
    try {
      let doc: SessionDocument;
      try {
        doc = JSON.parse(await file.text()) as SessionDocument;
      } catch {
        throw { code: "INVALID_INPUT", message: `${file.name} is not a Hearth chat export (not JSON)` };
      }
      const session = await api.importSession(doc);
      dispatch({ type: "upserted", session });
      selectSession(session.id);
    } catch (e) {
      showError(e);
    }
  };

  useKeyboardShortcuts({
    onNewChat: () => void createSession(),
    onShortcutsHelp: () => setShortcutsOpen(true),
    onSearch: () => {
      searchInputRef.current?.focus();
      searchInputRef.current?.select();
    },
    onSettings: () => setSettingsOpen(true),
  });

  useAppEvents(api, {
    onOpenSession: (id) => void openSessionById(id),
    onNewChat: () => {
      setSettingsOpen(false);
      void createSession();
    },
  });

  const selected = selectedId === null ? null : (list.sessions.find((s) => s.id === selectedId) ?? null);

  // The backend does not notify about the chat on screen.
  const viewingId = onboarding === "open" ? null : (selected?.id ?? null);
  useEffect(() => {
    api.uiViewing(viewingId).catch(() => undefined);
  }, [api, viewingId]);

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
        onNewSessionWith={createSessionWith}
        models={models.list}
        onSelect={selectSession}
        onRename={(id, title) => void sessions.updateSession(id, { title })}
        onTogglePin={(id, pinned) => void sessions.updateSession(id, { pinned })}
        onDelete={deleteSession}
        onLoadMore={() => void sessions.loadNextPage()}
        onOpenSettings={() => setSettingsOpen(true)}
        settingsButtonRef={settingsButtonRef}
        search={searchMessages}
        onOpenHit={(hit) => void openHit(hit)}
        searchInputRef={searchInputRef}
        onImport={(file) => void importChat(file)}
      />
      {onboarding === "open" ? (
        <OnboardingArea
          api={api}
          onAccountsChanged={loadModels}
          onStart={startFromOnboarding}
          onSkip={() => setOnboarding("closed")}
        />
      ) : (
        <ChatArea
          reloadRef={reloadChat}
          api={api}
          session={selected}
          models={models}
          focusComposer={selected !== null && selected.id === focusComposerFor}
          showError={showError}
          onSessionChanged={sessions.refreshSession}
          onNewSession={createSession}
          onModelChange={(id, model) => void sessions.updateSession(id, { model })}
          onThinkingBudgetChange={(id, budget) => void sessions.updateSession(id, { thinking_budget: budget })}
          onChatSettingsChange={sessions.changeChatSettings}
        />
      )}
      {shortcutsOpen && <ShortcutsDialog onClose={() => setShortcutsOpen(false)} />}
      {settingsOpen && (
        <SettingsArea
          api={api}
          sessions={list.sessions}
          models={models.list}
          onOpenSession={(id) => void openSessionById(id)}
          onAccountsChanged={loadModels}
          onClose={() => setSettingsOpen(false)}
          returnFocusRef={settingsButtonRef}
        />
      )}
      <div className="toast-region">
        {undo && (
          <UndoToast
            key={`undo-${undo.key}`}
            message={`Deleted “${undo.session.title}”`}
            onUndo={() => void undoDelete()}
            onDismiss={() => dismissUndo(undo.key)}
          />
        )}
        {error && (
          <ErrorToast key={`error-${error.key}`} message={error.message} onDismiss={() => dismissError(error.key)} />
        )}
      </div>
    </div>
  );
}
