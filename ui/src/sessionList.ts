// Pure state of the sidebar's session list: no React, no IPC.
//
// The list is always kept in the backend's order:
//   pinned desc, COALESCE(last_message_at, created_at) desc, id desc
// so that pages fetched by cursor, sessions created or changed locally, and
// sessions restored after a delete all land where the backend would put them.
import type { Session } from "./bindings/Session";
import type { SessionPage } from "./bindings/SessionPage";

export interface SessionListState {
  /** Loaded sessions, sorted with `compareSessions`, each id at most once. */
  sessions: Session[];
  /** Cursor for the next page; null before the first page and after the last. */
  nextCursor: string | null;
  /** False once the backend said there is no next page. */
  hasMore: boolean;
  loading: boolean;
  /** The last page request failed; automatic loading stops until a retry. */
  loadFailed: boolean;
  /** The first page has arrived. */
  loaded: boolean;
  /**
   * Ids deleted in this UI. A page requested before the delete landed may still
   * contain them; they must not come back until restored.
   */
  removed: ReadonlySet<string>;
}

export type SessionListAction =
  | { type: "loadStarted" }
  | { type: "pageLoaded"; page: SessionPage }
  | { type: "loadFailed" }
  /** A session created or changed (rename, pin…). `force` skips the staleness check (used to roll back). */
  | { type: "upserted"; session: Session; force?: boolean }
  | { type: "removed"; id: string }
  | { type: "restored"; session: Session };

export const initialSessionListState: SessionListState = {
  sessions: [],
  nextCursor: null,
  hasMore: true,
  loading: false,
  loadFailed: false,
  loaded: false,
  removed: new Set(),
};

/** The time a session sorts by: its last message, or its creation if it has none. */
export function activityAt(session: Session): number {
  return session.last_message_at ?? session.created_at;
}

/** Backend order: pinned first, then most recent activity, then id descending (plain string comparison). */
export function compareSessions(a: Session, b: Session): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  const byActivity = activityAt(b) - activityAt(a);
  if (byActivity !== 0) return byActivity;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

/**
 * Merges `incoming` into `existing` (already deduped), keyed by id. When both
 * hold the same id, the copy with the later `updated_at` wins (ties go to the
 * incoming one), unless `force` is set. Deleted sessions and ids in `removed`
 * are dropped. The result is sorted.
 */
export function mergeSessions(
  existing: readonly Session[],
  incoming: readonly Session[],
  removed: ReadonlySet<string>,
  force = false,
): Session[] {
  const byId = new Map<string, Session>();
  for (const s of existing) byId.set(s.id, s);
  for (const s of incoming) {
    if (removed.has(s.id)) continue;
    if (s.deleted_at !== null) {
      byId.delete(s.id);
      continue;
    }
    const current = byId.get(s.id);
    if (!current || force || s.updated_at >= current.updated_at) byId.set(s.id, s);
  }
  return [...byId.values()].sort(compareSessions);
}

function withoutId(set: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (!set.has(id)) return set;
  const next = new Set(set);
  next.delete(id);
  return next;
}

export function sessionListReducer(state: SessionListState, action: SessionListAction): SessionListState {
  switch (action.type) {
    case "loadStarted":
      return { ...state, loading: true, loadFailed: false };
    case "pageLoaded": {
      const { sessions, next_cursor } = action.page;
      return {
        ...state,
        sessions: mergeSessions(state.sessions, sessions, state.removed),
        nextCursor: next_cursor,
        hasMore: next_cursor !== null,
        loading: false,
        loadFailed: false,
        loaded: true,
      };
    }
    case "loadFailed":
      return { ...state, loading: false, loadFailed: true };
    case "upserted":
      if (state.removed.has(action.session.id)) return state;
      return { ...state, sessions: mergeSessions(state.sessions, [action.session], state.removed, action.force) };
    case "removed": {
      const removed = new Set(state.removed);
      removed.add(action.id);
      return { ...state, sessions: state.sessions.filter((s) => s.id !== action.id), removed };
    }
    case "restored": {
      const removed = withoutId(state.removed, action.session.id);
      const restored = { ...action.session, deleted_at: null };
      return { ...state, sessions: mergeSessions(state.sessions, [restored], removed, true), removed };
    }
  }
}

/** Splits the (sorted) list into the sidebar's groups. */
export function groupSessions(sessions: readonly Session[]): { pinned: Session[]; recent: Session[] } {
  const pinned: Session[] = [];
  const recent: Session[] = [];
  for (const s of sessions) (s.pinned ? pinned : recent).push(s);
  return { pinned, recent };
}

/** The chats of one workspace folder, as the sidebar shows them when grouping by project. */
export interface WorkspaceGroup {
  /** The folder (trailing slashes dropped), or `NO_FOLDER` for the chats without one. What collapsing remembers. */
  key: string;
  /** The folder, or null for the chats without one. */
  path: string | null;
  /** The folder's last segment ("No folder" for the chats without one). */
  name: string;
  /**
   * The parent folders written before `name` when another group's folder has the same name
   * ("work/" for /home/me/work/app beside /home/me/play/app); "" when the name alone is enough.
   */
  parent: string;
  /** In the order they came in. */
  sessions: Session[];
}

/** The key of the group of chats without a folder (no real folder is ""). */
export const NO_FOLDER = "";

function trimTrailingSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

const segmentsOf = (path: string) => path.split("/").filter((s) => s !== "");

function endsWith(segments: readonly string[], tail: readonly string[]): boolean {
  if (tail.length > segments.length) return false;
  const offset = segments.length - tail.length;
  return tail.every((s, i) => segments[offset + i] === s);
}

/**
 * The shortest tail of `path` (at least its last segment) that no other of `paths` ends with,
 * split into `parent` and `name`; the whole path when another one ends with all of it
 * (/app beside /x/app). Two distinct paths never get the same label.
 */
function workspaceLabel(path: string, paths: readonly string[]): { name: string; parent: string } {
  const segments = segmentsOf(path);
  const name = segments.at(-1);
  if (name === undefined) return { name: "/", parent: "" };
  const others = paths.filter((p) => p !== path).map(segmentsOf);
  for (let k = 1; k <= segments.length; k++) {
    const tail = segments.slice(-k);
    if (!others.some((o) => endsWith(o, tail))) {
      return { name, parent: tail.slice(0, -1).map((s) => `${s}/`).join("") };
    }
  }
  return { name, parent: path.slice(0, path.length - name.length) };
}

/**
 * Groups `sessions` by workspace folder. Folders come in order of their most recent chat's
 * activity (ties: the one whose first chat comes first); the chats without a folder come last.
 * Inside a group the chats keep the order they came in.
 */
export function groupByWorkspace(sessions: readonly Session[]): WorkspaceGroup[] {
  const folders = new Map<string, { sessions: Session[]; latest: number; first: number }>();
  const noFolder: Session[] = [];
  sessions.forEach((s, index) => {
    if (s.workspace === null || s.workspace === "") {
      noFolder.push(s);
      return;
    }
    const path = trimTrailingSlashes(s.workspace);
    const folder = folders.get(path);
    if (folder) {
      folder.sessions.push(s);
      folder.latest = Math.max(folder.latest, activityAt(s));
    } else {
      folders.set(path, { sessions: [s], latest: activityAt(s), first: index });
    }
  });
  const paths = [...folders.keys()];
  const groups: WorkspaceGroup[] = [...folders.entries()]
    .sort(([, a], [, b]) => b.latest - a.latest || a.first - b.first)
    .map(([path, folder]) => ({ key: path, path, ...workspaceLabel(path, paths), sessions: folder.sessions }));
  if (noFolder.length > 0) groups.push({ key: NO_FOLDER, path: null, name: "No folder", parent: "", sessions: noFolder });
  return groups;
}
