import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { SHORTCUTS } from "../shortcuts";
import { ShortcutsDialog } from "./ShortcutsDialog";

describe("ShortcutsDialog", () => {
  it("lists every shortcut and closes on Escape", async () => {
    const onClose = vi.fn();
    const user = userEvent.setup();
    render(<ShortcutsDialog onClose={onClose} />);
    const rows = screen.getAllByTestId("shortcut-row");
    expect(rows).toHaveLength(SHORTCUTS.length);
    expect(rows.map((r) => r.textContent)).toContain("Ctrl+KSearch all chats");
    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalled();
  });
});
