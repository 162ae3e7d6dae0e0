import {
  useCallback,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  type Dispatch,
  type RefObject,
  type SetStateAction,
} from "react";
import { LINK_FAILED_EVENT, newClientMsgId, outcomeOf, toUiError, type HearthApi, type UiError } from "./api";
import type { AccountInfo } from "./bindings/AccountInfo";
import type { AccountPatch } from "./bindings/AccountPatch";
import type { NewPreset } from "./bindings/NewPreset";
import type { AccountUsage } from "./bindings/AccountUsage";
import type { ApprovalAnswer } from "./bindings/ApprovalAnswer";
import type { CreateSession } from "./bindings/CreateSession";
import type { Decision } from "./bindings/Decision";
import type { Hook } from "./bindings/Hook";
import type { HookPatch } from "./bindings/HookPatch";
import type { HookWithSecret } from "./bindings/HookWithSecret";
import type { LocalServer } from "./bindings/LocalServer";
import type { McpServerInfo } from "./bindings/McpServerInfo";
import type { McpServerPatch } from "./bindings/McpServerPatch";
import type { ModelList } from "./bindings/ModelList";
import type { NewAccount } from "./bindings/NewAccount";
import type { NewHook } from "./bindings/NewHook";
import type { NewMcpServer } from "./bindings/NewMcpServer";
import type { NewRule } from "./bindings/NewRule";
import type { NewSchedule } from "./bindings/NewSchedule";
import type { Priority } from "./bindings/Priority";
import type { Schedule } from "./bindings/Schedule";
import type { SchedulePatch } from "./bindings/SchedulePatch";
import type { SearchHit } from "./bindings/SearchHit";
import type { Session } from "./bindings/Session";
import type { SessionDocument } from "./bindings/SessionDocument";
import type { SettingsPatch } from "./bindings/SettingsPatch";
import type { ChatSettingsPatch } from "./chatSettings";
import type { AccountTestResult } from "./components/AccountList";
import { ChatPane, type ModelsState } from "./components/ChatPane";
import { highlightMessage, showMessage } from "./components/ConversationView";
import type { McpTestResult } from "./components/McpSettings";
import { Onboarding } from "./components/Onboarding";
import { SettingsDialog, type SettingsTab } from "./components/SettingsDialog";
import { ShortcutsDialog } from "./components/ShortcutsDialog";
import { Sidebar } from "./components/Sidebar";
import { ErrorToast, UndoToast } from "./components/Toasts";
import { connectAccount, visibilityAfterModels, type OnboardingVisibility } from "./onboarding";
import { initialSessionListState, sessionListReducer } from "./sessionList";
import { isNewChatShortcut, isSearchShortcut, isSettingsShortcut, isShortcutsHelp } from "./shortcuts";
import { policyChange } from "./toolPolicy";
import { useConversation } from "./useConversation";
import { useSessionUsage } from "./useSessionUsage";
import { AttachmentLoader } from "./components/Attachments";

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

type SessionPatch = { title: string } | { pinned: boolean } | { model: string } | { thinking_budget: number };

/** How long to gather frames that change a session's row before asking for it again. */
const SESSION_REFRESH_MS = 250;

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

  // A link in a chat that the system could not open (Markdown reports it on window).
  useEffect(() => {
    const onLinkFailed = (e: Event) => showError((e as CustomEvent<UiError>).detail);
    window.addEventListener(LINK_FAILED_EVENT, onLinkFailed);
    return () => window.removeEventListener(LINK_FAILED_EVENT, onLinkFailed);
  }, [showError]);

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

  // First-run setup: decided by the first model list, shown in place of the chat while open,
  // and not again this launch once it is finished, skipped, or left for a chat in the sidebar.
  const [onboarding, setOnboarding] = useState<OnboardingVisibility>("pending");
  /** A chat started from onboarding: its composer takes the cursor. */
  const [focusComposerFor, setFocusComposerFor] = useState<string | null>(null);

  // At startup, and again whenever the accounts change in Settings. The list on screen stays
  // until the new one arrives; only the newest answer counts.
  const [models, setModels] = useState<ModelsState>({ list: null, failed: false });
  const modelsRequest = useRef(0);
  const loadModels = useCallback(() => {
    const request = ++modelsRequest.current;
    api.listModels().then(
      (list) => {
        if (request !== modelsRequest.current) return;
        setModels({ list, failed: false });
        setOnboarding((v) => visibilityAfterModels(v, list, selectedRef.current !== null));
      },
      (e: unknown) => {
        if (request !== modelsRequest.current) return;
        setModels({ list: null, failed: true });
        setOnboarding((v) => visibilityAfterModels(v, null, selectedRef.current !== null));
        showError(e);
      },
    );
  }, [api, showError]);
  useEffect(() => {
    loadModels();
    return () => {
      modelsRequest.current += 1; // an answer after unmount is dropped
    };
  }, [loadModels]);

  const [settingsOpen, setSettingsOpen] = useState(false);
  const settingsButtonRef = useRef<HTMLButtonElement>(null);
  const searchInputRef = useRef<HTMLInputElement>(null);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  // The latest handler, for the listener registered once.
  const newChatRef = useRef<() => void>(() => {});
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (isNewChatShortcut(e)) {
        e.preventDefault();
        newChatRef.current();
        return;
      }
      if (isShortcutsHelp(e)) {
        e.preventDefault();
        setShortcutsOpen(true);
        return;
      }
      if (isSearchShortcut(e)) {
        e.preventDefault();
        searchInputRef.current?.focus();
        searchInputRef.current?.select();
        return;
      }
      if (!isSettingsShortcut(e)) return;
      e.preventDefault();
      setSettingsOpen(true);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

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

  newChatRef.current = () => void createSession();

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

  // The backend's app events: a notification's "Open", the tray's "New chat". Registered once;
  // they act through the latest handlers.
  const openSessionRef = useRef(openSessionById);
  openSessionRef.current = openSessionById;
  const createSessionRef = useRef(createSession);
  createSessionRef.current = createSession;
  useEffect(() => {
    const stopOpen = api.onOpenSession((id) => void openSessionRef.current(id));
    const stopNewChat = api.onNewChat(() => {
      setSettingsOpen(false);
      void createSessionRef.current();
    });
    // Quit from the tray while runs are in flight: ask before they end interrupted.
    const stopQuit = api.onConfirmQuit((a) => {
      const busy = [`${a.running} running`, a.queued > 0 ? `${a.queued} queued` : null, a.waiting_approval > 0 ? `${a.waiting_approval} waiting for approval` : null]
        .filter(Boolean)
        .join(", ");
      if (window.confirm(`Hearth is still working (${busy}). Quit anyway? Runs in flight will stop and be marked interrupted.`)) {
        void api.appQuit();
      }
    });
    return () => {
      stopOpen();
      stopNewChat();
      stopQuit();
    };
  }, [api]);

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
        onSelect={selectSession}
        onRename={(id, title) => void updateSession(id, { title })}
        onTogglePin={(id, pinned) => void updateSession(id, { pinned })}
        onDelete={deleteSession}
        onLoadMore={() => void loadNextPage()}
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
          onSessionChanged={refreshSession}
          onNewSession={createSession}
          onModelChange={(id, model) => void updateSession(id, { model })}
          onThinkingBudgetChange={(id, budget) => void updateSession(id, { thinking_budget: budget })}
          onChatSettingsChange={changeChatSettings}
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

interface ChatAreaProps {
  api: HearthApi;
  session: Session | null;
  models: ModelsState;
  /** Put the cursor in the composer (a chat just started from onboarding). */
  focusComposer: boolean;
  showError(e: unknown): void;
  /** A frame said the session's row may have changed. */
  onSessionChanged(sessionId: string): void;
  onNewSession(): void;
  onModelChange(sessionId: string, model: string): void;
  onThinkingBudgetChange(sessionId: string, budget: number): void;
  onChatSettingsChange(sessionId: string, patch: ChatSettingsPatch): Promise<UiError | null>;
  /** Set to what reads the open chat's history again (for App, after it switched a branch). */
  reloadRef: RefObject<(() => void) | null>;
}

/** The open chat. Its subscription lives here, so streamed frames re-render this part only. */
function ChatArea({
  api,
  session,
  models,
  focusComposer,
  showError,
  onSessionChanged,
  onNewSession,
  onModelChange,
  onThinkingBudgetChange,
  onChatSettingsChange,
  reloadRef,
}: ChatAreaProps) {
  const sessionId = session?.id ?? null;
  const conversation = useConversation(api, sessionId, showError, onSessionChanged);
  reloadRef.current = conversation.reload;
  const usage = useSessionUsage(api, sessionId, conversation.runsCompleted);
  // Commands act on the session on screen when they run.
  const sessionRef = useRef(sessionId);
  sessionRef.current = sessionId;

  // Stable, so the messages (memoised) are not redrawn for it.
  const answerApproval = useCallback(
    async (approvalId: string, answer: ApprovalAnswer): Promise<UiError | null> => {
      try {
        await api.answerApproval(approvalId, answer);
        return null;
      } catch (e) {
        return toUiError(e);
      }
    },
    [api],
  );

  const loadAttachment = useCallback((id: string) => api.attachmentBytes(id), [api]);
  const presets = useMemo(() => ({ list: () => api.listPresets(), add: (p: NewPreset) => api.addPreset(p) }), [api]);
  // Looking for a message jumped to reads in the largest pages the backend gives.
  const { loadEarlier: readEarlier } = conversation;
  const loadEarlier = useCallback((seek: boolean) => void readEarlier(seek ? 1000 : undefined), [readEarlier]);
  // Stable, so the messages' actions (a context) do not redraw every message.
  const editMessage = useCallback(
    (messageId: string, text: string) => withSessionRef.current((id) => api.chatEdit(id, messageId, text)),
    [api],
  );
  const regenerate = useCallback(
    (messageId: string) => void withSessionRef.current((id) => api.chatRegenerate(id, messageId)),
    [api],
  );
  const switchBranch = useCallback(
    (messageId: string) => void withSessionRef.current((id) => api.chatSwitchBranch(id, messageId)),
    [api],
  );

  const withSession = async <T,>(act: (id: string) => Promise<T>): Promise<boolean> => {
    const id = sessionRef.current;
    if (id === null) return false;
    try {
      await act(id);
      return true;
    } catch (e) {
      showError(e);
      return false;
    }
  };

  const withSessionRef = useRef(withSession);
  withSessionRef.current = withSession;

  return (
    <AttachmentLoader.Provider value={loadAttachment}>
      <ChatPane
        session={session}
        conversation={conversation.state}
        loadFailed={conversation.loadFailed}
        models={models}
        usage={usage}
        focusComposer={focusComposer}
        onExport={session ? (format) => api.saveExport(session.id, format) : undefined}
        presets={presets}
        onLoadEarlier={loadEarlier}
        loadingEarlier={conversation.loadingEarlier}
        onNewSession={onNewSession}
        onSend={(text: string, priority: Priority, attachments: string[]) =>
          withSession((id) => api.chatSend(id, { text, client_msg_id: newClientMsgId(), priority, attachments }))
        }
        onEdit={editMessage}
        onRegenerate={regenerate}
        onSwitchBranch={switchBranch}
        onUpload={(file) => (session ? api.addAttachment(session.id, file) : Promise.reject(new Error("No chat is open.")))}
        onSteer={(text) => withSession((id) => api.chatSteer(id, text))}
        onStop={() => void withSession((id) => api.chatAbort(id))}
        onClearQueue={() => void withSession((id) => api.chatClearQueue(id))}
        onRetry={() => void withSession((id) => api.chatRetry(id))}
        onReload={conversation.reload}
        onModelChange={(model) => sessionId !== null && onModelChange(sessionId, model)}
        onThinkingBudgetChange={(budget) => sessionId !== null && onThinkingBudgetChange(sessionId, budget)}
        onChatSettingsChange={(patch) =>
          sessionId === null
            ? Promise.resolve({ code: "UNKNOWN" as const, message: "No chat is open." })
            : onChatSettingsChange(sessionId, patch)
        }
        onAnswerApproval={answerApproval}
      />
    </AttachmentLoader.Provider>
  );
}

interface OnboardingAreaProps {
  api: HearthApi;
  /** An account was connected: the models on offer changed. */
  onAccountsChanged(): void;
  onStart(model: string | null): Promise<UiError | null>;
  onSkip(): void;
}

/** First-run setup. Mounted only while open, so it looks for local servers each time. */
function OnboardingArea({ api, onAccountsChanged, onStart, onSkip }: OnboardingAreaProps) {
  const [localServers, setLocalServers] = useState<LocalServer[] | null>(null);
  useEffect(() => {
    let active = true;
    // Only the servers that answered; if the probe itself fails, there are none to offer.
    api.probeLocalServers().then(
      (servers) => active && setLocalServers(servers),
      () => active && setLocalServers([]),
    );
    return () => {
      active = false;
    };
  }, [api]);

  return (
    <Onboarding
      localServers={localServers}
      onConnect={async (req) => {
        const result = await connectAccount(api, req);
        if (result.ok) onAccountsChanged();
        return result;
      }}
      onListModels={() =>
        api.listModels().then(
          (list) => ({ ok: true as const, list }),
          (e: unknown) => ({ ok: false as const, error: toUiError(e) }),
        )
      }
      onStart={onStart}
      onSkip={onSkip}
    />
  );
}

interface SettingsAreaProps {
  api: HearthApi;
  /** The sidebar's chats, for the schedules' and webhooks' target. */
  sessions: readonly Session[];
  models: ModelList | null;
  onOpenSession(sessionId: string): void;
  /** An account was added, edited, tested or removed: the models on offer may have changed. */
  onAccountsChanged(): void;
  onClose(): void;
  returnFocusRef: RefObject<HTMLButtonElement | null>;
}

interface AccountsState {
  /** null while loading or after a failure. */
  list: AccountInfo[] | null;
  failed: boolean;
}

/** The open Settings dialog. Mounted only while open, so it asks for the accounts each time. */
function SettingsArea({ api, sessions, models, onOpenSession, onAccountsChanged, onClose, returnFocusRef }: SettingsAreaProps) {
  const [accounts, setAccounts] = useState<AccountsState>({ list: null, failed: false });
  const request = useRef(0);

  const loadAccounts = useCallback(() => {
    const current = ++request.current;
    setAccounts((state) => (state.failed ? { list: null, failed: false } : state));
    api.listAccounts().then(
      (list) => current === request.current && setAccounts({ list, failed: false }),
      () => current === request.current && setAccounts({ list: null, failed: true }),
    );
  }, [api]);

  useEffect(() => {
    loadAccounts();
    return () => {
      request.current += 1;
    };
  }, [loadAccounts]);

  // Shown on the rows when it arrives; without it the rows just show no usage.
  const [usage, setUsage] = useState<AccountUsage[] | null>(null);
  useEffect(() => {
    let active = true;
    api.usageByAccount().then(
      (list) => active && setUsage(list),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [api]);

  const addAccount = async (req: NewAccount): Promise<UiError | null> => {
    let added: AccountInfo;
    try {
      added = await api.addAccount(req);
    } catch (e) {
      return toUiError(e);
    }
    // Shown at once, then the list as the backend has it.
    setAccounts((state) =>
      state.list && !state.list.some((a) => a.id === added.id) ? { ...state, list: [...state.list, added] } : state,
    );
    loadAccounts();
    onAccountsChanged();
    return null;
  };

  const removeAccount = async (accountId: string): Promise<UiError | null> => {
    try {
      await api.removeAccount(accountId);
    } catch (e) {
      return toUiError(e);
    }
    setAccounts((state) => (state.list ? { ...state, list: state.list.filter((a) => a.id !== accountId) } : state));
    loadAccounts();
    onAccountsChanged();
    return null;
  };

  const updateAccount = async (accountId: string, patch: AccountPatch): Promise<UiError | null> => {
    let updated: AccountInfo;
    try {
      updated = await api.updateAccount(accountId, patch);
    } catch (e) {
      return toUiError(e);
    }
    // Shown at once, then the list as the backend has it.
    setAccounts((state) =>
      state.list ? { ...state, list: state.list.map((a) => (a.id === updated.id ? updated : a)) } : state,
    );
    loadAccounts();
    onAccountsChanged();
    return null;
  };

  const testAccount = async (accountId: string): Promise<AccountTestResult> => {
    let check;
    try {
      check = await api.testAccount(accountId);
    } catch (e) {
      return { ok: false, error: toUiError(e) };
    }
    // Testing fetched the server's models afresh: the picker can show them.
    onAccountsChanged();
    return { ok: true, check };
  };

  // Tools, rules, MCP servers and settings load when their tab is shown (tools_list may start
  // MCP servers), and again each time, so a rule made from a chat shows up.
  const [tools, reloadTools] = useLoadable(() => api.listTools());
  const [rules, reloadRules, setRules] = useLoadable(() => api.listRules());
  const [mcpServers, reloadMcpServers, setMcpServers] = useLoadable(() => api.listMcpServers());
  const [settings, reloadSettings, setSettings] = useLoadable(() => api.getSettings());
  const [schedules, reloadSchedules, setSchedules] = useLoadable(() => api.listSchedules());
  const [hooks, reloadHooks, setHooks] = useLoadable(() => api.listHooks());
  const [presets, reloadPresets] = useLoadable(() => api.listPresets());
  const [memories, reloadMemories] = useLoadable(() => api.listMemories());
  const searchMemories = useCallback((q: string) => api.listMemories({ q }), [api]);
  // Wrapped, so "not known yet" (null) differs from "the API is off" ({ url: null }).
  const [apiUrl, reloadApiUrl] = useLoadable(() => api.apiUrl().then((url) => ({ url })));
  const [health, checkHealth] = useLoadable(() => api.health());
  const rulesRef = useRef(rules);
  rulesRef.current = rules;

  const onTabShown = (tab: SettingsTab) => {
    if (tab === "tools") {
      void reloadTools();
      void reloadRules();
    } else if (tab === "rules") {
      void reloadRules();
      void reloadTools(); // names for the form to suggest
    } else if (tab === "presets") {
      void reloadPresets();
    } else if (tab === "memory") {
      void reloadMemories();
    } else if (tab === "mcp") {
      void reloadMcpServers();
    } else if (tab === "schedules") {
      void reloadSchedules();
      void reloadSettings(); // whether they are paused
    } else if (tab === "hooks") {
      void reloadHooks();
      void reloadApiUrl();
    } else if (tab === "general") {
      void reloadSettings();
      void checkHealth();
    }
  };

  const setToolPolicy = async (ruleTool: string, decision: Decision | null): Promise<UiError | null> => {
    try {
      const current = rulesRef.current.value ?? (await api.listRules());
      const change = policyChange(current, ruleTool, decision);
      // The new rule first: if removing the old one then fails, the safer of the two decides.
      if (change.add) await api.addRule(change.add);
      for (const ruleId of change.remove) {
        await api.removeRule(ruleId).catch((e: unknown) => {
          if (toUiError(e).code !== "RULE_NOT_FOUND") throw e; // already gone is what we wanted
        });
      }
      return null;
    } catch (e) {
      return toUiError(e);
    } finally {
      await reloadRules();
    }
  };

  const addRule = async (rule: NewRule): Promise<UiError | null> => {
    try {
      const added = await api.addRule(rule);
      setRules((state) => (state.value ? { ...state, value: [...state.value, added] } : state));
    } catch (e) {
      return toUiError(e);
    }
    void reloadRules();
    return null;
  };

  const removeRule = async (ruleId: string): Promise<UiError | null> => {
    try {
      await api.removeRule(ruleId);
    } catch (e) {
      const error = toUiError(e);
      if (error.code !== "RULE_NOT_FOUND") return error;
    }
    setRules((state) => (state.value ? { ...state, value: state.value.filter((r) => r.id !== ruleId) } : state));
    void reloadRules();
    return null;
  };

  /** Shows a server as the backend answered it (added, changed or tested). */
  const putServer = (server: McpServerInfo) =>
    setMcpServers((state) => {
      if (!state.value) return state;
      const known = state.value.some((s) => s.name === server.name);
      return {
        ...state,
        value: known ? state.value.map((s) => (s.name === server.name ? server : s)) : [...state.value, server],
      };
    });

  const mcpCall = async (act: () => Promise<McpServerInfo | void>): Promise<UiError | null> => {
    try {
      const server = await act();
      if (server) putServer(server);
    } catch (e) {
      return toUiError(e);
    }
    void reloadMcpServers();
    return null;
  };

  const testMcpServer = async (name: string): Promise<McpTestResult> => {
    try {
      const server = await api.testMcpServer(name);
      putServer(server);
      return { ok: true, server };
    } catch (e) {
      return { ok: false, error: toUiError(e) };
    }
  };

  /** Shows a schedule as the backend answered it, then the list as it has it. */
  const scheduleCall = async (act: () => Promise<Schedule | void>, removedId?: string): Promise<UiError | null> => {
    try {
      const schedule = await act();
      setSchedules((state) => {
        if (!state.value) return state;
        if (removedId !== undefined) return { ...state, value: state.value.filter((s) => s.id !== removedId) };
        if (!schedule) return state;
        const known = state.value.some((s) => s.id === schedule.id);
        return {
          ...state,
          value: known ? state.value.map((s) => (s.id === schedule.id ? schedule : s)) : [...state.value, schedule],
        };
      });
    } catch (e) {
      return toUiError(e);
    }
    void reloadSchedules();
    return null;
  };

  /** Shows a hook as the backend answered it; its secret goes to the section only. */
  const hookCall = async (act: () => Promise<HookWithSecret>) => {
    const result = await outcomeOf(act());
    if (result.ok) {
      const hook: Hook = result.value.hook;
      setHooks((state) => {
        if (!state.value) return state;
        const known = state.value.some((h) => h.name === hook.name);
        return { ...state, value: known ? state.value.map((h) => (h.name === hook.name ? hook : h)) : [...state.value, hook] };
      });
      void reloadHooks();
    }
    return result;
  };

  /** A preset change, then the list as the backend has it (sorted by name there). */
  const presetCall = async (act: () => Promise<unknown>): Promise<UiError | null> => {
    try {
      await act();
    } catch (e) {
      return toUiError(e);
    }
    await reloadPresets();
    return null;
  };

  /** A memory change, then the memories as the backend has them. */
  const memoryCall = async (act: () => Promise<unknown>): Promise<UiError | null> => {
    try {
      await act();
    } catch (e) {
      return toUiError(e);
    }
    await reloadMemories();
    return null;
  };

  const updateSettings = async (patch: SettingsPatch): Promise<UiError | null> => {
    try {
      const value = await api.updateSettings(patch);
      setSettings({ value, failed: false });
      return null;
    } catch (e) {
      return toUiError(e);
    }
  };

  return (
    <SettingsDialog
      onTabShown={onTabShown}
      accounts={accounts.list}
      accountsFailed={accounts.failed}
      accountUsage={usage}
      onReloadAccounts={loadAccounts}
      onAddAccount={addAccount}
      onRemoveAccount={removeAccount}
      onUpdateAccount={updateAccount}
      onTestAccount={testAccount}
      tools={tools.value}
      toolsFailed={tools.failed}
      onReloadTools={() => void reloadTools()}
      presets={{
        presets: presets.value,
        failed: presets.failed,
        onReload: () => void reloadPresets(),
        onAdd: (preset) => presetCall(() => api.addPreset(preset)),
        onUpdate: (id, patch) => presetCall(() => api.updatePreset(id, patch)),
        onRemove: (id) => presetCall(() => api.removePreset(id)),
      }}
      memory={{
        memories: memories.value,
        failed: memories.failed,
        onReload: () => void reloadMemories(),
        onSearch: searchMemories,
        onAdd: (memory) => memoryCall(() => api.addMemory(memory)),
        onUpdate: (id, patch) => memoryCall(() => api.updateMemory(id, patch)),
        onRemove: (id) => memoryCall(() => api.removeMemory(id)),
      }}
      rules={rules.value}
      rulesFailed={rules.failed}
      onReloadRules={() => void reloadRules()}
      onSetToolPolicy={setToolPolicy}
      onAddRule={addRule}
      onRemoveRule={removeRule}
      mcpServers={mcpServers.value}
      mcpServersFailed={mcpServers.failed}
      onReloadMcpServers={() => void reloadMcpServers()}
      onAddMcpServer={(server: NewMcpServer) => mcpCall(() => api.addMcpServer(server))}
      onUpdateMcpServer={(name: string, patch: McpServerPatch) => mcpCall(() => api.updateMcpServer(name, patch))}
      onRemoveMcpServer={(name: string) =>
        mcpCall(async () => {
          await api.removeMcpServer(name);
          setMcpServers((state) => (state.value ? { ...state, value: state.value.filter((s) => s.name !== name) } : state));
        })
      }
      onTestMcpServer={testMcpServer}
      sessions={sessions}
      models={models}
      onOpenSession={onOpenSession}
      schedules={schedules.value}
      schedulesFailed={schedules.failed}
      onReloadSchedules={() => void reloadSchedules()}
      onAddSchedule={(schedule: NewSchedule) => scheduleCall(() => api.addSchedule(schedule))}
      onUpdateSchedule={(id: string, patch: SchedulePatch) => scheduleCall(() => api.updateSchedule(id, patch))}
      onRemoveSchedule={(id: string) =>
        scheduleCall(async () => {
          await api.removeSchedule(id).catch((e: unknown) => {
            if (toUiError(e).code !== "SCHEDULE_NOT_FOUND") throw e; // already gone is what we wanted
          });
        }, id)
      }
      onRunScheduleNow={async (id: string) => {
        const result = await outcomeOf(api.runScheduleNow(id));
        void reloadSchedules(); // its last run
        return result;
      }}
      onLoadScheduleRuns={(id: string) => outcomeOf(api.scheduleRuns(id))}
      hooks={hooks.value}
      hooksFailed={hooks.failed}
      onReloadHooks={() => void reloadHooks()}
      apiUrl={apiUrl.value?.url}
      onAddHook={(hook: NewHook) => hookCall(() => api.addHook(hook))}
      onUpdateHook={(name: string, patch: HookPatch) => hookCall(() => api.updateHook(name, patch))}
      onRemoveHook={async (name: string) => {
        try {
          await api.removeHook(name);
        } catch (e) {
          const error = toUiError(e);
          if (error.code !== "HOOK_NOT_FOUND") return error;
        }
        setHooks((state) => (state.value ? { ...state, value: state.value.filter((h) => h.name !== name) } : state));
        void reloadHooks();
        return null;
      }}
      onQueryLogs={(query) => api.recentLogs(query)}
      settings={settings.value}
      settingsFailed={settings.failed}
      onReloadSettings={() => void reloadSettings()}
      onUpdateSettings={updateSettings}
      health={health.value}
      healthFailed={health.failed}
      onCheckHealth={checkHealth}
      onClose={onClose}
      returnFocusRef={returnFocusRef}
    />
  );
}

interface Loadable<T> {
  /** null while loading (the first time) or after a failure. */
  value: T | null;
  failed: boolean;
}

/**
 * Something Settings reads from the backend: `reload` asks again (what is shown stays until
 * the answer), resolving once it is in; only the newest answer counts, and none after unmount.
 */
function useLoadable<T>(load: () => Promise<T>): [Loadable<T>, () => Promise<void>, Dispatch<SetStateAction<Loadable<T>>>] {
  const [state, setState] = useState<Loadable<T>>({ value: null, failed: false });
  const request = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(
    () => () => {
      request.current += 1;
    },
    [],
  );
  const reload = useCallback(async () => {
    const current = ++request.current;
    setState((s) => (s.failed ? { value: null, failed: false } : s));
    try {
      const value = await loadRef.current();
      if (current === request.current) setState({ value, failed: false });
    } catch {
      if (current === request.current) setState({ value: null, failed: true });
    }
  }, []);
  return [state, reload, setState];
}

/** How long a message jumped to stays highlighted. */
const REVEAL_HIGHLIGHT_MS = 2000;

/**
 * Scrolls a message into view once it is on screen (its chat may still be loading) and
 * highlights it for a moment. Resolves false if it never appears.
 */
export async function revealMessage(messageId: string, within = 5000): Promise<boolean> {
  const deadline = Date.now() + within;
  // Since when the open chat has said the message is not in it (the chat shown at first may
  // still be the one before, or the version before a switch): 3 s of that is an answer.
  let absentSince: number | null = null;
  for (;;) {
    const selector = `[data-testid='message'][data-message-id='${CSS.escape(messageId)}']`;
    const element = document.querySelector<HTMLElement>(selector);
    if (element) {
      element.scrollIntoView({ block: "center" });
      highlightMessage(messageId, REVEAL_HIGHLIGHT_MS);
      return true;
    }
    // A long chat renders only the messages near the viewport: have it scroll to this one.
    const now = Date.now();
    absentSince = showMessage(messageId) ? null : (absentSince ?? now);
    if (now > deadline || (absentSince !== null && now - absentSince > 3_000)) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
