import { useEffect, useRef } from "react";
import { isNewChatShortcut, isSearchShortcut, isSettingsShortcut, isShortcutsHelp } from "./shortcuts";

export interface ShortcutHandlers {
  onNewChat(): void;
  onShortcutsHelp(): void;
  onSearch(): void;
  onSettings(): void;
}

/** The window's keyboard shortcuts (see shortcuts.ts). Registered once; they call the latest handlers. */
export function useKeyboardShortcuts(handlers: ShortcutHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const on = latest.current;
      if (isNewChatShortcut(e)) {
        e.preventDefault();
        on.onNewChat();
        return;
      }
      if (isShortcutsHelp(e)) {
        e.preventDefault();
        on.onShortcutsHelp();
        return;
      }
      if (isSearchShortcut(e)) {
        e.preventDefault();
        on.onSearch();
        return;
      }
      if (!isSettingsShortcut(e)) return;
      e.preventDefault();
      on.onSettings();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
