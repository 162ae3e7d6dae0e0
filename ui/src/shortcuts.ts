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
