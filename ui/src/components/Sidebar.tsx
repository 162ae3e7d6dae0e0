import { useCallback, useEffect, useRef, useState, type Ref } from "react";
import type { UiError } from "../api";
import type { CreateSession } from "../bindings/CreateSession";
import type { ModelList } from "../bindings/ModelList";
import type { Session } from "../bindings/Session";
import { groupByWorkspace, groupSessions } from "../sessionList";
import { settingsShortcutLabel } from "../shortcuts";
import { useSidebarPrefs } from "../useSidebarPrefs";
import { ComposeIcon, FlameIcon, FolderIcon, GearIcon } from "./icons";
import { SessionRow } from "./SessionRow";
import { MessageSearch, type MessageSearchProps } from "./MessageSearch";
import { NewSessionPicker } from "./NewSessionPicker";
import { WorkspaceGroupSection } from "./WorkspaceGroupSection";

export interface SidebarProps {
  /** Sessions in display order (see compareSessions). */
  sessions: readonly Session[];
  selectedId: string | null;
  /** More pages can be loaded. */
  hasMore: boolean;
  /** A page is being loaded. */
  loading: boolean;
  /** The last page request failed: show a retry instead of loading automatically. */
  loadFailed: boolean;
  /** The first page has arrived (before that, an empty list is not "no chats"). */
  loaded: boolean;
  onNewSession(): void;
  /** The new-chat picker: a chat on a runtime, in a folder, with a model. */
  onNewSessionWith?(req: CreateSession): Promise<UiError | null>;
  models?: ModelList | null;
  onSelect(id: string): void;
  /** Called with a trimmed, valid title that differs from the current one. */
  onRename(id: string, title: string): void;
  onTogglePin(id: string, pinned: boolean): void;
  onDelete(id: string): void;
  /** Asks for the next page; called when the sentinel at the end of the list comes into view. */
  onLoadMore(): void;
  onOpenSettings(): void;
  /** The gear button, which takes focus back when Settings closes. */
  settingsButtonRef?: Ref<HTMLButtonElement>;
  search: MessageSearchProps["search"];
  onOpenHit: MessageSearchProps["onOpenHit"];
  searchInputRef?: Ref<HTMLInputElement>;
  /** Import a chat from an exported JSON file. */
  onImport(file: File): void;
}

/** How far below the visible end of the list the next page starts loading. */
const PREFETCH_MARGIN = "0px 0px 240px 0px";

export function Sidebar(props: SidebarProps) {
  const { sessions, selectedId, hasMore, loading, loadFailed, loaded } = props;
  const [editingId, setEditingId] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const onSearchActive = useCallback((active: boolean) => setSearching(active), []);
  const importRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);
  const prefs = useSidebarPrefs();

  // Keep the latest callback without re-creating the observer on every render.
  const onLoadMoreRef = useRef(props.onLoadMore);
  onLoadMoreRef.current = props.onLoadMore;

  const canLoadMore = hasMore && !loading && !loadFailed;

  // A fresh observer after every page: its first callback reports whether the
  // sentinel is still in view (a short page), which then loads the next one.
  useEffect(() => {
    const sentinel = sentinelRef.current;
    if (!canLoadMore || !sentinel || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) onLoadMoreRef.current();
      },
      { root: listRef.current, rootMargin: PREFETCH_MARGIN },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [canLoadMore, sessions.length]);

  // A row being renamed may disappear (deleted elsewhere): stop editing it.
  useEffect(() => {
    if (editingId !== null && !sessions.some((s) => s.id === editingId)) setEditingId(null);
  }, [sessions, editingId]);

  // Pinned chats stay on top either way; grouping by project splits the rest by folder.
  const { pinned, recent } = groupSessions(sessions);
  const projects = prefs.groupByWorkspace ? groupByWorkspace(recent) : null;

  const finishRename = (id: string, title: string | null) => {
    setEditingId((current) => (current === id ? null : current));
    if (title === null) return;
    const session = sessions.find((s) => s.id === id);
    if (session && session.title !== title) props.onRename(id, title);
  };

  const renderRows = (rows: Session[]) =>
    rows.map((session) => (
      <SessionRow
        key={session.id}
        session={session}
        selected={session.id === selectedId}
        editing={session.id === editingId}
        onSelect={props.onSelect}
        onStartRename={setEditingId}
        onFinishRename={finishRename}
        onTogglePin={props.onTogglePin}
        onDelete={props.onDelete}
      />
    ));

  return (
    <nav className="sidebar" data-testid="sidebar" aria-label="Chats">
      <div className="sidebar-header">
        <div className="sidebar-title-row">
          <div className="brand">
            <FlameIcon size={18} className="brand-mark" />
            <span>Hearth</span>
          </div>
          <button
            type="button"
            className="icon-button group-by-workspace"
            data-testid="group-by-workspace"
            aria-pressed={prefs.groupByWorkspace}
            aria-label="Group by project"
            title="Group chats by project folder"
            onClick={() => prefs.setGroupByWorkspace(!prefs.groupByWorkspace)}
          >
            <FolderIcon size={16} />
          </button>
        </div>
        <div className="new-session-bar">
        <button
          type="button"
          className="new-session"
          data-testid="new-session"
          aria-label="New chat"
          onClick={props.onNewSession}
        >
          <ComposeIcon size={16} />
          <span>New chat</span>
        </button>
        {props.onNewSessionWith && <NewSessionPicker models={props.models ?? null} onCreate={props.onNewSessionWith} />}
        </div>
      </div>

      <MessageSearch
        search={props.search}
        onOpenHit={props.onOpenHit}
        inputRef={props.searchInputRef}
        onActiveChange={onSearchActive}
      />

      <div className="session-list" data-testid="session-list" ref={listRef} hidden={searching}>
        {pinned.length > 0 && (
          <section className="session-group" aria-labelledby="group-pinned">
            <h2 className="group-header" id="group-pinned">
              Pinned
            </h2>
            <ul className="session-rows">{renderRows(pinned)}</ul>
          </section>
        )}
        {projects?.map((group) => (
          <WorkspaceGroupSection
            key={group.key}
            group={group}
            collapsed={prefs.collapsed.has(group.key)}
            current={group.sessions.some((s) => s.id === selectedId)}
            onToggle={prefs.toggleCollapsed}
          >
            {renderRows(group.sessions)}
          </WorkspaceGroupSection>
        ))}
        {!projects && recent.length > 0 && (
          <section className="session-group" aria-labelledby="group-recent">
            <h2 className="group-header" id="group-recent">
              Recent
            </h2>
            <ul className="session-rows">{renderRows(recent)}</ul>
          </section>
        )}

        {loaded && sessions.length === 0 && !hasMore && (
          <p className="session-list-empty">No chats yet. Start one with “New chat”.</p>
        )}
        {loading && (
          <div className="session-list-loading" role="status">
            <span className="spinner" aria-hidden="true" />
            <span>Loading chats…</span>
          </div>
        )}
        {loadFailed && (
          <div className="session-list-failed">
            <span>Couldn’t load chats.</span>
            <button type="button" className="link-button" data-testid="session-list-retry" onClick={props.onLoadMore}>
              Retry
            </button>
          </div>
        )}
        <div className="session-list-sentinel" data-testid="session-list-sentinel" ref={sentinelRef} aria-hidden="true" />
      </div>

      <div className="sidebar-footer">
        <button
          ref={props.settingsButtonRef}
          type="button"
          className="settings-open"
          data-testid="settings-open"
          aria-haspopup="dialog"
          aria-keyshortcuts="Control+Comma Meta+Comma"
          title={`Settings (${settingsShortcutLabel()})`}
          onClick={props.onOpenSettings}
        >
          <GearIcon size={16} />
          <span>Settings</span>
        </button>
        <button
          type="button"
          className="link-button import-chat"
          data-testid="import-chat"
          title="Import a chat from an exported JSON file"
          onClick={() => importRef.current?.click()}
        >
          Import…
        </button>
        <input
          ref={importRef}
          type="file"
          accept=".json,application/json"
          data-testid="import-file"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) props.onImport(file);
          }}
        />
      </div>
    </nav>
  );
}
