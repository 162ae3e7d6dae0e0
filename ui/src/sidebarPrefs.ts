// How the sidebar shows the chat list: whether it groups by project, and which groups are
// folded. This window's view, not a setting the backend stores, so it is kept in the webview's
// localStorage (it survives a reload and a restart). A storage that is missing, full or holds
// something unreadable is the same as an empty one: the defaults, never an error.

/** What the prefs are read from and written to (localStorage; a Map-backed stand-in in tests). */
export type PrefStorage = Pick<Storage, "getItem" | "setItem">;

const GROUPED_KEY = "hearth.sidebar.groupByWorkspace";
const COLLAPSED_KEY = "hearth.sidebar.collapsedWorkspaces";

function webviewStorage(): PrefStorage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // The webview refused access to it.
  }
}

function read(storage: PrefStorage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(storage: PrefStorage | null, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Full or refused: the view still changes, it is just not remembered.
  }
}

/** Whether the chats are grouped by workspace folder (off until turned on). */
export function readGroupByWorkspace(storage = webviewStorage()): boolean {
  return read(storage, GROUPED_KEY) === "true";
}

export function writeGroupByWorkspace(on: boolean, storage = webviewStorage()): void {
  write(storage, GROUPED_KEY, String(on));
}

/** The keys (folder paths, see `WorkspaceGroup.key`) of the folded groups. */
export function readCollapsedWorkspaces(storage = webviewStorage()): Set<string> {
  const raw = read(storage, COLLAPSED_KEY);
  if (raw === null) return new Set();
  try {
    const parsed: unknown = JSON.parse(raw);
    return new Set(Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === "string") : []);
  } catch {
    return new Set();
  }
}

export function writeCollapsedWorkspaces(keys: ReadonlySet<string>, storage = webviewStorage()): void {
  write(storage, COLLAPSED_KEY, JSON.stringify([...keys]));
}
