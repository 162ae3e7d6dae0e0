import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { NewPreset } from "../bindings/NewPreset";
import type { Preset } from "../bindings/Preset";
import { AssistantPicker, type PresetSource } from "./AssistantPicker";

const preset = (name: string, prompt: string): Preset => ({ id: `id-${name}`, name, prompt, for_new_chats: false, created_at: 0, updated_at: 0 });

/** A preset store as the backend keeps one: by name, names unique whatever their case. */
function source(initial: Preset[]): PresetSource & { added: NewPreset[] } {
  const presets = [...initial];
  const added: NewPreset[] = [];
  return {
    added,
    list: vi.fn(() => Promise.resolve([...presets].sort((a, b) => a.name.localeCompare(b.name)))),
    add: vi.fn((p: NewPreset) => {
      if (presets.some((q) => q.name.toLowerCase() === p.name.trim().toLowerCase())) {
        return Promise.reject({ code: "INVALID_INPUT", message: `there is already a preset named "${p.name.trim()}"` });
      }
      added.push(p);
      const made = preset(p.name.trim(), p.prompt.trim());
      presets.push(made);
      return Promise.resolve(made);
    }),
  };
}

const PRESETS = [preset("Pirate", "Talk like a pirate."), preset("Brief", "Answer in one sentence.")];

describe("AssistantPicker", () => {
  it("names the chat's preset on its button, or says custom or none", async () => {
    const presets = source(PRESETS);
    const { rerender } = render(<AssistantPicker prompt="Talk like a pirate." presets={presets} onSave={vi.fn()} />);
    await waitFor(() => expect(screen.getByTestId("assistant-label").textContent).toBe("Pirate"));
    rerender(<AssistantPicker prompt="Be nice." presets={presets} onSave={vi.fn()} />);
    expect(screen.getByTestId("assistant-label").textContent).toBe("Custom instructions");
    rerender(<AssistantPicker prompt={null} presets={presets} onSave={vi.fn()} />);
    expect(screen.getByTestId("assistant-label").textContent).toBe("No instructions");
  });

  it("gives the chat a preset's instructions, and clears them with None", async () => {
    const user = userEvent.setup();
    const onSave = vi.fn(() => Promise.resolve(null));
    const { rerender } = render(<AssistantPicker prompt={null} presets={source(PRESETS)} onSave={onSave} />);
    await user.click(screen.getByTestId("assistant-button"));
    const options = await screen.findAllByTestId("assistant-preset");
    expect(options.map((o) => o.querySelector(".assistant-preset-name")?.textContent)).toEqual(["Brief", "Pirate"]);
    expect(screen.getByTestId("assistant-preset-none").getAttribute("aria-checked")).toBe("true");

    await user.click(options[1]!);
    expect(options[1]!.getAttribute("aria-checked")).toBe("true");
    expect((screen.getByTestId("assistant-prompt") as HTMLTextAreaElement).value).toBe("Talk like a pirate.");
    await user.click(screen.getByTestId("assistant-save"));
    expect(onSave).toHaveBeenCalledWith("Talk like a pirate.");
    expect(screen.queryByTestId("assistant-popover"), "closed once stored").toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("assistant-button"));

    rerender(<AssistantPicker prompt="Talk like a pirate." presets={source(PRESETS)} onSave={onSave} />);
    await user.click(screen.getByTestId("assistant-button"));
    await user.click(await screen.findByTestId("assistant-preset-none"));
    await user.click(screen.getByTestId("assistant-save"));
    expect(onSave).toHaveBeenLastCalledWith("");
  });

  it("keeps written instructions as a new preset, and says why a name is refused", async () => {
    const user = userEvent.setup();
    const presets = source(PRESETS);
    const onSave = vi.fn(() => Promise.resolve(null));
    render(<AssistantPicker prompt={null} presets={presets} onSave={onSave} />);
    await user.click(screen.getByTestId("assistant-button"));
    await screen.findAllByTestId("assistant-preset");
    await user.type(screen.getByTestId("assistant-prompt"), "Review code: bugs first.");
    expect(screen.getByTestId("assistant-preset-none").getAttribute("aria-checked")).toBe("false");

    await user.click(screen.getByTestId("assistant-keep"));
    expect(document.activeElement).toBe(screen.getByTestId("assistant-preset-name"));
    await user.keyboard("pirate{Enter}");
    expect(screen.getByTestId("assistant-error").dataset.errorCode).toBe("INVALID_INPUT");
    expect(screen.getByTestId("assistant-error").textContent).toContain("already a preset named");
    expect(presets.added).toEqual([]);

    await user.clear(screen.getByTestId("assistant-preset-name"));
    await user.type(screen.getByTestId("assistant-preset-name"), "Reviewer");
    await user.click(screen.getByTestId("assistant-preset-add"));
    expect(presets.added).toEqual([{ name: "Reviewer", prompt: "Review code: bugs first." }]);
    const reviewer = screen.getAllByTestId("assistant-preset").find((o) => o.textContent?.startsWith("Reviewer"));
    expect(reviewer?.getAttribute("aria-checked"), "the new preset is the one chosen").toBe("true");
    expect(onSave, "keeping a preset does not change the chat yet").not.toHaveBeenCalled();
    await user.click(screen.getByTestId("assistant-save"));
    expect(onSave).toHaveBeenCalledWith("Review code: bugs first.");
  });

  it("shows a refused save and stays open; Escape closes without saving", async () => {
    const user = userEvent.setup();
    const onSave = vi.fn(() => Promise.resolve({ code: "INVALID_INPUT" as const, message: "the system prompt is longer than 100000 characters" }));
    render(<AssistantPicker prompt={null} presets={source([])} onSave={onSave} />);
    await user.click(screen.getByTestId("assistant-button"));
    expect(await screen.findByTestId("assistant-no-presets")).toBeTruthy();
    await user.type(screen.getByTestId("assistant-prompt"), "Too long, pretend.");
    await user.click(screen.getByTestId("assistant-save"));
    expect(screen.getByTestId("assistant-error").textContent).toContain("longer than 100000");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("assistant-popover")).toBeNull();
    expect(onSave).toHaveBeenCalledTimes(1);
  });
});
