import { describe, expect, it } from "vitest";
import { SHORTCUTS, isNewChatShortcut, isSettingsShortcut, isShortcutsHelp, settingsShortcutLabel, shortcutLabel } from "./shortcuts";

const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; alt?: boolean } = {}) => ({
  key: k,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  altKey: mods.alt ?? false,
});

describe("isSettingsShortcut", () => {
  it("is Ctrl+, or Cmd+,", () => {
    expect(isSettingsShortcut(key(",", { ctrl: true }))).toBe(true);
    expect(isSettingsShortcut(key(",", { meta: true }))).toBe(true);
  });

  it("is not a plain comma, another key, or Alt+Ctrl+,", () => {
    expect(isSettingsShortcut(key(",")), "typing a comma").toBe(false);
    expect(isSettingsShortcut(key(".", { ctrl: true }))).toBe(false);
    expect(isSettingsShortcut(key(",", { ctrl: true, alt: true }))).toBe(false);
  });
});

describe("settingsShortcutLabel", () => {
  it("says ⌘, on macOS and Ctrl+, elsewhere", () => {
    expect(settingsShortcutLabel("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15")).toBe("⌘,");
    expect(settingsShortcutLabel("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/126.0")).toBe("Ctrl+,");
    expect(settingsShortcutLabel("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15")).toBe("Ctrl+,");
  });
});

describe("the cheat sheet's shortcuts", () => {
  it("Ctrl/Cmd+N is a new chat and Ctrl/Cmd+/ the list, without Alt", () => {
    expect(isNewChatShortcut(key("n", { ctrl: true }))).toBe(true);
    expect(isNewChatShortcut(key("N", { meta: true }))).toBe(true);
    expect(isNewChatShortcut(key("n"))).toBe(false);
    expect(isNewChatShortcut(key("n", { ctrl: true, alt: true }))).toBe(false);
    expect(isShortcutsHelp(key("/", { ctrl: true }))).toBe(true);
    expect(isShortcutsHelp(key("/"))).toBe(false);
  });

  it("writes Mod as Ctrl, or ⌘ on macOS, and lists every global shortcut", () => {
    expect(shortcutLabel("Mod+K", "X11; Linux x86_64")).toBe("Ctrl+K");
    expect(shortcutLabel("Mod+K", "Macintosh; Intel Mac OS X")).toBe("⌘K");
    const listed = SHORTCUTS.map((s) => s.keys);
    for (const keys of ["Mod+N", "Mod+K", "Mod+,", "Mod+/"]) expect(listed).toContain(keys);
  });
});
