import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Preset } from "../bindings/Preset";
import { PresetsSettings, type PresetsSettingsProps } from "./PresetsSettings";

const PRESETS: Preset[] = [
  { id: "p1", name: "Brief", prompt: "Answer in one sentence.\nNever use lists.", for_new_chats: false, created_at: 0, updated_at: 0 },
  { id: "p2", name: "Pirate", prompt: "Talk like a pirate.", for_new_chats: true, created_at: 0, updated_at: 0 },
];

function renderPresets(overrides: Partial<PresetsSettingsProps> = {}) {
  const props: PresetsSettingsProps = {
    presets: PRESETS,
    failed: false,
    onReload: vi.fn(),
    onAdd: vi.fn(() => Promise.resolve(null)),
    onUpdate: vi.fn(() => Promise.resolve(null)),
    onRemove: vi.fn(() => Promise.resolve(null)),
    ...overrides,
  };
  render(<PresetsSettings {...props} />);
  return props;
}

describe("PresetsSettings", () => {
  it("marks the preset new chats start with, and changes which one", async () => {
    const user = userEvent.setup();
    const props = renderPresets();
    const [brief, pirate] = screen.getAllByTestId("preset-item");
    expect(within(pirate!).getByTestId("preset-for-new-chats").textContent).toBe("New chats");
    expect(within(brief!).queryByTestId("preset-for-new-chats")).toBeNull();
    await user.click(within(brief!).getByTestId("preset-new-chats-toggle"));
    expect(props.onUpdate).toHaveBeenLastCalledWith("p1", { for_new_chats: true });
    await user.click(within(pirate!).getByTestId("preset-new-chats-toggle"));
    expect(props.onUpdate).toHaveBeenLastCalledWith("p2", { for_new_chats: false });
  });

  it("lists presets by name with their first line, and explains presets when there are none", () => {
    renderPresets();
    const rows = screen.getAllByTestId("preset-item");
    expect(rows.map((r) => within(r).getByTestId("preset-name").textContent)).toEqual(["Brief", "Pirate"]);
    expect(within(rows[0]!).getByTestId("preset-prompt").textContent).toBe("Answer in one sentence.");
  });

  it("says what presets are when there are none, and retries a failed load", async () => {
    const user = userEvent.setup();
    const { onReload } = renderPresets({ presets: [] });
    expect(screen.getByTestId("presets-list").textContent).toContain("No presets yet");
    document.body.innerHTML = "";
    renderPresets({ presets: null, failed: true, onReload });
    await user.click(screen.getByTestId("presets-retry"));
    expect(onReload).toHaveBeenCalled();
  });

  it("adds a preset, refusing an empty one before asking the backend, and shows the backend's refusal", async () => {
    const user = userEvent.setup();
    const onAdd = vi
      .fn()
      .mockResolvedValueOnce({ code: "INVALID_INPUT", message: 'there is already a preset named "Brief"' })
      .mockResolvedValueOnce(null);
    renderPresets({ onAdd });
    await user.click(screen.getByTestId("preset-add-submit"));
    expect(screen.getByTestId("preset-add-error").textContent).toContain("needs a name and instructions");
    expect(onAdd).not.toHaveBeenCalled();

    await user.type(screen.getByTestId("preset-add-name"), "brief");
    await user.type(screen.getByTestId("preset-add-prompt"), "Short answers.");
    await user.click(screen.getByTestId("preset-add-submit"));
    expect(screen.getByTestId("preset-add-error").dataset.errorCode).toBe("INVALID_INPUT");
    expect((screen.getByTestId("preset-add-name") as HTMLInputElement).value, "kept to fix").toBe("brief");

    await user.clear(screen.getByTestId("preset-add-name"));
    await user.type(screen.getByTestId("preset-add-name"), "Short");
    await user.click(screen.getByTestId("preset-add-submit"));
    expect(onAdd).toHaveBeenLastCalledWith({ name: "Short", prompt: "Short answers." });
    expect((screen.getByTestId("preset-add-name") as HTMLInputElement).value, "cleared once added").toBe("");
  });

  it("edits a preset in place, sending only what changed, and deletes one", async () => {
    const user = userEvent.setup();
    const props = renderPresets();
    const pirate = screen.getAllByTestId("preset-item")[1]!;
    await user.click(within(pirate).getByTestId("preset-edit-open"));
    const prompt = screen.getByTestId("preset-edit-prompt");
    await user.clear(prompt);
    await user.type(prompt, "Talk like a poet.");
    await user.click(screen.getByTestId("preset-edit-submit"));
    expect(props.onUpdate).toHaveBeenCalledWith("p2", { prompt: "Talk like a poet." });
    expect(screen.queryByTestId("preset-edit-form"), "back to the row").toBeNull();

    await user.click(within(screen.getAllByTestId("preset-item")[1]!).getByTestId("preset-edit-open"));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("preset-edit-form")).toBeNull();

    await user.click(within(screen.getAllByTestId("preset-item")[0]!).getByTestId("preset-remove"));
    expect(props.onRemove).toHaveBeenCalledWith("p1");
  });
});
