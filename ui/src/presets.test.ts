import { describe, expect, it } from "vitest";
import type { Preset } from "./bindings/Preset";
import { firstLine, instructionsLabel, presetOf } from "./presets";

const preset = (name: string, prompt: string): Preset => ({ id: name, name, prompt, for_new_chats: false, created_at: 0, updated_at: 0 });
const PRESETS = [preset("Pirate", "Talk like a pirate."), preset("Brief", "Answer in one sentence.\nNo lists.")];

describe("presets", () => {
  it("finds the preset a chat's instructions are, edges aside", () => {
    expect(presetOf("Talk like a pirate.", PRESETS)?.name).toBe("Pirate");
    expect(presetOf("\nAnswer in one sentence.\nNo lists.  ", PRESETS)?.name).toBe("Brief");
    expect(presetOf("Talk like a pirate!", PRESETS)).toBeNull();
    expect(presetOf(null, PRESETS)).toBeNull();
    expect(presetOf("  ", [preset("Blank", "  ")])).toBeNull();
  });

  it("labels the chat's instructions by their preset, as custom, or as none", () => {
    expect(instructionsLabel("Talk like a pirate.", PRESETS)).toBe("Pirate");
    expect(instructionsLabel("Be kind.", PRESETS)).toBe("Custom instructions");
    expect(instructionsLabel("Be kind.", null)).toBe("Custom instructions");
    expect(instructionsLabel(null, PRESETS)).toBe("No instructions");
    expect(instructionsLabel(" \n", PRESETS)).toBe("No instructions");
  });

  it("describes a prompt by its first line, shortened", () => {
    expect(firstLine("\n  One.\nTwo.")).toBe("One.");
    expect(firstLine("x".repeat(100), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
