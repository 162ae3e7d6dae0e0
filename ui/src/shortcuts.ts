// Keyboard shortcuts that work anywhere in the window. Pure, so they are tested without rendering.

type KeyInfo = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">;

/** Ctrl+, (Cmd+, on macOS) opens Settings, as in most desktop apps. */
export function isSettingsShortcut(e: KeyInfo): boolean {
  return e.key === "," && (e.ctrlKey || e.metaKey) && !e.altKey;
}

/** How the Settings shortcut is written on this platform. */
export function settingsShortcutLabel(platform: string = typeof navigator === "undefined" ? "" : navigator.userAgent): string {
  return /Mac|iPhone|iPad/.test(platform) ? "⌘," : "Ctrl+,";
}

/** Ctrl+K (Cmd+K on macOS) goes to the search over all chats. */
export function isSearchShortcut(e: KeyInfo): boolean {
  return e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey) && !e.altKey;
}

/** Ctrl+N (Cmd+N) starts a new chat. */
export function isNewChatShortcut(e: KeyInfo): boolean {
  return e.key.toLowerCase() === "n" && (e.ctrlKey || e.metaKey) && !e.altKey;
}

/** Ctrl+/ (Cmd+/) shows the list of shortcuts. */
export function isShortcutsHelp(e: KeyInfo): boolean {
  return e.key === "/" && (e.ctrlKey || e.metaKey) && !e.altKey;
}

/** Every keyboard shortcut, as the cheat sheet lists them (`Mod` is Ctrl, or ⌘ on macOS). */
export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: "Mod+N", what: "New chat" },
  { keys: "Mod+K", what: "Search all chats" },
  { keys: "↑ / ↓", what: "Move between search results" },
  { keys: "Esc", what: "Clear the search" },
  { keys: "Enter", what: "Send (while a reply runs, it waits in the queue)" },
  { keys: "Shift+Enter", what: "New line in the message" },
  { keys: "Esc", what: "Stop the reply (in an empty composer)" },
  { keys: "Mod+Enter", what: "Steer the running reply with what you typed" },
  { keys: "↑", what: "Edit your last message (in an empty composer)" },
  { keys: "F2", what: "Rename the selected chat" },
  { keys: "Mod+,", what: "Settings" },
  { keys: "Mod+/", what: "This list" },
];

/** `keys` as written on this platform. */
export function shortcutLabel(keys: string, platform: string = typeof navigator === "undefined" ? "" : navigator.userAgent): string {
  return keys.replace("Mod+", /Mac|iPhone|iPad/.test(platform) ? "⌘" : "Ctrl+");
}
