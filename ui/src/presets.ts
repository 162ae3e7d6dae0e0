// Assistant presets: what the chat header shows for a chat's instructions. Pure, so it is
// tested without rendering. A chat takes a preset's prompt as its own system prompt (the
// backend keeps no link to the preset), so the preset a chat uses is the one with its prompt.
import type { Preset } from "./bindings/Preset";

/** The preset whose prompt a chat's instructions are (the same text, edges aside), if any. */
export function presetOf(prompt: string | null, presets: readonly Preset[]): Preset | null {
  const text = prompt?.trim() ?? "";
  if (text === "") return null;
  return presets.find((p) => p.prompt === text) ?? null;
}

/** The header button's label: the preset's name, "Custom instructions" or "No instructions". */
export function instructionsLabel(prompt: string | null, presets: readonly Preset[] | null): string {
  if ((prompt?.trim() ?? "") === "") return "No instructions";
  return presetOf(prompt, presets ?? [])?.name ?? "Custom instructions";
}

/** The first line of a prompt, for a one-line description. */
export function firstLine(prompt: string, max = 90): string {
  const line = prompt.trim().split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
